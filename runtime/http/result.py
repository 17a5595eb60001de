"""What an action run returns, and the redacted request shown in the debug view.

``ExecutionResult.to_dict()`` is the wire shape of a run's answer (docs/editor-api.md)::

    {"data": ..., "response_meta": {"status_code", "headers", "is_execution_success"},
     "duration_ms": 12, "request": {"method", "url", "headers", "body", "redirects"} | null,
     "error": {"code", "message", "field"?, "errors"?, "retryable"?} | null}

The executor's results always carry the request; a caller that fails a run
before sending anything (a binding that failed, no usable token) builds one
with ``ExecutionResult.failed`` and ``request`` None, so every run has this one
shape until it is written into an answer.

The request summary must never show credentials. The executor does not know
what an ``httpx.Auth`` adds, so ``Redactor`` compares the request as built
with the request as sent: every header or query parameter that the auth
added or changed is shown as ``[REDACTED]``, as is every header and query
parameter whose name says it is a credential (``outbound.is_credential_name``:
``Authorization``, ``X-API-Key``, ``access_token``...), whoever set it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from outbound import is_credential_name

__all__ = [
    "REDACTED",
    "BindingFailure",
    "ExecutionError",
    "ExecutionResult",
    "Redactor",
    "RequestSummary",
]

REDACTED = "[REDACTED]"

# Changed by httpx itself (redirects, body framing), not by the auth.
_TRANSPORT_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "cookie"})


@dataclass(frozen=True)
class BindingFailure:
    """A config field whose ``{{ }}`` binding failed, so the run sent nothing."""

    field: str
    binding: str
    name: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "binding": self.binding,
            "name": self.name,
            "message": self.message,
        }


@dataclass(frozen=True)
class ExecutionError:
    """Why a run failed: ``code`` is machine-readable, ``message`` is for people.

    The executor's codes: ``http_status`` (upstream answered non-2xx),
    ``timeout``, ``connect_error``, ``blocked_address``, ``too_many_redirects``,
    ``response_too_large``, ``decoding_error``, ``protocol_error``,
    ``network_error``, ``file_read_error``. A caller's own (``binding_error``...)
    may add the input at fault (``field``), the failed ``bindings``, and whether
    trying again may help (``retryable``).
    """

    code: str
    message: str
    field: str | None = None
    bindings: tuple[BindingFailure, ...] = ()
    retryable: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            data["field"] = self.field
        if self.bindings:
            data["errors"] = [failure.to_dict() for failure in self.bindings]
        if self.retryable is not None:
            data["retryable"] = self.retryable
        return data


@dataclass(frozen=True)
class RequestSummary:
    """The request as sent (last hop), credentials redacted."""

    method: str
    url: str
    headers: dict[str, str]
    body: dict[str, Any]
    redirects: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "url": self.url,
            "headers": dict(self.headers),
            "body": self.body,
            "redirects": list(self.redirects),
        }


@dataclass(frozen=True)
class ExecutionResult:
    """One run of an action. ``is_execution_success`` is True only for 2xx.

    ``request`` is None when nothing was sent (see ``failed``).
    """

    data: Any
    status_code: int | None
    headers: dict[str, str]
    is_execution_success: bool
    duration_ms: int
    request: RequestSummary | None
    error: ExecutionError | None = None

    @classmethod
    def failed(cls, error: ExecutionError, *, duration_ms: int = 0) -> ExecutionResult:
        """A run that did not reach the upstream."""
        return cls(
            data=None,
            status_code=None,
            headers={},
            is_execution_success=False,
            duration_ms=duration_ms,
            request=None,
            error=error,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "data": self.data,
            "response_meta": {
                "status_code": self.status_code,
                "headers": dict(self.headers),
                "is_execution_success": self.is_execution_success,
            },
            "duration_ms": self.duration_ms,
            "request": None if self.request is None else self.request.to_dict(),
            "error": None if self.error is None else self.error.to_dict(),
        }


@dataclass
class Redactor:
    """Learns which headers and parameters are secret, then hides them."""

    built_headers: list[tuple[str, str]]
    built_params: list[tuple[str, str]]
    secret_headers: set[str] = field(default_factory=set)
    secret_params: set[str] = field(default_factory=set)

    @classmethod
    def for_request(cls, request: httpx.Request) -> Redactor:
        """Snapshot ``request`` before any auth flow touches it."""
        return cls(
            built_headers=[(k.lower(), v) for k, v in request.headers.multi_items()],
            built_params=list(request.url.params.multi_items()),
        )

    def learn(self, sent: httpx.Request) -> None:
        """Record what the auth added to ``sent`` compared with the built request."""
        built_headers = set(self.built_headers)
        for name, value in sent.headers.multi_items():
            key = name.lower()
            if key not in _TRANSPORT_HEADERS and (key, value) not in built_headers:
                self.secret_headers.add(key)
        built_params = set(self.built_params)
        for key, value in sent.url.params.multi_items():
            if (key, value) not in built_params:
                self.secret_params.add(key)

    def is_secret_header(self, name: str) -> bool:
        key = name.lower()
        return is_credential_name(key) or key in self.secret_headers

    def is_secret_param(self, name: str) -> bool:
        return is_credential_name(name) or name in self.secret_params

    def url(self, url: httpx.URL) -> str:
        if not any(self.is_secret_param(key) for key in url.params):
            return str(url)
        params = [
            (key, REDACTED if self.is_secret_param(key) else value)
            for key, value in url.params.multi_items()
        ]
        return str(url.copy_with(params=httpx.QueryParams(tuple(params))))

    def headers(self, headers: httpx.Headers) -> dict[str, str]:
        shown: dict[str, str] = {}
        for name, value in headers.multi_items():
            key = name.lower()
            value = REDACTED if self.is_secret_header(key) else value
            shown[key] = f"{shown[key]}, {value}" if key in shown else value
        return shown
