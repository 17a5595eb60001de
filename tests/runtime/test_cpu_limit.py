"""The per-thread CPU time limit: only the limited thread's own CPU time counts."""

from __future__ import annotations

import os
import threading
import time

import pytest

from runtime import engine
from runtime.cpu_limit import CpuLimit


def spin_until(stop: threading.Event, cpu_s: float = 30.0) -> bool:
    """Burn this thread's CPU until ``stop`` is set (True) or ``cpu_s`` is spent (False)."""
    started = time.thread_time()
    while time.thread_time() - started < cpu_s:
        if stop.is_set():
            return True
    return False


def test_the_interrupt_comes_once_the_thread_has_spent_its_budget() -> None:
    interrupted = threading.Event()
    started = time.thread_time()
    with CpuLimit(0.05, interrupted.set):
        assert spin_until(interrupted)
    assert time.thread_time() - started >= 0.05


def test_other_threads_cpu_time_does_not_count() -> None:
    interrupted, spent = threading.Event(), threading.Event()

    def burn() -> None:
        started = time.thread_time()
        while time.thread_time() - started < 0.5:
            pass
        spent.set()

    other = threading.Thread(target=burn)
    with CpuLimit(0.2, interrupted.set):
        other.start()
        spent.wait()  # sleeping: the other thread spends 0.5 s of CPU meanwhile
    other.join()
    assert not interrupted.is_set()


def test_no_interrupt_after_the_body() -> None:
    calls: list[int] = []
    with CpuLimit(0.001, lambda: calls.append(1)):
        spin_until(threading.Event(), 0.01)
    after = len(calls)
    spin_until(threading.Event(), 0.05)
    assert len(calls) == after


def test_a_forked_child_gets_its_own_watchdog() -> None:
    interrupted = threading.Event()
    with CpuLimit(0.01, interrupted.set):  # the parent's watchdog thread is running
        assert spin_until(interrupted)
    pid = os.fork()
    if pid == 0:  # the child: no watchdog thread came with it
        code = 2
        try:
            child = threading.Event()
            with CpuLimit(0.01, child.set):
                code = 0 if spin_until(child, 5.0) else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_binding_laid_out_otherwise_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    engine._check_binding_layout()  # the installed, pinned binding
    monkeypatch.setattr(engine, "_CALL_LIMIT", engine._CALL_START)
    with pytest.raises(ImportError, match="quickjs-ng"):
        engine._check_binding_layout()
