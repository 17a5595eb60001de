// @ts-check
// The layout grid shared with the editor: 64 columns across the parent's
// width, rows of ROW_HEIGHT pixels. Positions go into CSS variables so that
// the stylesheet can drop absolute placement on narrow screens and stack
// widgets in reading order instead.
/** @import { LayoutNode, Position } from "../brace/api_types.js" */

export const COLUMNS = 64;
export const ROW_HEIGHT = 10;

/**
 * @param {unknown} value
 * @param {number} fallback
 */
function number(value, fallback) {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/**
 * @param {HTMLElement} box
 * @param {Position} [position]
 */
export function place(box, position = {}) {
  const x = Math.min(Math.max(number(position.x, 0), 0), COLUMNS);
  const w = Math.min(Math.max(number(position.w, COLUMNS), 1), COLUMNS - x);
  const y = Math.max(number(position.y, 0), 0);
  const h = Math.max(number(position.h, 4), 1);
  box.style.setProperty("--x", `${(x / COLUMNS) * 100}%`);
  box.style.setProperty("--w", `${(w / COLUMNS) * 100}%`);
  box.style.setProperty("--y", `${y * ROW_HEIGHT}px`);
  box.style.setProperty("--h", `${h * ROW_HEIGHT}px`);
}

// The root canvas is as tall as its own height or its lowest child, so
// nothing is cut off when a page grows past what the root was drawn at.
/** @param {LayoutNode} layout */
export function canvasHeight(layout) {
  const own = number(layout.position?.h, 0);
  const lowest = (layout.children || []).reduce((bottom, child) => {
    const p = child.position || {};
    return Math.max(bottom, number(p.y, 0) + number(p.h, 0));
  }, 0);
  return Math.max(own, lowest + 2) * ROW_HEIGHT;
}

// Reading order: top to bottom, then left to right; used for DOM (and so
// keyboard) order and for the stacked narrow-screen layout.
/**
 * @param {LayoutNode[]} [children]
 * @returns {LayoutNode[]}
 */
export function readingOrder(children = []) {
  return [...children].sort((a, b) => {
    const pa = a.position || {};
    const pb = b.position || {};
    return number(pa.y, 0) - number(pb.y, 0) || number(pa.x, 0) - number(pb.x, 0);
  });
}
