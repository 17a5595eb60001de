"""The editor's code fields and action selector name the handler functions
runtime/effects.py defines, and no other."""

from __future__ import annotations

from pathlib import Path

from runtime.effects import BRIDGED_NAMES, EffectType
from tests.js_objects import object_literal

APP = Path(__file__).resolve().parents[2] / "static" / "editor" / "app"


def test_completions_offer_every_bridged_function_and_no_other() -> None:
    source = (APP / "completions.js").read_text(encoding="utf-8")
    assert set(object_literal(source, "GLOBAL_FUNCTIONS")) == set(BRIDGED_NAMES)


def test_the_action_selector_offers_queries_and_effects_only() -> None:
    source = (APP / "action_selector.js").read_text(encoding="utf-8")
    offered = set(object_literal(source, "STEP_LABELS")) - {"query"}
    assert offered <= set(EffectType)
    # What it offers, it can also write and read back (its CALLS table).
    assert offered == set(object_literal(source, "CALLS"))
