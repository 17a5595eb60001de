// @ts-check
// What the page's saver (saver.js) and the query's (query_saver.js) share:
// save a short while after the last change, one request at a time, changes
// made while a request is out go in the next one, and a save that could not
// reach the server (or failed there) is tried again later. Progress shows in
// the store's one save status. A subclass says what is sent, how, and what a
// refusal or an acceptance means for it.
/** @import { EditorStore, SaveState } from "./store.js" */
import { ApiError } from "../../brace/http.js";

/** How long after the last change a draft is saved. */
export const SAVE_DELAY_MS = 600;
/** How long before a save that could not reach the server (or failed there) is tried again. */
export const RETRY_DELAY_MS = 5000;

/** @param {unknown} error */
function asApiError(error) {
  return error instanceof ApiError ? error : new ApiError(0, { message: String(/** @type {Error} */ (error)?.message || error) });
}

/**
 * @template Sent what one save sends, taken when it starts
 */
export class DebouncedSave {
  /**
   * @param {EditorStore} store whose save status the toolbar shows
   * @param {{ delay: number, retryDelay: number }} options
   */
  constructor(store, { delay, retryDelay }) {
    this.store = store;
    this.delay = delay;
    this.retryDelay = retryDelay;
    // Whether the draft differs from what the server last accepted.
    this.dirty = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {Promise<void> | null} */
    this.running = null;
  }

  /** Whether the draft holds changes the server does not have yet. */
  get pending() {
    return this.dirty || this.running !== null;
  }

  /** The draft changed: save it soon. */
  schedule() {
    this.dirty = true;
    if (this.obstacle()) return;
    const { status } = this.store.state.save;
    if (status !== "failed" && status !== "saving") this.report({ status: "unsaved", message: "" });
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
   * the draft as it stands; rejects (an ApiError) if it refuses it or cannot
   * be reached, or when `obstacle()` names why it cannot be saved.
   * @returns {Promise<void>}
   */
  async flush() {
    clearTimeout(this.timer);
    while (this.running) await this.running.catch(() => undefined);
    const obstacle = this.obstacle();
    if (obstacle) throw obstacle;
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
    const sent = this.take();
    this.dirty = false;
    this.report({ status: "saving", message: "" });
    let answer;
    try {
      answer = await this.request(sent);
    } catch (raw) {
      const error = asApiError(raw);
      if (!this.handleFailure(error, sent)) {
        this.dirty = true;
        this.report({ status: "failed", message: error.message });
        this.arm(this.retryDelay);
      }
      throw error;
    }
    this.accepted(answer, sent);
  }

  /**
   * @param {SaveState} save
   * @param {Record<string, string>} [fieldErrors] replaces the field errors when given
   */
  report(save, fieldErrors) {
    this.store.setSaveState(save, fieldErrors);
  }

  // For subclasses.

  /**
   * Why saving cannot go on now (the error `flush` rejects with), or null;
   * asked after each change and before each flush, with no save in flight.
   * @returns {ApiError | null}
   */
  obstacle() {
    return null;
  }

  /**
   * What to send, as the draft stands now.
   * @returns {Sent}
   */
  take() {
    throw new Error(`${this.constructor.name} does not define take()`);
  }

  /**
   * Sends `sent`; resolves with the server's answer.
   * @param {Sent} _sent
   * @returns {Promise<unknown>}
   */
  request(_sent) {
    throw new Error(`${this.constructor.name} does not define request()`);
  }

  /**
   * Handles a failed save the subclass knows (a refusal, a conflict) and
   * says so; false leaves it to be tried again after `retryDelay`.
   * @param {ApiError} _error
   * @param {Sent} _sent
   * @returns {boolean}
   */
  handleFailure(_error, _sent) {
    return false;
  }

  /**
   * The server took `sent`.
   * @param {unknown} _answer
   * @param {Sent} _sent
   */
  accepted(_answer, _sent) {
    if (!this.dirty) this.report({ status: "saved", message: "" });
  }
}
