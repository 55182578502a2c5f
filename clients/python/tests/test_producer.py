"""Change events as the indexer reads them (docs/events.md), and the Kafka client being optional."""

import base64
import json
import re
import struct
import sys
import types

import pytest

import simstream
from simstream import KafkaClientMissingError, ProduceError
from simstream.producer import change_events, delete_events, vector_to_base64


def decoded(records):
    return [(key, json.loads(value)) for key, value in records]


def test_a_sample_becomes_a_sample_added_event_keyed_by_dataset_and_sample():
    samples = [{"id": "s1", "filepath": "/data/cars/1.jpg", "embeddings": {"default": [1, 0.5]},
                "patches": [{"label_id": "p1", "field": "detections", "label": "car",
                             "bounding_box": (0.1, 0.2, 0.3, 0.4), "embeddings": {"clip": [0, 1]}}]},
               {"sample_id": "s2", "embeddings": {"clip": [0.25, 0.75]}}]
    [(key1, event1), (key2, event2)] = decoded(change_events("cars", samples))

    assert key1 == "cars/s1" and key2 == "cars/s2"
    assert event1["eventTime"].endswith("Z")
    del event1["eventTime"], event2["eventTime"]
    assert event1 == {"type": "sample_added", "schemaVersion": 1, "dataset": "cars", "sampleId": "s1",
                      "imageUri": "/data/cars/1.jpg", "embeddings": {"default": b64_floats(1.0, 0.5)},
                      "patches": [{"labelId": "p1", "field": "detections", "label": "car",
                                   "boundingBox": [0.1, 0.2, 0.3, 0.4], "embeddings": {"clip": b64_floats(0.0, 1.0)}}]}
    assert event2 == {"type": "sample_added", "schemaVersion": 1, "dataset": "cars", "sampleId": "s2",
                      "embeddings": {"clip": b64_floats(0.25, 0.75)}, "patches": []}


def b64_floats(*values):
    return base64.b64encode(b"".join(struct.pack(">f", v) for v in values)).decode("ascii")


def test_vectors_travel_as_base64_of_big_endian_float32():
    # 1.0 and 2.0 as big-endian float32 are 3f800000 40000000.
    assert vector_to_base64([1.0, 2.0]) == "P4AAAEAAAAA="
    with pytest.raises(OverflowError):
        vector_to_base64([1e39])


def test_deletions_are_sample_deleted_events():
    [(key, event)] = decoded(delete_events("cars", ["s1"]))
    assert key == "cars/s1"
    assert (event["type"], event["dataset"], event["sampleId"]) == ("sample_deleted", "cars", "s1")


@pytest.mark.parametrize("sample, message", [
    ({"filepath": "/x.jpg"}, "has no 'id'"),
    ({"id": "s1"}, "neither 'filepath' nor 'embeddings' nor 'patches'"),
    ({"id": " ", "filepath": "/x.jpg"}, "sample id ' ' is blank"),
    ({"id": "s1", "filepath": " "}, "neither 'filepath' nor 'embeddings' nor 'patches'"),
    ({"id": "s1", "filepath": "/x.jpg", "patches": [{"label_id": "\t", "bounding_box": [0, 0, 1, 1]}]}, "is blank"),
    ({"id": "s1", "embeddings": [1, 2]}, "must map a key"),
    ({"id": "s1", "filepath": "/x.jpg", "patches": [{"label": "car"}]}, "no 'label_id'"),
    ({"id": "s1", "filepath": "/x.jpg", "patches": [{"label_id": "p1", "label": "car"}]}, "no 'bounding_box'"),
    ({"id": "s1", "filepath": "/x.jpg", "patches": [{"label_id": "p1", "bounding_box": [0.5, 0.5, 0.8, 0.1]}]},
     "not inside"),
    ({"id": "s1", "filepath": "/x.jpg", "patches": [{"label_id": "p1", "bounding_box": [0.1, 0.1]}]}, "4 numbers"),
    ({"id": "s1", "filepath": "/x.jpg", "patches": [{"label_id": "p1", "bounding_box": [0, 0, 1, 1]},
                                                    {"label_id": "p1", "bounding_box": [0, 0, 1, 1]}]},
     "same 'label_id'"),
    ({"id": "s1", "embeddings": {"clip": []}}, "is empty"),
    ({"id": "s1", "embeddings": {"clip": [1.0, float("nan")]}}, "non-finite"),
    ({"id": "s" * 513, "filepath": "/x.jpg"}, "513 bytes"),
    ({"id": "s1", "filepath": "https://img.example.com/my cat.jpg"}, "not a valid URI"),
    ({"id": "s1", "filepath": "s3://photos/100%.jpg"}, "not a valid URI"),
    ({"id": "s1", "filepath": "https://img.example.com/a[1].jpg"}, "not a valid URI"),
    ({"id": "s1", "filepath": "s3://photos/a]b.jpg"}, "not a valid URI"),
    ({"id": "s1", "filepath": "https://img.example.com/a#b#c.jpg"}, "not a valid URI"),
    ({"id": "s1", "filepath": "https://[bad/x.jpg"}, r"not a valid URI \('\[' at index 8 is never closed\)"),
    ({"id": "s1", "filepath": "https://[:::]/x.jpg"}, r"'\[:::\]' at index 8 is not an IPv6 address"),
    ({"id": "s1", "filepath": "https://[1.2.3.4]/x.jpg"}, "is not an IPv6 address"),
    ({"id": "s1", "filepath": "https://[::1]x/x.jpg"}, "'x' at index 13, after the IPv6 host"),
    ({"id": "s1", "filepath": "https://[::1]:80x/x.jpg"}, "'x' at index 16, after the IPv6 host"),
    ({"id": "s1", "filepath": "https://[::1]/a[1].jpg"}, r"'\[' at index 15\): brackets only enclose"),
    ({"id": "s1", "filepath": "https://img.example.com/a.jpg#b#c"}, "a second '#' at index 31"),
    # java.net.URI: "Expected scheme-specific part"
    ({"id": "s1", "filepath": "s3:"}, r"not a valid URI \(nothing after 's3:'\)"),
    ({"id": "s1", "filepath": "file:"}, "nothing after 'file:'"),
    ({"id": "s1", "filepath": "s3:#top"}, "nothing after 's3:'"),
    # ... and "Expected authority" for a '//' with nothing after it
    ({"id": "s1", "filepath": "s3://"}, "nothing after 's3://'"),
    # A bare '%' is taken only as the start of an IPv6 host's zone id, which holds [A-Za-z0-9_.]+
    ({"id": "s1", "filepath": "https://[fe80::1%]/x.jpg"}, r"'\[fe80::1%\]' at index 8 has no zone id after '%'"),
    ({"id": "s1", "filepath": "https://[fe80::1%eth-0]/x.jpg"}, "zone id 'eth-0' of '\\[fe80::1%eth-0\\]'"),
    ({"id": "s1", "filepath": "https://[fe80::1%eth%0]/x.jpg"}, "zone id 'eth%0'"),
    ({"id": "s1", "filepath": "https://[::1%eth0/x.jpg"}, r"'\[' at index 8 is never closed"),
    ({"id": "s1", "filepath": "https://img%eth0/x.jpg"}, "'%' at index 11"),
    ({"id": "s1", "filepath": "https://[fe80::1%eth0]/a%zz.jpg"}, "'%' at index 24"),
    ({"id": "s1", "filepath": "https://img.example.com/x.jpg?h=[fe80::1%eth0]"}, "'%' at index 40"),
    ({"id": "s1", "filepath": "/data/a\0.jpg"}, "NUL"),
    ({"id": "s1", "embeddings": {"clip": [0.5] * 300_000}}, "over the change topic's limit of 1,044,480"),
])
def test_samples_that_cannot_be_events_are_refused_with_the_reason(sample, message):
    with pytest.raises((ValueError, TypeError), match=message):
        list(change_events("cars", [sample]))


@pytest.mark.parametrize("uri", ["https://img.example.com/my%20cat.jpg", "s3://photos/caf\u00e9.jpg",
                                 "/data/my cat.jpg", "C:\\data\\cat.jpg", "file:///data/cat.jpg#1",
                                 "https://[::1]:8080/x.jpg", "https://user@[fe80::1]/x.jpg?v=1#top",
                                 # java.net.URI takes brackets in a query, a fragment and an opaque URI
                                 "https://img.example.com/x.jpg?crop[0]=1#r[2]", "urn:img:a[1]",
                                 "https://[::ffff:10.0.0.1]:/x.jpg", "https://[fe80::1%25eth0]/x.jpg",
                                 "https://[::1]?v=[1]",
                                 # a bare '%' starts a zone id; "%25eth0" is the zone id "25eth0"
                                 "https://[fe80::1%eth0]/x.jpg", "https://[fe80::1%eth_0.1]:8080/x.jpg?v=%20",
                                 "https://[fe80::1%2]/x.jpg", "https://img%25eth0/x.jpg",
                                 "s3:/", "s3:x", "s3:?", "urn:a#", "s3://#x", "s3://?x"])
def test_image_uris_the_indexer_reads_are_kept_as_given(uri):
    [(_, value)] = list(change_events("cars", [{"id": "s1", "filepath": uri}]))
    assert json.loads(value)["imageUri"] == uri


def test_a_sample_of_patches_with_their_own_vectors_needs_no_image():
    [(_, value)] = list(change_events("cars", [{"id": "s1", "patches": [
        {"label_id": "p1", "bounding_box": [0.1, 0.1, 0.5, 0.5], "embeddings": {"clip": [1.0, 0.0]}}]}]))
    event = json.loads(value)
    assert "imageUri" not in event and event["embeddings"] == {}
    assert event["patches"][0]["labelId"] == "p1"


def test_an_invalid_dataset_name_is_refused_before_any_event():
    with pytest.raises(ValueError, match="dataset name 'my pets' is invalid"):
        list(change_events("my pets", [{"id": "s1", "filepath": "/x.jpg"}]))
    with pytest.raises(ValueError, match="is invalid"):
        list(delete_events("my pets", ["s1"]))


def test_without_a_kafka_client_producing_says_what_to_install(monkeypatch):
    # A None entry in sys.modules makes that import fail, as if the package were not installed.
    monkeypatch.setitem(sys.modules, "confluent_kafka", None)
    monkeypatch.setitem(sys.modules, "kafka", None)
    ds = simstream.Client("http://127.0.0.1:9").dataset("cars")
    with pytest.raises(KafkaClientMissingError, match="pip install confluent-kafka") as raised:
        ds.produce_samples([{"id": "s1", "embeddings": {"default": [1.0]}}], bootstrap_servers="127.0.0.1:9")
    assert isinstance(raised.value, ImportError)
    assert "kafka-python" in str(raised.value)
    with pytest.raises(ValueError, match="kafka_client must be one of"):
        ds.delete_samples(["s1"], bootstrap_servers="127.0.0.1:9", kafka_client="pykafka")


def test_unacknowledged_events_raise_produce_error_with_counts(monkeypatch):
    # The live tests send through real clients to a real broker; a failing delivery is scripted here.
    produced = []

    class Producer:
        def __init__(self, config):
            self.config = config
            self.reports = []

        def produce(self, topic, key, value, on_delivery):
            produced.append((topic, key, self.config))
            self.reports.append((on_delivery, None if len(produced) == 1 else "Broker: not leader"))

        def poll(self, _timeout):
            return 0

        def flush(self, _timeout):
            for callback, error in self.reports:
                callback(error, None)
            return 0

    monkeypatch.setitem(sys.modules, "confluent_kafka", types.SimpleNamespace(Producer=Producer))
    ds = simstream.Client("http://127.0.0.1:9").dataset("cars")
    with pytest.raises(ProduceError) as raised:
        ds.delete_samples(["s1", "s2", "s3"], bootstrap_servers="broker:9092", topic="changes",
                          producer_config={"client.id": "test"})
    assert (raised.value.sent, raised.value.failed, raised.value.first_error) == (1, 2, "Broker: not leader")
    topic, key, config = produced[0]
    assert (topic, key) == ("changes", b"cars/s1")
    assert config["acks"] == "all" and config["enable.idempotence"] is True
    assert config["bootstrap.servers"] == "broker:9092" and config["client.id"] == "test"


def test_a_bad_sample_midway_flushes_what_was_queued_and_says_how_many_were_sent(monkeypatch):
    # Samples are checked as they are sent: the ones queued before a bad one must not be dropped unreported.
    delivered = []

    class Producer:
        def __init__(self, config):
            self.reports = []

        def produce(self, topic, key, value, on_delivery):
            self.reports.append((on_delivery, key))

        def poll(self, _timeout):
            return 0

        def flush(self, _timeout):
            for callback, key in self.reports:
                delivered.append(key)
                callback(None, None)
            self.reports = []
            return 0

    monkeypatch.setitem(sys.modules, "confluent_kafka", types.SimpleNamespace(Producer=Producer))
    ds = simstream.Client("http://127.0.0.1:9").dataset("cars")
    with pytest.raises(ProduceError) as raised:
        ds.produce_samples([{"id": "s1", "embeddings": {"d": [1.0]}}, {"id": "s2"}],
                           bootstrap_servers="broker:9092", topic="changes")
    assert delivered == [b"cars/s1"]
    assert raised.value.sent == 1
    assert "neither 'filepath' nor 'embeddings'" in str(raised.value)
    assert isinstance(raised.value.__cause__, ValueError)


def test_a_blank_id_to_delete_is_refused_as_the_indexer_would():
    with pytest.raises(ValueError, match="is blank"):
        list(delete_events("cars", [" "]))


def test_one_id_given_as_a_string_deletes_that_sample_not_one_per_character():
    # As get_embeddings and restrict_ids read a str: "000124" would otherwise delete samples 0, 1, 2 and 4.
    assert [key for key, _ in delete_events("cars", "000124")] == ["cars/000124"]


def test_delete_samples_with_one_id_as_a_string_sends_one_event(monkeypatch):
    produced = []

    class Producer:
        def __init__(self, config):
            self.reports = []

        def produce(self, topic, key, value, on_delivery):
            produced.append(key)
            self.reports.append(on_delivery)

        def poll(self, _timeout):
            return 0

        def flush(self, _timeout):
            for callback in self.reports:
                callback(None, None)
            self.reports = []
            return 0

    monkeypatch.setitem(sys.modules, "confluent_kafka", types.SimpleNamespace(Producer=Producer))
    ds = simstream.Client("http://127.0.0.1:9").dataset("cars")
    assert ds.delete_samples("000124", bootstrap_servers="broker:9092") == 1
    assert produced == [b"cars/000124"]


def test_one_sample_given_as_a_mapping_is_one_sample_not_its_keys():
    [(key, _)] = list(change_events("cars", {"id": "s1", "filepath": "/x.jpg"}))
    assert key == "cars/s1"


@pytest.mark.parametrize("control", ["\x80", "\x84", "\x86", "\x9f"])
def test_c1_control_characters_in_a_uri_are_refused_as_java_net_uri_refuses_them(control):
    # java.net.URI takes a non-ASCII character unescaped only if it is neither a space nor an ISO control.
    for uri in (f"https://img.example.com/a{control}.jpg", f"https://img.example.com/a.jpg?q={control}",
                f"urn:a{control}"):
        with pytest.raises(ValueError, match=r"not a valid URI \(" + re.escape(repr(control))):
            list(change_events("cars", [{"id": "s1", "filepath": uri}]))


def test_c1_control_characters_in_a_file_path_are_kept():
    # A path is no URI: the indexer makes a file: URI of it, escaping what needs escaping.
    [(_, value)] = list(change_events("cars", [{"id": "s1", "filepath": "/data/a\x80\x9f.jpg"}]))
    assert json.loads(value)["imageUri"] == "/data/a\x80\x9f.jpg"


# Java's String.isBlank: the non-breaking spaces (U+00A0, U+2007, U+202F) and NEL (U+0085) are no
# whitespace there, though Python's str.isspace() says they are.
JAVA_NOT_BLANK = ["\xa0", "\u2007\u202f", "\x85"]
JAVA_BLANK = [" ", "\t\r\n", "\u3000", "\u2028\u2029", "\x1c\x1f", "\u1680\u2000\u200a\u205f"]


@pytest.mark.parametrize("sample_id", JAVA_NOT_BLANK)
def test_ids_the_indexer_does_not_read_as_blank_are_sent(sample_id):
    [(key, _)] = list(delete_events("cars", [sample_id]))
    assert key == f"cars/{sample_id}"
    [(_, value)] = list(change_events("cars", [{"id": sample_id, "filepath": "/x.jpg", "patches": [
        {"label_id": sample_id, "bounding_box": [0, 0, 1, 1]}]}]))
    event = json.loads(value)
    assert event["sampleId"] == sample_id and event["patches"][0]["labelId"] == sample_id


@pytest.mark.parametrize("blank", JAVA_BLANK)
def test_ids_the_indexer_reads_as_blank_are_refused(blank):
    with pytest.raises(ValueError, match="is blank"):
        list(delete_events("cars", [blank]))
    with pytest.raises(ValueError, match="is blank"):
        list(change_events("cars", [{"id": "s1", "filepath": "/x.jpg", "patches": [
            {"label_id": blank, "bounding_box": [0, 0, 1, 1]}]}]))


@pytest.mark.parametrize("filepath, kept", [(uri, True) for uri in JAVA_NOT_BLANK] + [(uri, False) for uri in JAVA_BLANK])
def test_a_filepath_is_absent_only_when_the_indexer_reads_it_as_blank(filepath, kept):
    [(_, value)] = list(change_events("cars", [{"id": "s1", "filepath": filepath, "embeddings": {"d": [1.0]}}]))
    assert json.loads(value).get("imageUri") == (filepath if kept else None)
