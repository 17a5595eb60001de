"""A wall-clock budget for one action run.

httpx's ``Timeout`` bounds each network operation (connect, one read, one
write). An action's ``timeout_s`` is a promise about the whole call, so the
body stream and the response reader also check this deadline between chunks.
"""

from __future__ import annotations

import time

from runtime.http.errors import DeadlineExceededError

__all__ = ["Deadline"]


class Deadline:
    """Started on creation; ``check()`` raises once ``timeout_s`` has passed."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._expires_at = time.monotonic() + timeout_s

    def remaining(self) -> float:
        return max(0.0, self._expires_at - time.monotonic())

    def check(self) -> None:
        if time.monotonic() >= self._expires_at:
            raise DeadlineExceededError(
                f"the request took longer than its timeout of {self.timeout_s:g} s",
                timeout_s=self.timeout_s,
            )
