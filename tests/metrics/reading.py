"""Reading what this process has recorded, for tests that check a metric moved."""

from __future__ import annotations

from metrics.prometheus import REGISTRY


def sample(name: str, **labels: str) -> float:
    """A sample's value in this process's registry; 0 for one never recorded."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
