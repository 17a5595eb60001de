"""A batch of bindings compiled into one JavaScript program.

Calling from Python into JavaScript once per binding would cost more than the
bindings themselves, so everything a page (or one template) evaluates becomes
one program: an array of functions, one per binding, plus a table of *units*.
A unit is one property to compute: which functions to call, how to combine
their results, and where to write the value back so later units can read it.
The engine runs a list of units in order in a single call.

Each binding is pasted into a strict-mode function wrapper. That is safe only
because :mod:`runtime.js_analysis` has proved the code is exactly one
expression and the engine's ``verify`` has confirmed each function compiles
to itself alone; code that fails either never reaches a loaded program.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from runtime.js_scope_analysis import Path

T = TypeVar("T")

IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
RESERVED = frozenset(
    """break case catch class const continue debugger default delete do else enum export
    extends false finally for function if import in instanceof new null return super switch
    this throw true try typeof var void while with yield let static implements interface
    package private protected public await arguments eval undefined""".split()  # noqa: SIM905
) | {"__s", "__this"}
# The parameter every binding function receives; an entity may not take its name.
# Short on purpose: it is repeated in every function of a 3,000-binding program.
STATE_PARAM = "__s"
# Where a template's ``this_value`` travels in the state (see Function.bind_this).
THIS_KEY = "__this"

SINGLE = 0  # one binding: the value keeps its JavaScript type
MIXED = 1  # text and bindings: parts are (function, text0, text1, ...), joined as a string
DERIVED = 2  # one expression evaluated with `this` bound to the entity


def is_identifier(name: str) -> bool:
    return bool(IDENTIFIER.match(name)) and name not in RESERVED


@dataclass(frozen=True)
class Function:
    """Binding code and the scope names it is given.

    One code returns its value; several (the bindings of one text template)
    return an array of values, so a template costs one call, not one per
    binding.

    ``bind_this``: the code reads ``this`` as the state's ``THIS_KEY`` entry
    (a query binding's ``this.params``). The runner calls every function
    with ``this`` undefined, so the code runs in an inner function called on
    that value; arrow functions inside keep it.
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    as_list: bool = False
    bind_this: bool = False

    def source(self) -> str:
        names = ", ".join(self.names)
        prologue = f"const {{{names}}} = {STATE_PARAM};" if self.names else ""
        values = [f"(\n{code}\n)" if code.strip() else "undefined" for code in self.codes]
        body = f"[{', '.join(values)}]" if self.as_list else values[0]
        if self.bind_this:
            body = f"function () {{ return {body}; }}.call({STATE_PARAM}.{THIS_KEY})"
        return f"function ({STATE_PARAM}) {{ {prologue} return {body}; }}"


def split_template(parts: Sequence[str | T]) -> tuple[list[str], list[T]]:
    """Text between bindings (one more than bindings) and the bindings."""
    texts = [""]
    bindings: list[T] = []
    for part in parts:
        if isinstance(part, str):
            texts[-1] += part
        else:
            bindings.append(part)
            texts.append("")
    return texts, bindings


@dataclass(frozen=True)
class Unit:
    """One property to compute. ``parts`` holds text and function indexes."""

    path: str
    kind: int
    parts: tuple[str | int, ...]
    target: Path | None
    binding: str

    def to_js(self) -> list[Any]:
        root, rest = (self.target[0], list(self.target[1:])) if self.target else (None, [])
        return [root, rest, self.kind, list(self.parts)]


@dataclass
class Program:
    """Functions and units, plus the generated source and its fingerprint."""

    functions: list[Function] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    _index: dict[Function, int] = field(default_factory=dict, repr=False)
    # Source, unit table and fingerprint are cached: the fingerprint and the
    # sandbox both need them, and a warm run must not re-hash 3,000 bindings.
    _source: str | None = field(default=None, repr=False, compare=False)
    _units_json: str | None = field(default=None, repr=False, compare=False)
    _fingerprint: str | None = field(default=None, repr=False, compare=False)

    def add_function(
        self,
        codes: Sequence[str],
        names: Iterable[str],
        *,
        as_list: bool = False,
        bind_this: bool = False,
    ) -> int:
        """Add (or reuse) a function; ``names`` must be valid identifiers (callers check)."""
        function = Function(tuple(codes), tuple(sorted(names)), as_list, bind_this)
        index = self._index.get(function)
        if index is None:
            index = len(self.functions)
            self.functions.append(function)
            self._index[function] = index
            self._source = self._fingerprint = None
        return index

    def add_unit(self, unit: Unit) -> int:
        self.units.append(unit)
        self._units_json = self._fingerprint = None
        return len(self.units) - 1

    def source(self) -> str:
        """JavaScript evaluating to the array of functions."""
        if self._source is None:
            functions = ",\n".join(f.source() for f in self.functions)
            self._source = f'(function () {{ "use strict"; return [\n{functions}\n]; }})()'
        return self._source

    def units_json(self) -> str:
        """The unit table as JSON: parsed as data, which is faster than compiling it."""
        if self._units_json is None:
            self._units_json = json.dumps([u.to_js() for u in self.units], separators=(",", ":"))
        return self._units_json

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            digest = hashlib.sha256(self.source().encode())
            digest.update(self.units_json().encode())
            self._fingerprint = digest.hexdigest()
        return self._fingerprint

    def state_after(self, state_json: str, order: Sequence[int] | None, done: RunResult) -> str:
        """The state a run resumed after ``done`` starts from: input plus values so far.

        Each finished unit's value is written to its target as the runner
        writes it, so that an engine can go on in a fresh context after an
        interruption.
        """
        state = json.loads(state_json)
        for k, value in enumerate(done.values):
            unit = self.units[k if order is None else order[k]]
            if unit.target is None or k in done.missing:
                continue
            root, *rest = unit.target
            if not rest:
                state[root] = value
                continue
            node = state.setdefault(root, {})
            for key in rest[:-1]:
                node = node.setdefault(key, {}) if isinstance(node, dict) else {}
            if isinstance(node, dict):
                node[rest[-1]] = value
        return json.dumps(state)


class Outcome(NamedTuple):
    """What one unit produced: a JSON value, ``undefined``, or an error."""

    value: Any = None
    undefined: bool = False
    error: tuple[str, str, str] | None = None  # (code, name, message)


@dataclass
class RunResult:
    """What a batch produced, by position in the run order.

    Kept columnar because a page run decodes 3,000 values at once: ``values``
    has every position (``None`` where missing), ``missing`` lists positions
    that are ``undefined`` (``None``) or failed (``(code, name, message)``).
    """

    values: list[Any] = field(default_factory=list)
    missing: dict[int, tuple[str, str, str] | None] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.values)

    def outcome(self, position: int) -> Outcome:
        if position in self.missing:
            return Outcome(None, True, self.missing[position])
        return Outcome(self.values[position])

    def append(self, value: Any, missing: bool, error: tuple[str, str, str] | None) -> None:
        if missing:
            self.missing[len(self.values)] = error
        self.values.append(value)

    @classmethod
    def from_wire(cls, wire: Sequence[Any], offset: int = 0) -> RunResult:
        values, exceptions = wire
        missing: dict[int, tuple[str, str, str] | None] = {}
        for item in exceptions:
            k = item[0] - offset
            missing[k] = None if len(item) == 1 else (str(item[1]), str(item[2]), str(item[3]))
        return cls(list(values), missing)

    def extend(self, other: RunResult) -> None:
        base = len(self.values)
        self.values.extend(other.values)
        for k, error in other.missing.items():
            self.missing[base + k] = error
