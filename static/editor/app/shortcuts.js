// @ts-check
// The editor's global keyboard shortcuts: Ctrl/Cmd+Z undoes, Shift+Ctrl/Cmd+Z
// (and Ctrl+Y) redoes the last change of the session. Not inside a text or
// code field: those keep their own undo of what is being typed. Code fields
// live in shadow roots, where the event's target seen from the document is
// the field's host; the first entry of its composed path is the real target.
/** @import { EditorStore } from "./store.js" */

/**
 * Whether the key press belongs to a field that edits text itself.
 * @param {EventTarget | null} target
 */
export function isTextField(target) {
  if (!(target instanceof Element)) return false;
  if (target.closest(".cm-editor, [contenteditable=''], [contenteditable='true']")) return true;
  if (target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLInputElement) {
    return !["button", "checkbox", "radio", "range", "color", "file", "submit", "reset", "image"].includes(target.type);
  }
  return false;
}

/**
 * @param {KeyboardEvent} event
 * @returns {"undo" | "redo" | null}
 */
export function historyKey(event) {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  if (key === "z") return event.shiftKey ? "redo" : "undo";
  if (key === "y" && event.ctrlKey && !event.shiftKey) return "redo";
  return null;
}

/**
 * @param {EditorStore} store
 * @param {(error: unknown) => void} onError shows why an undo or redo failed
 * @returns {() => void} removes the shortcuts
 */
export function installShortcuts(store, onError) {
  /** @param {KeyboardEvent} event */
  const onKeyDown = (event) => {
    const action = historyKey(event);
    if (!action || isTextField(event.composedPath()[0] ?? event.target)) return;
    event.preventDefault();
    (action === "undo" ? store.undo() : store.redo()).catch(onError);
  };
  document.addEventListener("keydown", onKeyDown);
  return () => document.removeEventListener("keydown", onKeyDown);
}
