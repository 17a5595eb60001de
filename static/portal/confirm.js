// @ts-check
// "Run UploadFileToDropbox?": the dialog a query set to confirm_before_run
// opens before it runs (docs/runtime-api.md, Confirming a query). A native
// modal <dialog>: the page behind is inert, the focus starts on Confirm and
// goes back where it was, Escape cancels.
import { h } from "../brace/dom.js";

let counter = 0;

/**
 * Asks the end user; resolves true on Confirm, false on Cancel or Escape.
 * @param {string} message e.g. "Run UploadFileToDropbox?"
 * @returns {Promise<boolean>}
 */
export function askToConfirm(message) {
  counter += 1;
  const titleId = `confirm-title-${counter}`;
  const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const confirm = h("button", { type: "button", class: "btn btn-primary", text: "Confirm" });
  const cancel = h("button", { type: "button", class: "btn", text: "Cancel" });
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleId },
    h("h2", { id: titleId, class: "dialog-title", text: message }),
    h("div", { class: "dialog-actions" }, cancel, confirm));
  confirm.addEventListener("click", () => dialog.close("confirm"));
  cancel.addEventListener("click", () => dialog.close("cancel"));
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (returnFocus?.isConnected) returnFocus.focus();
      resolve(dialog.returnValue === "confirm");
    });
    dialog.showModal();
    confirm.focus();
  });
}
