"""The HTTP client: one ``requests`` session, the bearer token, and the API's error format."""

from typing import Any, Dict, List, Optional

import requests

from .dataset import Dataset
from .errors import error_for_status
from .models import Run


class Client:
    """A connection to a simstream query API.

    >>> client = Client("http://localhost:8080", token="secret")
    >>> ds = client.dataset("coco-val")
    >>> ds.sort_by_similarity("sample-1", k=5, brain_key="clip").ids

    ``timeout`` is the seconds each request may take (exact scans of large indexes can take seconds).
    A ``session`` may be given to set proxies, retries or TLS options.
    """

    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 60.0,
                 session: Optional[requests.Session] = None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._session = session or requests.Session()
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"

    def dataset(self, name: str) -> Dataset:
        """A handle on dataset ``name`` (no request is made; see :meth:`create_dataset`)."""
        return Dataset(self, name)

    def create_dataset(self, name: str) -> Dataset:
        """Registers ``name`` (a no-op when it already is) and returns its handle.

        The indexer ignores change events of unregistered datasets, and runs can only be created
        for registered ones.
        """
        self.request("POST", "/v1/datasets", json={"name": name})
        return Dataset(self, name)

    def list_datasets(self) -> List[str]:
        """Names of the registered datasets, sorted."""
        return [d["name"] for d in self.request("GET", "/v1/datasets")["datasets"]]

    def list_runs(self, dataset: Optional[str] = None, patches_field: Optional[str] = None,
                  supports_prompts: Optional[bool] = None) -> List[Run]:
        """Similarity runs of every dataset, or of ``dataset``, sorted by dataset and brain key."""
        params: Dict[str, str] = {}
        if dataset is not None:
            params["dataset"] = dataset
        if patches_field is not None:
            params["patchesField"] = patches_field
        if supports_prompts is not None:
            params["supportsPrompts"] = "true" if supports_prompts else "false"
        return [Run.from_json(r) for r in self.request("GET", "/v1/similarity", params=params)["runs"]]

    def request(self, method: str, path: str, json: Any = None,
                params: Optional[Dict[str, str]] = None) -> Any:
        """Sends one request; returns the decoded JSON body (``None`` for 204) or raises
        :class:`~simstream.SimstreamError` (a subclass per status) for any error status."""
        url = self.url + path
        response = self._session.request(method, url, json=json, params=params, headers=self._headers,
                                         timeout=self.timeout)
        if response.status_code >= 400:
            raise _error(method, url, response)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()


def _error(method: str, url: str, response: requests.Response) -> Exception:
    body: Optional[Dict[str, Any]] = None
    try:
        parsed = response.json()
        if isinstance(parsed, dict):
            body = parsed
    except ValueError:
        pass
    if body is not None and isinstance(body.get("error"), str):
        message = body["error"]
    else:
        # Not the API's own format (a proxy, a load balancer): keep the start of what came back.
        message = response.text[:300] or response.reason or "no body"
    retry_after = None
    header = response.headers.get("Retry-After")
    if header is not None:
        try:
            retry_after = float(header)
        except ValueError:
            pass
    return error_for_status(response.status_code, message, method, url, body, retry_after)
