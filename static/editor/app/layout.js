// @ts-check
// Pure helpers over a page's widget tree (the `layout` of docs/editor-api.md):
// finding a widget by name, walking the tree, reading and setting a
// property. They never touch the DOM or the store, so every editor module
// (canvas, property pane, Explorer) reads the layout the same way.
/** @import { LayoutNode } from "../../brace/api_types.js" */

/**
 * A layout node as the editor holds it: the stored shape with its props.
 * @typedef {LayoutNode & { props?: Record<string, unknown>, children?: EditorNode[] }} EditorNode
 */

/**
 * A widget found in the tree, with its parent (null for the root) and its
 * index among the parent's children.
 * @typedef {object} Found
 * @property {EditorNode} node
 * @property {EditorNode | null} parent
 * @property {number} index
 */

/**
 * Every widget of the tree, parents before their children, in stored order.
 * @param {EditorNode} layout
 * @returns {Generator<Found>}
 */
export function* walk(layout) {
  /** @type {Found[]} */
  const pending = [{ node: layout, parent: null, index: 0 }];
  while (pending.length) {
    const found = /** @type {Found} */ (pending.shift());
    yield found;
    const children = found.node.children || [];
    pending.unshift(...children.map((node, index) => ({ node, parent: found.node, index })));
  }
}

/**
 * @param {EditorNode} layout
 * @param {string} name
 * @returns {Found | null}
 */
export function findWidget(layout, name) {
  for (const found of walk(layout)) {
    if (found.node.widgetName === name) return found;
  }
  return null;
}

/**
 * Every widget name in the tree, the root's included.
 * @param {EditorNode} layout
 * @returns {Set<string>}
 */
export function widgetNames(layout) {
  const names = new Set();
  for (const { node } of walk(layout)) names.add(node.widgetName);
  return names;
}

/**
 * The widget's stored value of `prop` (a literal or a `{{ }}` binding), or
 * undefined when the layout does not set it.
 * @param {EditorNode} layout
 * @param {string} name
 * @param {string} prop
 * @returns {unknown}
 */
export function getProp(layout, name, prop) {
  return findWidget(layout, name)?.node.props?.[prop];
}

/**
 * Sets (or, with `undefined`, removes) one property of one widget, in place;
 * answers the layout so it can be a store recipe's result.
 * @param {EditorNode} layout
 * @param {string} name
 * @param {string} prop
 * @param {unknown} value
 * @returns {EditorNode}
 */
export function setProp(layout, name, prop, value) {
  const found = findWidget(layout, name);
  if (!found) throw new Error(`No widget is called ${name}.`);
  const props = found.node.props || {};
  if (value === undefined) delete props[prop];
  else props[prop] = value;
  found.node.props = props;
  return layout;
}

/**
 * Whether a stored value is a `{{ }}` binding, by the same crude test the
 * server's widgets package uses (widgets/schema.py `is_binding`).
 * @param {unknown} value
 * @returns {value is string}
 */
export function isBinding(value) {
  return typeof value === "string" && value.includes("{{");
}
