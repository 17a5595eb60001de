"""JavaScript engines: the interface evaluation needs, and choosing one by name.

:class:`Engine` is all that pages and templates see of an engine; the
engines are ``"quickjs"`` (default, :mod:`runtime.engine`) and ``"js2py"``
(unsafe, optional, :mod:`runtime.js2py_engine`). Engines are cached per
(name, limits) so their per-thread contexts are reused.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

from runtime.engine import QuickJSEngine
from runtime.errors import InvalidRuntimeInput, JavaScriptSyntaxError
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits
from runtime.program import Program, RunResult

ENGINE_NAMES = ("quickjs", "js2py")


class Engine(Protocol):
    """What the evaluator needs from a JavaScript engine."""

    name: str

    def __hash__(self) -> int:
        """Engines are used as cache keys; identity is enough."""
        ...

    def run(
        self,
        program: Program,
        state_json: str,
        order: Sequence[int] | None = None,
    ) -> RunResult:
        """Compute ``program.units`` (all, or those in ``order``) against a fresh state."""
        ...

    def syntax_error(self, code: str) -> JavaScriptSyntaxError | None:
        """The engine's own syntax error for one binding's code, if any."""
        ...

    def verify(self, program: Program) -> set[int]:
        """Indexes of functions whose source does not compile to exactly one function."""
        ...


_engines: dict[tuple[str, EvaluationLimits], Engine] = {}
_lock = threading.Lock()


def get_engine(name: str = "quickjs", limits: EvaluationLimits = DEFAULT_LIMITS) -> Engine:
    """The shared engine called ``name`` with ``limits``."""
    if name not in ENGINE_NAMES:
        raise InvalidRuntimeInput(
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
