"""Exceptions of the HTTP action executor.

Two families, because callers must treat them differently:

* ``InvalidActionConfigError``: the executor was misused or the evaluated action config is
  bad. ``HttpExecutor.execute`` raises these before any byte leaves the host.
  They are 4xx-worthy: the API renders them as ``{"code", "message", "field"}``
  with ``status_code`` (400), ``field`` naming the offending input such as
  ``config.body`` or ``config.headers[1].key``.
* ``OutboundError``: the call itself failed (oversized response, too many
  redirects, unreadable file...). ``execute`` never lets these escape: it
  turns them into an ``ExecutionResult`` whose ``is_execution_success`` is
  False and whose ``error.code`` is the class's ``code``. They are public so
  that the reader modules can be used and tested on their own.

Hierarchy::

    HttpExecutorError
    ├── InvalidActionConfigError   code "invalid_config", field
    │   ├── InvalidURLError            code "invalid_url"
    │   ├── InvalidHeaderError         code "invalid_header"
    │   ├── InvalidBodyError           code "invalid_body"
    │   └── FileReferenceError         code "invalid_file_reference", reference
    └── OutboundError                  code "outbound_error"
        ├── TooManyRedirectsError      code "too_many_redirects", limit
        ├── ResponseTooLargeError      code "response_too_large", limit
        ├── ResponseDecodingError      code "decoding_error", encoding
        ├── DeadlineExceededError      code "timeout", timeout_s
        ├── FileReadError              code "file_read_error", reference
        ├── UploadSessionError         code "upload_session_error", step
        │   └── UploadSessionExpiredError  code "upload_session_expired"
        └── RetryAfterTooLongError     code "retry_after_too_long", retry_after_s, remaining_s

A destination refused by the outbound policy raises
``outbound.BlockedAddressError`` (from the policy's URL check or from the
guarded transport); ``execute`` reports it the same way, with its code
``blocked_address`` and its message. Transport failures raised by httpx
itself (``httpx.TimeoutException``, ``httpx.ConnectError``...) are mapped to
result codes by the executor; they are not wrapped in this tree either.
"""

from __future__ import annotations

__all__ = [
    "DeadlineExceededError",
    "FileReadError",
    "FileReferenceError",
    "HttpExecutorError",
    "InvalidActionConfigError",
    "InvalidBodyError",
    "InvalidHeaderError",
    "InvalidURLError",
    "OutboundError",
    "ResponseDecodingError",
    "ResponseTooLargeError",
    "RetryAfterTooLongError",
    "TooManyRedirectsError",
    "UploadSessionError",
    "UploadSessionExpiredError",
]


class HttpExecutorError(Exception):
    """Root of every error raised by ``runtime.http``."""

    code = "http_executor_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidActionConfigError(HttpExecutorError, ValueError):
    """Bad input: the action or datasource config cannot be sent as given.

    ``field`` is a dotted path into the input (``config.timeout_s``,
    ``datasource.url``) so the API can point the editor at the right box.
    """

    code = "invalid_config"
    status_code = 400

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidURLError(InvalidActionConfigError):
    """The URL built from the datasource URL and the query path is unusable."""

    code = "invalid_url"


class InvalidHeaderError(InvalidActionConfigError):
    """A header name or value cannot go on the wire (bad token, CR/LF...)."""

    code = "invalid_header"


class InvalidBodyError(InvalidActionConfigError):
    """The body does not fit its ``body_type`` (bad JSON, missing file...)."""

    code = "invalid_body"


class FileReferenceError(InvalidActionConfigError):
    """A ``blob:`` file reference is malformed or unknown to the resolver."""

    code = "invalid_file_reference"

    def __init__(self, message: str, *, field: str, reference: str) -> None:
        super().__init__(message, field=field)
        self.reference = reference


class OutboundError(HttpExecutorError):
    """The call failed; reported as a result, never raised out of ``execute``."""

    code = "outbound_error"


class TooManyRedirectsError(OutboundError):
    """The upstream redirected more often than the policy allows."""

    code = "too_many_redirects"

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class ResponseTooLargeError(OutboundError):
    """The response body exceeded the configured cap; reading stopped there."""

    code = "response_too_large"

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class ResponseDecodingError(OutboundError):
    """The body's ``Content-Encoding`` is not one Brace decodes, or its data is corrupt.

    ``encoding`` is the content coding at fault.
    """

    code = "decoding_error"

    def __init__(self, message: str, *, encoding: str) -> None:
        super().__init__(message)
        self.encoding = encoding


class DeadlineExceededError(OutboundError):
    """The whole call (upload, wait and download) took longer than ``timeout_s``.

    httpx timeouts bound each single network operation; this one bounds the
    total, so that a server dribbling one byte per second cannot hold a
    worker forever.
    """

    code = "timeout"

    def __init__(self, message: str, *, timeout_s: float) -> None:
        super().__init__(message)
        self.timeout_s = timeout_s


class FileReadError(OutboundError):
    """A resolved file could not be opened or read while streaming it."""

    code = "file_read_error"

    def __init__(self, message: str, *, reference: str) -> None:
        super().__init__(message)
        self.reference = reference


class UploadSessionError(OutboundError):
    """A chunked upload's peer answered a session step in a way Brace cannot go on from.

    ``step`` names it (``start``, ``append_v2``, ``finish``). Failed answers
    (a 4xx, a 5xx) are not errors of this kind: they become the result as a
    single request's would.
    """

    code = "upload_session_error"

    def __init__(self, message: str, *, step: str) -> None:
        super().__init__(message)
        self.step = step


class UploadSessionExpiredError(UploadSessionError):
    """The peer no longer knows the upload session, and it was already started over once.

    A session expires at the provider (Dropbox keeps one for a week) or is
    closed; the upload starts again from byte 0 once
    (``runtime.http.upload_sessions.MAX_SESSION_RESTARTS``), then fails with this.
    """

    code = "upload_session_expired"


class RetryAfterTooLongError(OutboundError):
    """The upstream asked to be retried later than the run's deadline allows.

    A 429 or 503 whose ``Retry-After`` (``retry_after_s``) is longer than what
    is left of the query's timeout (``remaining_s``): waiting would only end
    in a timeout, so the run fails at once and says when to try again.
    """

    code = "retry_after_too_long"
    # The API will take the request later: the result says trying again may help.
    retryable = True

    def __init__(self, message: str, *, retry_after_s: float, remaining_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.remaining_s = remaining_s
