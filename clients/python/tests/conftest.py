"""A tiny local HTTP server standing in for the API in the client's own unit tests."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import pytest


class Recorded:
    """One request the stub received."""

    def __init__(self, method: str, path: str, query: Dict[str, List[str]], headers: Dict[str, str],
                 body: Any):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body


class StubApi:
    """Answers scripted responses per (method, path), in order, and records every request."""

    def __init__(self) -> None:
        self.requests: List[Recorded] = []
        self._answers: Dict[Tuple[str, str], List[Tuple[int, Optional[bytes], Dict[str, str]]]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def answer(self, method: str, path: str, body: Any = None, status: int = 200,
               headers: Optional[Dict[str, str]] = None, raw: Optional[bytes] = None) -> None:
        payload = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        self._answers.setdefault((method, path), []).append((status, payload, headers or {}))

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, method: str, path: str) -> Tuple[int, Optional[bytes], Dict[str, str]]:
        queue = self._answers.get((method, path))
        if not queue:
            return 404, json.dumps({"error": f"stub has no answer for {method} {path}",
                                    "status": 404}).encode(), {}
        return queue.pop(0)

    def _handler_class(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                stub.requests.append(Recorded(self.command, url.path, parse_qs(url.query),
                                              dict(self.headers), json.loads(raw) if raw else None))
                status, payload, headers = stub._next(self.command, url.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if payload is not None:
                    self.send_header("Content-Type", headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(payload or b"")))
                self.end_headers()
                if payload:
                    self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _serve

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def stub():
    api = StubApi()
    yield api
    api.close()
