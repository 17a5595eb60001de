"""runtime.effects is the one list of effect names: the sandbox, the portal and the docs agree.

The sandbox is handed the list when a handler context is built and refuses a
different set; the portal's table (static/portal/effects.js) and the docs are
read here and compared with it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from runtime import EngineCrashed, QueryOutcome, engine, run_handler
from runtime.effects import BRIDGED_NAMES, STORE_EFFECTS, TIMER_FUNCTIONS, EffectType
from tests.js_objects import object_literal
from tests.limits import GENEROUS
from widgets import RESERVED_GLOBAL_NAMES

ROOT = Path(__file__).resolve().parents[2]
LIMITS = GENEROUS

# One call per effect type, each making exactly that effect.
CALLS = {
    EffectType.SHOW_ALERT: "showAlert('Saved', 'success')",
    EffectType.STORE_VALUE: "storeValue('k', 1)",
    EffectType.REMOVE_VALUE: "removeValue('k')",
    EffectType.CLEAR_STORE: "clearStore()",
    EffectType.NAVIGATE_TO: "navigateTo('Page2')",
    EffectType.RESET_WIDGET: "resetWidget('Input1')",
    EffectType.DOWNLOAD: "download('text', 'a.txt')",
    EffectType.COPY_TO_CLIPBOARD: "copyToClipboard('text')",
    EffectType.SHOW_MODAL: "showModal('Modal1')",
    EffectType.CLOSE_MODAL: "closeModal('Modal1')",
}


class NoQueries:
    def run_query(self, name: str, params: Any, store: Any) -> QueryOutcome:
        raise AssertionError("no query runs here")


def test_the_bridged_names_are_unique_and_hold_every_effect() -> None:
    assert len(set(BRIDGED_NAMES)) == len(BRIDGED_NAMES)
    assert set(EffectType) | STORE_EFFECTS | set(TIMER_FUNCTIONS) == set(BRIDGED_NAMES)


def test_each_effect_is_made_by_the_function_of_its_name() -> None:
    assert set(CALLS) == set(EffectType)
    code = "{{ " + "; ".join(CALLS.values()) + " }}"
    run = run_handler(
        code, {"appsmith": {"store": {}}}, NoQueries(), action_names=(), limits=LIMITS
    )
    assert run.error is None
    assert [effect["type"] for effect in run.effects] == list(CALLS)


@pytest.mark.parametrize(
    "names",
    [BRIDGED_NAMES[:-1], (*BRIDGED_NAMES, "postWindowMessage")],
    ids=["a function the list lacks", "a name without a function"],
)
def test_the_sandbox_refuses_a_list_that_differs_from_its_functions(
    monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]
) -> None:
    monkeypatch.setattr(engine, "BRIDGED_NAMES", names)
    monkeypatch.setattr(engine._spare, "contexts", [], raising=False)  # none built ahead
    with pytest.raises(EngineCrashed, match=r"runtime/effects\.py lists"):
        run_handler("{{ showAlert('x') }}", {}, NoQueries(), action_names=(), limits=LIMITS)


def test_the_portal_applies_every_effect_and_no_other() -> None:
    source = (ROOT / "static" / "portal" / "effects.js").read_text(encoding="utf-8")
    assert set(object_literal(source, "HANDLERS")) == set(EffectType)


@pytest.mark.parametrize(
    ("doc", "start", "end"),
    [
        ("docs/triggers.md", "Effect dicts:", "\n\n"),  # the handler contract
        ("docs/runtime-api.md", '"effects": [{', '"widgets":'),  # the event's answer
    ],
)
def test_the_docs_show_every_effect_and_no_other(doc: str, start: str, end: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    section = text[text.index(start) :]
    section = section[: section.index(end)]
    assert set(re.findall(r'\{"type": "(\w+)"', section)) == set(EffectType)


def test_no_widget_or_action_can_take_a_bridged_name() -> None:
    # run_handler refuses a scope name equal to a bridged function; the editor
    # refuses such names first (widgets cannot import runtime, so it is checked here).
    assert set(BRIDGED_NAMES) <= RESERVED_GLOBAL_NAMES
