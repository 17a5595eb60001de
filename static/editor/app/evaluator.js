// @ts-check
// Keeps the evaluated values and binding errors of the page under edit: a
// short while after a change, POST pages/{id}/evaluate/ with the draft layout
// (the server evaluates what is on screen, saved or not). Only the answer to
// the latest request is applied: an answer that comes back after a newer
// request was sent describes a layout that is gone.
//
// In preview, what the user typed or picked (the store's preview meta) goes
// along as `state.widgets`, so bindings that read it follow, as in the
// portal; user code still runs only on the server. Meta the server refuses
// (400 naming `state.widgets.<Widget>...`) is dropped and the page evaluated
// again without it.
/** @import { EditorStore } from "./store.js" */
/** @import { ApiCall } from "./saver.js" */
import { pageEvaluatePath } from "../../brace/api_paths.js";
import { ApiError } from "../../brace/http.js";
import { widgetNames } from "./layout.js";

/** How long after the last change the page is evaluated. */
export const EVALUATE_DELAY_MS = 150;

const META_FIELD = "state.widgets.";

/**
 * The widget a refused meta value belongs to, from the field the server names
 * (`state.widgets.FilePicker1.files[0].size` -> FilePicker1), else null.
 * @param {unknown} error
 * @returns {string | null}
 */
export function refusedWidget(error) {
  if (!(error instanceof ApiError) || error.status !== 400 || !error.field.startsWith(META_FIELD)) return null;
  return error.field.slice(META_FIELD.length).split(/[.[]/)[0] || null;
}

/**
 * @typedef {object} EvaluateAnswer
 * @property {Record<string, Record<string, unknown>>} [values]
 * @property {Record<string, import("./store.js").EvaluationError[]>} [errors]
 */

export class Evaluator {
  /**
   * @param {EditorStore} store
   * @param {{ api: ApiCall, delay?: number }} options
   */
  constructor(store, { api, delay = EVALUATE_DELAY_MS }) {
    this.store = store;
    this.api = api;
    this.delay = delay;
    this.sent = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
  }

  /** The layout changed: evaluate it soon. */
  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.run();
    }, this.delay);
  }

  /**
   * Evaluates the layout as it stands now; resolves once its answer is
   * applied, or found stale, or its failure reported.
   * @returns {Promise<void>}
   */
  async run() {
    clearTimeout(this.timer);
    const request = ++this.sent;
    const { page, preview, previewMeta } = this.store.state;
    /** @type {{ layout: unknown, state?: { widgets: Record<string, Record<string, unknown>> } }} */
    const body = { layout: page.layout };
    if (preview && previewMeta) {
      // An undo in preview may have removed a widget the user typed in.
      const names = widgetNames(page.layout);
      const widgets = Object.fromEntries(Object.entries(previewMeta).filter(([name]) => names.has(name)));
      if (Object.keys(widgets).length) body.state = { widgets };
    }
    let answer;
    try {
      answer = /** @type {EvaluateAnswer | null} */ (await this.api("POST", pageEvaluatePath(page.id), body));
    } catch (error) {
      if (request !== this.sent) return;
      const refused = body.state ? refusedWidget(error) : null;
      if (refused && this.store.refusePreviewMeta(refused, /** @type {Error} */ (error).message)) {
        await this.run();
        return;
      }
      // The values on screen stay those of the last layout that evaluated;
      // `failure` says why they are not the draft's.
      const previous = this.store.state.evaluation;
      this.store.setEvaluation({ values: previous.values, errors: previous.errors, failure: /** @type {Error} */ (error).message });
      return;
    }
    if (request !== this.sent) return;
    this.store.setEvaluation({ values: answer?.values || {}, errors: answer?.errors || {}, failure: "" });
  }

  /** Stops a pending evaluation (the editor is going away). */
  cancel() {
    clearTimeout(this.timer);
    this.sent += 1;
  }
}
