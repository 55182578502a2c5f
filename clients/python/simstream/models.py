"""The values the API returns, as small immutable objects with FiftyOne's snake_case names."""

import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Union


@dataclass(frozen=True)
class Run:
    """A similarity run: a brain key of a dataset, bound to one Elasticsearch index.

    ``index_exists`` and ``index_size`` are set by ``get_run_info()``, ``index_created`` by
    ``create_run()``; they are ``None`` elsewhere. ``embeddings_key`` is the brain key the run was
    created with: the key ``produce_samples`` vectors go under for it, even after a rename.
    """

    id: str
    dataset: str
    brain_key: str
    index_name: str
    model: str
    metric: str
    dims: int
    index_options: Optional[str] = None
    patches_field: Optional[str] = None
    supports_prompts: bool = False
    created_at: Optional[str] = None
    index_exists: Optional[bool] = None
    index_size: Optional[int] = None
    index_created: Optional[bool] = None
    embeddings_key: Optional[str] = None
    shards: Optional[int] = None
    replicas: Optional[int] = None

    @classmethod
    def from_json(cls, body: Dict[str, Any], index_created: Optional[bool] = None) -> "Run":
        return cls(
            id=body["id"],
            dataset=body["dataset"],
            brain_key=body["brainKey"],
            index_name=body["indexName"],
            model=body["model"],
            metric=body["metric"],
            dims=body["dims"],
            index_options=body.get("indexOptions"),
            patches_field=body.get("patchesField"),
            supports_prompts=bool(body.get("supportsPrompts", False)),
            created_at=body.get("createdAt"),
            index_exists=body.get("indexExists"),
            embeddings_key=body.get("embeddingsKey"),
            index_size=body.get("indexSize"),
            index_created=index_created,
            shards=body.get("shards"),
            replicas=body.get("replicas"),
        )


@dataclass(frozen=True)
class Hit:
    """One search result: ``id`` is the document id (the label id on a patch run)."""

    id: str
    sample_id: str
    distance: float
    label_id: Optional[str] = None


@dataclass(frozen=True)
class SimilarityResults:
    """The hits of ``sort_by_similarity()``, most similar first (least similar first with ``reverse``).

    ``method`` says how the server searched (``knn`` or ``exact-scan``); ``distance`` is the metric's
    own value (see the API docs), not a raw Elasticsearch score.
    """

    dataset: str
    brain_key: str
    metric: str
    k: int
    reverse: bool
    method: str
    hits: List[Hit] = field(default_factory=list)

    @property
    def ids(self) -> List[str]:
        return [hit.id for hit in self.hits]

    @property
    def sample_ids(self) -> List[str]:
        return [hit.sample_id for hit in self.hits]

    @property
    def distances(self) -> List[float]:
        return [hit.distance for hit in self.hits]

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    @classmethod
    def from_json(cls, body: Dict[str, Any]) -> "SimilarityResults":
        hits = [Hit(id=h["id"], sample_id=h["sampleId"], distance=h["distance"], label_id=h.get("labelId"))
                for h in body.get("hits", [])]
        return cls(dataset=body["dataset"], brain_key=body["brainKey"], metric=body["metric"],
                   k=body["k"], reverse=body["reverse"], method=body["method"], hits=hits)


@dataclass(frozen=True)
class Embedding:
    """One stored vector: ``id`` is the document id (the label id on a patch run)."""

    id: str
    sample_id: str
    vector: List[float]
    label_id: Optional[str] = None

    @classmethod
    def from_json(cls, body: Dict[str, Any]) -> "Embedding":
        return cls(id=body["id"], sample_id=body["sampleId"], vector=body["vector"],
                   label_id=body.get("labelId"))


@dataclass(frozen=True)
class Image:
    """An image query for ``sort_by_similarity()``: a file path, or the file's bytes.

    The picture need not be in the dataset: its bytes are sent and the query API embeds them with
    the run's model, so the run must have a model (not precomputed vectors).
    """

    source: Union[str, "os.PathLike[str]", bytes]

    def read(self) -> bytes:
        if isinstance(self.source, (bytes, bytearray)):
            return bytes(self.source)
        with open(self.source, "rb") as file:
            return file.read()


@dataclass(frozen=True)
class Prompt:
    """A text query for ``sort_by_similarity()``.

    Sample ids in simstream are free-form strings, so a bare string is always read as an id;
    wrap text in ``Prompt`` to search by a prompt (the run's model must support prompts).
    """

    text: str
