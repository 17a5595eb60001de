"""A time limit measured in the calling thread's own CPU time.

A call into the JavaScript engine must stop once *it* has run too long, not
once the process has: with a process-wide clock, four users looping in other
threads spend a fifth user's budget for them. ``cpu_limit`` gives one call a
budget on its thread's CPU clock (``pthread_getcpuclockid``). One watchdog
thread per process watches every limited call and, once a call has spent its
budget, calls that call's ``interrupt`` (for QuickJS, a write that makes the
engine's own interrupt check fire; see ``runtime.engine``), again every
millisecond until the call ends, so an interrupt that lands before the engine
has armed its check is not lost.

A thread's CPU clock advances no faster than the wall clock, so the watchdog
sleeps until the earliest moment any call could run out, then reads the
clocks again: it costs nothing while nobody is near a limit, and a call
overshoots its budget by about the watchdog's wake-up latency.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["cpu_limit"]

_REPEAT_S = 0.001


@dataclass(eq=False)
class _Limit:
    clock: int  # the limited thread's CPU clock
    deadline: float  # on that clock
    interrupt: Callable[[], None]


class _Watchdog:
    def __init__(self) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._limits: set[_Limit] = set()
        self._thread: threading.Thread | None = None

    def add(self, limit: _Limit) -> None:
        with self._changed:
            self._limits.add(limit)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="brace-cpu-limit", daemon=True
                )
                self._thread.start()
            self._changed.notify()

    def remove(self, limit: _Limit) -> None:
        # Under the lock: once this returns, the call is never interrupted again.
        with self._changed:
            self._limits.discard(limit)

    def _watch(self) -> None:
        with self._changed:
            while True:
                self._changed.wait(self._check())

    def _check(self) -> float | None:
        """Interrupt the calls out of time; how long until the next one could be."""
        sleep: float | None = None
        for limit in list(self._limits):
            try:
                left = limit.deadline - time.clock_gettime(limit.clock)
            except OSError:  # the thread is gone
                self._limits.discard(limit)
                continue
            if left <= 0:
                limit.interrupt()
                left = _REPEAT_S
            sleep = left if sleep is None else min(sleep, left)
        return None if sleep is None else max(sleep, _REPEAT_S)


_watchdog = _Watchdog()


def _after_fork() -> None:
    # The watchdog thread does not survive a fork (gunicorn and Celery fork workers).
    global _watchdog
    _watchdog = _Watchdog()


os.register_at_fork(after_in_child=_after_fork)


@contextlib.contextmanager
def cpu_limit(seconds: float, interrupt: Callable[[], None]) -> Iterator[None]:
    """Call ``interrupt`` once this thread has spent ``seconds`` of CPU time in the body.

    ``interrupt`` runs on the watchdog's thread, possibly several times; it
    must be quick and must not raise.
    """
    clock = time.pthread_getcpuclockid(threading.get_ident())
    limit = _Limit(clock, time.clock_gettime(clock) + seconds, interrupt)
    watchdog = _watchdog
    watchdog.add(limit)
    try:
        yield
    finally:
        watchdog.remove(limit)
