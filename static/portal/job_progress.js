// @ts-check
// How a background run shows while it runs and once it ended: a progress bar
// named after the files it uploads ("Uploading report.pdf", role
// progressbar, "42% · 126 MB of 300 MB"), then a line saying how it ended.
// Drawn in the widget that started the run (a FilePicker's slot), or in the
// page's floating #jobs list when that widget has no slot.
/** @import { Job } from "../brace/api_types.js" */
import { h } from "../brace/dom.js";

const UNITS = ["B", "KB", "MB", "GB", "TB"];

/**
 * 1024-based, as file managers show sizes: "812 KB", "126 MB", "2.5 GB".
 * @param {number} bytes
 */
export function formatBytes(bytes) {
  let value = Math.max(Number(bytes) || 0, 0);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || value >= 10 ? String(Math.round(value)) : value.toFixed(1);
  return `${shown} ${UNITS[unit]}`;
}

/** @param {Job} job */
function filesOf(job) {
  const names = (job.file_names || []).filter((name) => typeof name === "string" && name);
  if (names.length === 0) return job.action || "the files";
  if (names.length === 1) return names[0];
  return `${names[0]} and ${names.length - 1} more`;
}

/**
 * "42% · 126 MB of 300 MB" while running; "Waiting to start · 300 MB" when queued.
 * @param {Job} state
 * @returns {{ percent: number | null, text: string }}
 */
export function progressText(state) {
  const total = Number(state.total_bytes) || 0;
  if (state.status === "queued") return { percent: null, text: total ? `Waiting to start · ${formatBytes(total)}` : "Waiting to start" };
  const fraction = Math.min(Math.max(Number(state.progress) || 0, 0), 1);
  const percent = Math.floor(fraction * 100);
  const done = state.bytes_done ?? Math.round(fraction * total);
  return { percent, text: total ? `${percent}% · ${formatBytes(done)} of ${formatBytes(total)}` : `${percent}%` };
}

/**
 * The ended run's line: what the end user reads in place of the bar.
 * @param {Job} state
 * @returns {{ ok: boolean, text: string }}
 */
export function outcome(state) {
  const files = filesOf(state);
  const why = state.error?.message;
  if (state.status === "cancelled") return { ok: false, text: why ? `Upload of ${files} was cancelled: ${why}` : `Upload of ${files} was cancelled` };
  if (state.status === "failed") return { ok: false, text: why ? `Upload of ${files} failed: ${why}` : `Upload of ${files} failed` };
  // The run ended; the query it ran may still have failed (the handler's own alert says how).
  const result = state.result || {};
  const query = state.action ? result.actions?.[state.action] : undefined;
  const meta = /** @type {{ isExecutionSuccess?: boolean } | undefined} */ (query?.responseMeta);
  if (result.error || meta?.isExecutionSuccess === false) return { ok: false, text: `Upload of ${files} failed` };
  return { ok: true, text: `Uploaded ${files}` };
}

/**
 * One run's bar; `show` follows its polled states, `end` replaces it with its outcome.
 * @param {Job} job
 * @param {() => HTMLElement} hostFor where it goes (asked again if it was taken off the page)
 */
export function jobProgress(job, hostFor) {
  const fill = h("span", { class: "w-progress-fill" });
  const text = h("span", { class: "job-progress-text" });
  const bar = h(
    "div",
    {
      class: "job-progress",
      role: "progressbar",
      "aria-label": `Uploading ${filesOf(job)}`,
      title: `Uploading ${filesOf(job)}`,
      "aria-valuemin": "0",
      "aria-valuemax": "100",
      dataset: { job: job.id },
    },
    text,
    h("span", { class: "w-progress" }, fill),
  );
  /** @type {HTMLElement} */
  let shown = bar;
  const place = () => {
    if (shown.isConnected) return;
    const host = hostFor();
    // A widget's slot shows its latest run: older outcomes make way.
    for (const old of host.querySelectorAll(".job-outcome")) old.remove();
    host.append(shown);
    host.closest(".w-filepicker")?.classList.add("has-job");
  };
  /** @param {Job} state */
  const show = (state) => {
    const { percent, text: line } = progressText(state);
    text.textContent = line;
    bar.setAttribute("aria-valuetext", line);
    if (percent === null) bar.removeAttribute("aria-valuenow");
    else bar.setAttribute("aria-valuenow", String(percent));
    bar.classList.toggle("is-waiting", percent === null);
    fill.style.width = `${percent || 0}%`;
    place();
  };
  /** @param {Job} state */
  const end = (state) => {
    const { ok, text: line } = outcome(state);
    const message = h("div", { class: `job-outcome ${ok ? "is-success" : "is-error"}`, role: ok ? "status" : "alert", title: line, text: line });
    const host = shown.parentElement;
    shown.replaceWith(message);
    shown = message;
    // In the floating list an outcome goes after a while; in a widget it stays until the next run.
    if (host?.id === "jobs") setTimeout(() => message.remove(), 6000);
  };
  show(job);
  return { show, end };
}
