"""The client against a running simstream stack (PythonClientIT in the demo module starts one).

The stack's address and a dataset of known vectors come in SIMSTREAM_PYTEST_* variables; without
them these tests are skipped.
"""

import importlib
import json
import math
import os
import time
import uuid

import pytest

import simstream
from simstream import BadRequestError, ConflictError, MissingIdsError, NotFoundError, Prompt

API_URL = os.environ.get("SIMSTREAM_PYTEST_API_URL")
pytestmark = pytest.mark.skipif(not API_URL, reason="SIMSTREAM_PYTEST_API_URL is not set: no live stack "
                                                    "(PythonClientIT in the demo module starts one)")

WAIT_SECONDS = 120


@pytest.fixture(scope="module")
def client():
    return simstream.Client(API_URL)


@pytest.fixture(scope="module")
def ds(client):
    return client.dataset(os.environ["SIMSTREAM_PYTEST_DATASET"])


@pytest.fixture(scope="module")
def brain_key():
    return os.environ["SIMSTREAM_PYTEST_BRAIN_KEY"]


@pytest.fixture(scope="module")
def vectors():
    return json.loads(os.environ["SIMSTREAM_PYTEST_VECTORS"])


def cosine_distance(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return 1 - dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def mean(rows):
    return [sum(column) / len(rows) for column in zip(*rows)]


def expected_order(vectors, query, ids=None):
    """Ids sorted by cosine distance to ``query``, with the distances."""
    candidates = ids if ids is not None else list(vectors)
    return sorted(((i, cosine_distance(query, vectors[i])) for i in candidates), key=lambda pair: pair[1])


def assert_results(results, expected):
    assert results.ids == [i for i, _ in expected]
    assert results.distances == pytest.approx([d for _, d in expected], abs=1e-4)


def wait_until(condition, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_SECONDS} s: {what}")
        time.sleep(0.25)


def fresh_dataset(client, prefix):
    return client.create_dataset(f"{prefix}-{uuid.uuid4().hex[:8]}")


def test_sort_by_id_ranks_every_sample_by_its_cosine_distance(ds, brain_key, vectors):
    results = ds.sort_by_similarity("s00", k=len(vectors), brain_key=brain_key)
    assert results.method == "knn" and results.metric == "cosine"
    assert_results(results, expected_order(vectors, vectors["s00"]))
    assert results.ids[0] == "s00" and results.distances[0] < 1e-4


def test_reverse_puts_the_least_similar_first(ds, brain_key, vectors):
    results = ds.sort_by_similarity("s03", k=5, reverse=True, brain_key=brain_key)
    assert results.reverse is True
    assert_results(results, expected_order(vectors, vectors["s03"])[::-1][:5])


def test_several_ids_search_with_their_mean(ds, brain_key, vectors):
    results = ds.sort_by_similarity(["s01", "s02", "no-such-id"], k=6, brain_key=brain_key)
    assert_results(results, expected_order(vectors, mean([vectors["s01"], vectors["s02"]]))[:6])


def test_a_vector_and_several_vectors_are_queries(ds, brain_key, vectors):
    query = [0.5, -0.25, 0.0, 1.0, 0.0, 0.0, 0.3, -0.7]
    assert_results(ds.sort_by_similarity(query, k=4, brain_key=brain_key),
                   expected_order(vectors, query)[:4])
    rows = [vectors["s05"], query]
    assert_results(ds.sort_by_similarity(rows, k=4, brain_key=brain_key),
                   expected_order(vectors, mean(rows))[:4])


def test_restrict_ids_limits_the_search_to_those_samples(ds, brain_key, vectors):
    subset = ["s07", "s11", "s13", "s17", "s19"]
    results = ds.sort_by_similarity("s00", k=10, brain_key=brain_key, restrict_ids=subset)
    assert_results(results, expected_order(vectors, vectors["s00"], subset))


def test_without_brain_key_the_datasets_only_run_is_used(ds, brain_key):
    assert [run.brain_key for run in ds.list_runs()] == [brain_key]
    assert ds.sort_by_similarity("s09", k=3).ids == ds.sort_by_similarity("s09", k=3, brain_key=brain_key).ids


def test_a_prompt_needs_a_run_that_supports_prompts(ds, brain_key):
    with pytest.raises(ValueError, match="no run that supports prompts"):
        ds.sort_by_similarity(Prompt("a red car"))
    with pytest.raises(BadRequestError) as raised:
        ds.sort_by_similarity(Prompt("a red car"), brain_key=brain_key)
    assert raised.value.status == 400 and "prompt" in raised.value.message


def test_get_embeddings_reads_every_page(ds, brain_key, vectors):
    embeddings = list(ds.get_embeddings(brain_key=brain_key, page_size=5))  # 23 vectors: 5 pages
    assert sorted(e.id for e in embeddings) == sorted(vectors)
    for embedding in embeddings:
        assert embedding.sample_id == embedding.id
        assert embedding.vector == pytest.approx(vectors[embedding.id], abs=1e-6)


def test_get_embeddings_of_ids_skips_or_reports_missing_ones(ds, brain_key, vectors):
    found = list(ds.get_embeddings(ids=["s04", "missing"], brain_key=brain_key))
    assert [e.id for e in found] == ["s04"]
    assert found[0].vector == pytest.approx(vectors["s04"], abs=1e-6)
    with pytest.raises(MissingIdsError) as raised:
        list(ds.get_embeddings(ids=["s04", "missing"], brain_key=brain_key, allow_missing=False))
    assert raised.value.missing_ids == ["missing"]


def test_api_errors_carry_the_status_and_the_apis_message(ds, brain_key):
    with pytest.raises(NotFoundError) as raised:
        ds.size("no-such-key")
    assert raised.value.status == 404 and "no-such-key" in raised.value.message
    with pytest.raises(BadRequestError) as raised:
        ds.sort_by_similarity("s00", k=0, brain_key=brain_key)
    assert raised.value.status == 400 and raised.value.message == "k must be in 1..10000, got 0"
    assert raised.value.body == {"error": "k must be in 1..10000, got 0", "status": 400}


def test_datasets_are_registered_and_listed(client, ds):
    created = fresh_dataset(client, "py-list")
    assert {created.name, ds.name} <= set(client.list_datasets())


def test_a_run_is_created_inspected_renamed_cleaned_up_and_deleted(client):
    ds = fresh_dataset(client, "py-runs")
    run = ds.create_run("first", dims=3, metric="euclidean", index_options="int8_flat")
    assert run.index_created is True
    assert (run.brain_key, run.dims, run.metric, run.index_options, run.model) == \
        ("first", 3, "euclidean", "int8_flat", "precomputed")
    with pytest.raises(ConflictError):
        ds.create_run("first", dims=3)

    info = ds.get_run_info("first")
    assert (info.id, info.index_exists, info.index_size) == (run.id, True, 0)
    renamed = ds.rename_run("first", "second")
    assert (renamed.id, renamed.brain_key) == (run.id, "second")
    assert [r.brain_key for r in ds.list_runs()] == ["second"]
    assert [r.brain_key for r in client.list_runs(dataset=ds.name)] == ["second"]

    assert ds.cleanup("second") is True
    assert ds.size("second") == 0
    assert ds.get_run_info("second").index_exists is False
    assert ds.cleanup("second") is False
    ds.delete_run("second")
    assert ds.list_runs() == []
    with pytest.raises(NotFoundError):
        ds.get_run_info("second")


@pytest.mark.parametrize("kafka_client, module, package", [
    ("confluent-kafka", "confluent_kafka", "python3-confluent-kafka"),
    ("kafka-python", "kafka", "python3-kafka"),
])
def test_produced_samples_become_searchable_and_deleted_ones_leave(client, kafka_client, module, package):
    try:
        importlib.import_module(module)
    except ImportError:
        pytest.skip(f"{kafka_client} is not installed (pip install {kafka_client}, or apt-get install {package})")
    bootstrap = os.environ["SIMSTREAM_PYTEST_BOOTSTRAP_SERVERS"]
    topic = os.environ["SIMSTREAM_PYTEST_CHANGES_TOPIC"]
    ds = fresh_dataset(client, "py-produce")
    ds.create_run("emb", dims=3)
    samples = [{"id": "x", "embeddings": {"default": [1, 0, 0]}},
               {"id": "y", "embeddings": {"default": [0.8, 0.2, 0]}},
               {"id": "z", "embeddings": {"default": [-0.2, 0, 1]}},
               {"id": "w", "filepath": "/images/w.jpg", "embeddings": {"emb": [0, 1, 0], "default": [-1, 0, 0]}}]

    sent = ds.produce_samples(samples, bootstrap_servers=bootstrap, topic=topic, kafka_client=kafka_client)
    assert sent == 4
    wait_until(lambda: ds.size() == 4, "4 produced samples indexed")
    # The run takes w's vector keyed by its brain key; w's "default" would rank it last.
    assert ds.sort_by_similarity("x", k=4).ids == ["x", "y", "w", "z"]

    assert ds.delete_samples(["y"], bootstrap_servers=bootstrap, topic=topic, kafka_client=kafka_client) == 1
    wait_until(lambda: ds.size() == 3, "the deleted sample removed")
    assert ds.sort_by_similarity("x", k=4).ids == ["x", "w", "z"]
