"""System checks for the runtime's settings.

``BRACE_JS_ENGINE`` selects the JavaScript engine: ``"quickjs"`` (default)
or ``"js2py"``. js2py is only ever a fallback for trusted code: its 0.74
release lets JavaScript reach Python (CVE-2024-28397) and it only speaks
ES5, so selecting it is a warning, and selecting it without it installed is
an error.

``BRACE_UPLOAD_SESSION_THRESHOLD_BYTES`` and ``BRACE_UPLOAD_SESSION_CHUNK_BYTES``
configure every chunked-upload protocol (``runtime.http.upload_sessions``);
each protocol refuses values its API would (Dropbox: chunks a multiple of
4 MiB, at most 150 MB), and the check says which setting, at start-up rather
than on the first large upload. ``BRACE_UPLOAD_RETRY_*`` (how a session step
is retried, ``runtime.http.retry``) are checked the same way.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from runtime.engines import ENGINE_NAMES
from runtime.http import InvalidActionConfigError, upload_protocol
from runtime.http.retry import RetryPolicy
from runtime.http.upload_protocols import PROTOCOLS

SETTING = "BRACE_JS_ENGINE"
# The protocol constructor's argument -> the setting it comes from.
UPLOAD_SESSION_SETTINGS = {
    "threshold_bytes": "BRACE_UPLOAD_SESSION_THRESHOLD_BYTES",
    "chunk_bytes": "BRACE_UPLOAD_SESSION_CHUNK_BYTES",
}
# RetryPolicy's argument -> the setting it comes from.
UPLOAD_RETRY_SETTINGS = {
    "attempts": "BRACE_UPLOAD_RETRY_ATTEMPTS",
    "base_delay_s": "BRACE_UPLOAD_RETRY_BASE_DELAY_S",
    "max_delay_s": "BRACE_UPLOAD_RETRY_MAX_DELAY_S",
}


@register(Tags.security)
def check_js_engine(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    engine = getattr(settings, SETTING, "quickjs")
    if engine not in ENGINE_NAMES:
        return [
            Error(
                f"{SETTING} is {engine!r}; it must be one of {', '.join(ENGINE_NAMES)}.",
                hint='Use "quickjs".',
                id="runtime.E001",
            )
        ]
    if engine != "js2py":
        return []
    messages: list[CheckMessage] = [
        Warning(
            f'{SETTING} = "js2py" runs user JavaScript in js2py, which is unsafe for '
            "untrusted code: user code can escape to the host and run commands "
            "(CVE-2024-28397). It also rejects ES6 (arrow functions, let/const, "
            "template literals).",
            hint='Use "quickjs" for anything users can edit.',
            id="runtime.W001",
        )
    ]
    if importlib.util.find_spec("js2py") is None:
        messages.append(
            Error(
                f'{SETTING} = "js2py" but js2py is not installed.',
                hint='Install the optional extra (pip install "brace[js2py]") or use "quickjs".',
                id="runtime.E002",
            )
        )
    return messages


@register()
def check_upload_session_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    values = {
        argument: getattr(settings, name) for argument, name in UPLOAD_SESSION_SETTINGS.items()
    }
    messages: list[CheckMessage] = []
    for protocol in PROTOCOLS:
        try:
            upload_protocol(protocol, **values)
        except InvalidActionConfigError as exc:
            name = UPLOAD_SESSION_SETTINGS[exc.field]
            messages.append(
                Error(
                    f"{name} is {values[exc.field]!r}: it {exc.message} ({protocol}).",
                    hint=f"Set {name} to a valid number of bytes, or leave it unset.",
                    id="runtime.E003",
                )
            )
    return messages


def upload_retry_policy() -> RetryPolicy:
    """The ``RetryPolicy`` of the BRACE_UPLOAD_RETRY_* settings.

    Raises ``InvalidActionConfigError`` whose ``field`` is the policy's
    argument (``UPLOAD_RETRY_SETTINGS`` names its setting).
    """
    return RetryPolicy(
        **{argument: getattr(settings, name) for argument, name in UPLOAD_RETRY_SETTINGS.items()}
    )


@register()
def check_upload_retry_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        upload_retry_policy()
    except InvalidActionConfigError as exc:
        name = UPLOAD_RETRY_SETTINGS[exc.field]
        return [
            Error(
                f"{name} is {getattr(settings, name)!r}: it {exc.message}.",
                hint=f"Set {name} to a valid value, or leave it unset.",
                id="runtime.E004",
            )
        ]
    return []
