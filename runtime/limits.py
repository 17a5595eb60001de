"""Resource limits for one evaluation of user JavaScript.

Django settings are wired to this by the caller (``builder``); the runtime
itself reads no settings, so it can be used and tested as plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from runtime.errors import InvalidRuntimeInput


@dataclass(frozen=True)
class EvaluationLimits:
    """Limits applied to every JavaScript call the runtime makes.

    ``time_limit_s`` bounds each call into the engine, in the calling
    thread's own CPU time (``runtime.cpu_limit``); a page whose bindings
    keep hitting it stops after ``max_timeouts_per_run`` of them, so a page
    full of infinite loops costs a bounded few seconds rather than one second
    per binding.
    """

    time_limit_s: float = 1.0
    memory_limit_bytes: int = 64 * 1024 * 1024
    max_stack_bytes: int = 512 * 1024
    max_binding_chars: int = 64 * 1024
    max_result_chars: int = 4 * 1024 * 1024
    max_nesting_depth: int = 200
    max_timeouts_per_run: int = 3
    # QuickJS runs some array methods (reverse, sort, splice, join...) over
    # every index in C, where the time limit is not checked; at ~100 ns an
    # index this caps the overshoot near 0.2 s. A dense array this long
    # already takes 32 MiB.
    max_array_length: int = 1 << 21

    def __post_init__(self) -> None:
        if not 0 < self.time_limit_s <= 60:
            raise InvalidRuntimeInput(
                f"time_limit_s must be in (0, 60] seconds, got {self.time_limit_s!r}"
            )
        if self.memory_limit_bytes < 4 * 1024 * 1024:
            raise InvalidRuntimeInput(
                "memory_limit_bytes must be at least 4 MiB (the engine itself needs ~1 MiB),"
                f" got {self.memory_limit_bytes!r}"
            )
        for name in (
            "max_stack_bytes",
            "max_binding_chars",
            "max_result_chars",
            "max_nesting_depth",
            "max_timeouts_per_run",
            "max_array_length",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise InvalidRuntimeInput(f"{name} must be a positive integer, got {value!r}")


DEFAULT_LIMITS = EvaluationLimits()
