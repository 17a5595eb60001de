"""The HTTP action executor: runs an evaluated REST query and reports the result.

Plain Python over httpx; no Django. The caller (``builder``) evaluates the
action's bindings, builds an ``httpx.Auth`` from the datasource and a
``FileResolver`` for the session's picked files, then::

    from runtime.http import HttpExecutor, OutboundPolicy

    executor = HttpExecutor(OutboundPolicy(allow_loopback=settings.DEBUG))
    result = executor.execute(
        {"method": "POST", "path": "2/files/upload", "body_type": "binary",
         "body": "blob:9f2c", "headers": [...], "timeout_s": 60},
        {"url": "https://content.dropboxapi.com/", "headers": [...]},
        auth=datasource_auth,
        files=session_files,
    )
    result.to_dict()  # {"data", "response_meta": {...}, "duration_ms", "request", "error"}

Bad input raises a ``ConfigError`` (see ``runtime.http.errors``) naming the
field; a failed call is a result with ``is_execution_success`` False.
"""

from __future__ import annotations

from runtime.http.action_config import ActionConfig, BodyType, DatasourceConfig, KeyValue
from runtime.http.errors import (
    BlockedAddressError,
    ConfigError,
    DeadlineExceededError,
    FileReadError,
    FileReferenceError,
    HttpExecutorError,
    InvalidBodyError,
    InvalidHeaderError,
    InvalidURLError,
    OutboundError,
    ResponseTooLargeError,
    TooManyRedirectsError,
)
from runtime.http.executor import HttpExecutor
from runtime.http.files import FileResolver, ResolvedFile
from runtime.http.network import GuardedTransport, Resolver, system_resolver
from runtime.http.outbound_policy import OutboundPolicy
from runtime.http.result import BindingFailure, ExecutionError, ExecutionResult, RequestSummary

__all__ = [
    "ActionConfig",
    "BindingFailure",
    "BlockedAddressError",
    "BodyType",
    "ConfigError",
    "DatasourceConfig",
    "DeadlineExceededError",
    "ExecutionError",
    "ExecutionResult",
    "FileReadError",
    "FileReferenceError",
    "FileResolver",
    "GuardedTransport",
    "HttpExecutor",
    "HttpExecutorError",
    "InvalidBodyError",
    "InvalidHeaderError",
    "InvalidURLError",
    "KeyValue",
    "OutboundError",
    "OutboundPolicy",
    "RequestSummary",
    "ResolvedFile",
    "Resolver",
    "ResponseTooLargeError",
    "TooManyRedirectsError",
    "system_resolver",
]
