"""Turns the ``query`` argument of ``sort_by_similarity()`` into the API's one query field."""

import base64
import numbers
from typing import Any, Dict, List

from .models import Image, Prompt


def query_field(query: Any) -> Dict[str, Any]:
    """``{"id"}``, ``{"ids"}``, ``{"vector"}``, ``{"vectors"}``, ``{"image"}`` or ``{"text"}`` for ``query``.

    Accepts a sample/label id, a list of ids, a vector, a list of vectors (lists, tuples or arrays
    with ``tolist()`` such as numpy's), an :class:`Image` or a :class:`Prompt`.
    """
    if isinstance(query, Image):
        data = query.read()
        if not data:
            raise ValueError("the image is empty")
        return {"image": base64.b64encode(data).decode("ascii")}
    if isinstance(query, Prompt):
        if not query.text:
            raise ValueError("the prompt is empty")
        return {"text": query.text}
    if isinstance(query, str):
        return {"id": query}
    query = as_plain(query)
    if not isinstance(query, (list, tuple)):
        raise TypeError(f"query must be an id, a list of ids, a vector, a list of vectors, an Image or a Prompt, "
                        f"not {type(query).__name__}")
    if not query:
        raise ValueError("query is an empty list")
    items = [as_plain(item) for item in query]
    if all(isinstance(item, str) for item in items):
        return {"ids": list(items)}
    if all(_is_number(item) for item in items):
        return {"vector": [float(x) for x in items]}
    if all(isinstance(item, (list, tuple)) for item in items):
        return {"vectors": [_vector(item, index) for index, item in enumerate(items)]}
    raise TypeError("query list mixes kinds: give ids only, numbers only (one vector) "
                    "or vectors only")


def as_plain(value: Any) -> Any:
    """numpy arrays (and anything else with ``tolist()``) become lists."""
    return value.tolist() if hasattr(value, "tolist") and not isinstance(value, (str, bytes)) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _vector(values: Any, index: int) -> List[float]:
    if not values or not all(_is_number(x) for x in values):
        raise TypeError(f"query vector {index} must be a non-empty list of numbers")
    return [float(x) for x in values]
