// @ts-check
// Turns the published widget tree into positioned boxes and keeps one live
// renderer instance per widget name, so that a server answer updates only
// the widgets it names (and an Input keeps its focus and caret).
/** @import { BindingError, LayoutNode, WidgetProps } from "../brace/api_types.js" */
/** @import { WidgetContext, WidgetInstance, WidgetType } from "./widgets/index.js" */
import { h } from "../brace/dom.js";
import { canvasHeight, place, readingOrder } from "./grid.js";

/**
 * A drawn widget, with the box that places it and its error marker.
 * @typedef {WidgetInstance & { box: HTMLElement, marker: HTMLElement, widget: WidgetType | undefined }} Drawn
 */

/**
 * @param {string} type
 * @returns {WidgetInstance}
 */
function unsupported(type) {
  const el = h("div", { class: "w-unsupported", text: `The portal cannot show ${type || "this"} widgets.` });
  return { el, update() {} };
}

/**
 * errors: {"Widget.prop": [{name, message, binding}]} -> Map(widget -> lines)
 * @param {Record<string, BindingError[]>} [errors]
 */
export function errorsByWidget(errors = {}) {
  /** @type {Map<string, string[]>} */
  const byWidget = new Map();
  for (const [path, list] of Object.entries(errors || {})) {
    const dot = path.indexOf(".");
    const widget = dot === -1 ? path : path.slice(0, dot);
    const property = dot === -1 ? "" : path.slice(dot + 1);
    for (const error of Array.isArray(list) ? list : [list]) {
      const kind = error?.name || "Error";
      const message = error?.message || String(error);
      const lines = byWidget.get(widget) || [];
      lines.push(`${property ? `${property}: ` : ""}${kind}: ${message}`);
      byWidget.set(widget, lines);
    }
  }
  return byWidget;
}

// Long enough to read, short enough that its "in 12 seconds" does not go
// stale for long (acting again too early just says the new wait).
const NOTICE_S = { min: 4, max: 8 };

export class Renderer {
  /**
   * @param {HTMLElement} root
   * @param {Map<string, WidgetType>} registry
   * @param {(name: string, type: string, rows: number) => WidgetContext} contextFor
   */
  constructor(root, registry, contextFor) {
    this.root = root;
    this.registry = registry;
    this.contextFor = contextFor;
    /** @type {Map<string, Drawn>} */
    this.instances = new Map();
    /** @type {Map<string, string[]>} */
    this.tree = new Map(); // name -> names of its children
    this.signature = "";
  }

  /**
   * Builds the tree unless it is the one already shown.
   * @param {LayoutNode} layout
   * @param {Record<string, WidgetProps>} widgets
   * @param {Record<string, BindingError[]>} errors
   */
  mount(layout, widgets, errors) {
    const signature = JSON.stringify(layout);
    if (signature !== this.signature) {
      this.signature = signature;
      this.instances.clear();
      this.tree.clear();
      const box = this.build(layout, true);
      box.style.minHeight = `${canvasHeight(layout)}px`;
      this.root.replaceChildren(box);
    }
    this.update(null, widgets, errors);
  }

  /**
   * @param {LayoutNode} node
   * @param {boolean} [isRoot]
   * @returns {HTMLElement} the node's box
   */
  build(node, isRoot = false) {
    const name = node.widgetName;
    const widget = this.registry.get(node.type);
    const rows = node.position?.h || 4;
    const instance = widget ? widget.create(this.contextFor(name, node.type, rows)) : unsupported(node.type);
    const marker = h("span", { class: "w-marker", role: "img", hidden: true });
    const box = h("div", { class: isRoot ? "w-box w-root" : "w-box", dataset: { widget: name, type: node.type } }, instance.el, marker);
    if (!isRoot) place(box, node.position);
    this.instances.set(name, { ...instance, box, marker, widget });
    const children = readingOrder(node.children);
    this.tree.set(name, children.map((child) => child.widgetName));
    if (children.length) {
      const host = instance.children || box;
      for (const child of children) host.append(this.build(child));
    }
    return box;
  }

  /**
   * @param {Set<string> | null} names the widgets to refresh, or null for all of them
   * @param {Record<string, WidgetProps>} widgets
   * @param {Record<string, BindingError[]>} errors
   */
  update(names, widgets, errors) {
    const byWidget = errorsByWidget(errors);
    for (const [name, instance] of this.instances) {
      if (names && !names.has(name)) continue;
      const props = widgets[name] || {};
      instance.box.hidden = props.isVisible === false;
      instance.update(props);
      const lines = byWidget.get(name);
      instance.marker.hidden = !lines;
      instance.marker.title = lines ? lines.join("\n") : "";
      instance.marker.setAttribute("aria-label", lines ? `Binding errors: ${lines.join("; ")}` : "");
      instance.box.classList.toggle("has-errors", Boolean(lines));
    }
  }

  /**
   * Marks widgets as waiting on a loading query, or done waiting.
   * @param {Iterable<string>} names
   * @param {boolean} loading
   */
  setLoading(names, loading) {
    for (const name of names) {
      const instance = this.instances.get(name);
      if (!instance) continue;
      instance.box.classList.toggle("is-loading", loading);
      instance.box.setAttribute("aria-busy", String(loading));
      instance.setLoading?.(loading);
    }
  }

  /**
   * A short message under a widget, where the end user acted (e.g. an event
   * the server refused for now); gone after a few seconds (`seconds`, the
   * wait it announces, within 4 to 8), or replaced by the next one. The
   * widget itself, and what was typed or picked in it, stay.
   * @param {string} name
   * @param {string} text
   * @param {number} seconds
   * @returns {boolean} false if the widget is not shown (say it elsewhere)
   */
  notice(name, text, seconds) {
    const instance = this.instances.get(name);
    if (!instance || instance.box.hidden) return false;
    instance.box.querySelector(":scope > .w-notice")?.remove();
    const note = h("p", { class: "w-notice", role: "alert", text });
    instance.box.append(note);
    setTimeout(() => note.remove(), Math.min(Math.max(seconds, NOTICE_S.min), NOTICE_S.max) * 1000);
    return true;
  }

  /** @param {string} name */
  has(name) {
    return this.instances.has(name);
  }

  /**
   * @param {string} name
   * @returns {WidgetType | null | undefined} its renderer, if the portal has one
   */
  widgetOf(name) {
    const instance = this.instances.get(name);
    return instance ? instance.widget : null;
  }

  /** @param {string} name */
  reset(name) {
    const instance = this.instances.get(name);
    if (instance?.reset) instance.reset();
  }

  /**
   * @param {string} name
   * @returns {string[]}
   */
  descendants(name) {
    /** @type {string[]} */
    const found = [];
    /** @param {string} parent */
    const walk = (parent) => {
      for (const child of this.tree.get(parent) || []) {
        found.push(child);
        walk(child);
      }
    };
    walk(name);
    return found;
  }
}
