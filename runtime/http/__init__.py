"""The HTTP action executor: runs an evaluated REST query and reports the result.

Plain Python over httpx; no Django. The caller (``builder``) evaluates the
action's bindings, builds an ``httpx.Auth`` from the datasource and a
``FileResolver`` for the session's picked files, then::

    from outbound import OutboundPolicy
    from runtime.http import HttpExecutor

    executor = HttpExecutor(OutboundPolicy(allow_loopback=settings.DEBUG))
    result = executor.execute(
        {"method": "POST", "path": "2/files/upload", "body_type": "binary",
         "body": "blob:9f2c", "headers": [...], "timeout_s": 60},
        {"url": "https://content.dropboxapi.com/", "headers": [...]},
        auth=datasource_auth,
        files=session_files,
    )
    result.to_dict()  # {"data", "response_meta": {...}, "duration_ms", "request", "error"}

A file larger than one request takes goes through the datasource preset's
chunked-upload protocol, when the caller passes it
(``chunked_upload=upload_protocol("dropbox_upload_session", ...)``, see
``runtime.http.upload_sessions``); each step of its session is retried under
the executor's ``RetryPolicy`` (``runtime.http.retry``), and with
``upload_checkpoints=`` its sessions resume where an earlier run stopped.

Bad input raises a ``InvalidActionConfigError`` (see ``runtime.http.errors``) naming the
field; a failed call is a result with ``is_execution_success`` False.
"""

from __future__ import annotations

from runtime.http.action_config import ActionConfig, BodyType, DatasourceConfig, KeyValue
from runtime.http.errors import (
    DeadlineExceededError,
    FileReadError,
    FileReferenceError,
    HttpExecutorError,
    InvalidActionConfigError,
    InvalidBodyError,
    InvalidHeaderError,
    InvalidURLError,
    OutboundError,
    ResponseDecodingError,
    ResponseTooLargeError,
    RetryAfterTooLongError,
    TooManyRedirectsError,
    UploadSessionError,
    UploadSessionExpiredError,
)
from runtime.http.executor import HttpExecutor
from runtime.http.files import FileResolver, ResolvedFile
from runtime.http.result import BindingFailure, ExecutionError, ExecutionResult, RequestSummary
from runtime.http.retry import RetryPolicy
from runtime.http.upload_protocols import upload_protocol
from runtime.http.upload_sessions import (
    MAX_SESSION_RESTARTS,
    ChunkedUpload,
    UploadCheckpoint,
    UploadCheckpoints,
    expired_message,
)

__all__ = [
    "MAX_SESSION_RESTARTS",
    "ActionConfig",
    "BindingFailure",
    "BodyType",
    "ChunkedUpload",
    "DatasourceConfig",
    "DeadlineExceededError",
    "ExecutionError",
    "ExecutionResult",
    "FileReadError",
    "FileReferenceError",
    "FileResolver",
    "HttpExecutor",
    "HttpExecutorError",
    "InvalidActionConfigError",
    "InvalidBodyError",
    "InvalidHeaderError",
    "InvalidURLError",
    "KeyValue",
    "OutboundError",
    "RequestSummary",
    "ResolvedFile",
    "ResponseDecodingError",
    "ResponseTooLargeError",
    "RetryAfterTooLongError",
    "RetryPolicy",
    "TooManyRedirectsError",
    "UploadCheckpoint",
    "UploadCheckpoints",
    "UploadSessionError",
    "UploadSessionExpiredError",
    "expired_message",
    "upload_protocol",
]
