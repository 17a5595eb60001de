// @ts-check
// Background runs (long uploads on Celery): poll each until it ends, with a
// progress line per job, then hand the final state to `onDone`: a succeeded
// job's `result` is its event's answer, applied like one (portal.js).
/** @import { Job } from "../brace/api_types.js" */
/** @import { Toast } from "./toast.js" */
import { runtimeJobPath } from "../brace/api_paths.js";
import { byId, h } from "../brace/dom.js";
import { ApiError, api } from "../brace/http.js";

/**
 * @typedef {object} WatchOptions
 * @property {(job: Job) => Promise<void>} onDone gets the job's last state
 * @property {Toast} toast
 */

const DONE = new Set(["succeeded", "failed", "cancelled"]);
const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 3000;
/** @type {Set<string>} the ids of the jobs being polled */
const watching = new Set();

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {Job} job */
function progressLine(job) {
  const fill = h("span", { class: "w-progress-fill" });
  const label = h("span", { class: "job-label" });
  const line = h("div", { class: "job" }, label, h("span", { class: "w-progress" }, fill));
  /** @param {Job} state */
  const show = (state) => {
    const percent = Math.round((Number(state.progress) || 0) * 100);
    label.textContent = `${job.action || "Background run"}: ${state.status === "queued" ? "waiting" : `${percent}%`}`;
    fill.style.width = `${percent}%`;
  };
  show(job);
  return { line, show };
}

/**
 * @param {Job} job
 * @param {WatchOptions} options
 */
async function watch(job, { onDone, toast }) {
  const host = byId("jobs", HTMLElement);
  const { line, show } = progressLine(job);
  host.append(line);
  let state = job;
  let delay = FIRST_POLL_MS;
  try {
    while (!DONE.has(state.status)) {
      await sleep(delay);
      delay = Math.min(delay * 1.5, MAX_POLL_MS);
      try {
        state = /** @type {Job} */ (await api("GET", runtimeJobPath(job.id)));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) throw error;
        continue; // a network blip: keep polling
      }
      show(state);
    }
    if (state.status === "failed" || state.status === "cancelled") {
      toast(state.error?.message || `${job.action || "A background run"} ${state.status}.`, "error");
    }
  } catch (error) {
    toast(/** @type {Error} */ (error).message, "error");
  } finally {
    line.remove();
    watching.delete(job.id);
  }
  await onDone(state);
}

/**
 * @param {Job[] | undefined} jobs
 * @param {WatchOptions} options
 */
export function watchJobs(jobs, options) {
  for (const job of jobs || []) {
    if (!job?.id || watching.has(job.id)) continue;
    watching.add(job.id);
    // Nothing awaits a watch: a failure applying the result is shown, not lost.
    watch(job, options).catch((error) => options.toast(error.message, "error"));
  }
}
