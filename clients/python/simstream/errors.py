"""Exceptions raised by the client."""

from typing import Any, Dict, List, Optional


class SimstreamError(Exception):
    """The API answered with an error status.

    ``status`` is the HTTP status, ``message`` the API's ``error`` text (or the start of the body when
    it was not the API's JSON error, e.g. from a proxy), ``body`` the parsed JSON body when there was
    one, and ``retry_after`` the seconds of a ``Retry-After`` header (sent with 503).
    """

    def __init__(self, status: int, message: str, method: str, url: str,
                 body: Optional[Dict[str, Any]] = None, retry_after: Optional[float] = None):
        super().__init__(f"{method} {url} answered {status}: {message}")
        self.status = status
        self.message = message
        self.method = method
        self.url = url
        self.body = body
        self.retry_after = retry_after


class BadRequestError(SimstreamError):
    """400: the request is invalid (the message names the field or the rule)."""


class UnauthorizedError(SimstreamError):
    """401: the bearer token is missing or wrong."""


class NotFoundError(SimstreamError):
    """404: unknown dataset or brain key, or the run's index no longer exists."""


class ConflictError(SimstreamError):
    """409: brain key taken, or an existing index that does not match the request."""


class UnavailableError(SimstreamError):
    """503: Elasticsearch or Kafka is unavailable for now; retry after ``retry_after`` seconds."""


_BY_STATUS = {400: BadRequestError, 401: UnauthorizedError, 404: NotFoundError,
              409: ConflictError, 503: UnavailableError}


def error_for_status(status: int, message: str, method: str, url: str,
                     body: Optional[Dict[str, Any]] = None,
                     retry_after: Optional[float] = None) -> SimstreamError:
    """The most specific exception class for ``status``."""
    cls = _BY_STATUS.get(status, SimstreamError)
    return cls(status, message, method, url, body, retry_after)


class MissingIdsError(ValueError):
    """Some requested ids have no vector in the index (raised only with ``allow_missing=False``)."""

    def __init__(self, missing_ids: List[str]):
        shown = ", ".join(missing_ids[:10]) + (", ..." if len(missing_ids) > 10 else "")
        super().__init__(f"{len(missing_ids)} id(s) have no vector in the index: {shown}")
        self.missing_ids = missing_ids


class KafkaClientMissingError(ImportError):
    """Neither confluent-kafka nor kafka-python is installed, so samples cannot be produced."""


class ProduceError(RuntimeError):
    """Kafka did not acknowledge some change events, or sending stopped before the end (a sample that
    cannot be an event, a record the client refused); ``sent`` events were acknowledged either way."""

    def __init__(self, sent: int, failed: int, first_error: str, stopped: Optional[str] = None):
        if stopped is not None:
            message = f"sending stopped after {sent} acknowledged change event(s): {stopped}"
        else:
            message = (f"{failed} change event(s) were not acknowledged by Kafka "
                       f"({sent} were); first error: {first_error}")
        super().__init__(message)
        self.sent = sent
        self.failed = failed
        self.first_error = first_error
        self.stopped = stopped
