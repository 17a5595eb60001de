"""The JavaScript sandbox as the settings configure it, for bindings and handlers alike.

js_limits()    # EvaluationLimits from BRACE_JS_TIME_LIMIT_MS and BRACE_JS_MEMORY_LIMIT_MB
js_engine()    # the engine named by BRACE_JS_ENGINE, with those limits
"""

from __future__ import annotations

from django.conf import settings

from runtime import Engine, EvaluationLimits, get_engine

__all__ = ["js_engine", "js_limits"]


def js_limits() -> EvaluationLimits:
    """The sandbox limits from settings (BRACE_JS_TIME_LIMIT_MS, BRACE_JS_MEMORY_LIMIT_MB)."""
    return EvaluationLimits(
        time_limit_s=settings.BRACE_JS_TIME_LIMIT_MS / 1000,
        memory_limit_bytes=settings.BRACE_JS_MEMORY_LIMIT_MB * 1024 * 1024,
    )


def js_engine() -> Engine:
    """The engine named by BRACE_JS_ENGINE, with the configured limits (cached by runtime)."""
    return get_engine(settings.BRACE_JS_ENGINE, js_limits())
