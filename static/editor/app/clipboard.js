// @ts-check
// Copied widgets on the system clipboard: the canvas writes them as JSON
// text in a small envelope and reads them back on paste, so widgets travel
// between tabs and pages of the editor. Anything else on the clipboard (text
// from another program, a broken or foreign envelope) is refused with a
// message saying what to do, and the page is left as it was. The server
// still validates whatever is pasted, as it validates every save.
/** @import { EditorNode } from "./layout.js" */

const KIND = "brace/widgets";
const VERSION = 1;
const NOT_WIDGETS = "The clipboard holds no Brace widgets: select widgets on the canvas and copy them (Ctrl+C) first.";

/**
 * The clipboard's text for these widgets.
 * @param {EditorNode[]} widgets
 */
export function encode(widgets) {
  return JSON.stringify({ kind: KIND, version: VERSION, widgets });
}

/**
 * @param {DataTransfer} data a copy event's clipboardData
 * @param {EditorNode[]} widgets
 */
export function writeWidgets(data, widgets) {
  data.setData("text/plain", encode(widgets));
}

/**
 * The widgets in a clipboard's text, or why there are none.
 * @param {string} text
 * @param {Set<string>} knownTypes the widget types this editor can place
 * @returns {{ widgets: EditorNode[] } | { error: string }}
 */
export function decode(text, knownTypes) {
  /** @type {unknown} */
  let envelope;
  try {
    envelope = JSON.parse(text);
  } catch {
    return { error: NOT_WIDGETS };
  }
  if (!isObject(envelope) || envelope.kind !== KIND) return { error: NOT_WIDGETS };
  if (envelope.version !== VERSION) {
    return { error: `These widgets were copied from another version of Brace (clipboard format ${String(envelope.version)}); copy them again here.` };
  }
  const widgets = envelope.widgets;
  if (!Array.isArray(widgets) || widgets.length === 0) return { error: NOT_WIDGETS };
  for (const widget of widgets) {
    const fault = nodeFault(widget, knownTypes, 1);
    if (fault) return { error: `The copied widgets cannot be pasted: ${fault}` };
  }
  return { widgets: /** @type {EditorNode[]} */ (widgets) };
}

/**
 * @param {DataTransfer} data a paste event's clipboardData
 * @param {Set<string>} knownTypes
 */
export function readWidgets(data, knownTypes) {
  return decode(data.getData("text/plain"), knownTypes);
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Deep enough for any real page (the server allows 50 levels) while keeping a
// hostile clipboard from exhausting the stack.
const MAX_DEPTH = 50;

/**
 * What is wrong with one copied widget (and its children), or "".
 * @param {unknown} node
 * @param {Set<string>} knownTypes
 * @param {number} depth
 * @returns {string}
 */
function nodeFault(node, knownTypes, depth) {
  if (depth > MAX_DEPTH) return `widgets are nested more than ${MAX_DEPTH} levels deep.`;
  if (!isObject(node) || typeof node.widgetName !== "string" || typeof node.type !== "string") {
    return "a widget has no name or type.";
  }
  if (!knownTypes.has(node.type)) return `${node.widgetName} is a ${node.type}, a widget type this editor does not have.`;
  const position = node.position;
  if (!isObject(position) || !["x", "y", "w", "h"].every((key) => Number.isInteger(position[key]))) {
    return `${node.widgetName} has no position on the grid.`;
  }
  if (node.props !== undefined && !isObject(node.props)) return `${node.widgetName} has malformed properties.`;
  if (node.children === undefined) return "";
  if (!Array.isArray(node.children)) return `${node.widgetName} has malformed children.`;
  for (const child of node.children) {
    const fault = nodeFault(child, knownTypes, depth + 1);
    if (fault) return fault;
  }
  return "";
}
