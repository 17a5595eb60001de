// @ts-check
// Modal dialogs for the editor screens, on the native <dialog>: showModal()
// makes the rest of the page inert, Escape cancels, and the dialog is named
// by its heading and described by its message for screen readers. Focus goes
// to the safest button (Cancel, for a confirmation) and comes back to where it
// was when the dialog closes.
import { h } from "../brace/dom.js";

let counter = 0;

/**
 * @typedef {object} DialogButton
 * @property {string} label
 * @property {string} value what the dialog answers when it is pressed
 * @property {"primary" | "danger" | "plain"} [kind]
 * @property {boolean} [initial] takes the focus when the dialog opens
 */

/**
 * @typedef {object} DialogOptions
 * @property {string} title
 * @property {string} message
 * @property {string[]} [items] a list under the message (what goes with a deletion)
 * @property {DialogButton[]} buttons in reading order
 * @property {string} cancelValue what Escape answers
 * @property {"dialog" | "alertdialog"} [role]
 */

/**
 * Shows a modal dialog; resolves with the `value` of the button pressed.
 * @param {DialogOptions} options
 * @returns {Promise<string>}
 */
export function showDialog({ title, message, items = [], buttons, cancelValue, role = "dialog" }) {
  counter += 1;
  const titleId = `dialog-title-${counter}`;
  const messageId = `dialog-message-${counter}`;
  const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  /** @type {HTMLButtonElement | null} */
  let initial = null;
  const dialog = h("dialog", { class: "dialog", role: role === "alertdialog" ? "alertdialog" : null, "aria-labelledby": titleId, "aria-describedby": messageId },
    h("h2", { id: titleId, class: "dialog-title", text: title }),
    h("div", { id: messageId, class: "dialog-body" },
      h("p", { text: message }),
      items.length ? h("ul", { class: "dialog-items" }, items.map((item) => h("li", { text: item }))) : null),
    h("div", { class: "dialog-actions" }, buttons.map((button) => {
      const kind = button.kind === "primary" ? " btn-primary" : button.kind === "danger" ? " btn-danger-solid" : "";
      const el = h("button", { type: "button", class: `btn${kind}`, text: button.label });
      el.addEventListener("click", () => dialog.close(button.value));
      if (button.initial) initial = el;
      return el;
    })));
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      dialog.close(cancelValue);
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (returnFocus?.isConnected) returnFocus.focus();
      resolve(dialog.returnValue || cancelValue);
    });
    dialog.showModal();
    /** @type {HTMLButtonElement | null} */ (initial)?.focus();
  });
}

/**
 * Asks before something that cannot be taken back; resolves true to go on.
 * @param {{ title: string, message: string, items?: string[], confirmLabel: string, danger?: boolean }} options
 * @returns {Promise<boolean>}
 */
export async function confirmDialog({ title, message, items, confirmLabel, danger = false }) {
  const answer = await showDialog({
    title,
    message,
    items,
    role: "alertdialog",
    cancelValue: "cancel",
    buttons: [
      { label: "Cancel", value: "cancel", initial: true },
      { label: confirmLabel, value: "confirm", kind: danger ? "danger" : "primary" },
    ],
  });
  return answer === "confirm";
}

/**
 * Tells the user something they must read; resolves when they close it.
 * @param {{ title: string, message: string }} options
 * @returns {Promise<void>}
 */
export async function alertDialog({ title, message }) {
  await showDialog({ title, message, role: "alertdialog", cancelValue: "ok", buttons: [{ label: "OK", value: "ok", kind: "primary", initial: true }] });
}
