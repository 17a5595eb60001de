// @ts-check
// Style values from bindings end up in CSS; only the plain syntax the
// widget schemas accept (widgets/types/common.py) is applied.

const COLOR = /^(#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})|[a-z]{3,30}|(?:rgba?|hsla?)\(\s*[0-9.,%\s/]+\)|var\(--[a-z0-9_-]+\))$/i;
const LENGTH = /^\d{1,4}(?:\.\d{1,3})?(?:px|rem|em)$/;

// Older Appsmith layouts name text sizes instead of giving a length.
/** @type {Record<string, string>} */
const NAMED_SIZES = {
  PARAGRAPH2: "0.75rem",
  PARAGRAPH: "0.875rem",
  HEADING3: "1rem",
  HEADING2: "1.125rem",
  HEADING1: "1.5rem",
};

/**
 * A CSS color, or "" for anything else.
 * @param {unknown} value
 */
export function color(value) {
  return typeof value === "string" && COLOR.test(value.trim()) ? value.trim() : "";
}

/**
 * A CSS length or a named size, or "" for anything else.
 * @param {unknown} value
 */
export function fontSize(value) {
  if (typeof value !== "string") return "";
  if (NAMED_SIZES[value]) return NAMED_SIZES[value];
  return LENGTH.test(value.trim()) ? value.trim() : "";
}

/** @param {unknown} value */
export function textAlign(value) {
  const align = String(value || "LEFT").toLowerCase();
  return ["left", "center", "right"].includes(align) ? align : "left";
}

// What a widget shows for a value that is not a string (a binding may yield
// a number, an object, or null).
/**
 * @param {unknown} value
 * @returns {string}
 */
export function displayText(value) {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}
