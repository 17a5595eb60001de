// @ts-check
// The published portal: loads the evaluated page, draws it, and sends end
// users' actions back as events. No user JavaScript runs here: bindings and
// handlers run on the server, and this only renders values and applies the
// effects the server returns.
/** @import { Confirmation, EventAnswer, Job, PageLoad, RuntimePage, WidgetProps } from "../brace/api_types.js" */
/** @import { WidgetContext } from "./widgets/index.js" */
import { runtimeEventsPath, runtimePageLoadPath, runtimePagePath } from "../brace/api_paths.js";
import { byId, h } from "../brace/dom.js";
import { ApiError, api } from "../brace/http.js";
import { askToConfirm } from "./confirm.js";
import { applyEffects } from "./effects.js";
import { watchJobs } from "./jobs.js";
import { Renderer } from "./renderer.js";
import { createState, mergeAnswer, setMeta } from "./session.js";
import { showToast } from "./toast.js";
import { uploadFile } from "./upload.js";
import { registry } from "./widgets/index.js";

const root = byId("portal", HTMLElement);
const applicationId = Number(root.dataset.applicationId);
const pageId = Number(root.dataset.pageId);
// The server reads the page's address here (`appsmith.URL`) and only falls
// back to the Referer, which a Referrer-Policy may strip or shorten. Past its
// 2,000-character limit the server would refuse the request, so the Referer
// (which it truncates) is the better fallback then.
const MAX_URL_LENGTH = 2000;

/** @param {string} path */
function withPageAddress(path) {
  const href = window.location.href;
  return href.length > MAX_URL_LENGTH ? path : `${path}?url=${encodeURIComponent(href)}`;
}

// An empty page until load() has the evaluated one: nothing reads it before.
let state = createState({});
const renderer = new Renderer(root, registry, contextFor);

// Events go out one at a time, in order: a Button's onClick must see the
// text typed into an Input just before, so pending typing is sent first.
/** @type {Promise<unknown>} */
let queue = Promise.resolve();
/** @type {Map<string, { timer?: number, event: string, meta: WidgetProps | undefined }>} */
const debounced = new Map(); // widget -> {timer, event, meta}

/**
 * @param {string} widget
 * @param {string} event
 * @param {WidgetProps} [meta]
 */
function enqueue(widget, event, meta) {
  const run = queue.then(() => postEvent(widget, event, meta));
  queue = run.catch(() => {});
  return run;
}

function flush() {
  for (const [widget, entry] of debounced) {
    clearTimeout(entry.timer);
    debounced.delete(widget);
    enqueue(widget, entry.event, entry.meta);
  }
}

/**
 * @param {string} widget
 * @param {string} event
 * @param {WidgetProps} [meta]
 * @param {{ debounceMs?: number }} [options]
 * @returns {Promise<EventAnswer | null>} null for a debounced event
 */
function emit(widget, event, meta, { debounceMs = 0 } = {}) {
  if (debounceMs) {
    const previous = debounced.get(widget);
    if (previous) clearTimeout(previous.timer);
    /** @type {{ timer?: number, event: string, meta: WidgetProps | undefined }} */
    const entry = { event, meta };
    entry.timer = setTimeout(() => {
      if (debounced.get(widget) === entry) {
        debounced.delete(widget);
        enqueue(widget, event, meta);
      }
    }, debounceMs);
    debounced.set(widget, entry);
    return Promise.resolve(null);
  }
  flush();
  return enqueue(widget, event, meta);
}

// Meta the server refused for now (429: too many actions), by widget: sent
// on its own once the wait is over, unless a later event of the widget
// carried newer meta first. What was typed or picked is not lost, and no
// handler runs behind the end user's back: the notice asks them to act again.
/** @type {Map<string, { meta: WidgetProps, timer: number }>} */
const unsent = new Map();

/**
 * @param {string} widget
 * @param {WidgetProps} meta
 * @param {number} seconds
 */
function sendLater(widget, meta, seconds) {
  clearTimeout(unsent.get(widget)?.timer);
  const entry = { meta, timer: 0 };
  entry.timer = setTimeout(() => {
    if (unsent.get(widget) !== entry) return;
    unsent.delete(widget);
    enqueue(widget, "", meta);
  }, Math.max(seconds, 1) * 1000);
  unsent.set(widget, entry);
}

/**
 * A refused action is said where the end user acted: under the widget.
 * @param {string} widget
 * @param {ApiError} error a 429
 */
function sayRefused(widget, error) {
  if (!renderer.notice(widget, error.message, error.retryAfter)) showToast(error.message, "warning");
}

/**
 * @param {string} widget
 * @param {string} event
 * @param {WidgetProps} [meta]
 * @returns {Promise<EventAnswer | null>} null if it failed (and was shown)
 */
async function postEvent(widget, event, meta) {
  try {
    /** @type {Record<string, unknown>} */
    const body = { widget, event };
    if (meta !== undefined) body.meta = meta;
    const answer = await postAnswered(withPageAddress(runtimeEventsPath(pageId)), body);
    if (meta !== undefined && unsent.has(widget)) {
      clearTimeout(unsent.get(widget)?.timer);
      unsent.delete(widget);
    }
    await applyAnswer(answer || {});
    return answer;
  } catch (error) {
    if (error instanceof ApiError && error.status === 429) {
      sayRefused(widget, error);
      if (meta !== undefined) sendLater(widget, meta, error.retryAfter);
    } else {
      showToast(/** @type {Error} */ (error).message, "error");
    }
    return null;
  }
}

/**
 * Asks the end user about each query to confirm, in order: "Run X?".
 * @param {Confirmation[]} asked
 * @returns {Promise<{ confirm: Record<string, string>, cancel: string[] }>}
 */
async function answerConfirmations(asked) {
  /** @type {Record<string, string>} */
  const confirm = {};
  /** @type {string[]} */
  const cancel = [];
  for (const item of asked) {
    if (await askToConfirm(item.message || `Run ${item.action}?`)) confirm[item.action] = item.token;
    else cancel.push(item.action);
  }
  return { confirm, cancel };
}

/**
 * POSTs an event or the page load; when the server answers that queries wait
 * for the end user's confirmation (nothing ran), asks, then sends the same
 * request again with the answers: a confirmed query runs, a cancelled one
 * rejects ("X was cancelled") for the handler's .catch.
 * @param {string} path
 * @param {Record<string, unknown>} body
 * @returns {Promise<EventAnswer | null>}
 */
async function postAnswered(path, body) {
  let answer = /** @type {EventAnswer | null} */ (await api("POST", path, body));
  if (answer?.confirm?.length) {
    answer = /** @type {EventAnswer | null} */ (await api("POST", path, { ...body, ...(await answerConfirmations(answer.confirm)) }));
  }
  return answer;
}

/**
 * Runs the page-load queries the page answer listed; the widgets that read
 * them show as loading until the answer is applied.
 * @param {PageLoad} pageLoad
 */
async function runPageLoad(pageLoad) {
  const waiting = Object.keys(pageLoad.widgets || {});
  renderer.setLoading(waiting, true);
  try {
    const answer = await postAnswered(withPageAddress(runtimePageLoadPath(pageId)), {});
    renderer.setLoading(waiting, false);
    await applyAnswer(answer || {});
  } catch (error) {
    if (error instanceof ApiError && error.status === 429) {
      // Nobody acted: the page's own queries wait their turn, then run,
      // their widgets still showing that they load.
      showToast(error.message, "warning");
      await new Promise((resolve) => setTimeout(resolve, Math.max(error.retryAfter, 1) * 1000));
      await runPageLoad(pageLoad);
      return;
    }
    renderer.setLoading(waiting, false);
    showToast(/** @type {Error} */ (error).message, "error");
  }
}

/**
 * An event's answer, or the result of a background job (the same shape).
 * @param {EventAnswer} answer
 */
async function applyAnswer(answer) {
  const changed = mergeAnswer(state, answer);
  renderer.update(changed, state.widgets, state.errors);
  await applyEffects(answer.effects, {
    state,
    applicationId,
    toast: showToast,
    resetWidget,
  });
  // The handler threw: the effects it made before still applied above.
  if (answer.error) showToast(`${answer.error.name || "Error"}: ${answer.error.message}`, "error");
  watchJobs(answer.jobs, { toast: showToast, onDone: jobDone });
}

// A succeeded job's result holds the changes and effects of its event. A
// failed one has none (jobs.js shows its error): reload the page so that what
// the server kept (picked files, results of queries that ran) shows.
/** @param {Job} job */
async function jobDone(job) {
  if (job && job.status === "succeeded" && job.result) await applyAnswer(job.result);
  else await load({ quiet: true });
}

// Local reset of meta (files, typed text) for resetWidget; the server
// resets its own copy and sends the re-evaluated values.
/**
 * @param {string} name
 * @param {boolean} withChildren
 */
function resetWidget(name, withChildren) {
  const names = [name, ...(withChildren ? renderer.descendants(name) : [])];
  for (const item of names) {
    const widget = renderer.widgetOf(item);
    if (widget?.resetMeta) setMeta(state, item, widget.resetMeta(state.widgets[item] || {}));
    renderer.reset(item);
  }
  renderer.update(new Set(names), state.widgets, state.errors);
}

/**
 * @param {string} name
 * @param {string} type
 * @param {number} rows
 * @returns {WidgetContext}
 */
function contextFor(name, type, rows) {
  return {
    name,
    type,
    rows,
    emit: (event, meta, options) => emit(name, event, meta, options),
    flush,
    setMeta: (meta) => setMeta(state, name, meta),
    upload: (file, onProgress) => uploadFile({ file, pageId, widget: name, onProgress }),
    notify: showToast,
  };
}

/**
 * @param {string} title
 * @param {string} detail
 */
function showProblem(title, detail) {
  root.replaceChildren(
    h("section", { class: "empty-state" }, h("h1", { text: title }), h("p", { text: detail })),
  );
}

/** @param {{ quiet?: boolean }} [options] quiet: a failure is a toast, not the page */
async function load({ quiet = false } = {}) {
  /** @type {RuntimePage} */
  let page;
  try {
    page = /** @type {RuntimePage} */ (await api("GET", withPageAddress(runtimePagePath(pageId))));
  } catch (error) {
    const { message } = /** @type {Error} */ (error);
    if (quiet) showToast(message, "error");
    else if (error instanceof ApiError && error.status === 404) showProblem("This page is not available", "It may have been removed from the published app.");
    else showProblem("This page could not be loaded", message);
    return;
  }
  state = createState(page);
  if (state.page.name && state.application.name) document.title = `${state.page.name} · ${state.application.name}`;
  if (!state.layout) {
    showProblem("This page is empty", "The published page has no widgets.");
    return;
  }
  renderer.mount(state.layout, state.widgets, state.errors);
  root.setAttribute("aria-busy", "false");
  // The page shows first; its page-load queries run next, before any event
  // (events queue behind them). A quiet reload does not run them again.
  const pageLoad = page.page_load;
  if (!quiet && pageLoad && (pageLoad.actions?.length || pageLoad.errors?.length)) {
    const run = queue.then(() => runPageLoad(pageLoad));
    queue = run.catch(() => {});
  }
}

load();
