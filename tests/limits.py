"""The JavaScript limit presets of the tests.

The time limit is wall time, so a busy or stalled machine can make any
evaluation miss a tight one. Tests that expect JavaScript to finish run under
`GENEROUS`: in the runtime's tests by passing it, and in every Django test
(and the worker processes they start) through ``BRACE_JS_TIME_LIMIT_MS``,
which ``tests/conftest.py`` sets from it. Only tests of the time limit itself
use `TIGHT`, and they assert the error, never the time taken. Tests of the
memory limit use `TIGHT_MEMORY`: time to spare, so memory is what runs out.
"""

from __future__ import annotations

from dataclasses import replace

from runtime import EvaluationLimits

GENEROUS = EvaluationLimits(time_limit_s=10.0)
TIGHT = EvaluationLimits(time_limit_s=0.3)
TIGHT_MEMORY = replace(GENEROUS, memory_limit_bytes=16 * 1024 * 1024)


def cpu_budget(seconds: float) -> EvaluationLimits:
    """A limit sized from CPU time a test measured (``time.thread_time``), for the
    tests of whose time an evaluation spends; never from wall time."""
    return replace(GENEROUS, time_limit_s=seconds)
