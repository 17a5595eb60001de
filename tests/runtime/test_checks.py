"""The BRACE_JS_ENGINE system check, and the optional js2py engine when absent."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from django.conf import settings
from django.core.checks import Error, Warning, registry
from django.test import override_settings

import runtime
from runtime import EngineUnavailable, InvalidRuntimeInput, get_engine
from runtime.apps import RuntimeConfig

if not settings.configured:  # running without pytest-django (-p no:django)
    settings.configure()

from runtime.checks import check_js_engine


def test_default_engine_passes() -> None:
    assert check_js_engine() == []


@override_settings(BRACE_JS_ENGINE="quickjs")
def test_quickjs_passes() -> None:
    assert check_js_engine() == []


@override_settings(BRACE_JS_ENGINE="v8")
def test_unknown_engine_is_an_error() -> None:
    (message,) = check_js_engine()
    assert isinstance(message, Error)
    assert message.id == "runtime.E001"


@override_settings(BRACE_JS_ENGINE="js2py")
def test_js2py_warns_about_the_cve(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: object() if name == "js2py" else real_find_spec(name, *a),
    )
    (message,) = check_js_engine()
    assert isinstance(message, Warning)
    assert message.id == "runtime.W001"
    assert "CVE-2024-28397" in message.msg
    assert "ES6" in message.msg


@override_settings(BRACE_JS_ENGINE="js2py")
def test_js2py_not_installed_is_also_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "js2py" else real_find_spec(name, *a),
    )
    messages = check_js_engine()
    assert [m.id for m in messages] == ["runtime.W001", "runtime.E002"]


def test_app_ready_registers_the_check() -> None:
    RuntimeConfig("runtime", runtime).ready()
    assert check_js_engine in registry.registry.get_checks()


def test_js2py_engine_fails_clearly_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes `import js2py` fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "js2py", None)
    with pytest.raises(EngineUnavailable, match="not installed"):
        get_engine("js2py")


def test_unknown_engine_name_is_refused() -> None:
    with pytest.raises(InvalidRuntimeInput, match="unknown JavaScript engine"):
        get_engine("v8")


def test_the_default_upload_session_settings_pass() -> None:
    from runtime.checks import check_upload_session_settings

    assert check_upload_session_settings() == []


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("BRACE_UPLOAD_SESSION_CHUNK_BYTES", 5_000_000, "multiple of 4 MiB"),
        ("BRACE_UPLOAD_SESSION_CHUNK_BYTES", 152 * 1024 * 1024, "at most 150 MB"),
        ("BRACE_UPLOAD_SESSION_THRESHOLD_BYTES", -1, "0 or more"),
    ],
)
def test_an_upload_session_setting_dropbox_refuses_is_an_error_naming_it(
    setting: str, value: int, words: str
) -> None:
    from runtime.checks import check_upload_session_settings

    with override_settings(**{setting: value}):
        (message,) = check_upload_session_settings()
    assert isinstance(message, Error)
    assert message.id == "runtime.E003"
    assert message.msg.startswith(f"{setting} is {value}: it must")
    assert words in message.msg


def test_the_default_upload_retry_settings_pass() -> None:
    from runtime.checks import check_upload_retry_settings, upload_retry_policy

    assert check_upload_retry_settings() == []
    policy = upload_retry_policy()
    assert (policy.attempts, policy.base_delay_s, policy.max_delay_s) == (5, 0.5, 30.0)


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("BRACE_UPLOAD_RETRY_ATTEMPTS", 0, "from 1 (never retry) to 20"),
        ("BRACE_UPLOAD_RETRY_BASE_DELAY_S", -0.5, "from 0 to 600 seconds"),
        ("BRACE_UPLOAD_RETRY_MAX_DELAY_S", 0.1, "at least the base delay"),
    ],
)
def test_a_bad_upload_retry_setting_is_an_error_naming_it(
    setting: str, value: float, words: str
) -> None:
    from runtime.checks import check_upload_retry_settings

    with override_settings(**{setting: value}):
        (message,) = check_upload_retry_settings()
    assert isinstance(message, Error)
    assert message.id == "runtime.E004"
    assert message.msg.startswith(f"{setting} is {value}: it must")
    assert words in message.msg
