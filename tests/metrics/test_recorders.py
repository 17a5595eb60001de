"""Every metric Brace defines is on the operators' page, under the name Prometheus shows."""

from __future__ import annotations

from pathlib import Path

from metrics.prometheus import REGISTRY, _scrape_gauges

DOCS = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_every_metric_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    names = set()
    for family in REGISTRY.collect():
        names.add(f"{family.name}_total" if family.type == "counter" else family.name)
    names |= set(_scrape_gauges)
    assert len(names) == 8
    missing = sorted(name for name in names if f"| `{name}` |" not in text)
    assert missing == []
