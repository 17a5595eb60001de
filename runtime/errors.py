"""Errors raised and reported by the runtime.

Two kinds of failure exist. Misuse of the Python API (a malformed page spec,
a bad limit, an engine that is not installed) raises an exception. A failure
of *user* JavaScript never raises out of an evaluation: it becomes an
:class:`EvalError` record attached to the property that failed, and the rest
of the page still evaluates. Every record is built from one of the
``BindingError`` classes below, so each carries a stable machine-readable
``code``.

Hierarchy::

    BraceRuntimeError
    ├── InvalidRuntimeInput         bad limits, bad page spec, bad changed path
    ├── EngineUnavailable           an optional engine (js2py) is not installed
    ├── EngineCrashed               the engine failed in a way user code cannot cause
    └── BindingError                user JavaScript failed (reported, not raised)
        ├── JavaScriptSyntaxError   does not parse; has line and column
        ├── JavaScriptException     threw; ``name`` is the JS error's name
        ├── LimitExceeded
        │   ├── TimeLimitExceeded
        │   ├── MemoryLimitExceeded
        │   ├── StackLimitExceeded  recursion or nesting too deep
        │   ├── InputTooLarge       binding source or result over the size limit
        │   └── NestedTooDeep       a value out of the sandbox nests deeper than Brace keeps
        ├── NonJsonResult           a function, symbol, BigInt or cyclic object
        ├── AsyncInDataField        a data binding returned a Promise
        ├── BindingInUrlOrigin      a binding where it would set a URL's scheme, host or port
        └── DependencyCycle         the property is part of a cycle
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class BraceRuntimeError(Exception):
    """Root of every exception the runtime raises."""


class InvalidRuntimeInput(BraceRuntimeError, ValueError):
    """The caller passed something the runtime cannot work with."""


class EngineUnavailable(BraceRuntimeError):
    """The selected JavaScript engine cannot be loaded."""


class EngineCrashed(BraceRuntimeError):
    """The engine failed outside of anything user code is allowed to cause."""


class BindingError(BraceRuntimeError):
    """User JavaScript failed. Turned into an :class:`EvalError` on its property."""

    code = "binding_error"
    name = "Error"

    def __init__(
        self,
        message: str,
        *,
        name: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if name is not None:
            self.name = name
        self.line = line
        self.column = column

    def to_record(self, binding: str, path: str | None = None) -> EvalError:
        return EvalError(
            code=self.code,
            name=self.name,
            message=self.message,
            binding=binding,
            path=path,
            line=self.line,
            column=self.column,
        )


class JavaScriptSyntaxError(BindingError):
    code = "syntax_error"
    name = "SyntaxError"

    @classmethod
    def from_engine_message(cls, text: str) -> JavaScriptSyntaxError:
        """QuickJS's message and stack for code wrapped with the user's code on line 2."""
        lines = text.strip().splitlines()
        message = lines[0] if lines else "SyntaxError"
        line = column = None
        for candidate in lines[1:]:
            if "<input>:" in candidate:
                location = candidate.rsplit("<input>:", 1)[1].rstrip(")")
                parts = location.split(":")
                if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
                    # The wrapper puts the user's code on line 2.
                    line, column = max(int(parts[0]) - 1, 1), int(parts[1])
                break
        if message.startswith("SyntaxError: "):
            message = message[len("SyntaxError: ") :]
        return cls(message, line=line, column=column)

    def in_binding(self, code: str) -> JavaScriptSyntaxError:
        """This error placed in ``code``, the binding as typed between ``{{`` and ``}}``.

        ``line`` counts from the code's first line; ``column`` counts UTF-8
        bytes, as both parsers do. The result counts characters. Parsers see
        the code inside a wrapper that closes after it, so an error past the
        code's last line is in the wrapper's text: the code ended before its
        expression did (``(a + b``). It is placed just after the code's last
        character, and a message naming a token the user never typed is
        replaced.
        """
        if self.line is None or self.column is None:
            return self
        lines = code.split("\n")
        if self.line <= len(lines):
            text = lines[self.line - 1].encode()
            column = len(text[: self.column - 1].decode(errors="ignore")) + 1
            return type(self)(self.message, line=self.line, column=column)
        typed = code.rstrip().split("\n")
        message = self.message
        if "token" in message.lower():
            message = "unexpected end of the binding"
        return type(self)(message, line=len(typed), column=len(typed[-1]) + 1)


class JavaScriptException(BindingError):
    code = "js_exception"


class LimitExceeded(BindingError):
    code = "limit_exceeded"
    name = "RangeError"


class TimeLimitExceeded(LimitExceeded):
    code = "time_limit"
    name = "TimeoutError"


class MemoryLimitExceeded(LimitExceeded):
    code = "memory_limit"
    name = "MemoryError"


class StackLimitExceeded(LimitExceeded):
    code = "stack_limit"


class InputTooLarge(LimitExceeded):
    code = "too_large"


class NestedTooDeep(LimitExceeded):
    code = "too_deep"


class NonJsonResult(BindingError):
    code = "non_json_result"
    name = "TypeError"


class AsyncInDataField(BindingError):
    code = "async_in_data_field"
    name = "TypeError"

    def __init__(self) -> None:
        super().__init__("data fields cannot run asynchronous code")


class BindingInUrlOrigin(BindingError):
    """A query URL's binding sits in its scheme, host or port (``runtime.url_template``)."""

    code = "binding_in_url_origin"
    name = "URIError"


class DependencyCycle(BindingError):
    code = "cycle"
    name = "CyclicDependencyError"

    def __init__(self, cycle: tuple[str, ...]) -> None:
        super().__init__("cyclic dependency: " + " -> ".join(cycle))
        self.cycle = cycle


# Codes produced inside the JavaScript runner map back to these classes.
ERRORS_BY_CODE: dict[str, type[BindingError]] = {
    cls.code: cls
    for cls in (
        BindingError,
        JavaScriptSyntaxError,
        JavaScriptException,
        TimeLimitExceeded,
        MemoryLimitExceeded,
        StackLimitExceeded,
        InputTooLarge,
        NestedTooDeep,
        NonJsonResult,
        AsyncInDataField,
    )
}


@dataclass(frozen=True)
class EvalError:
    """One failure attached to one property; plain data, JSON-ready via ``to_dict``."""

    code: str
    name: str
    message: str
    binding: str
    path: str | None = None
    line: int | None = None
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "binding": self.binding,
        }
        if self.path is not None:
            data["path"] = self.path
        if self.line is not None:
            data["line"] = self.line
            data["column"] = self.column
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvalError:
        return cls(
            code=data["code"],
            name=data["name"],
            message=data["message"],
            binding=data["binding"],
            path=data.get("path"),
            line=data.get("line"),
            column=data.get("column"),
        )
