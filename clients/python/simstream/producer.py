"""Change events for the Kafka change topic, sent with whichever Kafka client is installed.

The event format is docs/events.md of simstream; the record key ``dataset/sampleId`` keeps one
sample's changes on one partition, in order.
"""

import base64
import importlib
import ipaddress
import json
import math
import re
import struct
import threading
import unicodedata
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

from .errors import KafkaClientMissingError, ProduceError
from .query import as_plain

SCHEMA_VERSION = 1
# As the indexer checks them (SampleKey, DocumentIds): an event that breaks these is dead-lettered.
DATASET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
DATASET_NAME_RULE = "1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"
MAX_ID_BYTES = 512
# Kafka's default request size of 1 MiB, less room for the key and the record's framing.
MAX_EVENT_BYTES = 1024 * 1024 - 4 * 1024
# As the indexer reads an imageUri (ImageLocation): with a scheme of two or more letters it is a URI,
# which java.net.URI must parse; else a file path.
_WITH_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")
# Beyond ASCII it takes what is neither a space (\s here) nor an ISO control (C1 is U+0080-U+009F).
_URI_REFUSED = re.compile(r"[\s\x00-\x1f\x7f-\x9f\"<>\\^`{|}]|%(?![0-9A-Fa-f]{2})")
# java.net.URI wants something after the scheme's ':' other than a fragment ("s3:", "file:#x"), and
# after a '//' (an empty authority before a path, query or fragment is fine: "file:///a.jpg", "s3://#x").
_NOTHING_AFTER_SCHEME = re.compile(r"(?://)?$|#")
# java.net.URI takes brackets around an IPv6 host (after an optional user@, before an optional :port)
# and anywhere in a query, a fragment or an opaque URI ("urn:a[1]"), never in a hierarchical path.
_BRACKETED_HOST = re.compile(r"//(?:[^/?#@\[\]]*@)?\[")
_PORT = re.compile(r"(?::[0-9]*)?")
# An IPv6 host's zone id, after its first '%': bare ("[fe80::1%eth0]"), or "%25eth0", read as the id "25eth0".
_SCOPE_ID = re.compile(r"[A-Za-z0-9_.]+")
_BRACKET = re.compile(r"[\[\]]")
# Java's Character.isWhitespace: these controls, and the space, line and paragraph separators but
# the non-breaking ones; so U+0085, U+00A0, U+2007 and U+202F are no whitespace, unlike in str.isspace().
_JAVA_CONTROL_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
_JAVA_NON_BREAKING = "\xa0\u2007\u202f"

# (name users pass, module to import), in the order they are tried.
KAFKA_CLIENTS = (("confluent-kafka", "confluent_kafka"), ("kafka-python", "kafka"))

INSTALL_HINT = ("pip install confluent-kafka (or: pip install kafka-python; on Debian/Ubuntu: "
                "apt-get install python3-confluent-kafka or python3-kafka)")

Record = Tuple[str, bytes]


def change_events(dataset: str, samples: Iterable[Mapping[str, Any]]) -> Iterator[Record]:
    """A ``sample_added`` record per sample: the sample's whole new state.

    A sample the indexer would dead-letter (the rules of docs/events.md) raises ``ValueError`` here instead.
    """
    _check_dataset(dataset)
    if isinstance(samples, Mapping):  # one sample, not an iteration over its keys
        samples = [samples]
    for position, sample in enumerate(samples):
        sample_id = _first(sample, "id", "sample_id")
        if not isinstance(sample_id, str) or not sample_id:
            raise ValueError(f"sample {position} has no 'id' (or 'sample_id') string")
        _check_document_id(sample_id, "sample id")
        event: Dict[str, Any] = {"type": "sample_added", "schemaVersion": SCHEMA_VERSION,
                                 "dataset": dataset, "sampleId": sample_id}
        image_uri = _first(sample, "filepath", "image_uri")
        if image_uri is not None and not _blank(str(image_uri)):  # the indexer reads a blank one as absent
            event["imageUri"] = _checked_image_uri(str(image_uri), sample_id)
        event["embeddings"] = _embeddings(sample.get("embeddings"), f"sample {sample_id!r}")
        if "imageUri" not in event and not event["embeddings"] and not sample.get("patches"):
            raise ValueError(f"sample {sample_id!r} has neither 'filepath' nor 'embeddings' nor 'patches'")
        event["patches"] = [_patch(patch, sample_id) for patch in sample.get("patches") or []]
        label_ids = [patch["labelId"] for patch in event["patches"]]
        if len(set(label_ids)) != len(label_ids):
            raise ValueError(f"sample {sample_id!r} has two patches with the same 'label_id'")
        event["eventTime"] = _now()
        yield _record(dataset, sample_id, event)


def delete_events(dataset: str, sample_ids: Iterable[str]) -> Iterator[Record]:
    """A ``sample_deleted`` record per id; one id may be given as a string."""
    _check_dataset(dataset)
    if isinstance(sample_ids, str):  # one id, as get_embeddings reads it: "000124" is not samples 0, 1, 2, 4
        sample_ids = [sample_ids]
    for sample_id in sample_ids:
        if not isinstance(sample_id, str) or not sample_id:
            raise ValueError(f"sample id {sample_id!r} is not a non-empty string")
        _check_document_id(sample_id, "sample id")
        yield _record(dataset, sample_id, {"type": "sample_deleted", "schemaVersion": SCHEMA_VERSION,
                                           "dataset": dataset, "sampleId": sample_id,
                                           "eventTime": _now()})


def send_events(records: Iterable[Record], bootstrap_servers: str, topic: str,
                kafka_client: Optional[str] = None,
                producer_config: Optional[Mapping[str, Any]] = None) -> int:
    """Sends the records, waits for every acknowledgement, and returns their number."""
    name, module = load_kafka_client(kafka_client)
    sender = _SENDERS[name]
    return sender(module, records, bootstrap_servers, topic, dict(producer_config or {}))


def load_kafka_client(wanted: Optional[str] = None) -> Tuple[str, Any]:
    """The Kafka client module to use: ``wanted``, or the first installed of :data:`KAFKA_CLIENTS`."""
    known = dict(KAFKA_CLIENTS)
    if wanted is not None and wanted not in known:
        raise ValueError(f"kafka_client must be one of {', '.join(known)}, not {wanted!r}")
    candidates = [(wanted, known[wanted])] if wanted else list(KAFKA_CLIENTS)
    for name, module_name in candidates:
        try:
            return name, importlib.import_module(module_name)
        except ImportError:
            continue
    which = wanted or "a Kafka client"
    raise KafkaClientMissingError(f"producing samples needs {which}, which is not installed: {INSTALL_HINT}")


def _send_confluent(module: Any, records: Iterable[Record], bootstrap_servers: str, topic: str,
                    extra: Dict[str, Any]) -> int:
    config = {"bootstrap.servers": bootstrap_servers, "acks": "all", "enable.idempotence": True,
              "linger.ms": 5, **extra}
    producer = module.Producer(config)
    outcome = _Outcome()

    def delivered(error: Any, _message: Any) -> None:
        outcome.record(None if error is None else str(error))

    stopped: Optional[Exception] = None
    try:
        for key, value in records:
            while True:
                try:
                    producer.produce(topic, key=key.encode("utf-8"), value=value, on_delivery=delivered)
                    break
                except BufferError:
                    # The local queue is full: serve delivery reports until there is room.
                    producer.poll(0.5)
            producer.poll(0)
    except Exception as error:  # a bad sample, or a record the client refused: the queued ones still go
        stopped = error
    remaining = producer.flush(60)
    if remaining:
        outcome.lost(remaining, "flush timed out after 60 s")
    return outcome.result(stopped)


def _send_kafka_python(module: Any, records: Iterable[Record], bootstrap_servers: str, topic: str,
                       extra: Dict[str, Any]) -> int:
    # kafka-python has no idempotent producer: one request in flight keeps retries in order.
    config = {"bootstrap_servers": bootstrap_servers, "acks": "all", "linger_ms": 5, "retries": 5,
              "max_in_flight_requests_per_connection": 1, **extra}
    producer = module.KafkaProducer(**config)
    outcome = _Outcome()
    stopped: Optional[Exception] = None
    try:
        for key, value in records:
            future = producer.send(topic, key=key.encode("utf-8"), value=value)
            future.add_callback(lambda _metadata: outcome.record(None))
            future.add_errback(lambda error: outcome.record(str(error) or type(error).__name__))
    except Exception as error:  # a bad sample, or a record the client refused: the queued ones still go
        stopped = error
    try:
        producer.flush(60)
    except Exception as error:  # kafka-python raises on a flush that timed out
        stopped = stopped or error
    finally:
        producer.close(10)
    return outcome.result(stopped)


_SENDERS: Dict[str, Callable[..., int]] = {"confluent-kafka": _send_confluent,
                                            "kafka-python": _send_kafka_python}


class _Outcome:
    """Counts acknowledgements and keeps the first failure (callbacks may run on the client's thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sent = 0
        self.failed = 0
        self.first_error: Optional[str] = None

    def record(self, error: Optional[str]) -> None:
        if error is None:
            with self._lock:
                self.sent += 1
        else:
            self.lost(1, error)

    def lost(self, count: int, error: str) -> None:
        with self._lock:
            self.failed += count
            if self.first_error is None:
                self.first_error = error

    def result(self, stopped: Optional[Exception] = None) -> int:
        """The number acknowledged, once every queued event was reported; else ProduceError with the counts."""
        if stopped is not None:
            raise ProduceError(self.sent, self.failed, self.first_error or str(stopped),
                               stopped=str(stopped)) from stopped
        if self.failed:
            raise ProduceError(self.sent, self.failed, self.first_error or "unknown")
        return self.sent


def _record(dataset: str, sample_id: str, event: Dict[str, Any]) -> Record:
    value = json.dumps(event, separators=(",", ":")).encode("utf-8")
    if len(value) > MAX_EVENT_BYTES:  # Kafka would refuse it without saying which sample it was
        raise ValueError(f"sample {sample_id!r}: the event is {len(value):,} bytes, over the change topic's "
                         f"limit of {MAX_EVENT_BYTES:,}")
    return f"{dataset}/{sample_id}", value


def _checked_image_uri(uri: str, sample_id: str) -> str:
    """The image location as given, if the indexer can ever open it; else ValueError instead of a dead letter."""
    if "\0" in uri:
        raise ValueError(f"sample {sample_id!r}: 'filepath' {uri!r} holds a NUL character")
    scheme = _WITH_SCHEME.match(uri)
    if scheme:
        empty = _NOTHING_AFTER_SCHEME.match(uri, scheme.end())
        if empty:
            given = uri[:empty.start() if empty.group() == "#" else empty.end()]
            raise ValueError(f"sample {sample_id!r}: 'filepath' {uri!r} is not a valid URI (nothing after "
                             f"{given!r}): write the whole URI, e.g. s3://bucket/a.jpg")
        # A '%' in an IPv6 host is no escape: it opens the zone id, which is checked below.
        host = _ipv6_host_span(uri, scheme.end())
        bad = next((m for m in _URI_REFUSED.finditer(uri) if m.group() != "%" or m.start() not in host), None)
        if bad:
            raise ValueError(f"sample {sample_id!r}: 'filepath' {uri!r} is not a valid URI ({bad.group()!r} at "
                             f"index {bad.start()}): percent-encode it, e.g. a space as %20")
        problem = _uri_bracket_or_fragment_problem(uri, scheme.end())
        if problem:
            raise ValueError(f"sample {sample_id!r}: 'filepath' {uri!r} is not a valid URI ({problem}")
    return uri


def _uri_bracket_or_fragment_problem(uri: str, start: int) -> Optional[str]:
    """What java.net.URI refuses in the brackets or '#' of ``uri`` after its scheme (ending at ``start``), else None.

    The answer completes "is not a valid URI (": the place, a ')', then how to write it instead.
    """
    hash_at = uri.find("#", start)
    if hash_at >= 0 and "#" in uri[hash_at + 1:]:
        second = uri.index("#", hash_at + 1)
        return f"a second '#' at index {second}): percent-encode it as %23"
    if not uri.startswith("/", start):  # opaque ("urn:a[1]"): brackets are legal
        return None
    path_start = start
    host = _BRACKETED_HOST.match(uri, start)
    if host:
        opening = host.end() - 1
        authority_end = _first_of(uri, "/?#", opening)
        closing = uri.find("]", opening, authority_end)
        if closing < 0:
            return (f"'[' at index {opening} is never closed): an IPv6 host is written in brackets, "
                    f"e.g. https://[::1]:8080/a.jpg; elsewhere percent-encode '[' as %5B")
        literal = uri[opening:closing + 1]
        address, percent, scope = literal[1:-1].partition("%")
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            return (f"{literal!r} at index {opening} is not an IPv6 address): brackets only enclose an "
                    f"IPv6 host; percent-encode them elsewhere (%5B, %5D)")
        if percent and not scope:
            return f"{literal!r} at index {opening} has no zone id after '%'): write one, e.g. [fe80::1%eth0]"
        if percent and not _SCOPE_ID.fullmatch(scope):
            return (f"zone id {scope!r} of {literal!r} at index {opening}): a zone id holds only letters, "
                    f"digits, '_' and '.'")
        path_start = _PORT.match(uri, closing + 1).end()
        if path_start < authority_end:
            return (f"{uri[path_start]!r} at index {path_start}, after the IPv6 host): only ':' and a port "
                    f"number may follow it")
    bracket = _BRACKET.search(uri, path_start, _first_of(uri, "?#", path_start))
    if bracket:
        return (f"{bracket.group()!r} at index {bracket.start()}): brackets only enclose an IPv6 host; "
                f"percent-encode them elsewhere (%5B, %5D)")
    return None


def _ipv6_host_span(uri: str, start: int) -> range:
    """The indexes inside the brackets of ``uri``'s IPv6 host (after the scheme ending at ``start``); else empty.

    A host never closed ends with the authority, so that the missing ']' is what gets reported.
    """
    host = _BRACKETED_HOST.match(uri, start)
    if not host:
        return range(0)
    return range(host.end(), _first_of(uri, "]/?#", host.end()))


def _first_of(text: str, characters: str, start: int) -> int:
    """The index of the first of ``characters`` at or after ``start``; else the length of ``text``."""
    found = [at for at in (text.find(c, start) for c in characters) if at >= 0]
    return min(found, default=len(text))


def _patch(patch: Mapping[str, Any], sample_id: str) -> Dict[str, Any]:
    label_id = _first(patch, "label_id", "id")
    if not isinstance(label_id, str) or not label_id:
        raise ValueError(f"a patch of sample {sample_id!r} has no 'label_id' string")
    out: Dict[str, Any] = {"labelId": label_id}
    for name, field in (("field", "field"), ("label", "label")):
        if patch.get(name) is not None:
            out[field] = str(patch[name])
    _check_document_id(label_id, f"label id of a patch of sample {sample_id!r}")
    out["boundingBox"] = _box(patch.get("bounding_box"), label_id)
    out["embeddings"] = _embeddings(patch.get("embeddings"), f"patch {label_id!r}")
    return out


def _box(value: Any, label_id: str) -> List[float]:
    """FiftyOne's relative [x, y, width, height], inside [0, 1] with a positive size, as the indexer requires."""
    if value is None:
        raise ValueError(f"patch {label_id!r} has no 'bounding_box'")
    box = [float(x) for x in as_plain(value)]
    if len(box) != 4 or not all(math.isfinite(v) for v in box):
        raise ValueError(f"patch {label_id!r}: 'bounding_box' must be 4 numbers [x, y, width, height], not {box}")
    x, y, width, height = box
    # The indexer's own tolerance for boxes that touch the edge after rounding.
    if x < 0 or y < 0 or width <= 0 or height <= 0 or x + width > 1.0001 or y + height > 1.0001:
        raise ValueError(f"patch {label_id!r}: 'bounding_box' {box} is not inside [0, 1] with a positive size")
    return box


def _embeddings(value: Any, owner: str) -> Dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{owner}: 'embeddings' must map a key (brain key, model or 'default') to a vector")
    vectors: Dict[str, str] = {}
    for key, vector in value.items():
        floats = [float(x) for x in as_plain(vector)]
        if not floats:
            raise ValueError(f"{owner}: vector {key!r} is empty")
        if not all(math.isfinite(v) for v in floats):
            raise ValueError(f"{owner}: vector {key!r} holds a non-finite number")
        vectors[str(key)] = vector_to_base64(floats)
    return vectors


def _check_dataset(dataset: str) -> None:
    if not isinstance(dataset, str) or not DATASET_NAME.fullmatch(dataset):
        raise ValueError(f"dataset name {dataset!r} is invalid: use {DATASET_NAME_RULE}")


def _check_document_id(value: str, what: str) -> None:
    """Ids become Elasticsearch document ids: at most 512 bytes of UTF-8 (an unpaired surrogate has none)."""
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError as error:
        raise ValueError(f"{what} {value[:32]!r} is not valid Unicode") from error
    if _blank(value):
        raise ValueError(f"{what} {value!r} is blank")
    if size > MAX_ID_BYTES:
        raise ValueError(f"{what} {value[:32]!r}... has {size} bytes in UTF-8; at most {MAX_ID_BYTES} are allowed")


def _blank(text: str) -> bool:
    """Java's String.isBlank, as the indexer tests ids and imageUri; str.strip() differs on a few characters."""
    return all(c in _JAVA_CONTROL_WHITESPACE or (unicodedata.category(c) in ("Zs", "Zl", "Zp")
                                                 and c not in _JAVA_NON_BREAKING) for c in text)


def vector_to_base64(vector: List[float]) -> str:
    """A vector as the events carry it: base64 of its big-endian float32 values (half the bytes of
    decimal JSON, and no number parsing in the indexer); a value beyond float32 raises OverflowError."""
    return base64.b64encode(struct.pack(f">{len(vector)}f", *vector)).decode("ascii")


def _first(mapping: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if mapping.get(name) is not None:
            return mapping[name]
    return None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
