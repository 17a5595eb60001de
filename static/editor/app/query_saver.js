// @ts-check
// Saves the open query without a Save button, as saver.js saves the page: a
// short while after the last change, PATCH actions/{id}/ with the whole
// config. Its progress shows in the toolbar's one save status. A refusal (400)
// names the field (`config.headers[0].value`), which the query editor shows
// under what the user typed; the draft stays in the editor whatever happens,
// so nothing typed is lost, and the next change saves again. A save that
// could not reach the server is tried again.
/** @import { ApiCall } from "./saver.js" */
/** @import { EditorStore, SaveState } from "./store.js" */
import { actionPath } from "../../brace/api_paths.js";
import { ApiError } from "../../brace/http.js";
import { RETRY_DELAY_MS, SAVE_DELAY_MS } from "./saver.js";

/**
 * @typedef {object} QuerySaverOptions
 * @property {number} id the query's
 * @property {() => { config: Record<string, unknown>, rows: Record<string, number[]> }} payload what to send now
 * @property {(action: Record<string, unknown>) => void} onSaved the server's answer
 * @property {(errors: ApiError | null, rows: Record<string, number[]>) => void} onRefused a 400 (null: the refusal is over)
 * @property {ApiCall} [api]
 * @property {number} [delay]
 * @property {number} [retryDelay]
 */

/** @param {unknown} error */
function asApiError(error) {
  return error instanceof ApiError ? error : new ApiError(0, { message: String(/** @type {Error} */ (error)?.message || error) });
}

export class QuerySaver {
  /**
   * @param {EditorStore} store whose save status the toolbar shows
   * @param {QuerySaverOptions} options
   */
  constructor(store, { id, payload, onSaved, onRefused, api, delay = SAVE_DELAY_MS, retryDelay = RETRY_DELAY_MS }) {
    this.store = store;
    this.id = id;
    this.payload = payload;
    this.onSaved = onSaved;
    this.onRefused = onRefused;
    this.api = api || store.api;
    this.delay = delay;
    this.retryDelay = retryDelay;
    this.dirty = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {Promise<void> | null} */
    this.running = null;
    /** @type {ApiError | null} the last refusal, until a save goes through */
    this.refused = null;
  }

  /** Whether the query holds changes the server does not have yet. */
  get pending() {
    return this.dirty || this.running !== null;
  }

  /** The draft changed: save it soon. */
  schedule() {
    this.dirty = true;
    if (this.store.state.save.status !== "failed" && this.store.state.save.status !== "saving") this.report({ status: "unsaved", message: "" });
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
   * Saves now whatever is not saved yet; rejects with the ApiError if the
   * server refuses it or cannot be reached.
   * @returns {Promise<void>}
   */
  async flush() {
    clearTimeout(this.timer);
    while (this.running) await this.running.catch(() => undefined);
    if (!this.dirty) {
      if (this.refused) throw this.refused;
      return;
    }
    this.running = this.send();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
    if (this.dirty) await this.flush();
  }

  /** Stops saving (the query was closed or deleted); what is pending is dropped. */
  stop() {
    clearTimeout(this.timer);
    this.dirty = false;
  }

  /** @returns {Promise<void>} */
  async send() {
    const { config, rows } = this.payload();
    this.dirty = false;
    this.report({ status: "saving", message: "" });
    let answer;
    try {
      answer = /** @type {Record<string, unknown>} */ (await this.api("PATCH", actionPath(this.id), { config }));
    } catch (raw) {
      const error = asApiError(raw);
      if (error.status === 400) {
        // The user fixes what is named; their next change saves again.
        this.refused = error;
        this.onRefused(error, rows);
        this.report({ status: "failed", message: error.message });
      } else if (error.status === 404) {
        this.report({ status: "failed", message: "This query was deleted (in another tab?); what you typed here is not saved." });
      } else {
        this.dirty = true;
        this.report({ status: "failed", message: error.message });
        this.arm(this.retryDelay);
      }
      throw error;
    }
    if (this.refused) {
      this.refused = null;
      this.onRefused(null, rows);
    }
    this.onSaved(answer);
    if (!this.dirty) this.report({ status: "saved", message: "" });
  }

  /** @param {SaveState} save */
  report(save) {
    // A page in conflict stays so: that message matters more.
    if (this.store.state.save.status === "conflict") return;
    this.store.setSaveState(save);
  }
}
