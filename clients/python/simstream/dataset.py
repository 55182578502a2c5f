"""One dataset's similarity calls, named after FiftyOne's (``sort_by_similarity``, ``get_embeddings``)."""

from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence
from urllib.parse import quote

from .errors import MissingIdsError
from .models import Embedding, Prompt, Run, SimilarityResults
from .query import query_field

if TYPE_CHECKING:
    from .client import Client


class Dataset:
    """A handle on one dataset of a :class:`~simstream.Client`; get it with ``client.dataset(name)``.

    Calls that take an optional ``brain_key`` use the dataset's only run when it is left out (for a
    :class:`~simstream.Prompt`, its only run that supports prompts), as FiftyOne does; that costs one
    extra request, and more than one candidate is an error.
    """

    def __init__(self, client: "Client", name: str):
        self.client = client
        self.name = name

    def __repr__(self) -> str:
        return f"Dataset({self.name!r})"

    # -- search ---------------------------------------------------------------------------------

    def sort_by_similarity(self, query: Any, k: Optional[int] = None, reverse: bool = False,
                           brain_key: Optional[str] = None,
                           restrict_ids: Optional[Iterable[str]] = None,
                           restrict_label_ids: Optional[Iterable[str]] = None) -> SimilarityResults:
        """The ``k`` documents most similar to ``query`` (least similar first with ``reverse``).

        ``query`` is a sample id (a label id on a patch run), a list of ids (their mean vector), a
        vector, a list of vectors (their mean) or a :class:`~simstream.Prompt`. ``k`` is 1..10,000
        (the server's default, 10, when ``None``). ``restrict_ids`` limits the search to those sample
        ids, of any number; ``restrict_label_ids`` to those patches of a patch run.
        """
        body: Dict[str, Any] = query_field(query)
        if k is not None:
            body["k"] = k
        if reverse:
            body["reverse"] = True
        if restrict_ids is not None:
            body["restrictIds"] = _id_list(restrict_ids)
        if restrict_label_ids is not None:
            body["restrictLabelIds"] = _id_list(restrict_label_ids)
        key = brain_key or self._only_brain_key(prompts=isinstance(query, Prompt))
        return SimilarityResults.from_json(
            self.client.request("POST", self._run_path(key, "/sort-by-similarity"), json=body))

    def get_embeddings(self, sample_ids: Optional[Iterable[str]] = None, brain_key: Optional[str] = None,
                       label_ids: Optional[Iterable[str]] = None, page_size: Optional[int] = None,
                       allow_missing: bool = True, ids: Optional[Iterable[str]] = None) -> Iterator[Embedding]:
        """The stored vectors: of the samples ``sample_ids`` (every patch of them on a patch run), of
        the patches ``label_ids``, or, with neither, of the whole index. ``ids`` is another name for
        ``sample_ids``; a single id may be given as a string.

        Ids are looked up at once, so a missing run or index, or missing ids with ``allow_missing``
        false (:class:`~simstream.MissingIdsError`), raise here; ids without a vector are otherwise
        skipped. The whole index is read lazily instead, a page of ``page_size`` (1..10,000; server
        default 1,000) at a time as the iterator is consumed; take each page within 2 minutes of the
        one before, or the server's page token has expired (a 400).
        """
        if sample_ids is not None and ids is not None:
            raise ValueError("give sample_ids or ids (the same thing), not both")
        sample_ids = sample_ids if sample_ids is not None else ids
        if sample_ids is not None and label_ids is not None:
            raise ValueError("give sample_ids or label_ids, not both")
        key = brain_key or self._only_brain_key(prompts=False)
        path = self._run_path(key, "/embeddings")
        if sample_ids is not None or label_ids is not None:
            field, values = (("sampleIds", sample_ids) if sample_ids is not None else ("labelIds", label_ids))
            return self._embeddings_of(path, {field: _id_list(values)}, allow_missing)
        return self._all_embeddings(path, page_size)

    def _embeddings_of(self, path: str, body: Dict[str, List[str]],
                       allow_missing: bool) -> Iterator[Embedding]:
        page = self.client.request("POST", path, json=body)
        missing = page.get("missingIds") or []
        if missing and not allow_missing:
            raise MissingIdsError(missing)
        return iter([Embedding.from_json(item) for item in page["embeddings"]])

    def _all_embeddings(self, path: str, page_size: Optional[int]) -> Iterator[Embedding]:
        body: Dict[str, Any] = {} if page_size is None else {"pageSize": page_size}
        while True:
            page = self.client.request("POST", path, json=body)
            for item in page["embeddings"]:
                yield Embedding.from_json(item)
            token = page.get("nextPageToken")
            if not token:
                return
            # The token continues a server-side point in time: send it back with the same page size.
            body = dict(body, pageToken=token)

    # -- runs -----------------------------------------------------------------------------------

    def create_run(self, brain_key: str, model: Optional[str] = None, metric: Optional[str] = None,
                   dims: Optional[int] = None, index_name: Optional[str] = None,
                   patches_field: Optional[str] = None, index_options: Optional[str] = None,
                   shards: Optional[int] = None, replicas: Optional[int] = None) -> Run:
        """Creates a similarity run (FiftyOne's ``compute_similarity`` with the Elasticsearch backend).

        ``model`` defaults to ``precomputed`` (producers send the vectors; ``dims`` is then required
        for a new index). ``index_name`` connects to an existing index. ``shards`` and ``replicas``
        lay out a new index (left out: replicas follow the nodes, 0 on a single node, 1 beyond).
        Omitted options take the server's defaults. The returned run's ``index_created`` says
        whether a new index was made.
        """
        fields = {"brainKey": brain_key, "model": model, "metric": metric, "dims": dims,
                  "indexName": index_name, "patchesField": patches_field, "indexOptions": index_options,
                  "shards": shards, "replicas": replicas}
        body = {name: value for name, value in fields.items() if value is not None}
        answer = self.client.request("POST", self._runs_path(), json=body)
        return Run.from_json(answer["run"], index_created=answer.get("indexCreated"))

    def list_runs(self, patches_field: Optional[str] = None,
                  supports_prompts: Optional[bool] = None) -> List[Run]:
        """This dataset's runs, sorted by brain key (FiftyOne's ``list_brain_runs``)."""
        return self.client.list_runs(dataset=self.name, patches_field=patches_field,
                                     supports_prompts=supports_prompts)

    def get_run_info(self, brain_key: str) -> Run:
        """The run, with ``index_exists`` and ``index_size`` (documents in its index)."""
        return Run.from_json(self.client.request("GET", self._run_path(brain_key)))

    def rename_run(self, brain_key: str, new_brain_key: str) -> Run:
        """Renames the brain key; the run keeps its id and index."""
        return Run.from_json(self.client.request("PATCH", self._run_path(brain_key),
                                                 json={"brainKey": new_brain_key}))

    def delete_run(self, brain_key: str, cleanup: bool = False) -> Optional[bool]:
        """Removes the run record; its index is kept (connect to it again with ``index_name``).

        With ``cleanup=True`` the index goes too, after the record so that the indexer cannot
        create it again; returns whether there was an index (``None`` without ``cleanup``).
        """
        if not cleanup:
            self.client.request("DELETE", self._run_path(brain_key))
            return None
        return bool(self.client.request("DELETE", self._run_path(brain_key),
                                        params={"cleanup": "true"})["deleted"])

    def cleanup(self, brain_key: str) -> bool:
        """Deletes the run's index (the record stays); ``False`` when there was no index."""
        return bool(self.client.request("POST", self._run_path(brain_key, "/cleanup"))["deleted"])

    def size(self, brain_key: Optional[str] = None) -> int:
        """Documents in the run's index (samples, or patches on a patch run); 0 without an index."""
        key = brain_key or self._only_brain_key(prompts=False)
        return int(self.client.request("GET", self._run_path(key, "/size"))["size"])

    # -- producing ------------------------------------------------------------------------------

    def produce_samples(self, samples: Iterable[Mapping[str, Any]], bootstrap_servers: str,
                        topic: str = "simstream.changes", kafka_client: Optional[str] = None,
                        producer_config: Optional[Mapping[str, Any]] = None) -> int:
        """Sends each sample's whole state to Kafka as a ``sample_added`` change event and returns
        how many Kafka acknowledged (all, or :class:`~simstream.ProduceError` is raised).
        Samples are checked as they are sent: a sample that cannot be an event stops the sending,
        the events queued before it are still delivered, and ``ProduceError.sent`` says how many
        (the ``ValueError`` is its ``__cause__``).

        A sample is a mapping with ``id`` (or ``sample_id``), ``filepath`` (or ``image_uri``) and/or
        ``embeddings`` (``{key: vector}``; a run uses the vector keyed by its brain key, else
        ``default``), and optional ``patches`` (mappings with ``label_id``, ``field``, ``label``,
        ``bounding_box`` ``[x, y, w, h]`` in 0..1, ``embeddings``); one sample may be given alone.
        Register the dataset first (:meth:`Client.create_dataset`).

        Needs a Kafka client: ``pip install confluent-kafka`` (or ``kafka-python``; Debian:
        ``python3-confluent-kafka`` or ``python3-kafka``); without one this raises
        :class:`~simstream.KafkaClientMissingError`. ``kafka_client`` picks one
        (``"confluent-kafka"`` or ``"kafka-python"``); ``producer_config`` adds settings in that
        client's own names (e.g. security options).
        """
        from .producer import change_events, send_events
        return send_events(change_events(self.name, samples), bootstrap_servers, topic,
                           kafka_client, producer_config)

    def delete_samples(self, sample_ids: Iterable[str], bootstrap_servers: str,
                       topic: str = "simstream.changes", kafka_client: Optional[str] = None,
                       producer_config: Optional[Mapping[str, Any]] = None) -> int:
        """Sends a ``sample_deleted`` change event per id (a single id may be given as a string);
        otherwise as :meth:`produce_samples`."""
        from .producer import delete_events, send_events
        return send_events(delete_events(self.name, sample_ids), bootstrap_servers, topic,
                           kafka_client, producer_config)

    # -- helpers --------------------------------------------------------------------------------

    def _only_brain_key(self, prompts: bool) -> str:
        runs: Sequence[Run] = self.list_runs(supports_prompts=True if prompts else None)
        if len(runs) == 1:
            return runs[0].brain_key
        kind = "run that supports prompts" if prompts else "similarity run"
        if not runs:
            raise ValueError(f"dataset {self.name!r} has no {kind}")
        keys = ", ".join(run.brain_key for run in runs)
        raise ValueError(f"dataset {self.name!r} has more than one {kind} ({keys}): pass brain_key")

    def _runs_path(self) -> str:
        return f"/v1/datasets/{quote(self.name, safe='')}/similarity"

    def _run_path(self, brain_key: str, suffix: str = "") -> str:
        return f"{self._runs_path()}/{quote(brain_key, safe='')}{suffix}"


def _id_list(values: Iterable[str]) -> List[str]:
    """A list of ids; one id given as a string is a list of one, not of its characters."""
    return [values] if isinstance(values, str) else list(values)
