"""Event handlers: ``runtime.triggers.run_handler`` against a recording host.

The host is a small real class that records every query it is asked to run
and answers from a table: the collaborator ``builder`` will provide.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

from runtime import (
    HandlerRun,
    InvalidRuntimeInput,
    QueryOutcome,
    run_handler,
)
from runtime.triggers import MAX_TURNS
from tests.conftest import SEED_APP
from tests.limits import GENEROUS

SEED_HANDLER = (
    "{{UploadFileToDropbox.run().then(() => showAlert('Uploaded ' + FilePicker1.files[0].name,"
    " 'success')).catch(e => showAlert(e.message, 'error'))}}"
)


def succeeded(data: Any, status: int = 200) -> QueryOutcome:
    meta = {"statusCode": status, "headers": {}, "isExecutionSuccess": True}
    return QueryOutcome(True, {"data": data, "isLoading": False, "responseMeta": meta})


def failed(message: str | None, status: int = 409) -> QueryOutcome:
    meta = {"statusCode": status, "headers": {}, "isExecutionSuccess": False}
    state = {"data": {"error_summary": "conflict"}, "isLoading": False, "responseMeta": meta}
    return QueryOutcome(False, state, message)


class RecordingHost:
    """Answers queries from ``outcomes`` (by default: success echoing the params)."""

    def __init__(self, **outcomes: QueryOutcome) -> None:
        self.outcomes = outcomes
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.stores: list[dict[str, Any]] = []

    def run_query(
        self, name: str, params: Mapping[str, Any], store: Mapping[str, Any]
    ) -> QueryOutcome:
        self.calls.append((name, dict(params)))
        self.stores.append(dict(store))
        return self.outcomes.get(name, succeeded({"query": name, "params": dict(params)}))


SCOPE: dict[str, Any] = {
    "FilePicker1": {"files": [{"name": "a.txt", "size": 3, "data": "blob:f_1"}]},
    "Input1": {"text": "Ann"},
    "Q": {"data": None, "isLoading": False, "responseMeta": None},
    "R": {"data": None, "isLoading": False, "responseMeta": None},
    "UploadFileToDropbox": {"data": None, "isLoading": False, "responseMeta": None},
    "appsmith": {"store": {"kept": 1}, "user": {"email": "ann@example.com"}, "URL": {}},
}
ACTIONS = {"Q", "R", "UploadFileToDropbox"}


def run(code: str, host: RecordingHost | None = None, **kwargs: Any) -> HandlerRun:
    kwargs.setdefault("action_names", ACTIONS)
    kwargs.setdefault("limits", GENEROUS)
    return run_handler(code, kwargs.pop("scope", SCOPE), host or RecordingHost(), **kwargs)


def alerts(result: HandlerRun) -> list[str]:
    return [e["message"] for e in result.effects if e["type"] == "showAlert"]


def ok(code: str, host: RecordingHost | None = None, **kwargs: Any) -> HandlerRun:
    result = run(code, host, **kwargs)
    assert result.error is None, result.error
    return result


# -- the seed's handler -----------------------------------------------------------


def seed_handler() -> str:
    with open(SEED_APP, encoding="utf-8") as f:
        example = json.load(f)
    (picker,) = [
        w for w in example["page"]["layout"]["children"] if w["widgetName"] == "FilePicker1"
    ]
    return str(picker["props"]["onFilesSelected"])


def test_the_seed_handler_is_the_one_tested_here() -> None:
    assert seed_handler() == SEED_HANDLER


def test_seed_handler_uploads_and_shows_success() -> None:
    host = RecordingHost(UploadFileToDropbox=succeeded({"path_display": "/a.txt"}))
    result = ok(seed_handler(), host)
    assert host.calls == [("UploadFileToDropbox", {})]
    assert result.effects == [
        {"type": "showAlert", "message": "Uploaded a.txt", "style": "success"}
    ]
    assert result.queries_run == ["UploadFileToDropbox"]
    assert result.actions["UploadFileToDropbox"]["data"] == {"path_display": "/a.txt"}
    assert result.store == {"kept": 1}


def test_seed_handler_shows_the_query_error_when_the_upload_fails() -> None:
    host = RecordingHost(UploadFileToDropbox=failed("path/conflict/file"))
    result = ok(seed_handler(), host)
    assert result.effects == [
        {"type": "showAlert", "message": "path/conflict/file", "style": "error"}
    ]
    assert result.actions["UploadFileToDropbox"]["responseMeta"]["statusCode"] == 409


# -- queries --------------------------------------------------------------------


def test_awaiting_a_query_then_reading_its_state() -> None:
    host = RecordingHost(Q=succeeded({"n": 7}, status=201))
    result = ok(
        "{{ (async () => { const d = await Q.run();"
        " showAlert([d.n, Q.data.n, Q.isLoading, Q.responseMeta.statusCode].join()) })() }}",
        host,
    )
    assert alerts(result) == ["7,7,false,201"]


def test_a_query_is_loading_until_it_settles() -> None:
    result = ok("{{ Q.run(); showAlert(String(Q.isLoading)) }}")
    assert alerts(result) == ["true"]


def test_params_reach_the_host() -> None:
    host = RecordingHost()
    ok("{{ Q.run({ id: 3, name: Input1.text }) }}", host)
    assert host.calls == [("Q", {"id": 3, "name": "Ann"})]


def test_a_failing_query_rejects_with_its_error_message() -> None:
    host = RecordingHost(Q=failed("quota exceeded"))
    result = ok("{{ Q.run().catch(e => showAlert(e.name + ': ' + e.message, 'error')) }}", host)
    assert alerts(result) == ["Error: quota exceeded"]
    assert result.actions["Q"]["responseMeta"]["isExecutionSuccess"] is False


def test_a_failing_query_without_a_message_names_the_query() -> None:
    result = ok("{{ Q.run().catch(e => showAlert(e.message)) }}", RecordingHost(Q=failed(None)))
    assert alerts(result) == ["Q failed to execute"]


def test_a_failing_query_without_catch_is_the_handler_error() -> None:
    result = run("{{ Q.run() }}", RecordingHost(Q=failed("quota exceeded")))
    assert result.error is not None
    assert (result.error.code, result.error.name) == ("js_exception", "Error")
    assert result.error.message == "quota exceeded"
    assert result.error.binding == "{{ Q.run() }}"


def test_an_unhandled_query_failure_in_statements_keeps_earlier_effects() -> None:
    result = run(
        "{{ showAlert('before'); Q.run().then(() => showAlert('never')); showAlert('after') }}",
        RecordingHost(Q=failed("down")),
    )
    assert alerts(result) == ["before", "after"]
    assert result.error is not None and result.error.message == "down"


def test_promise_all_of_two_queries() -> None:
    host = RecordingHost(Q=succeeded(1), R=succeeded(2))
    result = ok("{{ Promise.all([Q.run(), R.run()]).then(([a, b]) => showAlert(a + b)) }}", host)
    assert [name for name, _ in host.calls] == ["Q", "R"]
    assert alerts(result) == ["3"]
    assert result.queries_run == ["Q", "R"]
    assert set(result.actions) == {"Q", "R"}


def test_promise_all_rejects_when_one_query_fails() -> None:
    host = RecordingHost(R=failed("R broke"))
    result = ok("{{ Promise.all([Q.run(), R.run()]).catch(e => showAlert(e.message)) }}", host)
    assert alerts(result) == ["R broke"]


def test_legacy_callbacks_on_success_get_data_and_params() -> None:
    host = RecordingHost(Q=succeeded({"n": 1}))
    result = ok(
        "{{ Q.run((data, params) => showAlert(data.n + params.x), () => 0, {x: 2}) }}", host
    )
    assert host.calls == [("Q", {"x": 2})]
    assert alerts(result) == ["3"]


def test_legacy_callbacks_on_error_get_the_error() -> None:
    host = RecordingHost(Q=failed("nope"))
    result = ok("{{ Q.run(() => showAlert('ok'), (error) => showAlert(error.message)) }}", host)
    assert alerts(result) == ["nope"]


def test_legacy_callbacks_without_on_error_leave_the_failure_unhandled() -> None:
    result = run("{{ Q.run(() => showAlert('ok')) }}", RecordingHost(Q=failed("nope")))
    assert result.effects == []
    assert result.error is not None and result.error.message == "nope"


def test_clear_resets_the_action_state() -> None:
    host = RecordingHost(Q=succeeded({"n": 1}))
    result = ok("{{ (async () => { await Q.run(); await Q.clear(); showAlert(Q.data) })() }}", host)
    assert alerts(result) == [""]  # Q.data is null again
    assert result.actions["Q"] == {"data": None, "isLoading": False, "responseMeta": None}


def test_an_action_missing_from_the_scope_gets_the_never_run_state() -> None:
    result = ok("{{ showAlert(JSON.stringify(Q)) }}", scope={}, action_names={"Q"})
    assert json.loads(alerts(result)[0]) == {"data": None, "isLoading": False, "responseMeta": None}


def test_run_params_must_be_an_object() -> None:
    result = run("{{ Q.run(5) }}")
    assert result.error is not None
    assert (result.error.name, result.error.message) == (
        "TypeError",
        "Q.run: params must be an object",
    )


def test_only_named_actions_have_run() -> None:
    result = run("{{ Input1.run() }}")
    assert result.error is not None and result.error.name == "TypeError"


# -- effects --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "effect"),
    [
        ("showAlert('hi', 'warning')", {"type": "showAlert", "message": "hi", "style": "warning"}),
        ("showAlert('hi')", {"type": "showAlert", "message": "hi", "style": "info"}),
        ("showAlert({a: 1}, 'loud')", {"type": "showAlert", "message": '{"a":1}', "style": "info"}),
        ("showAlert(42)", {"type": "showAlert", "message": "42", "style": "info"}),
        (
            "storeValue('k', {a: [1]}, false)",
            {"type": "storeValue", "key": "k", "value": {"a": [1]}, "persist": False},
        ),
        (
            "storeValue('k', undefined)",
            {"type": "storeValue", "key": "k", "value": None, "persist": True},
        ),
        ("removeValue('kept')", {"type": "removeValue", "key": "kept"}),
        ("clearStore()", {"type": "clearStore"}),
        (
            "navigateTo('Page2', {id: 1}, 'NEW_WINDOW')",
            {"type": "navigateTo", "page": "Page2", "params": {"id": 1}, "target": "NEW_WINDOW"},
        ),
        (
            "navigateTo('https://example.com/')",
            {
                "type": "navigateTo",
                "page": "https://example.com/",
                "params": {},
                "target": "SAME_WINDOW",
            },
        ),
        (
            "resetWidget('FilePicker1')",
            {"type": "resetWidget", "widget": "FilePicker1", "reset_children": True},
        ),
        (
            "resetWidget('Form1', false)",
            {"type": "resetWidget", "widget": "Form1", "reset_children": False},
        ),
        (
            "download('a,b', 'x.csv', 'text/csv')",
            {"type": "download", "data": "a,b", "name": "x.csv", "content_type": "text/csv"},
        ),
        (
            "download('text', 'x.txt')",
            {"type": "download", "data": "text", "name": "x.txt", "content_type": "text/plain"},
        ),
        (
            "download({rows: [1, 2]}, 'x.json')",
            {
                "type": "download",
                "data": '{"rows":[1,2]}',
                "name": "x.json",
                "content_type": "application/json",
            },
        ),
        ("copyToClipboard('abc')", {"type": "copyToClipboard", "text": "abc"}),
        ("copyToClipboard(12)", {"type": "copyToClipboard", "text": "12"}),
        ("showModal('Modal1')", {"type": "showModal", "name": "Modal1"}),
        ("closeModal('Modal1')", {"type": "closeModal", "name": "Modal1"}),
    ],
)
def test_each_bridged_function_makes_its_effect(code: str, effect: dict[str, Any]) -> None:
    assert ok("{{ " + code + " }}").effects == [effect]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("storeValue(1, 2)", "storeValue: key must be a non-empty string"),
        ("storeValue('f', () => 1)", "storeValue: value must be JSON data, not a function"),
        ("storeValue('n', 10n)", "storeValue: value must be JSON data, not a bigint"),
        ("removeValue()", "removeValue: key must be a non-empty string"),
        ("navigateTo('P', [], 'SAME_WINDOW')", "navigateTo: params must be an object"),
        ("navigateTo('P', {}, 'TAB')", "navigateTo: target must be 'SAME_WINDOW' or 'NEW_WINDOW'"),
        ("navigateTo()", "navigateTo: the page name or URL must be a non-empty string"),
        ("resetWidget()", "resetWidget: the widget name must be a non-empty string"),
        ("download('x')", "download: the file name must be a non-empty string"),
        ("download('x', 'a.txt', 5)", "download: the type must be a string"),
        ("showModal()", "showModal: name must be a non-empty string"),
        ("closeModal(1)", "closeModal: name must be a non-empty string"),
    ],
)
def test_bridged_functions_refuse_bad_arguments(code: str, message: str) -> None:
    result = run("{{ " + code + " }}")
    assert result.effects == []
    assert result.error is not None
    assert (result.error.name, result.error.message) == ("TypeError", message)


def test_a_cyclic_value_is_not_json() -> None:
    result = run("{{ (() => { const a = {}; a.a = a; return storeValue('a', a); })() }}")
    assert result.error is not None and result.error.name == "TypeError"
    assert result.error.message.startswith("storeValue: value must be JSON data")


def test_effects_come_in_call_order_across_queries_and_callbacks() -> None:
    result = ok(
        "{{ (async () => { showAlert('1'); const p = Q.run().then(() => showAlert('3'));"
        " showAlert('2'); await p; await storeValue('k', 4); showAlert('5') })() }}"
    )
    assert [e.get("message", e["type"]) for e in result.effects] == [
        "1",
        "2",
        "3",
        "storeValue",
        "5",
    ]


def test_statements_run_in_order() -> None:
    assert alerts(ok("{{ showAlert('a'); showAlert('b') }}")) == ["a", "b"]


def test_statement_blocks_may_declare_names_and_shadow_the_scope() -> None:
    result = ok("{{ const x = 2; let Q = 3; var Input1 = 4; showAlert(x + Q + Input1) }}")
    assert alerts(result) == ["9"]


def test_segments_run_one_after_another_and_text_is_ignored() -> None:
    result = ok("first {{ Q.run().then(() => showAlert('a')) }} then {{ showAlert('b') }}")
    assert alerts(result) == ["a", "b"]


def test_an_effect_promise_resolves() -> None:
    result = ok("{{ showAlert('a').then(v => showAlert(String(v))) }}")
    assert alerts(result) == ["a", "undefined"]


# -- the store --------------------------------------------------------------------


def test_store_value_is_visible_at_once() -> None:
    result = ok(
        "{{ storeValue('k', {n: 1}); showAlert(appsmith.store.k.n + appsmith.store.kept) }}"
    )
    assert alerts(result) == ["2"]
    assert result.store == {"kept": 1, "k": {"n": 1}}


def test_remove_value_and_clear_store() -> None:
    result = ok(
        "{{ storeValue('a', 1); removeValue('kept');"
        " showAlert(Object.keys(appsmith.store).join()); clearStore();"
        " showAlert(Object.keys(appsmith.store).length) }}"
    )
    assert alerts(result) == ["a", "0"]
    assert result.store == {}


def test_the_store_is_read_only_except_through_store_value() -> None:
    result = run("{{ appsmith.store.k = 1 }}")
    assert result.error is not None and result.error.name == "TypeError"
    assert result.store == {"kept": 1}


def test_a_stored_value_is_a_copy() -> None:
    result = ok(
        "{{ (() => { const v = {n: 1}; storeValue('v', v); v.n = 2; "
        "showAlert(appsmith.store.v.n) })() }}"
    )
    assert alerts(result) == ["1"]
    assert result.store["v"] == {"n": 1}


def test_appsmith_user_and_url_are_readable() -> None:
    assert alerts(ok("{{ showAlert(appsmith.user.email) }}")) == ["ann@example.com"]


# -- timers -----------------------------------------------------------------------


def test_set_timeout_runs_after_current_work_in_delay_order() -> None:
    result = ok(
        "{{ setTimeout(() => showAlert('slow'), 500); setTimeout(() => showAlert('fast'), 10);"
        " Promise.resolve().then(() => showAlert('job')); showAlert('now') }}"
    )
    assert alerts(result) == ["now", "job", "fast", "slow"]


def test_set_timeout_passes_arguments_and_clear_timeout_cancels() -> None:
    result = ok(
        "{{ const id = setTimeout(() => showAlert('cancelled'), 0);"
        " setTimeout((a, b) => showAlert(a + b), 0, 'x', 'y'); clearTimeout(id) }}"
    )
    assert alerts(result) == ["xy"]


def test_awaiting_a_timer() -> None:
    result = ok(
        "{{ (async () => { await new Promise(r => setTimeout(r, 1000)); showAlert('done') })() }}"
    )
    assert alerts(result) == ["done"]


def test_set_timeout_refuses_code_strings() -> None:
    result = run("{{ setTimeout(\"showAlert('x')\", 0) }}")
    assert result.error is not None and result.error.name == "TypeError"
    assert "code strings" in result.error.message


def test_a_throwing_timer_callback_is_the_handler_error() -> None:
    result = run("{{ setTimeout(() => { throw new RangeError('late') }, 0); showAlert('a') }}")
    assert alerts(result) == ["a"]
    assert result.error is not None
    assert (result.error.name, result.error.message) == ("RangeError", "late")


def test_set_interval_does_not_exist() -> None:
    result = run("{{ setInterval(() => 1, 10) }}")
    assert result.error is not None and result.error.name == "ReferenceError"


# -- errors -----------------------------------------------------------------------


def test_a_syntax_error_has_line_and_column_and_runs_nothing() -> None:
    code = "{{ showAlert('a') }}{{ showAlert('b');\n  Q.run(; }}"
    host = RecordingHost()
    result = run(code, host)
    assert result.effects == [] and host.calls == []
    error = result.error
    assert error is not None
    assert (error.code, error.name) == ("syntax_error", "SyntaxError")
    assert (error.line, error.column) == (2, 9)
    assert error.binding == "{{ showAlert('b');\n  Q.run(; }}"


def test_a_syntax_error_at_the_end_stays_inside_the_segment() -> None:
    result = run("{{ showAlert( }}")
    assert result.error is not None and result.error.code == "syntax_error"
    assert (result.error.line, result.error.column) == (1, 13)  # just past " showAlert( "


def test_code_escaping_its_wrapper_is_a_syntax_error() -> None:
    result = run("{{ 1 }); showAlert('escaped'); (async function () { }}")
    assert result.effects == []
    assert result.error is not None and result.error.code == "syntax_error"


def test_an_uncaught_exception_keeps_earlier_effects() -> None:
    result = run("{{ showAlert('a'); null.x; showAlert('b') }}")
    assert alerts(result) == ["a"]
    assert result.error is not None
    assert (result.error.code, result.error.name) == ("js_exception", "TypeError")


def test_throwing_a_string() -> None:
    result = run("{{ (() => { throw 'plain' })() }}")
    assert result.error is not None and result.error.message == "uncaught string: plain"


def test_a_rejected_async_function_is_the_handler_error() -> None:
    result = run("{{ (async () => { await Q.run(); throw new Error('after') })() }}")
    assert result.error is not None and result.error.message == "after"
    assert result.queries_run == ["Q"]


def test_an_unhandled_user_promise_rejection_is_reported() -> None:
    result = run("{{ new Promise((_, reject) => reject(new TypeError('no'))); showAlert('a') }}")
    assert alerts(result) == ["a"]
    assert result.error is not None and (result.error.name, result.error.message) == (
        "TypeError",
        "no",
    )


def test_a_rejection_handled_later_is_not_reported() -> None:
    ok(
        "{{ (async () => { const p = Q.run(); await showAlert('x');"
        " try { await p } catch (e) { showAlert(e.message) } })() }}",
        RecordingHost(Q=failed("late catch")),
    )


def test_the_first_error_wins() -> None:
    result = run("{{ Promise.reject(new Error('one')); Promise.reject(new Error('two')) }}")
    assert result.error is not None and result.error.message == "one"


def test_handler_code_over_the_size_limit() -> None:
    limits = replace(GENEROUS, max_binding_chars=100)
    result = run("{{ showAlert('" + "x" * 200 + "') }}", limits=limits)
    assert result.error is not None and result.error.code == "too_large"


def test_the_turn_limit() -> None:
    result = run("{{ (function again() { setTimeout(again, 0) })() }}")
    assert result.error is not None and result.error.code == "limit_exceeded"
    assert f"more than {MAX_TURNS} turns" in result.error.message


@pytest.mark.parametrize("code", ["", "no braces", "{{ }}", "{{ // just a comment\n }}", 3])
def test_an_empty_handler_does_nothing(code: Any) -> None:
    result = ok(code)
    assert result.effects == [] and result.queries_run == []


def test_this_is_undefined_in_a_handler() -> None:
    assert alerts(ok("{{ showAlert(typeof this) }}")) == ["undefined"]


# -- misuse -----------------------------------------------------------------------


def test_scope_must_be_json() -> None:
    with pytest.raises(InvalidRuntimeInput, match="scope must be JSON data"):
        run("{{ 1 }}", scope={"A": object()})


@pytest.mark.parametrize("names", [{"1bad"}, {"showAlert"}, "Q", {"var"}])
def test_action_names_must_be_identifiers(names: Any) -> None:
    with pytest.raises(InvalidRuntimeInput):
        run("{{ 1 }}", action_names=names)


def test_scope_names_may_not_hide_bridged_functions() -> None:
    with pytest.raises(InvalidRuntimeInput, match="taken by handler functions"):
        run("{{ 1 }}", scope={"showAlert": {}})


def test_handlers_run_only_in_quickjs() -> None:
    with pytest.raises(InvalidRuntimeInput, match="only in the quickjs engine"):
        run("{{ 1 }}", engine_name="js2py")


def test_max_queries_must_be_a_count() -> None:
    with pytest.raises(InvalidRuntimeInput, match="max_queries"):
        run("{{ 1 }}", max_queries=-1)


def test_scope_keys_that_are_not_identifiers_are_ignored() -> None:
    result = ok("{{ showAlert(typeof Input1) }}", scope={"Input1": {}, "not-a-name": 1})
    assert alerts(result) == ["object"]


def test_a_query_state_that_is_not_json_is_a_host_error() -> None:
    host = RecordingHost(Q=QueryOutcome(True, {"data": float("nan")}))
    with pytest.raises(InvalidRuntimeInput, match=r"QueryOutcome\.state of Q must be JSON data"):
        run("{{ Q.run() }}", host)


def test_a_query_sees_the_store_as_the_handler_left_it() -> None:
    host = RecordingHost()
    run(
        "{{ (async () => { storeValue('token', 'abc'); await Q.run(); removeValue('kept');"
        " await R.run(); })() }}",
        host,
    )
    assert [name for name, _ in host.calls] == ["Q", "R"]
    assert host.stores == [{"kept": 1, "token": "abc"}, {"token": "abc"}]
