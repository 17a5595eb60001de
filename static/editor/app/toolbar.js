// @ts-check
// The editor's toolbar, in the top bar: Undo and Redo, whether the page is
// saved, the Preview toggle, Publish with the version portals serve, and a
// link to the portal. Publishing saves first, so what is published is what
// the canvas shows. Before the first publish there is no app to view: the
// link is there, disabled, saying "Publish first".
/** @import { EditorContext, EditorStore, SaveState } from "./store.js" */
import { applicationPublishPath } from "../../brace/api_paths.js";
import { h } from "../../brace/dom.js";
import { alertDialog } from "../dialogs.js";

const SVG = "http://www.w3.org/2000/svg";
const UNDO_ICON = ["M9 14 4 9l5-5", "M4 9h10.5a5.5 5.5 0 0 1 0 11H11"];
const REDO_ICON = ["m15 14 5-5-5-5", "M20 9H9.5a5.5 5.5 0 0 0 0 11H13"];

/** @param {string[]} paths strokes of a 24×24 icon */
function icon(paths) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  for (const d of paths) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

/**
 * What the status shows for a save state.
 * @param {SaveState} save
 */
export function saveText(save) {
  if (save.status === "saved") return "Saved";
  if (save.status === "saving" || save.status === "unsaved") return "Saving…";
  return `Not saved: ${save.message}`;
}

/** @param {number | null | undefined} version */
function publishedText(version) {
  return typeof version === "number" ? `Published v${version}` : "Not published yet";
}

/** @param {boolean} mac */
const shortcut = (mac) => (mac ? "⌘" : "Ctrl+");

/**
 * @param {HTMLElement} root the toolbar landmark
 * @param {EditorStore} store
 * @param {EditorContext} context
 */
export function mountToolbar(root, store, context) {
  const mac = /Mac|iPhone|iPad/.test(navigator.platform);
  const undo = h("button", { type: "button", class: "btn btn-quiet icon-btn", "aria-label": "Undo" }, icon(UNDO_ICON));
  const redo = h("button", { type: "button", class: "btn btn-quiet icon-btn", "aria-label": "Redo" }, icon(REDO_ICON));
  const status = h("span", { class: "save-status", role: "status" });
  const preview = h("button", { type: "button", class: "btn btn-small", "aria-pressed": "false", text: "Preview" });
  const published = h("span", { class: "published-version" });
  const publish = h("button", { type: "button", class: "btn btn-small btn-primary", text: "Publish" });
  // role="link": an <a> without href (while disabled) is no link otherwise.
  const view = h("a", { class: "btn btn-small", role: "link", target: "_blank", rel: "noopener", text: "View app" });
  view.addEventListener("click", (event) => {
    if (view.getAttribute("aria-disabled") === "true") event.preventDefault();
  });

  /** @param {() => Promise<boolean>} step @param {string} failure */
  const run = (step, failure) => () => {
    step().catch((error) => alertDialog({ title: failure, message: error.message }));
  };
  undo.addEventListener("click", run(() => store.undo(), "That could not be undone"));
  redo.addEventListener("click", run(() => store.redo(), "That could not be redone"));
  preview.addEventListener("click", () => store.setPreview(!store.state.preview));
  publish.addEventListener("click", async () => {
    publish.disabled = true;
    publish.textContent = "Publishing…";
    try {
      await store.saver.flush();
      const version = /** @type {{ number?: number }} */ (await store.api("POST", applicationPublishPath(store.state.application.id)));
      store.setEntities({ application: { ...store.state.application, published_version: version.number ?? null } });
    } catch (error) {
      await alertDialog({ title: "The application was not published", message: /** @type {Error} */ (error).message });
    } finally {
      publish.disabled = false;
      publish.textContent = "Publish";
    }
  });

  const paint = () => {
    const { state, history } = store;
    undo.disabled = !store.canUndo();
    redo.disabled = !store.canRedo();
    undo.title = history.undoLabel() ? `Undo ${history.undoLabel()} (${shortcut(mac)}Z)` : `Undo (${shortcut(mac)}Z)`;
    redo.title = history.redoLabel() ? `Redo ${history.redoLabel()} (${shortcut(mac)}Shift+Z)` : `Redo (${shortcut(mac)}Shift+Z)`;
    status.textContent = saveText(state.save);
    status.dataset.status = state.save.status;
    status.title = status.textContent;
    preview.setAttribute("aria-pressed", String(state.preview));
    const version = state.application.published_version;
    const number = typeof version === "object" && version !== null ? version.number : version;
    published.textContent = publishedText(number);
    const viewable = typeof number === "number";
    view.setAttribute("aria-disabled", String(!viewable));
    if (viewable) {
      view.href = context.portalUrl;
      view.removeAttribute("title");
    } else {
      view.removeAttribute("href");
      view.title = "Publish first";
    }
  };
  store.subscribe(paint);
  paint();

  root.replaceChildren(
    h("div", { class: "toolbar-group" }, undo, redo),
    h("span", { class: "toolbar-divider", "aria-hidden": "true" }),
    status,
    h("span", { class: "toolbar-spacer" }),
    preview,
    published,
    publish,
    view,
  );
}
