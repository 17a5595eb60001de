"""The editor's draft evaluation: the same answers as evaluate_page, a bounded cache, threads."""

from __future__ import annotations

import copy
import functools
import random
from typing import Any

import pytest

from builder.errors import Conflict, PayloadTooLarge
from builder.execution.drafts import drafts, evaluate_in_editor
from builder.execution.evaluation import evaluate_page
from builder.execution.state import RuntimeState
from builder.layouts import check_layout
from tests.builder.helpers import layout, widget
from tests.threads import race
from widgets import MAX_WIDGETS

ACTIONS = ("Api1",)
STATE = RuntimeState(
    widgets={"Name": {"text": "ann"}},
    actions={"Api1": {"data": [{"n": 1}, {"n": 2}]}},
    store={"k": "v"},
    mode="EDIT",
)


@pytest.fixture(autouse=True)
def empty_cache(settings: Any) -> Any:
    settings.BRACE_EDITOR_CACHE_PAGES = 4
    drafts.clear()
    yield
    drafts.clear()


def base_layout() -> dict[str, Any]:
    texts = [
        widget(
            f"T{i}", "Text", {"text": f"#{i} {{{{ {'T' + str(i - 1) if i else 'Name'}.text }}}}"}
        )
        for i in range(8)
    ]
    return layout(
        widget("Name", "Input", {"defaultText": "{{ 'dflt' }}"}),
        widget("Picker", "FilePicker", {"maxNumFiles": "{{ Api1.data.length }}"}),
        *texts,
        widget("Go", "Button", {"text": "{{ appsmith.store.k }}", "onClick": "{{ Api1.run() }}"}),
    )


def evaluate(draft: dict[str, Any], page_id: int = 1, state: RuntimeState = STATE) -> Any:
    return evaluate_in_editor(page_id, draft, ACTIONS, lambda entities: state, draft=True)


def assert_same(got: Any, draft: dict[str, Any], state: RuntimeState = STATE) -> None:
    expected = evaluate_page(draft, ACTIONS, state)
    assert got.widgets == expected.widgets
    assert got.errors == expected.errors
    assert (got.actions, got.appsmith) == (expected.actions, expected.appsmith)


def edit_once(rng: random.Random, draft: dict[str, Any]) -> dict[str, Any]:
    """A copy of the draft with one change of the kinds the editor makes."""
    draft = copy.deepcopy(draft)
    children = draft["children"]
    texts = [c for c in children if c["type"] == "Text"]
    target = rng.choice(texts)
    kind = rng.randrange(9)
    if kind == 0:
        target["props"]["textColor"] = f"#{rng.randrange(16**6):06x}"
    elif kind == 1:
        target["props"]["text"] = f"now {{{{ {rng.choice(texts)['widgetName']}.text }}}}"
    elif kind == 2:
        target["props"]["text"] = "{{ ( }}"
    elif kind == 3:
        target["props"]["fontSize"] = "{{ Api1.data.length > 1 ? '12px' : 'big' }}"
    elif kind == 4:
        target["props"].pop("text", None)
    elif kind == 5 and len(texts) > 2:
        children.remove(target)
    elif kind == 6:
        target["widgetName"] = f"R{rng.randrange(1000)}"
    elif kind == 7:
        children.append(widget(f"N{rng.randrange(1000)}", "Text", {"text": "{{ Go.text }}"}))
        children[-1]["position"]["y"] = 40 + len(children)
    else:
        target["props"]["isVisible"] = f"{{{{ {target['widgetName']}.text.length > 3 }}}}"
    return draft


class TestSameAnswers:
    @pytest.mark.parametrize("seed", range(4))
    def test_random_edits_answer_as_a_whole_evaluation(self, seed: int) -> None:
        rng = random.Random(seed)
        draft = base_layout()
        assert_same(evaluate(draft), draft)
        for _ in range(15):
            draft = edit_once(rng, draft)
            assert_same(evaluate(draft), draft)

    def test_a_new_state_with_the_same_draft(self) -> None:
        draft = base_layout()
        evaluate(draft)
        other = RuntimeState(widgets={"Picker": {"files": []}}, store={"k": "w"}, mode="EDIT")
        assert_same(evaluate(draft, state=other), draft, other)
        assert_same(evaluate(draft), draft)

    def test_the_saved_layout_goes_through_the_cache_too(self) -> None:
        draft = base_layout()
        saved = evaluate_in_editor(1, draft, ACTIONS, lambda entities: STATE, draft=False)
        assert_same(saved, draft)
        assert len(drafts) == 1

    def test_a_saved_layout_that_no_longer_validates_is_a_conflict(self) -> None:
        evaluate(base_layout())
        broken = base_layout()
        broken["children"][0]["props"]["defaultText"] = 5
        with pytest.raises(Conflict):
            evaluate_in_editor(1, broken, ACTIONS, lambda entities: STATE, draft=False)


class TestValidation:
    @pytest.mark.parametrize(
        "spoil",
        [
            lambda d: d["children"][0]["props"].update(defaultText=5),
            lambda d: d["children"][2]["props"].update(text=True),
            lambda d: d["children"][2]["position"].update(w=1.0),
            lambda d: d["children"][3].update(widgetName="T0"),
            lambda d: d["children"][3].update(widgetName="Api1"),
            lambda d: d["children"][3].update(extra=1),
            lambda d: d["children"][3]["props"].update(nope=1),
        ],
    )
    def test_a_draft_after_a_valid_one_gets_the_faults_of_a_save(self, spoil: Any) -> None:
        evaluate(base_layout())
        draft = base_layout()
        spoil(draft)
        cached = raised(lambda: evaluate(draft))
        whole = raised(lambda: check_layout(draft, action_names=ACTIONS))
        assert type(cached) is type(whole)
        assert fault(cached) == fault(whole)

    def test_a_draft_with_too_many_widgets(self) -> None:
        evaluate(base_layout())
        draft = base_layout()
        draft["children"] = [
            {**widget(f"W{i}", "Text"), "position": {"x": 0, "y": i, "w": 4, "h": 1}}
            for i in range(MAX_WIDGETS)
        ]
        with pytest.raises(PayloadTooLarge):
            evaluate(draft)


class TestCache:
    def test_least_recently_used_pages_are_dropped(self, settings: Any) -> None:
        settings.BRACE_EDITOR_CACHE_PAGES = 2
        for page_id in (1, 2, 3):
            evaluate(base_layout(), page_id)
        assert len(drafts) == 2
        assert drafts.get((1, ACTIONS, settings.BRACE_JS_ENGINE, _limits())) is None
        assert drafts.get((3, ACTIONS, settings.BRACE_JS_ENGINE, _limits())) is not None

    def test_off_keeps_nothing_and_answers_the_same(self, settings: Any) -> None:
        settings.BRACE_EDITOR_CACHE_PAGES = 0
        draft = base_layout()
        assert_same(evaluate(draft), draft)
        assert len(drafts) == 0

    def test_other_action_names_are_another_entry(self) -> None:
        draft = base_layout()
        evaluate(draft)
        answer = evaluate_in_editor(1, draft, ("Api1", "Api2"), lambda e: STATE, draft=True)
        assert answer.actions.keys() == {"Api1", "Api2"}
        assert len(drafts) == 2


class TestThreads:
    def test_concurrent_drafts_of_one_page_each_get_their_own_answer(self) -> None:
        rng = random.Random(7)
        first = base_layout()
        evaluate(first)
        variants = [first]
        for _ in range(7):
            variants.append(edit_once(rng, variants[-1]))
        for _ in range(3):
            answers = race([functools.partial(evaluate, d) for d in variants])
            for draft, answer in zip(variants, answers, strict=True):
                assert not isinstance(answer, Exception), answer
                assert_same(answer, draft)
        assert len(drafts) == 1

    def test_concurrent_pages_stay_within_the_bound(self, settings: Any) -> None:
        settings.BRACE_EDITOR_CACHE_PAGES = 3
        answers = race([functools.partial(evaluate, base_layout(), p) for p in range(8)])
        assert all(not isinstance(answer, Exception) for answer in answers), answers
        assert len(drafts) <= 3


def raised(call: Any) -> Any:
    try:
        call()
    except Exception as error:  # the test compares what each path raised
        return error
    raise AssertionError("nothing raised")


def fault(error: Any) -> tuple[Any, ...]:
    where = getattr(error, "field", None) or getattr(error, "path", None)
    return (error.code, error.message, where, getattr(error, "errors", None))


def _limits() -> Any:
    from builder.execution.sandbox import js_limits

    return js_limits()
