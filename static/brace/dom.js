// @ts-check
// A tiny element builder. Text always goes in as text nodes, never as HTML,
// because names, messages and widget values come from users.

/** @typedef {string | number | boolean | null | undefined} AttrValue */
/**
 * `class`, `text` (the text content), `dataset`, `on<event>` listeners, and
 * attributes; null, undefined and false leave an attribute out, true sets it
 * empty.
 * @typedef {{ [name: string]: AttrValue | Record<string, string | number> | ((event: Event) => void) }} Attrs
 */
/** @typedef {Node | string | number | false | null | undefined | readonly Child[]} Child */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = String(value);
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/**
 * @template {Element} E
 * @param {E} el
 * @param {readonly Child[]} children
 * @returns {E}
 */
export function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * @template {Element} E
 * @param {E} el
 * @returns {E}
 */
export function clear(el) {
  el.replaceChildren();
  return el;
}

/**
 * The element with this id, which the page's template must hold; a missing
 * one (or one of another kind) is a broken template, reported at once.
 * @template {HTMLElement} E
 * @param {string} id
 * @param {{ new (): E, prototype: E, name: string }} type
 * @returns {E}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`The page has no ${type.name} with id "${id}".`);
  return el;
}

/**
 * A timestamp from the API in the reader's locale; "" for none, the value
 * itself if it is not a date.
 * @param {string | null | undefined} value
 */
export function formatDateTime(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
