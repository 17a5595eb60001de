"""Optional engine: js2py. UNSAFE for untrusted code; ES5 only.

js2py 0.74 lets JavaScript reach Python objects and run commands
(CVE-2024-28397), and rejects ES6 (arrow functions, ``let``/``const``,
template literals). It exists for comparison and for trusted, legacy
content; a Django system check warns whenever it is selected. It is
imported lazily so that the runtime works without it.

js2py has no time or memory limit; ``limits`` only bounds source and
result sizes here.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from typing import Any

from runtime.errors import EngineUnavailable, JavaScriptSyntaxError
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits
from runtime.program import DERIVED, MIXED, STATE_PARAM, THIS_KEY, Program, RunResult


def _load_js2py() -> Any:
    try:
        return importlib.import_module("js2py")
    except ImportError as exc:
        raise EngineUnavailable(
            'the "js2py" engine needs js2py, which is not installed '
            '(.venv/bin/pip install -e ".[js2py]"), and is unsafe for untrusted code; use "quickjs"'
        ) from exc


class Js2PyEngine:
    name = "js2py"

    def __init__(self, limits: EvaluationLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._js2py = _load_js2py()

    def _function(self, program: Program, index: int) -> Any:
        function = program.functions[index]
        prologue = "".join(f"var {n} = {STATE_PARAM}.{n};" for n in function.names)
        values = [f"({code})" if code.strip() else "undefined" for code in function.codes]
        body = f"[{', '.join(values)}]" if function.as_list else values[0]
        return self._js2py.eval_js(f"(function ({STATE_PARAM}) {{ {prologue} return {body}; }})")

    def run(
        self,
        program: Program,
        state_json: str,
        order: Sequence[int] | None = None,
    ) -> RunResult:
        state = self._js2py.eval_js(f"({state_json})")
        stringify = self._js2py.eval_js("(function (v) { return JSON.stringify(v); })")
        put = self._js2py.eval_js(
            "(function (S, r, k, v) { if (S[r] == null) { S[r] = {}; } S[r][k] = v; })"
        )
        functions: dict[int, Any] = {}
        result = RunResult()
        for index in range(len(program.units)) if order is None else order:
            unit = program.units[index]
            first = unit.parts[0]
            try:
                if not isinstance(first, int):
                    raise TypeError("a unit starts with its function")
                if first not in functions:
                    functions[first] = self._function(program, first)
                this = state[unit.target[0]] if unit.kind == DERIVED and unit.target else None
                if program.functions[first].bind_this:
                    this = state[THIS_KEY]  # a template's this_value
                value = functions[first].call(this, state)
                if unit.kind == MIXED:
                    texts = [str(p) for p in unit.parts[1:]]
                    pieces = [texts[0]]
                    for i, item in enumerate(value):
                        shown = item if isinstance(item, str) else stringify(item)
                        pieces.append(("" if shown is None else str(shown)) + texts[i + 1])
                    value = "".join(pieces)
                    result.append(value, False, None)
                else:
                    encoded = stringify(value)
                    if encoded is None:
                        result.append(None, True, None)
                    else:
                        result.append(json.loads(encoded), False, None)
                if unit.target is not None and len(unit.target) == 2:
                    put(state, unit.target[0], unit.target[1], value)
            except Exception as exc:
                result.append(None, True, ("js_exception", "Error", str(exc)))
        return result

    def verify(self, program: Program) -> set[int]:
        # Nothing to protect: js2py gives user code the host anyway.
        return set()

    def syntax_error(self, code: str) -> JavaScriptSyntaxError | None:
        try:
            self._js2py.parse_js(f"(function () {{ return ({code}); }})")
        except Exception as exc:
            return JavaScriptSyntaxError(str(exc))
        return None
