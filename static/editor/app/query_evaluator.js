// @ts-check
// The values under the query editor's fields. A short while after the draft
// changes, or the page it reads does, POST actions/{id}/evaluate/ with the
// draft's config: the server evaluates each binding as Run would (no request
// sent; the editor never runs user code) and answers, by config path, what
// each field gives and which fail. Paths of the answer name the sent rows
// (blank rows are left out), so they are turned back into the draft's. Only
// the answer to the latest draft is kept; a draft the server refuses (a 400,
// which the saver shows under its field) keeps the last values shown.
/** @import { ApiCall } from "./saver.js" */
/** @import { EvaluationError } from "./store.js" */
import { actionEvaluatePath } from "../../brace/api_paths.js";
import { draftField } from "./query_model.js";

/** How long after the last change the draft is evaluated. */
export const EVALUATE_DELAY_MS = 250;

/**
 * Each field's value and errors, by the draft's config path.
 * @typedef {{ values: Record<string, unknown>, errors: Record<string, EvaluationError[]> }} QueryEvaluation
 */

/**
 * @typedef {object} QueryEvaluatorOptions
 * @property {number} id the query's
 * @property {ApiCall} api
 * @property {() => { config: Record<string, unknown>, rows: Record<string, number[]> }} payload the draft, as a save sends it
 * @property {(evaluation: QueryEvaluation) => void} onAnswer
 * @property {number} [delay]
 */

export class QueryEvaluator {
  /** @param {QueryEvaluatorOptions} options */
  constructor({ id, api, payload, onAnswer, delay = EVALUATE_DELAY_MS }) {
    this.id = id;
    this.api = api;
    this.payload = payload;
    this.onAnswer = onAnswer;
    this.delay = delay;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.sent = 0;
    this.stopped = false;
  }

  /** The draft or the page changed: evaluate soon. */
  schedule() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.now().catch(() => undefined);
    }, this.delay);
  }

  /**
   * Evaluates the draft now; resolves once its answer (if still the latest) is handed on.
   * @returns {Promise<void>}
   */
  async now() {
    clearTimeout(this.timer);
    const { config, rows } = this.payload();
    const ticket = ++this.sent;
    const answer = /** @type {QueryEvaluation} */ (await this.api("POST", actionEvaluatePath(this.id), { config }));
    if (this.stopped || ticket !== this.sent) return;
    /** @type {QueryEvaluation} */
    const evaluation = { values: {}, errors: {} };
    for (const [field, value] of Object.entries(answer.values || {})) evaluation.values[draftField(field, rows)] = value;
    for (const [field, errors] of Object.entries(answer.errors || {})) evaluation.errors[draftField(field, rows)] = errors;
    this.onAnswer(evaluation);
  }

  /** The query closed: nothing more is sent or handed on. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
