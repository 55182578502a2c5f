"""The client against a local stub: the requests it builds, how it pages, how errors surface."""

import pytest

import simstream
from simstream import (BadRequestError, ConflictError, MissingIdsError, NotFoundError, Prompt,
                       SimstreamError, UnauthorizedError, UnavailableError)

RUNS = "/v1/datasets/cars/similarity"


def run_json(brain_key="clip", **extra):
    body = {"id": "r-1", "dataset": "cars", "brainKey": brain_key, "indexName": f"simstream-cars-{brain_key}",
            "model": "precomputed", "metric": "cosine", "dims": 3, "indexOptions": "int8_hnsw",
            "supportsPrompts": False, "createdAt": "2026-11-29T19:53:30Z"}
    body.update(extra)
    return body


def search_json(hits):
    return {"dataset": "cars", "brainKey": "clip", "metric": "cosine", "k": len(hits), "reverse": False,
            "method": "knn", "hits": hits}


def test_the_token_goes_in_a_bearer_header(stub):
    stub.answer("GET", "/v1/datasets", {"datasets": []})
    stub.answer("GET", "/v1/datasets", {"datasets": []})
    simstream.Client(stub.url, token="s3cret").list_datasets()
    simstream.Client(stub.url + "/").list_datasets()
    assert stub.requests[0].headers["Authorization"] == "Bearer s3cret"
    assert "Authorization" not in stub.requests[1].headers
    assert stub.requests[1].path == "/v1/datasets"


def test_datasets_are_registered_and_listed(stub):
    stub.answer("POST", "/v1/datasets", {"name": "cars", "createdAt": "2026-11-29T19:53:28Z"}, status=201)
    stub.answer("GET", "/v1/datasets", {"datasets": [{"name": "boats", "createdAt": "x"},
                                                     {"name": "cars", "createdAt": "y"}]})
    client = simstream.Client(stub.url)
    ds = client.create_dataset("cars")
    assert ds.name == "cars"
    assert stub.requests[0].body == {"name": "cars"}
    assert client.list_datasets() == ["boats", "cars"]


def test_sort_by_similarity_sends_one_query_and_only_the_options_given(stub):
    stub.answer("POST", RUNS + "/clip/sort-by-similarity", search_json([
        {"id": "a", "sampleId": "a", "distance": 0.0},
        {"id": "p7", "sampleId": "b", "labelId": "p7", "distance": 0.25}]))
    stub.answer("POST", RUNS + "/clip/sort-by-similarity", search_json([]))
    ds = simstream.Client(stub.url).dataset("cars")

    results = ds.sort_by_similarity("a", k=2, reverse=True, brain_key="clip",
                                    restrict_ids=(i for i in ["a", "b"]), restrict_label_ids={"p7"})
    ds.sort_by_similarity([[1, 0, 0], [0, 1, 0]], brain_key="clip")

    assert stub.requests[0].body == {"id": "a", "k": 2, "reverse": True, "restrictIds": ["a", "b"],
                                     "restrictLabelIds": ["p7"]}
    assert stub.requests[1].body == {"vectors": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]}
    assert results.ids == ["a", "p7"]
    assert results.sample_ids == ["a", "b"]
    assert results.distances == [0.0, 0.25]
    assert [hit.label_id for hit in results] == [None, "p7"]
    assert len(results) == 2 and results.method == "knn" and results.metric == "cosine"


def test_names_are_quoted_as_one_path_segment(stub):
    stub.answer("GET", "/v1/datasets/my%20set/similarity/a%2Fb/size", {"size": 7, "indexExists": True})
    assert simstream.Client(stub.url).dataset("my set").size("a/b") == 7


def test_without_brain_key_the_datasets_only_run_is_used(stub):
    stub.answer("GET", "/v1/similarity", {"runs": [run_json("only")]})
    stub.answer("POST", RUNS + "/only/sort-by-similarity", search_json([]))
    simstream.Client(stub.url).dataset("cars").sort_by_similarity([0.1, 0.2, 0.3])
    assert stub.requests[0].query == {"dataset": ["cars"]}
    assert stub.requests[1].path == RUNS + "/only/sort-by-similarity"
    assert stub.requests[1].body == {"vector": [0.1, 0.2, 0.3]}


def test_a_prompt_without_brain_key_looks_for_the_run_that_supports_prompts(stub):
    stub.answer("GET", "/v1/similarity", {"runs": [run_json("clip", supportsPrompts=True)]})
    stub.answer("POST", RUNS + "/clip/sort-by-similarity", search_json([]))
    simstream.Client(stub.url).dataset("cars").sort_by_similarity(Prompt("a red car"), k=3)
    assert stub.requests[0].query == {"dataset": ["cars"], "supportsPrompts": ["true"]}
    assert stub.requests[1].body == {"text": "a red car", "k": 3}


def test_without_brain_key_several_or_no_runs_are_an_error_naming_them(stub):
    stub.answer("GET", "/v1/similarity", {"runs": [run_json("a"), run_json("b")]})
    stub.answer("GET", "/v1/similarity", {"runs": []})
    ds = simstream.Client(stub.url).dataset("cars")
    with pytest.raises(ValueError, match=r"more than one similarity run \(a, b\): pass brain_key"):
        ds.sort_by_similarity("x")
    with pytest.raises(ValueError, match="has no similarity run"):
        ds.size()


def test_get_embeddings_follows_page_tokens_with_the_same_page_size(stub):
    path = RUNS + "/clip/embeddings"
    stub.answer("POST", path, {"embeddings": [{"id": "a", "sampleId": "a", "vector": [1, 0]},
                                              {"id": "b", "sampleId": "b", "vector": [0, 1]}],
                               "nextPageToken": "t1"})
    stub.answer("POST", path, {"embeddings": [{"id": "c", "sampleId": "c", "vector": [1, 1]}],
                               "nextPageToken": "t2"})
    stub.answer("POST", path, {"embeddings": []})
    embeddings = simstream.Client(stub.url).dataset("cars").get_embeddings(brain_key="clip", page_size=2)

    assert stub.requests == []  # nothing is fetched before the iterator is read
    assert [(e.id, e.vector) for e in embeddings] == [("a", [1, 0]), ("b", [0, 1]), ("c", [1, 1])]
    assert [r.body for r in stub.requests] == [{"pageSize": 2}, {"pageSize": 2, "pageToken": "t1"},
                                               {"pageSize": 2, "pageToken": "t2"}]


def test_get_embeddings_of_ids_reports_missing_ids_when_asked(stub):
    path = RUNS + "/patches/embeddings"
    page = {"embeddings": [{"id": "p1", "sampleId": "s1", "labelId": "p1", "vector": [0.5]}],
            "missingIds": ["s404"]}
    stub.answer("POST", path, page)
    stub.answer("POST", path, page)
    ds = simstream.Client(stub.url).dataset("cars")

    found = list(ds.get_embeddings(sample_ids=["s1", "s404"], brain_key="patches"))
    assert [(e.id, e.sample_id, e.label_id) for e in found] == [("p1", "s1", "p1")]
    assert stub.requests[0].body == {"sampleIds": ["s1", "s404"]}
    # Raised by the call itself, as the README shows it, not only once the result is read.
    with pytest.raises(MissingIdsError) as error:
        ds.get_embeddings(label_ids="p1", brain_key="patches", allow_missing=False)
    assert error.value.missing_ids == ["s404"]
    assert stub.requests[1].body == {"labelIds": ["p1"]}
    with pytest.raises(ValueError, match="not both"):
        ds.get_embeddings(ids=["a"], label_ids=["b"], brain_key="patches")


def test_one_id_given_as_a_string_is_one_id_not_its_characters(stub):
    stub.answer("POST", RUNS + "/clip/embeddings", {"embeddings": [], "missingIds": ["s1"]})
    stub.answer("POST", RUNS + "/clip/sort-by-similarity", search_json([]))
    ds = simstream.Client(stub.url).dataset("cars")

    ds.get_embeddings(ids="s1", brain_key="clip")
    ds.sort_by_similarity([1.0, 0.0], brain_key="clip", restrict_ids="s1")
    assert stub.requests[0].body == {"sampleIds": ["s1"]}
    assert stub.requests[1].body["restrictIds"] == ["s1"]


def test_a_run_deleted_with_cleanup_goes_with_its_index_in_one_request(stub):
    stub.answer("DELETE", RUNS + "/clip", {"indexName": "simstream-cars-clip", "deleted": False})
    ds = simstream.Client(stub.url).dataset("cars")

    existed = ds.delete_run("clip", cleanup=True)

    assert existed is False
    assert len(stub.requests) == 1
    assert stub.requests[0].query == {"cleanup": ["true"]}


def test_run_management_calls_the_api_routes(stub):
    stub.answer("POST", RUNS, {"run": run_json("clip", shards=2), "indexCreated": True}, status=201)
    stub.answer("GET", RUNS + "/clip", run_json("clip", indexExists=True, indexSize=12))
    stub.answer("PATCH", RUNS + "/clip", run_json("clip2", embeddingsKey="clip"))
    stub.answer("POST", RUNS + "/clip2/cleanup", {"indexName": "simstream-cars-clip", "deleted": True})
    stub.answer("DELETE", RUNS + "/clip2", status=204)
    stub.answer("GET", "/v1/similarity", {"runs": [run_json("clip2", patchesField="detections")]})
    ds = simstream.Client(stub.url).dataset("cars")

    created = ds.create_run("clip", dims=3, metric="euclidean", shards=2)
    info = ds.get_run_info("clip")
    renamed = ds.rename_run("clip", "clip2")
    deleted_index = ds.cleanup("clip2")
    nothing = ds.delete_run("clip2")
    listed = ds.list_runs(patches_field="detections", supports_prompts=False)

    assert stub.requests[0].body == {"brainKey": "clip", "dims": 3, "metric": "euclidean", "shards": 2}
    assert created.index_created is True and created.brain_key == "clip" and created.dims == 3
    assert (created.shards, created.replicas) == (2, None)
    assert (info.index_exists, info.index_size, info.index_name) == (True, 12, "simstream-cars-clip")
    assert stub.requests[2].body == {"brainKey": "clip2"}
    assert renamed.brain_key == "clip2" and renamed.embeddings_key == "clip"
    assert deleted_index is True
    assert nothing is None
    assert stub.requests[5].query == {"dataset": ["cars"], "patchesField": ["detections"],
                                      "supportsPrompts": ["false"]}
    assert [run.patches_field for run in listed] == ["detections"]


@pytest.mark.parametrize("status, error_class", [
    (400, BadRequestError), (401, UnauthorizedError), (404, NotFoundError), (409, ConflictError),
    (503, UnavailableError), (502, SimstreamError)])
def test_api_errors_raise_a_typed_exception_with_status_and_message(stub, status, error_class):
    stub.answer("GET", RUNS + "/clip", {"error": f"the message of {status}", "status": status},
                status=status, headers={"Retry-After": "5"} if status == 503 else None)
    with pytest.raises(error_class) as raised:
        simstream.Client(stub.url).dataset("cars").get_run_info("clip")
    error = raised.value
    assert isinstance(error, SimstreamError)
    assert (error.status, error.message, error.method) == (status, f"the message of {status}", "GET")
    assert error.body == {"error": f"the message of {status}", "status": status}
    assert error.retry_after == (5.0 if status == 503 else None)
    assert f"answered {status}: the message of {status}" in str(error)


def test_an_error_that_is_not_the_apis_json_keeps_the_start_of_the_body(stub):
    stub.answer("GET", RUNS + "/clip/size", raw=b"<html>bad gateway</html>", status=502,
                headers={"Content-Type": "text/html"})
    with pytest.raises(SimstreamError) as raised:
        simstream.Client(stub.url).dataset("cars").size("clip")
    assert raised.value.status == 502
    assert raised.value.message == "<html>bad gateway</html>"
    assert raised.value.body is None
