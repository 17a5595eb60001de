// @ts-check
// Renaming in place, as Appsmith's Explorer does: the name turns into a text
// field with the name selected; Enter or leaving the field saves, Escape puts
// the name back. The server decides whether a name is allowed, so a refused
// name stays in the field with the server's message under it (the old name
// is kept until a name is accepted) and the user can fix it or press Escape.
import { h } from "../brace/dom.js";

let counter = 0;

/**
 * @typedef {object} RenameOptions
 * @property {HTMLElement} label the element showing the name; hidden while renaming
 * @property {string} name the current name
 * @property {string} fieldLabel the field's accessible name ("New name for Page1")
 * @property {(name: string) => Promise<void>} commit renames; rejects with the reason
 * @property {() => void} [done] called once the field is gone (renamed or cancelled)
 */

/**
 * Replaces `label` by a field holding its name until the rename is done.
 * @param {RenameOptions} options
 * @returns {HTMLInputElement} the field (focused)
 */
export function renameInPlace({ label, name, fieldLabel, commit, done }) {
  const input = h("input", { type: "text", class: "rename-field", value: name, "aria-label": fieldLabel, spellcheck: "false", autocomplete: "off" });
  counter += 1;
  const error = h("p", { class: "rename-error", id: `rename-error-${counter}`, role: "alert" });
  const wrap = h("span", { class: "rename-in-place" }, input, error);
  error.hidden = true;
  let busy = false;
  let finished = false;

  const finish = () => {
    if (finished) return;
    finished = true;
    wrap.remove();
    label.hidden = false;
    done?.();
  };
  /** @param {string} message */
  const refuse = (message) => {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", error.id);
    input.focus();
  };
  const save = async () => {
    if (busy || finished) return;
    const next = input.value.trim();
    if (next === name) {
      finish();
      return;
    }
    if (!next) {
      refuse("A name is required.");
      return;
    }
    busy = true;
    input.readOnly = true;
    try {
      await commit(next);
      finish();
    } catch (reason) {
      refuse(reason instanceof Error ? reason.message : String(reason));
    } finally {
      busy = false;
      input.readOnly = false;
    }
  };

  input.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Enter") {
      event.preventDefault();
      save();
    } else if (event.key === "Escape") {
      event.preventDefault();
      finish();
    }
  });
  input.addEventListener("input", () => {
    if (!error.hidden) {
      error.hidden = true;
      input.removeAttribute("aria-invalid");
    }
  });
  // Leaving the field saves, unless the name was refused: then it stays for
  // the user to read the message and fix the name.
  input.addEventListener("blur", () => {
    if (error.hidden) save();
  });

  label.hidden = true;
  label.after(wrap);
  input.focus();
  input.select();
  return input;
}
