import base64

import pytest

from simstream import Image, Prompt
from simstream.query import query_field


class ArrayLike:
    """Stands in for a numpy array: only ``tolist()`` matters to the client."""

    def __init__(self, values):
        self.values = values

    def tolist(self):
        return self.values


def test_a_string_is_an_id():
    assert query_field("sample-1") == {"id": "sample-1"}


def test_a_list_of_strings_is_several_ids():
    assert query_field(["a", "b"]) == {"ids": ["a", "b"]}
    assert query_field(("a",)) == {"ids": ["a"]}


def test_numbers_are_one_vector_as_floats():
    assert query_field([1, 0.5, -2]) == {"vector": [1.0, 0.5, -2.0]}
    assert query_field(ArrayLike([0.25, 0.75])) == {"vector": [0.25, 0.75]}


def test_a_list_of_vectors_is_several_vectors():
    assert query_field([[1, 0], (0, 1)]) == {"vectors": [[1.0, 0.0], [0.0, 1.0]]}
    assert query_field(ArrayLike([[1, 2], [3, 4]])) == {"vectors": [[1.0, 2.0], [3.0, 4.0]]}
    assert query_field([ArrayLike([1, 2]), ArrayLike([3, 4])]) == {"vectors": [[1.0, 2.0], [3.0, 4.0]]}


def test_an_image_is_sent_as_base64_of_its_bytes(tmp_path):
    picture = tmp_path / "cat.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    expected = {"image": base64.b64encode(picture.read_bytes()).decode("ascii")}
    assert query_field(Image(str(picture))) == expected
    assert query_field(Image(picture)) == expected
    assert query_field(Image(picture.read_bytes())) == expected
    with pytest.raises(ValueError, match="the image is empty"):
        query_field(Image(b""))


def test_a_prompt_is_text():
    assert query_field(Prompt("a red car")) == {"text": "a red car"}


@pytest.mark.parametrize("query, error", [
    ([], ValueError),
    (Prompt(""), ValueError),
    (["a", 1.0], TypeError),
    ([[1.0], "a"], TypeError),
    ([[]], TypeError),
    ([True, False], TypeError),
    (42, TypeError),
    ({"id": "a"}, TypeError),
])
def test_queries_that_are_no_query_are_refused_before_any_request(query, error):
    with pytest.raises(error):
        query_field(query)
