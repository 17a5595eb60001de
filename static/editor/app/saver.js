// @ts-check
// Saves the page's layout without a Save button: a short while after the last
// change, PATCH pages/{id}/ with the layout and the version it was based on
// (the timing, retries and one request at a time are debounced_save.js's).
// The server is the authority: it refuses an invalid layout (400, naming the
// JSON path of the fault, which is mapped here to "Widget.prop" so the
// property pane shows it where the user typed), and a page another tab saved
// in the meantime (409): then nothing more is saved, so neither tab silently
// overwrites the other, and the user is offered a reload. The draft stays in
// the store whatever happens, so nothing typed is lost.
/** @import { EditorNode } from "./layout.js" */
/** @import { EditorStore } from "./store.js" */
import { pagePath } from "../../brace/api_paths.js";
import { ApiError } from "../../brace/http.js";
import { DebouncedSave, RETRY_DELAY_MS, SAVE_DELAY_MS } from "./debounced_save.js";

/** @typedef {(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, body?: unknown) => Promise<unknown>} ApiCall */

export const CONFLICT_MESSAGE =
  "This page was changed in another tab or by someone else. Reload to get the latest version; your changes here since then cannot be saved.";

/**
 * "layout.children[0].children[2].props.text" -> ["children", 0, "children", 2, "props", "text"]
 * @param {string} path
 * @returns {(string | number)[]}
 */
function segments(path) {
  /** @type {(string | number)[]} */
  const found = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    found.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  }
  return found;
}

/**
 * The "Widget.prop" key the property pane looks errors up by, for a field
 * path of the API (`layout.children[0].props.text` -> "Text1.text",
 * `layout.children[0].widgetName` -> "Text1.widgetName"); the path itself
 * when it names no widget of `layout`.
 * @param {EditorNode} layout the layout that was sent
 * @param {string} path
 * @returns {string}
 */
export function fieldKey(layout, path) {
  const parts = segments(path);
  if (parts[0] !== "layout") return path;
  let node = layout;
  let index = 1;
  while (parts[index] === "children" && typeof parts[index + 1] === "number") {
    const child = node.children?.[/** @type {number} */ (parts[index + 1])];
    if (!child) return path;
    node = child;
    index += 2;
  }
  if (typeof node.widgetName !== "string") return path;
  if (parts[index] === "props" && parts[index + 1] !== undefined) return `${node.widgetName}.${parts[index + 1]}`;
  if (parts[index] !== undefined) return `${node.widgetName}.${parts[index]}`;
  return node.widgetName;
}

/**
 * The field errors of a refused save, keyed as the property pane reads them.
 * The API names the first fault in `field` and lists every one in `errors`.
 * @param {EditorNode} layout the layout that was sent
 * @param {ApiError} error
 * @returns {Record<string, string>}
 */
export function fieldErrorsOf(layout, error) {
  /** @type {Record<string, string>} */
  const found = {};
  const faults = Array.isArray(error.errors) ? error.errors : [];
  for (const fault of faults) {
    if (fault && typeof fault === "object" && typeof fault.field === "string" && fault.field) {
      const key = fieldKey(layout, fault.field);
      found[key] ??= String(fault.message || error.message);
    }
  }
  if (error.field && !(fieldKey(layout, error.field) in found)) {
    found[fieldKey(layout, error.field)] = faults.length ? String(faults[0]?.message || error.message) : error.message;
  }
  return found;
}

/**
 * @typedef {object} PageSave what one save of the page sends
 * @property {number} id the page's
 * @property {{ layout: EditorNode, version?: number }} body
 */

/** @extends {DebouncedSave<PageSave>} */
export class Saver extends DebouncedSave {
  /**
   * @param {EditorStore} store
   * @param {{ api: ApiCall, delay?: number, retryDelay?: number }} options
   */
  constructor(store, { api, delay = SAVE_DELAY_MS, retryDelay = RETRY_DELAY_MS }) {
    super(store, { delay, retryDelay });
    this.api = api;
  }

  /** After a conflict nothing more is saved. */
  obstacle() {
    if (this.store.state.save.status !== "conflict") return null;
    return new ApiError(409, { code: "version_conflict", field: "version", message: CONFLICT_MESSAGE });
  }

  /** @returns {PageSave} */
  take() {
    const { page } = this.store.state;
    /** @type {PageSave["body"]} */
    const body = { layout: page.layout };
    if (typeof page.version === "number") body.version = page.version;
    return { id: page.id, body };
  }

  /** @param {PageSave} sent */
  request(sent) {
    return this.api("PATCH", pagePath(sent.id), sent.body);
  }

  /**
   * @param {ApiError} error
   * @param {PageSave} sent
   */
  handleFailure(error, sent) {
    // The layout stays unsaved whatever the refusal.
    this.dirty = true;
    if (error.status === 409) {
      clearTimeout(this.timer);
      this.report({ status: "conflict", message: CONFLICT_MESSAGE });
      return true;
    }
    if (error.status === 400) {
      // The user fixes what is named; their next change saves again.
      this.report({ status: "failed", message: error.message }, fieldErrorsOf(sent.body.layout, error));
      return true;
    }
    return false;
  }

  /** @param {unknown} answer */
  accepted(answer) {
    const version = /** @type {{ version?: number } | null} */ (answer)?.version;
    if (typeof version === "number") this.store.setVersion(version);
    if (!this.dirty) this.report({ status: "saved", message: "" }, {});
  }
}
