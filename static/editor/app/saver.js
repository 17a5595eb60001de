// @ts-check
// Saves the page's layout without a Save button: a short while after the last
// change, PATCH pages/{id}/ with the layout and the version it was based on.
// The server is the authority: it refuses an invalid layout (400, naming the
// JSON path of the fault, which is mapped here to "Widget.prop" so the
// property pane shows it where the user typed), and a page another tab saved
// in the meantime (409): then nothing more is saved, so neither tab silently
// overwrites the other, and the user is offered a reload. The draft stays in
// the store whatever happens, so nothing typed is lost.
/** @import { EditorNode } from "./layout.js" */
/** @import { EditorStore, SaveState } from "./store.js" */
import { pagePath } from "../../brace/api_paths.js";
import { ApiError } from "../../brace/http.js";

/** @typedef {(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, body?: unknown) => Promise<unknown>} ApiCall */

/** How long after the last change the page is saved. */
export const SAVE_DELAY_MS = 600;
/** How long before a save that could not reach the server (or failed there) is tried again. */
export const RETRY_DELAY_MS = 5000;

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

/** @param {unknown} error */
function asApiError(error) {
  return error instanceof ApiError ? error : new ApiError(0, { message: String(/** @type {Error} */ (error)?.message || error) });
}

export class Saver {
  /**
   * @param {EditorStore} store
   * @param {{ api: ApiCall, delay?: number, retryDelay?: number }} options
   */
  constructor(store, { api, delay = SAVE_DELAY_MS, retryDelay = RETRY_DELAY_MS }) {
    this.store = store;
    this.api = api;
    this.delay = delay;
    this.retryDelay = retryDelay;
    // Whether the store's layout differs from what the server last accepted.
    this.dirty = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {Promise<void> | null} */
    this.running = null;
  }

  /** Whether the page holds changes the server does not have yet. */
  get pending() {
    return this.dirty || this.running !== null;
  }

  /** The layout changed: save it soon. */
  schedule() {
    this.dirty = true;
    if (this.store.state.save.status === "conflict") return;
    if (this.store.state.save.status !== "failed" && this.store.state.save.status !== "saving") {
      this.report({ status: "unsaved", message: "" });
    }
    this.arm(this.delay);
  }

  /** @param {number} delay */
  arm(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.flush().catch(() => undefined);
    }, delay);
  }

  /**
   * Saves now whatever is not saved yet, and resolves once the server holds
   * the layout as it stands; rejects (an ApiError) if it refuses it or cannot
   * be reached, or after a conflict.
   * @returns {Promise<void>}
   */
  async flush() {
    clearTimeout(this.timer);
    while (this.running) await this.running.catch(() => undefined);
    if (this.store.state.save.status === "conflict") throw new ApiError(409, { code: "version_conflict", field: "version", message: CONFLICT_MESSAGE });
    if (!this.dirty) return;
    this.running = this.send();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
    // Changes made while the request was out go in the next one.
    if (this.dirty) await this.flush();
  }

  /** @returns {Promise<void>} */
  async send() {
    const { page } = this.store.state;
    const layout = page.layout;
    /** @type {{ layout: EditorNode, version?: number }} */
    const body = { layout };
    if (typeof page.version === "number") body.version = page.version;
    this.dirty = false;
    this.report({ status: "saving", message: "" });
    let answer;
    try {
      answer = /** @type {{ version?: number } | null} */ (await this.api("PATCH", pagePath(page.id), body));
    } catch (raw) {
      const error = asApiError(raw);
      this.dirty = true;
      if (error.status === 409) {
        clearTimeout(this.timer);
        this.report({ status: "conflict", message: CONFLICT_MESSAGE });
      } else if (error.status === 400) {
        // The user fixes what is named; their next change saves again.
        this.report({ status: "failed", message: error.message }, fieldErrorsOf(layout, error));
      } else {
        this.report({ status: "failed", message: error.message });
        this.arm(this.retryDelay);
      }
      throw error;
    }
    if (typeof answer?.version === "number") this.store.setVersion(answer.version);
    if (!this.dirty) this.report({ status: "saved", message: "" }, {});
  }

  /**
   * @param {SaveState} save
   * @param {Record<string, string>} [fieldErrors] replaces the field errors when given
   */
  report(save, fieldErrors) {
    this.store.setSaveState(save, fieldErrors);
  }
}
