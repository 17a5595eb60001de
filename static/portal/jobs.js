// @ts-check
// Background runs (long uploads on Celery): poll each until it ends, showing
// its progress bar in the widget that started it (job_progress.js), then
// hand the final state to `onDone`: a succeeded job's `result` is its
// event's answer, applied like one (portal.js). Polls back off while nothing
// moves and stop once the run ended.
/** @import { Job } from "../brace/api_types.js" */
/** @import { Toast } from "./toast.js" */
import { runtimeJobPath } from "../brace/api_paths.js";
import { byId } from "../brace/dom.js";
import { ApiError, api } from "../brace/http.js";
import { jobProgress } from "./job_progress.js";

/**
 * @typedef {object} WatchOptions
 * @property {(job: Job) => Promise<void>} onDone gets the job's last state
 * @property {(job: Job) => void} [onStart] a job is being followed from now on
 * @property {(widget: string) => HTMLElement | null} [slotFor] where the widget shows its runs
 * @property {Toast} toast
 */

const DONE = new Set(["succeeded", "failed", "cancelled"]);
const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 3000;
/** @type {Set<string>} the ids of the jobs being polled */
const watching = new Set();

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// While a run moves, its bar updates about this often; a run that waits is polled less.
const MOVING_POLL_MS = 1500;

/**
 * The next wait: growing, up to MOVING_POLL_MS while the run moves, MAX_POLL_MS while it waits.
 * @param {number} delay
 * @param {boolean} moved
 */
function nextDelay(delay, moved) {
  return Math.min(delay * 1.5, moved ? MOVING_POLL_MS : MAX_POLL_MS);
}

/**
 * @param {Job} job
 * @param {WatchOptions} options
 */
async function watch(job, { onDone, toast, slotFor }) {
  const hostFor = () => (job.widget && slotFor?.(job.widget)) || byId("jobs", HTMLElement);
  const bar = jobProgress(job, hostFor);
  let state = job;
  let delay = FIRST_POLL_MS;
  try {
    while (!DONE.has(state.status)) {
      await sleep(delay);
      let next;
      try {
        next = /** @type {Job} */ (await api("GET", runtimeJobPath(job.id)));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) throw error;
        delay = MAX_POLL_MS; // a network blip or a busy server: keep polling, slowly
        continue;
      }
      const moved = next.status !== state.status || next.progress !== state.progress;
      state = { ...job, ...next };
      delay = nextDelay(delay, moved);
      bar.show(state);
    }
    bar.end(state);
    if (state.status === "failed" || state.status === "cancelled") {
      toast(state.error?.message || `${job.action || "A background run"} ${state.status}.`, "error");
    }
  } catch (error) {
    bar.end({ ...state, status: "failed", error: { message: /** @type {Error} */ (error).message } });
    toast(/** @type {Error} */ (error).message, "error");
  } finally {
    watching.delete(job.id);
  }
  await onDone(state);
}

/**
 * Follows each job not followed yet (a page reload lists the running ones again).
 * @param {Job[] | undefined} jobs
 * @param {WatchOptions} options
 */
export function watchJobs(jobs, options) {
  for (const job of jobs || []) {
    if (!job?.id || watching.has(job.id)) continue;
    watching.add(job.id);
    options.onStart?.(job);
    // Nothing awaits a watch: a failure applying the result is shown, not lost.
    watch(job, options).catch((error) => options.toast(error.message, "error"));
  }
}
