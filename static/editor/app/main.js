// @ts-check
// The app builder's entry: loads the page under edit into the store, then
// mounts each part of the screen on its landmark (templates/editor/app.html):
// the Explorer, the widgets palette, the canvas, the property pane and the
// toolbar, the query editor (in the canvas's place while a query is open),
// and the global shortcuts. It also says when the page cannot be
// saved: a conflict with another tab gets a dialog that offers a reload, and
// leaving with unsaved changes asks first.
/** @import { EditorContext } from "./store.js" */
import { byId, h } from "../../brace/dom.js";
import { alertDialog, showDialog } from "../dialogs.js";
import { queryEditorUrl } from "../editor_urls.js";
import { mountCanvas } from "./canvas.js";
import { mountExplorer } from "./explorer.js";
import { mountPalette } from "./palette.js";
import { mountPropertyPane } from "./property_pane.js";
import { mountQueryEditor } from "./query_editor.js";
import { installShortcuts } from "./shortcuts.js";
import { EditorStore } from "./store.js";
import { mountToolbar } from "./toolbar.js";

const context = /** @type {EditorContext} */ (JSON.parse(byId("editor-context", HTMLScriptElement).textContent || "{}"));
const editor = byId("editor", HTMLElement);
const loading = byId("editor-loading", HTMLElement);

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/** @param {EditorStore} store */
function watchConflicts(store) {
  let shown = false;
  store.subscribe(async (state, change) => {
    if (change.kind !== "save" || state.save.status !== "conflict" || shown) return;
    shown = true;
    const answer = await showDialog({
      title: "This page was changed in another tab",
      message: `${state.save.message} Copy anything you typed here that you want to keep before reloading.`,
      role: "alertdialog",
      cancelValue: "stay",
      buttons: [
        { label: "Stay on this page", value: "stay" },
        { label: "Reload", value: "reload", kind: "primary", initial: true },
      ],
    });
    if (answer === "reload") window.location.reload();
  });
}

/**
 * The address follows the open query (/queries/{id}/) and the browser's Back
 * and Forward open and close queries, as in Appsmith.
 * @param {EditorStore} store
 */
function routeQueries(store) {
  const queryIn = (/** @type {string} */ path) => {
    const match = /\/queries\/(\d+)\/$/.exec(path);
    return match ? Number(match[1]) : null;
  };
  store.subscribe((state, change) => {
    if (change.kind !== "query") return;
    const url = state.query != null ? queryEditorUrl(context.application, context.page, state.query) : context.editorUrl;
    if (window.location.pathname !== url) window.history.pushState(null, "", url);
  });
  window.addEventListener("popstate", () => store.openQuery(queryIn(window.location.pathname)));
  if (context.query) store.openQuery(context.query);
}

/** @param {EditorStore} store */
function guardUnsaved(store) {
  window.addEventListener("beforeunload", (event) => {
    const { status } = store.state.save;
    if (store.saver.pending || status === "failed" || status === "conflict") event.preventDefault();
  });
}

async function start() {
  let store;
  try {
    store = await EditorStore.load(context);
  } catch (error) {
    const reload = h("button", { type: "button", class: "btn btn-small", text: "Reload" });
    reload.addEventListener("click", () => window.location.reload());
    loading.classList.add("is-error");
    loading.setAttribute("role", "alert");
    loading.replaceChildren(h("span", { text: `The editor could not be loaded: ${messageOf(error)}` }), reload);
    return;
  }
  const title = () => `${store.state.page.name} · ${store.state.application.name} · Editor · Brace`;
  document.title = title();
  store.subscribe((state, change) => {
    if (change.kind === "preview") editor.classList.toggle("is-preview", state.preview);
    if (change.kind === "entities") document.title = title();
  });
  mountExplorer(byId("editor-explorer", HTMLElement), store, context);
  mountToolbar(byId("editor-toolbar", HTMLElement), store, context);
  mountPalette(byId("editor-palette", HTMLElement), store);
  mountCanvas(byId("editor-canvas", HTMLElement), store);
  mountPropertyPane(byId("editor-properties", HTMLElement), store);
  mountQueryEditor(byId("editor-query", HTMLElement), store, context);
  routeQueries(store);
  watchConflicts(store);
  guardUnsaved(store);
  installShortcuts(store, (error) => {
    alertDialog({ title: "That could not be undone", message: messageOf(error) });
  });
  loading.hidden = true;
  editor.setAttribute("aria-busy", "false");
  store.evaluator.run();
}

start();
