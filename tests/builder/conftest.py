"""Fixtures of the builder's tests."""

from __future__ import annotations

from typing import Any

import pytest

from runtime import CompiledPage


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Calls of the whole-page evaluation and of the partial one, counted around the real ones."""
    calls = {"evaluate": 0, "reevaluate": 0}
    for method in calls:
        real = getattr(CompiledPage, method)

        def spy(
            self: CompiledPage, *args: Any, _real: Any = real, _name: str = method, **kwargs: Any
        ) -> Any:
            calls[_name] += 1
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(CompiledPage, method, spy)
    return calls
