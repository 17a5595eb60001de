"""builder.execution.evaluation: pages as runtime input, evaluated with state, compiled once."""

from __future__ import annotations

import json

import pytest

from builder.errors import Conflict, Invalid
from builder.execution.evaluation import PageRun, compile_page_json, evaluate_page, load_compiled
from builder.execution.state import RuntimeState, checked_state, parse_url, user_info
from tests.builder.helpers import layout, widget
from widgets import LayoutValidationError

ACTION = "UploadFileToDropbox"
A_FILE = {"id": "f_1", "name": "a.txt", "size": 3, "type": "text/plain", "data": "blob:f_1"}


def text(name: str, value: str) -> dict:
    return widget(name, "Text", {"text": value})


class TestTheDropboxPortal:
    def test_before_anything_happened(self, dropbox_portal):
        page = evaluate_page(dropbox_portal["page"]["layout"], [ACTION])
        assert page.errors == {}
        assert page.widgets["Result"]["text"] == "Nothing uploaded yet"
        assert page.widgets["Title"] == {
            "type": "Text",
            "text": "Upload your profile",
            "fontSize": "0.875rem",
            "textAlign": "LEFT",
            "textColor": "#231F20",
            "isVisible": True,
        }
        picker = page.widgets["FilePicker1"]
        assert picker["type"] == "FilePicker"
        assert picker["files"] == [] and picker["isValid"] is False
        # Event handlers are code to run, never data.
        assert "onFilesSelected" not in picker
        assert page.actions == {ACTION: {"data": None, "isLoading": False, "responseMeta": None}}

    def test_picked_files_and_a_result_flow_into_bindings(self, dropbox_portal):
        state = RuntimeState(
            widgets={"FilePicker1": {"files": [A_FILE]}},
            actions={ACTION: {"data": {"path_display": "/a.txt"}, "responseMeta": None}},
        )
        page = evaluate_page(dropbox_portal["page"]["layout"], [ACTION], state)
        assert page.widgets["FilePicker1"]["isValid"] is True
        assert page.widgets["FilePicker1"]["files"] == [A_FILE]
        assert page.widgets["Result"]["text"] == "Stored as /a.txt"
        assert page.errors == {}

    def test_the_scope_holds_entities_and_appsmith_but_not_types(self, dropbox_portal):
        state = RuntimeState(widgets={"FilePicker1": {"files": [A_FILE]}}, mode="EDIT")
        scope = evaluate_page(dropbox_portal["page"]["layout"], [ACTION], state).scope
        assert scope["FilePicker1"]["files"][0]["name"] == "a.txt"
        assert "type" not in scope["FilePicker1"]
        assert scope[ACTION]["data"] is None
        assert scope["appsmith"]["mode"] == "EDIT"
        json.dumps(scope)  # what query bindings get must be JSON data


class TestErrors:
    def test_a_failing_binding_is_an_error_on_its_property(self):
        page = evaluate_page(layout(text("T", "Hi {{ nope.x }}"), text("U", "ok")), [])
        assert "text" not in page.widgets["T"]
        (error,) = page.errors["T.text"]
        assert error["name"] == "ReferenceError"
        assert "nope" in error["message"]
        assert error["binding"] == "Hi {{ nope.x }}"
        assert page.widgets["U"]["text"] == "ok"

    def test_a_syntax_error_has_a_position(self):
        page = evaluate_page(layout(text("T", "{{ 1 + }}")), [])
        (error,) = page.errors["T.text"]
        assert error["name"] == "SyntaxError"
        assert isinstance(error["line"], int) and "column" in error

    def test_a_value_of_the_wrong_type_is_reported_and_replaced_by_the_default(self):
        picker = widget("FilePicker1", "FilePicker", {"maxNumFiles": "{{ 'many' }}"})
        page = evaluate_page(layout(picker), [])
        (error,) = page.errors["FilePicker1.maxNumFiles"]
        assert error["name"] == "ValidationError"
        assert error["binding"] == "{{ 'many' }}"
        assert page.widgets["FilePicker1"]["maxNumFiles"] == 1

    def test_run_is_not_data(self):
        page = evaluate_page(layout(text("T", "{{ typeof Api1.run }}")), ["Api1"])
        assert page.widgets["T"]["text"] == "undefined"

    def test_an_invalid_layout_raises(self):
        with pytest.raises(LayoutValidationError):
            evaluate_page({"widgetName": "MainContainer"}, [])


class TestAppsmith:
    def test_user_url_store_and_mode(self, make_user):
        user = make_user("ann", first_name="Ann", last_name="Lee")
        state = RuntimeState(
            store={"k": 7},
            user=user_info(user),
            url=parse_url("https://brace.example.com/app/p1?x=1&y="),
            mode="EDIT",
        )
        template = (
            "{{appsmith.user.email}}|{{appsmith.user.name}}|{{appsmith.URL.host}}"
            "|{{appsmith.URL.pathname}}|{{appsmith.URL.queryParams.x}}|{{appsmith.store.k}}"
            "|{{appsmith.mode}}"
        )
        page = evaluate_page(layout(text("T", template)), [], state)
        assert page.widgets["T"]["text"] == (
            "ann@example.com|Ann Lee|brace.example.com|/app/p1|1|7|EDIT"
        )

    def test_anonymous_user_and_no_url(self):
        assert user_info(None) == {"email": "", "username": "", "name": ""}
        assert parse_url(None) == {"host": "", "pathname": "", "queryParams": {}}
        assert parse_url("/p?a=1")["queryParams"] == {"a": "1"}


class TestCompiledOnce:
    def test_a_stored_page_evaluates_like_a_fresh_one(self, dropbox_portal):
        compiled = compile_page_json(dropbox_portal["page"]["layout"], [ACTION])
        stored = json.loads(json.dumps(compiled))  # as the JSONField gives it back
        state = RuntimeState(actions={ACTION: {"data": {"path_display": "/b.txt"}}})
        fresh = evaluate_page(dropbox_portal["page"]["layout"], [ACTION], state)
        loaded = evaluate_page(
            dropbox_portal["page"]["layout"], [ACTION], state, compiled=load_compiled(stored)
        )
        assert loaded == fresh
        assert loaded.widgets["Result"]["text"] == "Stored as /b.txt"

    def test_typed_text_wins_over_a_bound_default(self):
        # Input1.text is computed from defaultText until the end user types; a
        # page compiled without that state must not overwrite what was typed.
        page = layout(
            widget("Input1", "Input", {"defaultText": "{{ appsmith.user.username }}"}),
            text("Echo", "{{ Input1.text }}!"),
        )
        compiled = load_compiled(compile_page_json(page, []))
        untouched = evaluate_page(
            page, [], RuntimeState(user={"username": "ann"}), compiled=compiled
        )
        assert untouched.widgets["Echo"]["text"] == "ann!"
        typed = evaluate_page(
            page, [], RuntimeState(widgets={"Input1": {"text": "typed"}}), compiled=compiled
        )
        assert typed.widgets["Input1"]["text"] == "typed"
        assert typed.widgets["Echo"]["text"] == "typed!"
        assert typed.widgets["Input1"]["value"] == "typed"

    def test_the_compiled_page_serves_typed_text_without_compiling_again(self, monkeypatch):
        page = layout(
            widget("Input1", "Input", {"defaultText": "{{ appsmith.user.username }}"}),
            text("Echo", "{{ Input1.text }}!"),
        )
        compiled = load_compiled(compile_page_json(page, []))

        def refuse(*args, **kwargs):
            raise AssertionError("a compiled page was given; nothing should compile")

        monkeypatch.setattr("builder.execution.evaluation.compile_source", refuse)
        typed = evaluate_page(
            page, [], RuntimeState(widgets={"Input1": {"text": "typed"}}), compiled=compiled
        )
        assert typed.widgets["Echo"]["text"] == "typed!"


class TestMovingToTheNextState:
    """`PageRun.moved_to` gives what a whole evaluation of the new state gives."""

    PAGE = layout(
        widget("Input1", "Input", {"defaultText": "{{ appsmith.store.name || 'nobody' }}"}),
        text("Echo", "{{ Input1.text }}!"),
        widget(
            "FilePicker1",
            "FilePicker",
            {"maxFileSize": "{{ appsmith.store.limit }}", "isRequired": True},
        ),
        text("Count", "{{ FilePicker1.files.length }} file(s), valid: {{ FilePicker1.isValid }}"),
        text("Rows", "{{ Api1.data.items.length }}"),
        text("Chain", "{{ Rows.text + ' rows' }}"),
        text("Dotted", "{{ appsmith.store['a.b'] }}"),
        text("Status", "{{ Api1.responseMeta ? Api1.responseMeta.statusCode : 'idle' }}"),
        text("Static", "Nothing to compute"),
    )
    NAMES = ["Api1", "Api2"]
    RESULT = {
        "data": {"items": [1, 2, 3]},
        "isLoading": False,
        "responseMeta": {"statusCode": 200, "headers": {}, "isExecutionSuccess": True},
    }
    STATES = [
        RuntimeState(),
        RuntimeState(widgets={"FilePicker1": {"files": [A_FILE]}}),
        RuntimeState(widgets={"FilePicker1": {"files": [A_FILE]}}, actions={"Api1": RESULT}),
        RuntimeState(
            widgets={"FilePicker1": {"files": [A_FILE]}, "Input1": {"text": "typed"}},
            actions={"Api1": RESULT},
            store={"name": "ann", "limit": "big", "a.b": 1},
        ),
        RuntimeState(
            widgets={"FilePicker1": {"files": []}},
            actions={"Api1": {**RESULT, "data": None}},
            store={"name": "bob", "limit": 2, "a.b": 2},
        ),
        RuntimeState(store={"name": "bob"}, user={"username": "u"}, url={"host": "h"}),
        RuntimeState(),
    ]

    @pytest.fixture(params=["stored", "compiled here"])
    def compiled(self, request):
        if request.param == "stored":
            return load_compiled(json.loads(json.dumps(compile_page_json(self.PAGE, self.NAMES))))
        return None

    def test_each_step_equals_a_whole_evaluation(self, compiled):
        run = PageRun.start(self.PAGE, self.NAMES, self.STATES[0], compiled=compiled)
        for state in self.STATES[1:] + self.STATES[-2::-1]:
            run = run.moved_to(state)
            assert run.page == evaluate_page(self.PAGE, self.NAMES, state, compiled=compiled)

    def test_a_type_fault_comes_and_goes(self):
        run = PageRun.start(self.PAGE, self.NAMES)
        bad = run.moved_to(RuntimeState(store={"limit": "big"}))
        assert bad.page.errors["FilePicker1.maxFileSize"][0]["name"] == "ValidationError"
        assert "FilePicker1.maxFileSize" not in bad.moved_to(RuntimeState()).page.errors

    def test_only_the_whole_first_evaluation_runs_every_binding(self, evaluations):
        calls = evaluations
        run = PageRun.start(self.PAGE, self.NAMES)
        for state in self.STATES[1:]:
            run = run.moved_to(state)
        assert run.moved_to(self.STATES[-1]) is not None  # no change: nothing to evaluate
        assert calls == {"evaluate": 1, "reevaluate": len(self.STATES) - 1}

    def test_a_widget_nothing_reaches_keeps_its_properties(self):
        run = PageRun.start(self.PAGE, self.NAMES)
        moved = run.moved_to(RuntimeState(actions={"Api1": self.RESULT}))
        assert moved.page.widgets["Static"] is run.page.widgets["Static"]
        assert moved.page.widgets["Echo"] is run.page.widgets["Echo"]
        assert moved.page.widgets["Chain"]["text"] == "3 rows"


class TestCheckedState:
    def check(self, page_layout, **given):
        defaults = {"widgets": {}, "actions": {}, "store": {}, "user": None, "url": None}
        return checked_state(page_layout, ["Api1"], mode="EDIT", **{**defaults, **given})

    def test_valid_state_is_kept(self, dropbox_portal):
        state = self.check(
            dropbox_portal["page"]["layout"],
            widgets={"FilePicker1": {"files": [A_FILE]}},
            actions={"Api1": {"data": 1}},
            url="https://h/p",
        )
        assert state.widgets["FilePicker1"]["files"] == [A_FILE]
        assert state.url["host"] == "h" and state.mode == "EDIT"

    @pytest.mark.parametrize(
        ("given", "code", "field"),
        [
            ({"widgets": {"Nope": {}}}, "unknown_widget", "state.widgets.Nope"),
            ({"actions": {"Nope": {}}}, "unknown_action", "state.actions.Nope"),
            (
                {"widgets": {"FilePicker1": {"files": [A_FILE, A_FILE]}}},
                "too_many_files",
                "state.widgets.FilePicker1.files",
            ),
            (
                {"widgets": {"FilePicker1": {"colour": 1}}},
                "unknown_meta_property",
                "state.widgets.FilePicker1.colour",
            ),
        ],
    )
    def test_faults_name_the_field(self, dropbox_portal, given, code, field):
        with pytest.raises(Invalid) as caught:
            self.check(dropbox_portal["page"]["layout"], **given)
        assert (caught.value.code, caught.value.field) == (code, field)

    def test_a_broken_saved_layout_is_a_conflict(self):
        with pytest.raises(Conflict) as caught:
            self.check({"widgetName": "MainContainer"})
        assert caught.value.code == "invalid_layout"
