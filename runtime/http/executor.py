"""Runs one evaluated HTTP action against the outside world.

``HttpExecutor.execute`` takes an action ``config`` whose bindings are already
evaluated, the datasource's non-secret config, an optional ``httpx.Auth``
(the caller builds it from the datasource; the runtime never sees a token)
and a ``FileResolver`` for picked files, and optionally the datasource's
chunked-upload protocol (``runtime.http.upload_sessions``): a file body the
protocol claims is sent through its session of requests instead of one. It
distinguishes two kinds of failure:

* bad input raises a ``InvalidActionConfigError`` naming the field, before any I/O;
* a call that fails (timeout, refused address, upstream 500...) returns an
  ``ExecutionResult`` with ``is_execution_success`` False and an ``error``.

Redirects are followed here rather than by httpx so that each hop passes the
outbound policy and counts against ``policy.max_redirects``; httpx still
builds every hop (method rewriting on 301/302/303, ``Authorization``
stripped across origins). One executor is meant to live for the process: its
transport pools connections. Each run gets its own short-lived client, so
cookies set by one user's upstream never reach another user's request.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx

from outbound import (
    BlockedAddressError,
    GuardedTransport,
    OutboundPolicy,
    Resolver,
    system_resolver,
)
from runtime.http.action_config import ActionConfig, DatasourceConfig
from runtime.http.deadline import Deadline
from runtime.http.errors import InvalidActionConfigError, OutboundError, TooManyRedirectsError
from runtime.http.files import FileByteStream, FileResolver
from runtime.http.request_builder import build_request
from runtime.http.response_reader import (
    DEFAULT_MAX_RESPONSE_BYTES,
    decode_body,
    read_body,
    response_headers,
)
from runtime.http.result import ExecutionError, ExecutionResult, Redactor, RequestSummary
from runtime.http.retry import RetryPolicy
from runtime.http.upload_sessions import ChunkedUpload, UploadCheckpoints

__all__ = ["DEFAULT_MAX_TIMEOUT_S", "HttpExecutor"]

DEFAULT_MAX_TIMEOUT_S = 300.0


class _BorrowedTransport(httpx.BaseTransport):
    """Lends the shared transport to a per-run client without letting it close it."""

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self._transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._transport.handle_request(request)

    def close(self) -> None:
        pass


@dataclass
class _Trace:
    """What happened during one run, for the result and its debug view."""

    redactor: Redactor
    current: httpx.Request
    redirects: list[httpx.URL] = field(default_factory=list)
    response: httpx.Response | None = None
    # Requests a chunked upload's session sent (0: the request went as one),
    # retries included, and how many of them were retries.
    session_requests: int = 0
    session_retries: int = 0


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _transport_error(exc: httpx.TransportError, timeout_s: float) -> ExecutionError:
    if isinstance(exc, httpx.TimeoutException):
        kind = type(exc).__name__.removesuffix("Timeout").lower() or "request"
        return ExecutionError("timeout", f"the request timed out after {timeout_s:g} s ({kind})")
    if isinstance(exc, httpx.ConnectError):
        return ExecutionError("connect_error", f"could not connect: {exc}")
    if isinstance(exc, httpx.ProtocolError):
        return ExecutionError("protocol_error", f"the upstream broke the HTTP protocol: {exc}")
    return ExecutionError("network_error", f"network error: {exc or type(exc).__name__}")


class HttpExecutor:
    """Sends evaluated actions under an ``OutboundPolicy``.

    ``ssl_context`` defaults to httpx's (certifi's CA bundle, verification on);
    pass one to trust a private CA.

    ``transport`` replaces the guarded transport, for fault injection with
    ``httpx.MockTransport`` only: URL-level policy checks still run, but the
    DNS-level checks live in the real transport.

    ``retry`` is how each step of a chunked upload's session is retried
    (``runtime.http.retry``). A request sent as one is never retried: it may
    not be idempotent, and the caller (an event handler) decides.
    """

    def __init__(
        self,
        policy: OutboundPolicy | None = None,
        *,
        resolver: Resolver = system_resolver,
        transport: httpx.BaseTransport | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_timeout_s: float = DEFAULT_MAX_TIMEOUT_S,
        ssl_context: ssl.SSLContext | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        if isinstance(max_response_bytes, bool) or max_response_bytes <= 0:
            raise InvalidActionConfigError(
                "must be a positive number of bytes", field="max_response_bytes"
            )
        if max_timeout_s <= 0:
            raise InvalidActionConfigError(
                "must be a positive number of seconds", field="max_timeout_s"
            )
        self.policy = policy if policy is not None else OutboundPolicy()
        self.max_response_bytes = max_response_bytes
        self.max_timeout_s = max_timeout_s
        self.retry = retry if retry is not None else RetryPolicy()
        self._transport = (
            transport
            if transport is not None
            else GuardedTransport(self.policy, resolver=resolver, ssl_context=ssl_context)
        )

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> HttpExecutor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def execute(
        self,
        config: ActionConfig | Mapping[str, Any],
        datasource: DatasourceConfig | Mapping[str, Any] | None = None,
        *,
        auth: httpx.Auth | None = None,
        files: FileResolver | None = None,
        chunked_upload: ChunkedUpload | None = None,
        upload_checkpoints: UploadCheckpoints | None = None,
    ) -> ExecutionResult:
        """Run one action; raises ``InvalidActionConfigError`` for bad input, else returns a result.

        ``chunked_upload`` is the datasource's protocol for files too large for
        one request; it decides which file bodies it takes.
        ``upload_checkpoints`` lets its sessions resume where an earlier run
        stopped, and report each confirmed chunk. Exceptions raised
        by ``auth`` itself (for instance "this datasource needs to be
        authorized again"), or by the checkpoints (a cancelled job), propagate
        unchanged: they belong to the caller that built them.
        """
        action = config if isinstance(config, ActionConfig) else ActionConfig.from_mapping(config)
        source = (
            datasource
            if isinstance(datasource, DatasourceConfig)
            else DatasourceConfig.from_mapping(datasource)
        )
        if action.timeout_s > self.max_timeout_s:
            raise InvalidActionConfigError(
                f"must be at most {self.max_timeout_s:g} s", field="config.timeout_s"
            )
        started = time.perf_counter()
        deadline = Deadline(action.timeout_s)
        built = build_request(action, source, files=files, deadline=deadline)
        trace = _Trace(redactor=Redactor.for_request(built.request), current=built.request)
        data: Any = None
        error: ExecutionError | None = None
        client = httpx.Client(transport=_BorrowedTransport(self._transport), trust_env=False)
        stream = built.request.stream
        try:
            if (
                chunked_upload is not None
                and isinstance(stream, FileByteStream)
                and chunked_upload.applies(built.request, stream)
            ):
                try:
                    response = self._send_session(
                        chunked_upload,
                        client,
                        built.request,
                        stream,
                        auth,
                        deadline,
                        trace,
                        upload_checkpoints,
                    )
                finally:
                    # Shown for a failed session too: how far it went.
                    built.body_summary["upload_session"] = {
                        "protocol": chunked_upload.name,
                        "requests": trace.session_requests,
                        "retries": trace.session_retries,
                    }
            else:
                response = self._send(client, built.request, auth, deadline, trace)
            content = read_body(response, max_bytes=self.max_response_bytes, deadline=deadline)
            data = decode_body(content, response.headers.get("content-type"))
        except (OutboundError, BlockedAddressError) as exc:
            # Some say whether trying again later may help (a Retry-After too long).
            retryable = getattr(exc, "retryable", None)
            error = ExecutionError(exc.code, exc.message, retryable=retryable)
        except httpx.TransportError as exc:
            error = _transport_error(exc, action.timeout_s)
        finally:
            if trace.response is not None:
                trace.response.close()
            client.close()
        return self._result(trace, built.body_summary, data, error, started)

    def _send(
        self,
        client: httpx.Client,
        request: httpx.Request,
        auth: httpx.Auth | None,
        deadline: Deadline,
        trace: _Trace,
    ) -> httpx.Response:
        self.policy.check_url(request.url)
        _limit_to_deadline(request, deadline)
        response = client.send(request, auth=auth, stream=True, follow_redirects=False)
        trace.response = response
        trace.current = response.request
        trace.redactor.learn(response.request)
        while response.next_request is not None and self.policy.follow_redirects:
            hop = response.next_request
            response.close()
            if len(trace.redirects) >= self.policy.max_redirects:
                raise TooManyRedirectsError(
                    f"stopped after {self.policy.max_redirects} redirects",
                    limit=self.policy.max_redirects,
                )
            deadline.check()
            self.policy.check_url(hop.url)
            if _origin(hop.url) != _origin(trace.current.url):
                # httpx strips Authorization across origins; a credential the auth put
                # in another header, or one typed under a credential's name (an API
                # key header), must not travel either.
                for name in [name for name in hop.headers if trace.redactor.is_secret_header(name)]:
                    hop.headers.pop(name, None)
            trace.redirects.append(hop.url)
            trace.current = hop
            _limit_to_deadline(hop, deadline)
            # No auth on later hops: the credential goes only where the datasource points.
            response = client.send(hop, auth=None, stream=True, follow_redirects=False)
            trace.response = response
        return response

    def _send_session(
        self,
        protocol: ChunkedUpload,
        client: httpx.Client,
        request: httpx.Request,
        body: FileByteStream,
        auth: httpx.Auth | None,
        deadline: Deadline,
        trace: _Trace,
        checkpoints: UploadCheckpoints | None = None,
    ) -> httpx.Response:
        """Let ``protocol`` upload ``body``; each of its requests is checked, timed and authed.

        Its requests do not follow redirects: a session step is answered where
        it was sent. Each step is retried under ``self.retry`` (a 429, a 5xx,
        a dropped connection), re-sent whole: its stream reopens the file at
        the chunk's offset. The summary shows the query's own request.
        """

        def send_once(step: httpx.Request) -> httpx.Response:
            self.policy.check_url(step.url)
            _limit_to_deadline(step, deadline)
            trace.session_requests += 1
            # A step that gets no answer must not show the answer of the one before.
            trace.response = None
            response = client.send(step, auth=auth, stream=True, follow_redirects=False)
            trace.redactor.learn(response.request)
            trace.response = response  # closed by execute() if an error ends the run
            return response

        def counted_retry() -> None:
            trace.session_retries += 1

        def send(step: httpx.Request) -> httpx.Response:
            return self.retry.send(lambda: send_once(step), deadline, on_retry=counted_retry)

        response = protocol.upload(request, body, send, checkpoints)
        trace.response = response
        return response

    def _result(
        self,
        trace: _Trace,
        body_summary: dict[str, Any],
        data: Any,
        error: ExecutionError | None,
        started: float,
    ) -> ExecutionResult:
        response = trace.response
        status = response.status_code if response is not None else None
        success = error is None and status is not None and 200 <= status < 300
        if error is None and not success and response is not None:
            reason = response.reason_phrase or ""
            error = ExecutionError(
                "http_status", f"the upstream answered {status} {reason}".strip()
            )
        redactor = trace.redactor
        if not trace.redirects:
            # Also covers runs that failed before any response: auth flows usually
            # modify the built request in place, and that must not be shown either.
            redactor.learn(trace.current)
        summary = RequestSummary(
            method=trace.current.method,
            url=redactor.url(trace.current.url),
            headers=redactor.headers(trace.current.headers),
            body=body_summary,
            redirects=tuple(redactor.url(url) for url in trace.redirects),
        )
        return ExecutionResult(
            data=data,
            status_code=status,
            headers=response_headers(response) if response is not None else {},
            is_execution_success=success,
            duration_ms=round((time.perf_counter() - started) * 1000),
            request=summary,
            error=error,
        )


def _limit_to_deadline(request: httpx.Request, deadline: Deadline) -> None:
    # A Request built by hand carries no timeout, and httpcore then waits
    # forever; every hop gets what is left of the run's budget.
    deadline.check()
    request.extensions["timeout"] = httpx.Timeout(max(deadline.remaining(), 0.001)).as_dict()
