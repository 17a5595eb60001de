"""The editor's store, history, savers and evaluator (static/editor/app/), run as
modules in Chromium against a fake API function.

Each test opens a Brace page for its origin, imports the modules there and
runs a scenario; the fake records every call and answers what the scenario
says. Debounce delays are set long and the scenario flushes by hand, so no
outcome depends on timing.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRELUDE = """
const { EditorStore } = await import("/static/editor/app/store.js");
const { fieldKey } = await import("/static/editor/app/saver.js");
const { ApiError } = await import("/static/brace/http.js");
const { findWidget, getProp, setProp } = await import("/static/editor/app/layout.js");
const calls = [];
let handler = async () => ({});
const api = async (method, url, body) => {
  const copy = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  calls.push({ method, url, body: copy });
  return handler(method, url, body);
};
const widget = (widgetName, type, props, y) => ({
  widgetName, type, props, position: { x: 0, y, w: 16, h: 4 }, children: [],
});
const layout = () => ({
  widgetName: "MainContainer", type: "Container", props: {},
  position: { x: 0, y: 0, w: 64, h: 60 },
  children: [
    widget("Text1", "Text", { text: "Hello" }, 0),
    widget("Button1", "Button", { text: "Go" }, 5),
  ],
});
const makeStore = (options = {}) => new EditorStore({
  application: { id: 1, name: "App" }, pages: [{ id: 7, name: "Page1" }],
  page: { id: 7, name: "Page1", version: 3, layout: layout() },
  actions: [], datasources: [], widgetTypes: new Map(), selection: [],
  evaluation: { values: {}, errors: {} }, fieldErrors: {},
  save: { status: "saved", message: "" }, preview: false,
}, { api, saveDelay: 600000, evaluateDelay: 600000, retryDelay: 600000, ...options });
const text = (store, name = "Text1") => getProp(store.state.page.layout, name, "text");
const setText = (value, name = "Text1") => (tree) => setProp(tree, name, "text", value);
const deferred = () => {
  let resolve, reject;
  const promise = new Promise((yes, no) => { resolve = yes; reject = no; });
  return { promise, resolve, reject };
};
"""


@pytest.fixture
def run(new_page: Any, members: dict[str, Any]) -> Any:
    """run(scenario) -> what the scenario's JavaScript returns, run after PRELUDE."""
    page = new_page(members["developer"])
    page.goto("/editor/")

    def evaluate(scenario: str) -> Any:
        result = page.evaluate(f"async () => {{ {PRELUDE}\n{scenario} }}")
        assert page.errors == []
        return result

    return evaluate


def test_an_edit_is_one_undo_step_and_undo_restores_layout_and_selection(run: Any) -> None:
    result = run("""
      const store = makeStore();
      const heard = [];
      store.subscribe((state, change) => heard.push(change.kind));
      store.select(["Button1"]);
      const changed = store.edit("Set Text1's text", setText("Bye"), { select: ["Text1"] });
      const after = {
        text: text(store), selection: store.state.selection, canUndo: store.canUndo(),
      };
      await store.undo();
      const undone = {
        text: text(store), selection: store.state.selection, canRedo: store.canRedo(),
      };
      await store.redo();
      return { changed, heard, after, undone, redone: text(store), canRedo: store.canRedo() };
    """)

    assert result["changed"] is True
    assert result["heard"][:3] == ["selection", "layout", "selection"]
    assert result["after"] == {"text": "Bye", "selection": ["Text1"], "canUndo": True}
    assert result["undone"] == {"text": "Hello", "selection": ["Button1"], "canRedo": True}
    assert result["redone"] == "Bye"
    assert result["canRedo"] is False


def test_edits_with_one_coalesce_key_are_one_step_until_an_undo(run: Any) -> None:
    result = run("""
      const store = makeStore();
      for (const value of ["H", "He", "Hey"]) {
        store.edit("Type", setText(value), { coalesce: "Text1.text" });
      }
      store.edit("Type", setText("Go!", "Button1"), { coalesce: "Button1.text" });
      await store.undo();
      const afterOne = [text(store), text(store, "Button1")];
      await store.undo();
      const afterTwo = [text(store), store.canUndo()];
      await store.redo();
      store.edit("Type", setText("Hey you"), { coalesce: "Text1.text" });
      await store.undo();
      return { afterOne, afterTwo, afterSealed: text(store) };
    """)

    assert result["afterOne"] == ["Hey", "Go"]
    assert result["afterTwo"] == ["Hello", False]
    # After a redo the same key starts a new step: undo takes back only "Hey you".
    assert result["afterSealed"] == "Hey"


def test_an_edit_that_changes_nothing_or_throws_is_no_step(run: Any) -> None:
    result = run("""
      const store = makeStore();
      const same = store.edit("Nothing", (tree) => tree);
      let message = "";
      try {
        store.edit("Drop outside", () => { throw new Error("Drop inside the grid."); });
      } catch (error) { message = error.message; }
      return {
        same, message, canUndo: store.canUndo(), text: text(store), dirty: store.saver.pending,
      };
    """)

    assert result == {
        "same": False,
        "message": "Drop inside the grid.",
        "canUndo": False,
        "text": "Hello",
        "dirty": False,
    }


def test_the_recipe_gets_a_copy_so_earlier_states_stay_intact(run: Any) -> None:
    result = run("""
      const store = makeStore();
      const first = store.state.page.layout;
      store.edit("Set", (tree) => {
        findWidget(tree, "Text1").node.props.text = "changed";
        return tree;
      });
      return {
        before: getProp(first, "Text1", "text"), now: text(store),
        same: first === store.state.page.layout,
      };
    """)

    assert result == {"before": "Hello", "now": "changed", "same": False}


def test_saving_sends_the_layout_with_its_version_and_keeps_the_new_one(run: Any) -> None:
    result = run("""
      const store = makeStore();
      let version = 3;
      handler = async (method, url, body) => ({ id: 7, version: ++version, layout: body.layout });
      store.edit("Set", setText("One"));
      const pending = store.state.save.status;
      const before = calls.length;
      await store.saver.flush();
      const first = { status: store.state.save.status, version: store.state.page.version };
      store.edit("Set", setText("Two"));
      await store.saver.flush();
      return { pending, before, first, calls, version: store.state.page.version };
    """)

    assert result["pending"] == "unsaved"
    assert result["before"] == 0, "the save waits for its debounce"
    assert result["first"] == {"status": "saved", "version": 4}
    patches = [call for call in result["calls"] if call["method"] == "PATCH"]
    assert [call["url"] for call in patches] == ["/api/v1/pages/7/", "/api/v1/pages/7/"]
    assert [call["body"]["version"] for call in patches] == [3, 4]
    assert patches[1]["body"]["layout"]["children"][0]["props"]["text"] == "Two"
    assert result["version"] == 5


def test_changes_made_while_a_save_is_out_go_in_the_next_one(run: Any) -> None:
    result = run("""
      const store = makeStore();
      const first = deferred();
      let version = 3;
      handler = async (method) => {
        if (method !== "PATCH") return {};
        if (calls.filter((c) => c.method === "PATCH").length === 1) await first.promise;
        return { version: ++version };
      };
      store.edit("Set", setText("One"));
      const saving = store.saver.flush();
      await new Promise((resolve) => setTimeout(resolve, 0));
      const during = store.state.save.status;
      store.edit("Set", setText("Two"));
      first.resolve();
      await saving;
      const sent = calls.filter((c) => c.method === "PATCH")
        .map((c) => [c.body.version, c.body.layout.children[0].props.text]);
      return { during, sent, status: store.state.save.status };
    """)

    assert result["during"] == "saving"
    assert result["sent"] == [[3, "One"], [4, "Two"]]
    assert result["status"] == "saved"


def test_a_refused_layout_puts_the_error_where_the_user_typed_and_keeps_the_draft(
    run: Any,
) -> None:
    result = run("""
      const store = makeStore();
      handler = async () => {
        throw new ApiError(400, {
          code: "invalid_layout",
          message: "Invalid layout: layout.children[1].props.text: must be text",
          field: "layout.children[1].props.text",
          errors: [
            {
              code: "invalid_type", message: "must be text",
              field: "layout.children[1].props.text",
            },
            {
              code: "invalid_name", message: "not an identifier",
              field: "layout.children[0].widgetName",
            },
          ],
        });
      };
      store.edit("Set", setText(42, "Button1"), { coalesce: "Button1.text" });
      let rejected = "";
      await store.saver.flush().catch((error) => { rejected = error.code; });
      const refused = {
        save: store.state.save, fieldErrors: store.state.fieldErrors, text: text(store, "Button1"),
      };
      handler = async () => ({ version: 4 });
      store.edit("Set", setText("Fixed", "Button1"), { coalesce: "Button1.text" });
      const retry = store.state.save.status;
      await store.saver.flush();
      const fixed = { save: store.state.save, fieldErrors: store.state.fieldErrors };
      return { rejected, refused, retry, fixed };
    """)

    assert result["rejected"] == "invalid_layout"
    assert result["refused"] == {
        "save": {
            "status": "failed",
            "message": "Invalid layout: layout.children[1].props.text: must be text",
        },
        "fieldErrors": {"Button1.text": "must be text", "Text1.widgetName": "not an identifier"},
        "text": 42,
    }
    assert result["retry"] == "failed", "the reason stays shown until a save succeeds"
    assert result["fixed"] == {"save": {"status": "saved", "message": ""}, "fieldErrors": {}}


def test_a_version_conflict_stops_saving_and_says_so(run: Any) -> None:
    result = run("""
      const store = makeStore();
      handler = async () => {
        throw new ApiError(409, { code: "version_conflict", field: "version", message: "stale" });
      };
      const heard = [];
      store.subscribe((state, change) => {
        if (change.kind === "save") heard.push(state.save.status);
      });
      store.edit("Set", setText("Mine"));
      await store.saver.flush().catch(() => undefined);
      store.edit("Set", setText("Mine again"));
      let again = "";
      await store.saver.flush().catch((error) => { again = error.code; });
      const patches = calls.filter((c) => c.method === "PATCH").length;
      return { heard, save: store.state.save, patches, again, text: text(store) };
    """)

    assert result["heard"] == ["unsaved", "saving", "conflict"]
    assert result["save"]["status"] == "conflict"
    assert "changed in another tab" in result["save"]["message"]
    assert result["patches"] == 1
    assert result["again"] == "version_conflict"
    assert result["text"] == "Mine again"


def test_an_unreachable_server_is_reported_and_the_change_kept_for_a_retry(run: Any) -> None:
    result = run("""
      const store = makeStore();
      handler = async () => {
        const message = "Brace cannot be reached; check your connection.";
        throw new ApiError(0, { code: "network", message });
      };
      store.edit("Set", setText("Offline"));
      await store.saver.flush().catch(() => undefined);
      const failed = { save: store.state.save, pending: store.saver.pending };
      handler = async () => ({ version: 4 });
      await store.saver.flush();
      return { failed, after: store.state.save, version: store.state.page.version };
    """)

    assert result["failed"] == {
        "save": {"status": "failed", "message": "Brace cannot be reached; check your connection."},
        "pending": True,
    }
    assert result["after"] == {"status": "saved", "message": ""}
    assert result["version"] == 4


QUERY_SAVER = """
const { QuerySaver } = await import("/static/editor/app/query_saver.js");
const heard = { saved: [], refused: [] };
const querySaver = (store) => new QuerySaver(store, {
  id: 9, api, delay: 600000, retryDelay: 600000,
  payload: () => ({ config: { path: "/users" }, rows: { headers: [0] } }),
  onSaved: (action) => heard.saved.push(action),
  onRefused: (error, rows) => heard.refused.push({ code: error && error.code, rows }),
});
"""


def test_the_query_saver_keeps_a_refusal_until_the_next_change(run: Any) -> None:
    result = run(
        QUERY_SAVER
        + """
      const store = makeStore();
      const saver = querySaver(store);
      handler = async () => {
        throw new ApiError(400, { code: "invalid", field: "config.path", message: "bad path" });
      };
      saver.schedule();
      let first = "";
      await saver.flush().catch((error) => { first = error.code; });
      const refused = { save: store.state.save, pending: saver.pending };
      let again = "";
      await saver.flush().catch((error) => { again = error.code; });
      const patches = calls.length;
      handler = async () => ({ id: 9, name: "Api1" });
      saver.schedule();
      await saver.flush();
      return { first, again, refused, patches, calls, heard, save: store.state.save };
    """
    )

    assert result["first"] == result["again"] == "invalid"
    assert result["refused"] == {
        "save": {"status": "failed", "message": "bad path"},
        "pending": False,
    }
    assert result["patches"] == 1, "a standing refusal is not sent again"
    assert result["calls"][1] == {
        "method": "PATCH",
        "url": "/api/v1/actions/9/",
        "body": {"config": {"path": "/users"}},
    }
    assert result["heard"] == {
        "saved": [{"id": 9, "name": "Api1"}],
        "refused": [
            {"code": "invalid", "rows": {"headers": [0]}},
            {"code": None, "rows": {"headers": [0]}},
        ],
    }
    assert result["save"] == {"status": "saved", "message": ""}


def test_the_query_saver_keeps_an_unsent_change_but_not_one_for_a_deleted_query(run: Any) -> None:
    result = run(
        QUERY_SAVER
        + """
      const store = makeStore();
      const saver = querySaver(store);
      handler = async () => { throw new ApiError(0, { code: "network", message: "offline" }); };
      saver.schedule();
      await saver.flush().catch(() => undefined);
      const unreachable = { save: store.state.save, pending: saver.pending };
      handler = async () => { throw new ApiError(404, { code: "not_found", message: "gone" }); };
      let deleted = "";
      await saver.flush().catch((error) => { deleted = error.code; });
      const gone = { save: store.state.save, pending: saver.pending };
      await saver.flush();
      return { unreachable, deleted, gone, patches: calls.length, heard };
    """
    )

    assert result["unreachable"] == {
        "save": {"status": "failed", "message": "offline"},
        "pending": True,
    }
    assert result["deleted"] == "not_found"
    assert result["gone"]["pending"] is False
    assert result["gone"]["save"]["status"] == "failed"
    assert "This query was deleted" in result["gone"]["save"]["message"]
    assert result["patches"] == 2, "nothing is sent for a deleted query"
    assert result["heard"] == {"saved": [], "refused": []}


def test_the_query_saver_leaves_a_page_conflict_shown(run: Any) -> None:
    result = run(
        QUERY_SAVER
        + """
      const store = makeStore();
      store.setSaveState({ status: "conflict", message: "the page's" });
      const saver = querySaver(store);
      handler = async () => ({ id: 9 });
      saver.schedule();
      await saver.flush();
      return { save: store.state.save, patches: calls.length, heard };
    """
    )

    assert result["save"] == {"status": "conflict", "message": "the page's"}
    assert result["patches"] == 1, "the query is still saved"
    assert result["heard"] == {"saved": [{"id": 9}], "refused": []}


def test_a_page_without_a_version_is_saved_without_one(run: Any) -> None:
    result = run("""
      const store = makeStore();
      store.state.page.version = undefined;
      handler = async () => ({ id: 7 });
      store.edit("Set", setText("x"));
      await store.saver.flush();
      return { body: calls[0].body, status: store.state.save.status };
    """)

    assert "version" not in result["body"]
    assert result["status"] == "saved"


def test_the_evaluator_sends_the_draft_and_ignores_stale_answers(run: Any) -> None:
    result = run("""
      const store = makeStore();
      const slow = deferred();
      handler = async (method, url, body) => {
        const text = body.layout.children[0].props.text;
        if (text === "old") await slow.promise;
        return { values: { Text1: { text } }, errors: {} };
      };
      store.edit("Set", setText("old"));
      const first = store.evaluator.run();
      store.edit("Set", setText("new"));
      await store.evaluator.run();
      slow.resolve();
      await first;
      const evaluate = calls.filter((c) => c.url === "/api/v1/pages/7/evaluate/");
      return {
        shown: store.state.evaluation.values.Text1.text,
        sent: evaluate.map((c) => c.body.layout.children[0].props.text),
      };
    """)

    assert result["sent"] == ["old", "new"]
    assert result["shown"] == "new"


def test_a_failed_evaluation_keeps_the_last_values_and_says_why(run: Any) -> None:
    result = run("""
      const store = makeStore();
      handler = async () => ({ values: { Text1: { text: "Hello" } }, errors: {} });
      await store.evaluator.run();
      handler = async () => {
        throw new ApiError(400, { code: "invalid_layout", message: "Invalid layout" });
      };
      await store.evaluator.run();
      return store.state.evaluation;
    """)

    assert result == {
        "values": {"Text1": {"text": "Hello"}},
        "errors": {},
        "failure": "Invalid layout",
    }


RENAME_SERVER = """
  let version = 3;
  handler = async (method, url, body) => {
    if (method === "PATCH") return { version: ++version };
    if (url === "/api/v1/pages/7/rename/") {
      if (body.new_name === "Taken") {
        const message = "Taken is already used.";
        throw new ApiError(400, { code: "duplicate_name", field: "new_name", message });
      }
      const tree = JSON.parse(JSON.stringify(store.state.page.layout));
      findWidget(tree, body.old_name).node.widgetName = body.new_name;
      return {
        page: { id: 7, name: "Page1", version: ++version, layout: tree },
        actions: [
          { id: 3, page: 7, name: "Query1", config: { body: `{{${body.new_name}.text}}` } },
        ],
      };
    }
    return { values: {}, errors: {} };
  };
"""


def test_renaming_saves_first_then_asks_the_server_and_is_one_undo_step(run: Any) -> None:
    result = run(
        "const store = makeStore();"
        + RENAME_SERVER
        + """
      store.state.actions = [{ id: 9, page: 8, name: "OtherPageQuery" }];
      store.select(["Text1"]);
      store.edit("Set", setText("typed"));
      await store.renameEntity("Text1", "Title");
      const renamed = {
        names: store.state.page.layout.children.map((w) => w.widgetName),
        text: text(store, "Title"), selection: store.state.selection,
        actions: store.state.actions.map((a) => a.name), version: store.state.page.version,
      };
      await store.undo();
      const undone = store.state.page.layout.children.map((w) => w.widgetName);
      await store.redo();
      const redone = store.state.page.layout.children.map((w) => w.widgetName);
      const sent = calls
        .filter((c) => c.method !== "POST" || c.url.endsWith("rename/"))
        .map((c) => [c.method, c.body.version, c.body.old_name, c.body.new_name]);
      return { renamed, undone, redone, sent };
    """
    )

    assert result["renamed"] == {
        "names": ["Title", "Button1"],
        "text": "typed",
        "selection": ["Title"],
        "actions": ["OtherPageQuery", "Query1"],
        "version": 5,
    }
    assert result["undone"] == ["Text1", "Button1"]
    assert result["redone"] == ["Title", "Button1"]
    assert result["sent"] == [
        ["PATCH", 3, None, None],
        ["POST", 4, "Text1", "Title"],
        ["POST", 5, "Title", "Text1"],
        ["POST", 6, "Text1", "Title"],
    ]


def test_a_refused_rename_changes_nothing_and_is_no_step(run: Any) -> None:
    result = run(
        "const store = makeStore();"
        + RENAME_SERVER
        + """
      let error = null;
      await store.renameEntity("Text1", "Taken").catch((e) => {
        error = { field: e.field, message: e.message };
      });
      const names = store.state.page.layout.children.map((w) => w.widgetName);
      return { error, names, canUndo: store.canUndo() };
    """
    )

    assert result == {
        "error": {"field": "new_name", "message": "Taken is already used."},
        "names": ["Text1", "Button1"],
        "canUndo": False,
    }


def test_an_edit_made_while_a_rename_is_out_applies_to_its_answer(run: Any) -> None:
    result = run(
        "const store = makeStore();"
        + RENAME_SERVER
        + """
      const renaming = store.renameEntity("Text1", "Title");
      store.edit("Set", setText("Later", "Button1"));
      await renaming;
      await new Promise((resolve) => setTimeout(resolve, 0));
      const names = store.state.page.layout.children.map((w) => w.widgetName);
      return { names, button: text(store, "Button1") };
    """
    )

    assert result == {"names": ["Title", "Button1"], "button": "Later"}


def test_a_failed_undo_keeps_its_step(run: Any) -> None:
    result = run(
        "const store = makeStore();"
        + RENAME_SERVER
        + """
      await store.renameEntity("Text1", "Title");
      handler = async () => { throw new ApiError(0, { code: "network", message: "offline" }); };
      let message = "";
      await store.undo().catch((e) => { message = e.message; });
      const name = store.state.page.layout.children[0].widgetName;
      return { message, canUndo: store.canUndo(), canRedo: store.canRedo(), name };
    """
    )

    assert result == {"message": "offline", "canUndo": True, "canRedo": False, "name": "Title"}


def test_preview_clears_the_selection(run: Any) -> None:
    result = run("""
      const store = makeStore();
      const heard = [];
      store.subscribe((state, change) => heard.push(change.kind));
      store.select(["Text1"]);
      store.setPreview(true);
      store.setPreview(true);
      return { heard, preview: store.state.preview, selection: store.state.selection };
    """)

    assert result == {
        "heard": ["selection", "selection", "preview"],
        "preview": True,
        "selection": [],
    }


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("layout.children[1].props.text", "Button1.text"),
        ("layout.children[0].widgetName", "Text1.widgetName"),
        ("layout.children[0].position.w", "Text1.position"),
        ("layout.children[0]", "Text1"),
        ("layout.props.title", "MainContainer.title"),
        ("layout.children[5].props.text", "layout.children[5].props.text"),
        ("version", "version"),
    ],
)
def test_field_paths_map_to_widget_properties(run: Any, path: str, key: str) -> None:
    assert run(f"return fieldKey(layout(), {path!r});") == key


def test_preview_meta_goes_to_the_evaluation_and_leaving_preview_forgets_it(run: Any) -> None:
    result = run("""
      const store = makeStore();
      const heard = [];
      store.subscribe((state, change) => heard.push(change.kind));
      handler = async () => ({ values: {}, errors: {} });
      const outside = store.setPreviewMeta("Text1", { text: "typed" });
      store.setPreview(true);
      store.setPreviewMeta("Text1", { text: "a" });
      store.setPreviewMeta("Text1", { text: "ab" });
      await store.evaluator.run();
      store.setPreview(false);
      const kept = store.state.previewMeta;
      await Promise.resolve();
      const bodies = calls.filter((c) => c.url === "/api/v1/pages/7/evaluate/").map((c) => c.body);
      return { outside, kept, heard, states: bodies.map((body) => body.state ?? null) };
    """)

    assert result == {
        "outside": False,
        "kept": {},
        "heard": ["preview", "previewMeta", "previewMeta", "evaluation", "preview"],
        # The preview's evaluation, then the one leaving it sends at once.
        "states": [{"widgets": {"Text1": {"text": "ab"}}}, None],
    }


def test_preview_meta_of_a_widget_no_longer_on_the_page_is_not_sent(run: Any) -> None:
    result = run("""
      const store = makeStore();
      handler = async () => ({ values: {}, errors: {} });
      store.setPreview(true);
      store.setPreviewMeta("Gone", { text: "x" });
      store.setPreviewMeta("Text1", { text: "y" });
      await store.evaluator.run();
      return calls.map((c) => c.body.state);
    """)

    assert result == [{"widgets": {"Text1": {"text": "y"}}}]


def test_refused_preview_meta_is_dropped_with_its_reason_and_the_page_evaluated_again(
    run: Any,
) -> None:
    result = run("""
      const store = makeStore();
      const messages = [];
      store.subscribe((state, change) => { if (change.message) messages.push(change.message); });
      handler = async (method, url, body) => {
        if (body.state?.widgets?.Button1) {
          throw new ApiError(400, {
            code: "file_too_large", field: "state.widgets.Button1.files[0].size",
            message: "Files can be at most 1 MB.",
          });
        }
        const typed = body.state?.widgets?.Text1?.text;
        return { values: { Text1: { text: String(typed) } }, errors: {} };
      };
      store.setPreview(true);
      store.setPreviewMeta("Text1", { text: "kept" });
      store.setPreviewMeta("Button1", { files: [] });
      await store.evaluator.run();
      return {
        messages,
        meta: store.state.previewMeta,
        evaluation: store.state.evaluation,
        sent: calls.map((c) => Object.keys(c.body.state.widgets)),
      };
    """)

    assert result == {
        "messages": ["Files can be at most 1 MB."],
        "meta": {"Text1": {"text": "kept"}},
        "evaluation": {"values": {"Text1": {"text": "kept"}}, "errors": {}, "failure": ""},
        "sent": [["Text1", "Button1"], ["Text1"]],
    }


def test_a_refusal_that_names_no_preview_meta_is_a_failure_as_before(run: Any) -> None:
    result = run("""
      const store = makeStore();
      handler = async () => {
        throw new ApiError(400, {
          code: "unknown_widget", field: "state.widgets.Other", message: "No widget named 'Other'.",
        });
      };
      store.setPreview(true);
      store.setPreviewMeta("Text1", { text: "x" });
      await store.evaluator.run();
      const { previewMeta: meta, evaluation } = store.state;
      return { meta, failure: evaluation.failure, count: calls.length };
    """)

    assert result == {
        "meta": {"Text1": {"text": "x"}},
        "failure": "No widget named 'Other'.",
        "count": 1,
    }
