"""Choosing an engine by name: ``"quickjs"`` (default) or ``"js2py"`` (unsafe, optional).

Engines are cached per (name, limits) so their per-thread contexts are reused.
"""

from __future__ import annotations

import threading

from runtime.engine import Engine, QuickJSEngine
from runtime.errors import ConfigurationError
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits

ENGINE_NAMES = ("quickjs", "js2py")

_engines: dict[tuple[str, EvaluationLimits], Engine] = {}
_lock = threading.Lock()


def get_engine(name: str = "quickjs", limits: EvaluationLimits = DEFAULT_LIMITS) -> Engine:
    """The shared engine called ``name`` with ``limits``."""
    if name not in ENGINE_NAMES:
        raise ConfigurationError(
            f"unknown JavaScript engine {name!r}; use one of {', '.join(ENGINE_NAMES)}"
        )
    key = (name, limits)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            if name == "js2py":
                from runtime.js2py_engine import Js2PyEngine

                engine = Js2PyEngine(limits)
            else:
                engine = QuickJSEngine(limits)
            _engines[key] = engine
    return engine
