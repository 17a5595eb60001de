"""The error tree, error records, and the runtime's import boundaries."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import runtime
from runtime import (
    UNDEFINED,
    AsyncInDataField,
    BindingError,
    BraceRuntimeError,
    DependencyCycle,
    EngineCrashed,
    EngineUnavailable,
    EvalError,
    InputTooLarge,
    InvalidRuntimeInput,
    JavaScriptException,
    JavaScriptSyntaxError,
    LimitExceeded,
    MemoryLimitExceeded,
    NonJsonResult,
    StackLimitExceeded,
    TimeLimitExceeded,
)

RUNTIME_DIR = Path(runtime.__file__).parent


@pytest.mark.parametrize(
    ("cls", "parent"),
    [
        (InvalidRuntimeInput, BraceRuntimeError),
        (InvalidRuntimeInput, ValueError),
        (EngineUnavailable, BraceRuntimeError),
        (EngineCrashed, BraceRuntimeError),
        (BindingError, BraceRuntimeError),
        (JavaScriptSyntaxError, BindingError),
        (JavaScriptException, BindingError),
        (TimeLimitExceeded, LimitExceeded),
        (MemoryLimitExceeded, LimitExceeded),
        (StackLimitExceeded, LimitExceeded),
        (InputTooLarge, LimitExceeded),
        (LimitExceeded, BindingError),
        (NonJsonResult, BindingError),
        (AsyncInDataField, BindingError),
        (DependencyCycle, BindingError),
    ],
)
def test_hierarchy(cls: type[Exception], parent: type[Exception]) -> None:
    assert issubclass(cls, parent)


def test_codes_are_unique() -> None:
    classes: list[type[BindingError]] = [
        JavaScriptSyntaxError,
        JavaScriptException,
        TimeLimitExceeded,
        MemoryLimitExceeded,
        StackLimitExceeded,
        InputTooLarge,
        NonJsonResult,
        AsyncInDataField,
        DependencyCycle,
    ]
    assert len({c.code for c in classes}) == len(classes)


def test_record_carries_context() -> None:
    record = JavaScriptSyntaxError("bad", line=2, column=5).to_record("{{ x }}", "Text1.text")
    assert record == EvalError(
        code="syntax_error",
        name="SyntaxError",
        message="bad",
        binding="{{ x }}",
        path="Text1.text",
        line=2,
        column=5,
    )


def test_record_round_trips_through_json() -> None:
    record = DependencyCycle(("A.x", "B.x", "A.x")).to_record("{{ B.x }}", "A.x")
    assert record.message == "cyclic dependency: A.x -> B.x -> A.x"
    assert EvalError.from_dict(json.loads(json.dumps(record.to_dict()))) == record


def test_thrown_name_overrides_the_class_default() -> None:
    assert JavaScriptException("x", name="ReferenceError").name == "ReferenceError"
    assert AsyncInDataField().message == "data fields cannot run asynchronous code"


def test_undefined_is_a_pickleable_singleton() -> None:
    assert pickle.loads(pickle.dumps(UNDEFINED)) is UNDEFINED
    assert repr(UNDEFINED) == "UNDEFINED"


def test_runtime_imports_no_django_and_no_sibling_apps() -> None:
    code = (
        "import sys, runtime, runtime.page_compiler, runtime.templates;"
        "bad = [m for m in sys.modules if m.split('.')[0] in"
        " ('django', 'builder', 'widgets', 'datasources')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_only_the_engine_module_imports_quickjs() -> None:
    importers = sorted(
        path.name
        for path in RUNTIME_DIR.rglob("*.py")
        if "http" not in path.parts
        and any(
            line.startswith(("import quickjs", "from quickjs"))
            for line in path.read_text().splitlines()
        )
    )
    assert importers == ["engine.py"]
