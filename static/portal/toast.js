// @ts-check
// Alerts from showAlert and from the portal itself: stacked, dismissable,
// gone after a few seconds (errors stay a little longer to be read).
import { byId, h } from "../brace/dom.js";

/** @typedef {"success" | "info" | "warning" | "error"} ToastStyle */
/** @typedef {(message: unknown, style?: unknown) => HTMLElement} Toast */

/** @type {Set<unknown>} */
const STYLES = new Set(["success", "info", "warning", "error"]);
const LIFETIME_MS = { success: 4000, info: 4000, warning: 6000, error: 8000 };

/**
 * @param {unknown} style
 * @returns {style is ToastStyle}
 */
function isStyle(style) {
  return STYLES.has(style);
}

/**
 * Shows a message (from a handler, so of any type) as text.
 * @type {Toast}
 */
export function showToast(message, style = "info") {
  const host = byId("toasts", HTMLElement);
  const kind = isStyle(style) ? style : "info";
  const close = h("button", { type: "button", class: "toast-close", "aria-label": "Dismiss", text: "×" });
  const toast = h("div", { class: `toast is-${kind}`, role: kind === "error" ? "alert" : "status" },
    h("span", { class: "toast-text", text: String(message ?? "") }), close);
  const remove = () => toast.remove();
  close.addEventListener("click", remove);
  setTimeout(remove, LIFETIME_MS[kind]);
  host.append(toast);
  return toast;
}
