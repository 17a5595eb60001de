// @ts-check
// Saves the open query without a Save button, as saver.js saves the page (the
// timing and retries are debounced_save.js's): a short while after the last change, PATCH actions/{id}/ with the whole
// config. Its progress shows in the toolbar's one save status. A refusal (400)
// names the field (`config.headers[0].value`), which the query editor shows
// under what the user typed; the draft stays in the editor whatever happens,
// so nothing typed is lost, and the next change saves again. A save that
// could not reach the server is tried again.
/** @import { ApiCall } from "./saver.js" */
/** @import { EditorStore, SaveState } from "./store.js" */
import { actionPath } from "../../brace/api_paths.js";
import { ApiError } from "../../brace/http.js";
import { DebouncedSave, RETRY_DELAY_MS, SAVE_DELAY_MS } from "./debounced_save.js";

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

/**
 * @typedef {ReturnType<QuerySaverOptions["payload"]>} QuerySave what one save of the query sends
 */

/** @extends {DebouncedSave<QuerySave>} */
export class QuerySaver extends DebouncedSave {
  /**
   * @param {EditorStore} store whose save status the toolbar shows
   * @param {QuerySaverOptions} options
   */
  constructor(store, { id, payload, onSaved, onRefused, api, delay = SAVE_DELAY_MS, retryDelay = RETRY_DELAY_MS }) {
    super(store, { delay, retryDelay });
    this.id = id;
    this.payload = payload;
    this.onSaved = onSaved;
    this.onRefused = onRefused;
    this.api = api || store.api;
    /** @type {ApiError | null} the last refusal, until a save goes through */
    this.refused = null;
  }

  /** A refusal stands until the next change. */
  obstacle() {
    return this.dirty ? null : this.refused;
  }

  /** Stops saving (the query was closed or deleted); what is pending is dropped. */
  stop() {
    clearTimeout(this.timer);
    this.dirty = false;
  }

  /** @returns {QuerySave} */
  take() {
    return this.payload();
  }

  /** @param {QuerySave} sent */
  request(sent) {
    return this.api("PATCH", actionPath(this.id), { config: sent.config });
  }

  /**
   * @param {ApiError} error
   * @param {QuerySave} sent
   */
  handleFailure(error, sent) {
    if (error.status === 400) {
      // The user fixes what is named; their next change saves again.
      this.refused = error;
      this.onRefused(error, sent.rows);
      this.report({ status: "failed", message: error.message });
      return true;
    }
    if (error.status === 404) {
      this.report({ status: "failed", message: "This query was deleted (in another tab?); what you typed here is not saved." });
      return true;
    }
    return false;
  }

  /**
   * @param {unknown} answer
   * @param {QuerySave} sent
   */
  accepted(answer, sent) {
    if (this.refused) {
      this.refused = null;
      this.onRefused(null, sent.rows);
    }
    this.onSaved(/** @type {Record<string, unknown>} */ (answer));
    super.accepted(answer, sent);
  }

  /** @param {SaveState} save */
  report(save) {
    // A page in conflict stays so: that message matters more.
    if (this.store.state.save.status === "conflict") return;
    this.store.setSaveState(save);
  }
}
