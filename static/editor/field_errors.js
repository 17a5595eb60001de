// @ts-check
// Puts API errors ({"code", "message", "field"}, plus DRF's nested `errors`
// when present) next to the field they name. A field path that matches no
// element (or a hidden one) goes to the form-level message instead, so no
// error is ever silently dropped.

/** @typedef {[path: string, message: string]} FieldMessage */

/**
 * DRF detail -> [[dotted.path[0].key, message]]
 * @param {unknown} detail
 * @param {string} [prefix]
 * @returns {FieldMessage[]}
 */
export function flattenErrors(detail, prefix = "") {
  if (Array.isArray(detail)) {
    if (detail.every((item) => typeof item !== "object" || item === null)) {
      return detail.length ? [[prefix, detail.map(String).join(" ")]] : [];
    }
    return detail.flatMap((item, index) => (item && typeof item === "object" ? flattenErrors(item, `${prefix}[${index}]`) : [/** @type {FieldMessage} */ ([prefix, String(item)])]));
  }
  if (detail && typeof detail === "object") {
    return Object.entries(detail).flatMap(([key, value]) => {
      const path = key === "non_field_errors" ? prefix : prefix ? `${prefix}.${key}` : key;
      return flattenErrors(value, path);
    });
  }
  return detail === undefined || detail === null ? [] : [[prefix, String(detail)]];
}

/**
 * "authentication.scopes[1]" -> itself, "authentication.scopes", "authentication"
 * @param {string} path
 */
function candidates(path) {
  const found = [];
  let current = path;
  while (current) {
    found.push(current);
    const cut = Math.max(current.lastIndexOf("."), current.lastIndexOf("["));
    current = cut > 0 ? current.slice(0, cut) : "";
  }
  return found;
}

/** @param {Element} target */
function ownErrorElement(target) {
  return [...target.querySelectorAll(".field-error")].find((el) => el.closest("[data-field]") === target) || null;
}

/**
 * What FieldErrors shows: an ApiError, or just a message for the form.
 * @typedef {object} ShownError
 * @property {string} message
 * @property {string} [field]
 * @property {unknown} [errors]
 */

export class FieldErrors {
  /** @param {HTMLFormElement} form */
  constructor(form) {
    this.form = form;
    this.general = /** @type {HTMLElement} */ (form.querySelector('.form-error[data-field=""]'));
  }

  clear() {
    for (const el of this.form.querySelectorAll(".field-error")) el.textContent = "";
    for (const el of this.form.querySelectorAll(".is-invalid")) el.classList.remove("is-invalid");
    this.general.textContent = "";
    this.general.hidden = true;
  }

  /** @param {ShownError} error */
  show(error) {
    this.clear();
    const pairs = error.errors ? flattenErrors(error.errors) : [];
    if (pairs.length === 0 || !pairs.some(([path]) => path === (error.field || ""))) {
      pairs.unshift([error.field || "", error.message]);
    }
    const general = [];
    /** @type {HTMLElement | null} */
    let first = null;
    for (const [path, message] of pairs) {
      const target = this.find(path);
      // An error inside the collapsed advanced settings opens them.
      const details = target?.closest("details");
      if (details) details.open = true;
      const slot = target && ownErrorElement(target);
      if (!slot || target.offsetParent === null) {
        general.push(path ? `${path}: ${message}` : message);
        continue;
      }
      if (!slot.textContent) slot.textContent = message;
      target.classList.add("is-invalid");
      first = first || target;
    }
    if (general.length) {
      this.general.textContent = general.join(" ");
      this.general.hidden = false;
      first = this.general;
    }
    if (first) {
      first.scrollIntoView({ block: "center", behavior: "smooth" });
      const input = /** @type {HTMLInputElement | HTMLSelectElement | null} */ (first.querySelector("input, select"));
      if (input) input.focus({ preventScroll: true });
    }
  }

  /**
   * The element of the field `path` names, or of the nearest field that holds it.
   * @param {string} path
   * @returns {HTMLElement | null}
   */
  find(path) {
    if (!path) return null;
    for (const candidate of candidates(path)) {
      const target = /** @type {HTMLElement | null} */ (this.form.querySelector(`[data-field="${CSS.escape(candidate)}"]`));
      if (target) return target;
    }
    return null;
  }
}
