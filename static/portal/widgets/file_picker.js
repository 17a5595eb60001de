// @ts-check
// FilePicker: uploads each chosen file to the runtime's files/ endpoint
// (with progress), then posts onFilesSelected with the server's answers as
// the widget's meta `files`. The files themselves never go through the
// event: only their ids and `blob:` references do. An event too big for a
// web request runs in the background: its progress bar, then how it ended,
// show in the picker's `jobs` slot (jobs.js), in place of the file names.
/** @import { WidgetProps } from "../../brace/api_types.js" */
/** @import { WidgetType } from "./index.js" */
import { h } from "../../brace/dom.js";
import { displayText } from "./style.js";

/** @param {unknown} types the widget's allowedFileTypes */
function acceptAttribute(types) {
  if (!Array.isArray(types) || types.length === 0 || types.includes("*")) return "";
  return types.filter((type) => typeof type === "string").join(",");
}

/**
 * @param {unknown} files the widget's meta `files`
 * @returns {string[]}
 */
function fileNames(files) {
  return Array.isArray(files) ? files.map((file) => displayText(file?.name)).filter(Boolean) : [];
}

export default /** @satisfies {WidgetType} */ ({
  type: "FilePicker",
  resetMeta() {
    return { files: [] };
  },
  create(ctx) {
    const picker = h("input", { type: "file", class: "w-file-input", tabindex: "-1", "aria-hidden": "true" });
    const button = h("button", { type: "button", class: "w-button is-secondary w-file-button" });
    const names = h("span", { class: "w-file-names" });
    const fill = h("span", { class: "w-progress-fill" });
    const bar = h("span", { class: "w-progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", hidden: true }, fill);
    const slot = h("span", { class: "w-file-jobs" });
    const el = h("div", { class: "w-filepicker" }, button, names, slot, bar, picker);
    /** @type {WidgetProps} */
    let props = {};
    let uploading = false;

    // A new pick would replace the files a background run of this picker is
    // still sending (the server keeps only the newest): none until it ends.
    const running = () => slot.querySelector('[role="progressbar"]') !== null;
    const sync = () => {
      const busy = uploading || running();
      button.disabled = Boolean(props.isDisabled) || busy;
      button.setAttribute("aria-busy", String(busy));
    };
    /** @param {number | null} fraction null hides the bar */
    const progress = (fraction) => {
      bar.hidden = fraction === null;
      const percent = Math.round((fraction || 0) * 100);
      fill.style.width = `${percent}%`;
      bar.setAttribute("aria-valuenow", String(percent));
    };
    // A new pick makes way for its own runs: the last one's outcome goes.
    const clearOutcomes = () => {
      for (const old of slot.querySelectorAll(".job-outcome")) old.remove();
      el.classList.toggle("has-job", slot.childElementCount > 0);
    };
    /**
     * @param {string[]} list
     * @param {string} [note] shown when the list is empty
     */
    const showNames = (list, note = "") => {
      names.textContent = list.length ? list.join(", ") : note;
      names.title = names.textContent;
      names.classList.toggle("is-empty", list.length === 0);
    };

    button.addEventListener("click", () => picker.click());
    picker.addEventListener("change", async () => {
      const chosen = [...(picker.files ?? [])];
      picker.value = "";
      if (chosen.length === 0) return;
      const max = Number(props.maxNumFiles) || 0;
      if (max && chosen.length > max) {
        ctx.notify(`Pick at most ${max} file${max === 1 ? "" : "s"}.`, "warning");
        return;
      }
      uploading = true;
      sync();
      clearOutcomes();
      const total = chosen.reduce((sum, file) => sum + file.size, 0) || 1;
      let done = 0;
      const answers = [];
      try {
        for (const file of chosen) {
          showNames([`Uploading ${file.name}…`]);
          bar.setAttribute("aria-label", `Sending ${file.name}`);
          progress(done / total);
          answers.push(await ctx.upload(file, (loaded) => progress((done + loaded) / total)));
          done += file.size;
        }
        progress(1);
        showNames(fileNames(answers));
        await ctx.emit("onFilesSelected", { files: answers });
      } catch (error) {
        ctx.notify(/** @type {Error} */ (error).message, "error");
        showNames(fileNames(props.files), "No file chosen");
      } finally {
        uploading = false;
        progress(null);
        sync();
      }
    });

    // jobs.js puts a run's bar here and replaces it with the run's outcome.
    new MutationObserver(sync).observe(slot, { childList: true });

    return {
      el,
      jobs: slot,
      update(next) {
        props = next;
        button.textContent = displayText(props.label) || "Select files";
        picker.accept = acceptAttribute(props.allowedFileTypes);
        picker.multiple = Number(props.maxNumFiles) > 1;
        if (!uploading) showNames(fileNames(props.files), "No file chosen");
        sync();
      },
    };
  },
});
