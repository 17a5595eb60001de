// @ts-check
// The editor's canvas: the page's 64-column grid drawn to scale, every widget
// drawn by the portal's own renderers (static/portal/widgets/) with its
// evaluated values, and the editing around them: selection, move and resize
// with handles (interact.js), keyboard nudges, delete, copy/paste/duplicate,
// and a preview mode in which widgets work as in the portal: what the user
// types or picks goes to the store as preview meta, which the server
// evaluates the page with (the editor runs no user code in the browser), but
// events run no handlers (they would call the app's APIs), and a note says so.
// Where widgets go is placement.js's business; every change is one
// store.edit, so one drag is one undo step.
//
// Widgets are drawn once and then updated in place: a change of the layout
// moves, adds and removes boxes, and an evaluation updates the values, so a
// 1,000-widget page is not rebuilt on every edit.
/** @import { RuntimeFile, WidgetProps } from "../../brace/api_types.js" */
/** @import { WidgetContext, WidgetInstance } from "../../portal/widgets/index.js" */
/** @import { EditorNode } from "./layout.js" */
/** @import { Rect } from "./placement.js" */
/** @import { EditorState, EditorStore } from "./store.js" */
import { h } from "../../brace/dom.js";
import { canvasHeight, place, readingOrder } from "../../portal/grid.js";
import { errorsByWidget } from "../../portal/renderer.js";
import { registry } from "../../portal/widgets/index.js";
import interact from "../../vendor/interact/interact.js";
import { readWidgets, writeWidgets } from "./clipboard.js";
import { findWidget, isBinding, walk } from "./layout.js";
import {
  COLUMNS,
  PlacementError,
  ROW_HEIGHT,
  duplicate,
  moveBy,
  moveTo,
  paste,
  rectOf,
  remove,
  resize,
  snap,
  snapRect,
  topmost,
} from "./placement.js";

/**
 * A drawn widget.
 * @typedef {object} Drawn
 * @property {string} type
 * @property {HTMLElement} box the positioned, focusable element
 * @property {WidgetInstance} instance
 * @property {HTMLElement} host where its children go (containers), else the box
 * @property {HTMLElement} marker the error marker
 * @property {string} props the stored props, as JSON, last drawn
 * @property {string} position
 * @property {number} rows
 */

// Rows of free grid drawn below the lowest widget, to drop into.
const SPARE_ROWS = 30;
const EDGES = /** @type {const} */ (["top", "right", "bottom", "left", "top-left", "top-right", "bottom-right", "bottom-left"]);
const EDGE_NAMES = {
  top: "top edge",
  right: "right edge",
  bottom: "bottom edge",
  left: "left edge",
  "top-left": "top-left corner",
  "top-right": "top-right corner",
  "bottom-right": "bottom-right corner",
  "bottom-left": "bottom-left corner",
};
/** What the note says the first time a widget with a handler fires an event in a preview. */
export const EVENTS_NOTE = "Events don't run in preview: publish and use View app.";
const ARROWS = /** @type {Record<string, [number, number]>} */ ({
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
});

/** @type {Set<Canvas>} */
const mounted = new Set();

let previewFiles = 0;

/**
 * A file picked in preview as the page sees it (`FilePicker1.files[0]`): its
 * name, size and type, and no content, since preview uploads nothing (`data`
 * is "" and `id` says it is a preview's).
 * @param {File} file
 * @returns {RuntimeFile}
 */
export function previewFile(file) {
  previewFiles += 1;
  return { id: `preview-${previewFiles}`, name: file.name, size: file.size, type: file.type, data: "" };
}

/**
 * The grid under a point of the viewport: the innermost container's grid
 * (the page's, or a Container's) that is not inside `exclude`, with what it
 * takes to turn pixels into cells. Null when the point is off every grid.
 * @param {number} clientX
 * @param {number} clientY
 * @param {Element | null} [exclude] a widget being dragged
 * @returns {{ parent: string, host: HTMLElement, left: number, top: number, columnWidth: number } | null}
 */
export function dropTargetAt(clientX, clientY, exclude = null) {
  for (const el of document.elementsFromPoint(clientX, clientY)) {
    if (exclude?.contains(el)) continue;
    const host = el.closest("[data-grid]");
    if (!(host instanceof HTMLElement) || exclude?.contains(host)) continue;
    return gridTarget(host);
  }
  return null;
}

/**
 * Shows a message on every mounted canvas (a refused drop from the palette).
 * @param {string} message
 */
export function showCanvasMessage(message) {
  for (const canvas of mounted) canvas.message(message);
}

/**
 * Shows, or with null hides, where a dragged widget would land.
 * @param {{ host: HTMLElement } | null} target
 * @param {Rect} [rect]
 */
export function showDropPreview(target, rect) {
  for (const canvas of mounted) canvas.preview(target, rect);
}

/**
 * @param {HTMLElement} root the Canvas landmark
 * @param {EditorStore} store
 * @returns {() => void} unmounts
 */
export function mountCanvas(root, store) {
  const canvas = new Canvas(root, store);
  mounted.add(canvas);
  return () => {
    canvas.destroy();
    mounted.delete(canvas);
  };
}

class Canvas {
  /**
   * @param {HTMLElement} root
   * @param {EditorStore} store
   */
  constructor(root, store) {
    performance.mark("brace:canvas-mount");
    this.store = store;
    this.root = root;
    /** @type {Map<string, Drawn>} */
    this.drawn = new Map();
    this.messageEl = h("p", { class: "canvas-message", role: "alert", hidden: true });
    this.dropEl = h("div", { class: "canvas-drop-preview", hidden: true, "aria-hidden": "true" });
    // An empty page says how to begin; it lies over the grid and lets drops through.
    this.emptyEl = h("p", { class: "canvas-empty", text: "Drag a widget from the palette, or press Enter on one.", hidden: true });
    this.page = h("div", { class: "canvas-page" });
    this.sheet = h("div", { class: "canvas-sheet" }, this.page);
    const dismiss = h("button", { type: "button", class: "btn btn-quiet btn-small", text: "Dismiss" });
    dismiss.addEventListener("click", () => {
      this.noteEl.hidden = true;
    });
    this.noteEl = h("div", { class: "canvas-note", role: "status", hidden: true }, h("span", { text: EVENTS_NOTE }), dismiss);
    // Whether this preview has shown the note (once per preview).
    this.eventsNoted = false;
    root.classList.add("canvas");
    root.append(this.messageEl, this.sheet, this.noteEl);
    /** @type {number | undefined} */
    this.messageTimer = undefined;
    /** @type {Drawn | null} */
    this.rootDrawn = null;

    this.unsubscribe = store.subscribe((state, change) => this.changed(state, change.kind, change.message));
    this.cleanups = [this.listen(), this.interactions()];
    this.draw(store.state);
    this.values(store.state, true);
    this.selection(store.state);
    this.previewMode(store.state);
    // For bench/editor_paint.py: the first drawing done, then on screen.
    performance.mark("brace:canvas-drawn");
    requestAnimationFrame(() => setTimeout(() => performance.mark("brace:canvas-painted")));
  }

  destroy() {
    this.unsubscribe();
    for (const cleanup of this.cleanups) cleanup();
    this.root.replaceChildren();
  }

  // ---- Drawing ------------------------------------------------------------

  /**
   * @param {EditorState} state
   * @param {string} kind
   * @param {string} [message] why, for a change the user did not ask for
   */
  changed(state, kind, message) {
    if (kind === "layout") {
      this.draw(state);
      this.values(state, false);
      this.selection(state);
    } else if (kind === "evaluation") {
      this.values(state, true);
    } else if (kind === "selection") {
      this.selection(state);
    } else if (kind === "preview") {
      this.previewMode(state);
    } else if (kind === "previewMeta" && message) {
      this.message(message);
    }
    // "save" and "entities" change nothing drawn: a rename that changes the
    // layout comes as "layout" too.
  }

  /**
   * Brings the drawn boxes in line with the layout.
   * @param {EditorState} state
   */
  draw(state) {
    const layout = state.page?.layout;
    if (!layout) return;
    const seen = new Set();
    /** @type {(node: EditorNode, parentHost: HTMLElement | null) => void} */
    const visit = (node, parentHost) => {
      const name = node.widgetName;
      seen.add(name);
      let drawn = this.drawn.get(name);
      if (drawn && drawn.type !== node.type) {
        drawn.box.remove();
        drawn = undefined;
      }
      const isRoot = parentHost === null;
      if (!drawn) drawn = this.create(node, isRoot);
      const position = JSON.stringify(node.position || {});
      if (!isRoot && position !== drawn.position) {
        place(drawn.box, node.position);
        drawn.position = position;
        drawn.rows = rectOf(node).h;
        drawn.props = ""; // redraw: a renderer may depend on its rows
      }
      if (parentHost && drawn.box.parentElement !== parentHost) parentHost.append(drawn.box);
      const children = readingOrder(node.children);
      for (const child of children) visit(child, drawn.host);
      // Reading order is keyboard order: boxes follow their widgets' places.
      const boxes = children.map((child) => this.drawn.get(child.widgetName)?.box);
      const current = [...drawn.host.children].filter((el) => el.classList.contains("c-widget"));
      if (boxes.some((box, index) => current[index] !== box)) {
        // Moving an element blurs it: the widget being nudged keeps the focus.
        const active = document.activeElement;
        for (const box of boxes) if (box) drawn.host.append(box);
        if (active instanceof HTMLElement && active !== document.activeElement && active.isConnected) active.focus({ preventScroll: true });
      }
    };
    visit(layout, null);
    for (const [name, drawn] of this.drawn) {
      if (!seen.has(name)) {
        drawn.box.remove();
        this.drawn.delete(name);
      }
    }
    const rootDrawn = this.drawn.get(layout.widgetName);
    if (rootDrawn && rootDrawn !== this.rootDrawn) {
      this.rootDrawn = rootDrawn;
      this.page.replaceChildren(rootDrawn.box, this.emptyEl);
    }
    this.emptyEl.hidden = Boolean(layout.children?.length);
    if (rootDrawn) rootDrawn.box.style.minHeight = `${canvasHeight(layout) + SPARE_ROWS * ROW_HEIGHT}px`;
  }

  /**
   * @param {EditorNode} node
   * @param {boolean} isRoot
   * @returns {Drawn}
   */
  create(node, isRoot) {
    const name = node.widgetName;
    const widget = registry.get(node.type);
    /** @type {Drawn} */
    const drawn = /** @type {Drawn} */ ({ type: node.type, props: "", position: "", rows: rectOf(node).h });
    const instance = widget ? widget.create(this.contextFor(name, node.type, drawn)) : unsupported(node.type);
    const marker = h("span", { class: "w-marker", role: "img", hidden: true });
    const label = `${name} (${node.type})`;
    const box = isRoot
      ? h("div", { class: "w-box w-root c-root", dataset: { widget: name, type: node.type } }, instance.el)
      : h(
          "div",
          {
            class: "w-box c-widget",
            role: "group",
            tabindex: "0",
            "aria-label": label,
            "aria-selected": "false",
            "aria-keyshortcuts": "ArrowLeft ArrowRight ArrowUp ArrowDown Shift+ArrowRight Shift+ArrowDown Delete Escape Control+C Control+V Control+D",
            dataset: { widget: name, type: node.type },
          },
          instance.el,
          marker,
        );
    const host = instance.children || box;
    if (instance.children) instance.children.dataset.grid = name;
    else instance.el.classList.add("c-content");
    Object.assign(drawn, { box, instance, host, marker });
    this.drawn.set(name, drawn);
    if (!isRoot) {
      place(box, node.position);
      drawn.position = JSON.stringify(node.position || {});
    }
    this.inertness(drawn, this.store.state.preview);
    return drawn;
  }

  /**
   * What a renderer gets on the canvas. In preview, meta the user sets (with
   * an event or without) becomes the store's preview meta, which the next
   * evaluation sends; a picked file is described, not uploaded; events run
   * no handler (the editor shows the app, it does not run its actions).
   * @param {string} name
   * @param {string} type
   * @param {Drawn} drawn
   * @returns {WidgetContext}
   */
  contextFor(name, type, drawn) {
    return {
      name,
      type,
      get rows() {
        return drawn.rows;
      },
      emit: async (event, meta) => {
        this.previewEvent(name, event, meta);
        return null;
      },
      flush() {},
      setMeta: (meta) => {
        this.store.setPreviewMeta(name, meta);
      },
      upload: async (file, onProgress) => {
        if (!this.store.state.preview) throw new Error("Files are not uploaded in the editor; open the app to upload.");
        onProgress(file.size);
        return previewFile(file);
      },
      notify: (message) => {
        this.message(String(message ?? ""));
        return this.messageEl;
      },
    };
  }

  /**
   * Shows each widget's evaluated values. A widget whose stored properties
   * changed since it was last drawn shows its new literals over the last
   * evaluation at once, before the new evaluation arrives.
   * @param {EditorState} state
   * @param {boolean} evaluated whether a new evaluation came (else only changed widgets redraw)
   */
  values(state, evaluated) {
    const layout = state.page?.layout;
    if (!layout) return;
    const values = state.evaluation?.values || {};
    const byWidget = errorsByWidget(state.evaluation?.errors || {});
    for (const { node } of walk(layout)) {
      const drawn = this.drawn.get(node.widgetName);
      if (!drawn) continue;
      const key = JSON.stringify(node.props || {});
      const own = values[node.widgetName];
      if (key !== drawn.props) {
        drawn.props = key;
        drawn.instance.update({ ...(own || this.defaults(node.type)), ...literals(node.props) });
      } else if (evaluated) {
        drawn.instance.update(own || { ...this.defaults(node.type), ...literals(node.props) });
      }
      const lines = byWidget.get(node.widgetName);
      drawn.marker.hidden = !lines;
      drawn.marker.title = lines ? lines.join("\n") : "";
      drawn.marker.setAttribute("aria-label", lines ? `Binding errors: ${lines.join("; ")}` : "");
      drawn.box.classList.toggle("has-errors", Boolean(lines));
      drawn.box.classList.toggle("is-hidden-widget", (values[node.widgetName] || node.props)?.isVisible === false);
    }
  }

  /**
   * A type's property defaults (what a property left unset evaluates to).
   * @param {string} type
   * @returns {WidgetProps}
   */
  defaults(type) {
    /** @type {WidgetProps} */
    const found = {};
    for (const property of this.store.state.widgetTypes.get(type)?.properties || []) found[property.name] = property.default;
    return found;
  }

  /** @param {EditorState} state */
  selection(state) {
    const selected = new Set(state.selection || []);
    const single = selected.size === 1;
    for (const [name, drawn] of this.drawn) {
      if (drawn === this.rootDrawn) continue;
      const on = selected.has(name);
      drawn.box.setAttribute("aria-selected", String(on));
      drawn.box.classList.toggle("is-selected", on);
      const handles = drawn.box.querySelector(":scope > .c-handles");
      if (on && single && !handles) drawn.box.append(this.handles(name, drawn));
      else if (!(on && single) && handles) handles.remove();
    }
  }

  /**
   * The name tag and the eight resize handles of the selected widget.
   * @param {string} name
   * @param {Drawn} drawn
   */
  handles(name, drawn) {
    return h(
      "div",
      { class: "c-handles" },
      h("span", { class: "c-name-tag", "aria-hidden": "true", text: name }),
      EDGES.map((edge) =>
        h("span", {
          class: `c-handle ${edge
            .split("-")
            .map((side) => `is-${side}`)
            .join(" ")}`,
          role: "button",
          "aria-label": `Resize ${name} (${drawn.type}) by its ${EDGE_NAMES[edge]}`,
          "aria-roledescription": "resize handle",
        }),
      ),
    );
  }

  /**
   * An event of a widget in preview: the meta it carries is kept (as the
   * portal sends it with the event), and the first event of the preview
   * whose widget has a handler for it brings up the note that handlers do
   * not run here.
   * @param {string} name
   * @param {string} event
   * @param {WidgetProps} [meta]
   */
  previewEvent(name, event, meta) {
    if (!this.store.state.preview) return;
    if (meta) this.store.setPreviewMeta(name, meta);
    const handler = findWidget(this.store.state.page.layout, name)?.node.props?.[event];
    if (this.eventsNoted || handler === undefined || handler === null || handler === "") return;
    this.eventsNoted = true;
    this.noteEl.hidden = false;
  }

  /** @param {EditorState} state */
  previewMode(state) {
    const on = Boolean(state.preview);
    this.root.classList.toggle("is-preview", on);
    this.eventsNoted = false;
    this.noteEl.hidden = true;
    this.message(""); // a refusal of the last preview's meta, say
    if (!on) {
      // What the user did in the preview is forgotten: the widgets show the
      // page as built again once the store's evaluation without it answers,
      // and a field that kept the focus would keep its text.
      const active = document.activeElement;
      if (active instanceof HTMLElement && this.page.contains(active)) active.blur();
      for (const drawn of this.drawn.values()) drawn.instance.reset?.();
    }
    for (const drawn of this.drawn.values()) this.inertness(drawn, on);
  }

  /**
   * Outside preview, a widget's own controls take no input: the canvas
   * edits the widget, it does not use it.
   * @param {Drawn} drawn
   * @param {boolean} preview
   */
  inertness(drawn, preview) {
    if (drawn.host === drawn.box) drawn.instance.el.inert = !preview;
  }

  /**
   * @param {string} text
   */
  message(text) {
    clearTimeout(this.messageTimer);
    this.messageEl.textContent = text;
    this.messageEl.hidden = !text;
    if (text) this.messageTimer = setTimeout(() => this.message(""), 8000);
  }

  /**
   * @param {{ host: HTMLElement } | null} target
   * @param {Rect} [rect]
   */
  preview(target, rect) {
    if (!target || !rect || !this.root.contains(target.host)) {
      this.dropEl.hidden = true;
      return;
    }
    if (this.dropEl.parentElement !== target.host) target.host.append(this.dropEl);
    place(this.dropEl, rect);
    this.dropEl.hidden = false;
  }

  // ---- Changes --------------------------------------------------------------

  /**
   * Runs a placement change on a copy of the layout, then hands the result
   * to the store as one undo step; a refused change shows its message and
   * changes nothing.
   * @param {string} label
   * @param {(layout: EditorNode) => { layout: EditorNode, select?: string[] } | EditorNode} change
   * @returns {boolean} whether the layout changed
   */
  apply(label, change) {
    const before = this.store.state.page.layout;
    let answer;
    try {
      answer = change(structuredClone(before));
    } catch (error) {
      if (!(error instanceof PlacementError)) throw error;
      this.message(error.message);
      return false;
    }
    const { layout, select } = "layout" in answer && "select" in answer ? answer : { layout: /** @type {EditorNode} */ (answer), select: undefined };
    if (JSON.stringify(layout) === JSON.stringify(before)) return false;
    this.message("");
    this.store.edit(label, () => layout, select ? { select } : undefined);
    return true;
  }

  /** Widgets' names unique across the page's actions too. */
  reserved() {
    const { actions, page } = this.store.state;
    return actions.filter((action) => action.page === page.id).map((action) => action.name);
  }

  /** @param {string} type */
  isContainer(type) {
    const info = this.store.state.widgetTypes?.get(type);
    return info ? Boolean(info.is_container) : type === "Container";
  }

  /** The selected widgets that still exist, the page itself left out. */
  selected() {
    const layout = this.store.state.page.layout;
    return (this.store.state.selection || []).filter((name) => name !== layout.widgetName && findWidget(layout, name));
  }

  /** @param {string[]} names */
  describe(names) {
    return names.length === 1 ? names[0] : `${names.length} widgets`;
  }

  /**
   * @param {number} dx
   * @param {number} dy
   */
  nudge(dx, dy) {
    const names = this.selected();
    if (!names.length) return;
    this.apply(`Move ${this.describe(names)}`, (layout) => moveBy(layout, names, dx, dy));
  }

  /**
   * Shift+arrows: grows or shrinks the selected widget by one cell.
   * @param {number} dw
   * @param {number} dh
   */
  resizeBy(dw, dh) {
    const [name] = this.selected();
    if (!name) return;
    this.apply(`Resize ${name}`, (layout) => {
      const found = findWidget(layout, name);
      if (!found) return layout;
      const rect = rectOf(found.node);
      if (rect.w + dw < 1 || rect.h + dh < 1 || rect.x + rect.w + dw > COLUMNS) {
        throw new PlacementError(`${name} cannot be ${dw + dh < 0 ? "smaller" : "wider"}.`);
      }
      return resize(layout, name, { ...rect, w: rect.w + dw, h: rect.h + dh });
    });
  }

  deleteSelection() {
    const names = this.selected();
    if (!names.length) return;
    if (this.apply(`Delete ${this.describe(names)}`, (layout) => ({ layout: remove(layout, names), select: [] }))) {
      this.root.querySelector(".c-root")?.setAttribute("tabindex", "-1");
      /** @type {HTMLElement | null} */ (this.root.querySelector(".c-root"))?.focus();
    }
  }

  duplicateSelection() {
    const names = this.selected();
    if (!names.length) {
      this.message("Select the widgets to duplicate first.");
      return;
    }
    const reserved = this.reserved();
    this.apply(`Duplicate ${this.describe(names)}`, (layout) => {
      const answer = duplicate(layout, names, reserved);
      return { layout: answer.layout, select: answer.names };
    });
    this.focusSelection();
  }

  /**
   * The copied widgets, as the clipboard holds them, or null.
   * @returns {EditorNode[] | null}
   */
  copySelection() {
    const layout = this.store.state.page.layout;
    const names = topmost(layout, this.selected());
    if (!names.length) return null;
    return names.map((name) => /** @type {EditorNode} */ (findWidget(layout, name)?.node));
  }

  /**
   * Pastes into the selected Container, else onto the page.
   * @param {EditorNode[]} nodes
   */
  pasteWidgets(nodes) {
    const layout = this.store.state.page.layout;
    const [only, ...more] = this.selected();
    const target = only && !more.length ? findWidget(layout, only)?.node : null;
    const parent = target && this.isContainer(target.type) && !nodes.some((node) => node.widgetName === target.widgetName) ? target.widgetName : null;
    const reserved = this.reserved();
    const isContainer = (/** @type {string} */ type) => this.isContainer(type);
    this.apply(`Paste ${this.describe(nodes.map((node) => node.widgetName))}`, (copy) => {
      const answer = paste(copy, nodes, { parent, reserved, isContainer });
      return { layout: answer.layout, select: answer.names };
    });
    this.focusSelection();
  }

  focusSelection() {
    const last = this.store.state.selection.at(-1);
    if (last) this.drawn.get(last)?.box.focus({ preventScroll: false });
  }

  // ---- Input --------------------------------------------------------------------

  /** Pointer selection, keys and the clipboard. @returns {() => void} */
  listen() {
    const root = this.root;
    /** @param {PointerEvent} event */
    const onPointerDown = (event) => {
      if (this.store.state.preview || event.button !== 0) return;
      const target = /** @type {Element} */ (event.target);
      if (target.closest(".c-handle")) return;
      const box = target.closest(".c-widget");
      if (!(box instanceof HTMLElement) || !root.contains(box)) {
        if (target.closest(".c-root")) this.store.select([]);
        return;
      }
      const name = String(box.dataset.widget);
      const selection = this.store.state.selection || [];
      if (event.shiftKey) {
        this.store.select(selection.includes(name) ? selection.filter((other) => other !== name) : [...selection, name]);
      } else if (!selection.includes(name)) {
        this.store.select([name]);
      }
    };
    /** @param {MouseEvent} event */
    const onClick = (event) => {
      if (this.store.state.preview || event.shiftKey || this.dragged) return;
      const box = /** @type {Element} */ (event.target).closest(".c-widget");
      if (box instanceof HTMLElement && !(/** @type {Element} */ (event.target).closest(".c-handle"))) {
        const name = String(box.dataset.widget);
        const selection = this.store.state.selection || [];
        if (selection.length !== 1 || selection[0] !== name) this.store.select([name]);
      }
    };
    /** @param {KeyboardEvent} event */
    const onKeyDown = (event) => {
      if (this.store.state.preview) return;
      const box = /** @type {Element} */ (event.target).closest(".c-widget, .c-root");
      if (!box || !root.contains(box) || event.target !== box) return;
      const name = box instanceof HTMLElement && box.classList.contains("c-widget") ? String(box.dataset.widget) : null;
      const mod = event.ctrlKey || event.metaKey;
      const arrow = ARROWS[event.key];
      if (arrow && !mod && !event.altKey) {
        event.preventDefault();
        if (name && !this.store.state.selection.includes(name)) this.store.select([name]);
        if (event.shiftKey) this.resizeBy(arrow[0], arrow[1]);
        else this.nudge(arrow[0], arrow[1]);
      } else if ((event.key === "Delete" || event.key === "Backspace") && !mod) {
        event.preventDefault();
        this.deleteSelection();
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.store.select([]);
      } else if (mod && event.key.toLowerCase() === "d" && !event.shiftKey) {
        event.preventDefault();
        this.duplicateSelection();
      } else if ((event.key === "Enter" || event.key === " ") && name) {
        event.preventDefault();
        this.store.select([name]);
      }
    };
    const canvasHasFocus = () => {
      const active = document.activeElement;
      return Boolean(active && root.contains(active) && active.closest(".c-widget, .c-root") === active);
    };
    /** @param {ClipboardEvent} event */
    const onCopy = (event) => {
      if (!canvasHasFocus() || this.store.state.preview) return;
      const nodes = this.copySelection();
      if (!nodes || !event.clipboardData) return;
      writeWidgets(event.clipboardData, nodes);
      event.preventDefault();
      this.message(`Copied ${this.describe(nodes.map((node) => node.widgetName))}.`);
    };
    /** @param {ClipboardEvent} event */
    const onPaste = (event) => {
      if (!canvasHasFocus() || this.store.state.preview || !event.clipboardData) return;
      event.preventDefault();
      const known = this.store.state.widgetTypes;
      const answer = readWidgets(event.clipboardData, known?.size ? new Set(known.keys()) : new Set(registry.keys()));
      if ("error" in answer) this.message(answer.error);
      else this.pasteWidgets(answer.widgets);
    };
    root.addEventListener("pointerdown", onPointerDown);
    root.addEventListener("click", onClick);
    root.addEventListener("keydown", onKeyDown);
    document.addEventListener("copy", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      root.removeEventListener("pointerdown", onPointerDown);
      root.removeEventListener("click", onClick);
      root.removeEventListener("keydown", onKeyDown);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }

  /** Move and resize with interact.js. @returns {() => void} */
  interactions() {
    this.dragged = false;
    /** @type {{ names: string[], boxes: HTMLElement[], dx: number, dy: number } | null} */
    let drag = null;
    /** @type {{ name: string, box: HTMLElement, left: number, top: number, width: number, height: number } | null} */
    let sizing = null;
    const widgets = interact(".c-widget", { context: this.root });
    widgets.draggable({
      ignoreFrom: ".c-handle",
      listeners: {
        start: (event) => {
          if (this.store.state.preview) return event.interaction.stop();
          const box = /** @type {HTMLElement} */ (event.target);
          const name = String(box.dataset.widget);
          const selection = this.selected();
          // A selection in one container moves together; otherwise the widget alone.
          const parentOf = (/** @type {string} */ other) => this.drawn.get(other)?.box.parentElement;
          const group = selection.includes(name) && selection.every((other) => parentOf(other) === box.parentElement) ? selection : [name];
          drag = { names: group, boxes: group.map((other) => /** @type {HTMLElement} */ (this.drawn.get(other)?.box)), dx: 0, dy: 0 };
          for (const el of drag.boxes) el.classList.add("is-dragging");
          this.dragged = true;
        },
        move: (event) => {
          if (!drag) return;
          drag.dx += event.dx;
          drag.dy += event.dy;
          for (const el of drag.boxes) el.style.transform = `translate(${drag.dx}px, ${drag.dy}px)`;
          const box = /** @type {HTMLElement} */ (event.target);
          const target = drag.names.length === 1 ? dropTargetAt(event.client.x, event.client.y, box) : parentTarget(box);
          if (target) {
            const r = box.getBoundingClientRect();
            const at = snap(r.left - target.left, r.top - target.top, target.columnWidth);
            const size = rectOf(/** @type {EditorNode} */ (findWidget(this.store.state.page.layout, drag.names[0])?.node));
            showDropPreview(target, { ...size, x: Math.min(Math.max(at.x, 0), COLUMNS - size.w), y: Math.max(at.y, 0) });
          } else showDropPreview(null);
        },
        end: (event) => {
          const current = drag;
          drag = null;
          showDropPreview(null);
          setTimeout(() => {
            this.dragged = false;
          });
          if (!current) return;
          const box = /** @type {HTMLElement} */ (event.target);
          const r = box.getBoundingClientRect();
          const target = current.names.length === 1 ? dropTargetAt(event.client.x, event.client.y, box) : parentTarget(box);
          for (const el of current.boxes) {
            el.style.transform = "";
            el.classList.remove("is-dragging");
          }
          const name = String(box.dataset.widget);
          if (!target) {
            this.message(`${name} was dropped outside the grid: drop it on the canvas or in a container.`);
            return;
          }
          const at = snap(r.left - target.left, r.top - target.top, target.columnWidth);
          if (current.names.length === 1) {
            const isContainer = (/** @type {string} */ type) => this.isContainer(type);
            this.apply(`Move ${name}`, (layout) => moveTo(layout, name, at, { parent: target.parent, isContainer }));
          } else {
            const start = rectOf(/** @type {EditorNode} */ (findWidget(this.store.state.page.layout, name)?.node));
            const names = current.names;
            this.apply(`Move ${this.describe(names)}`, (layout) => moveBy(layout, names, at.x - start.x, at.y - start.y));
          }
          this.drawn.get(name)?.box.focus({ preventScroll: true });
        },
      },
    });
    widgets.resizable({
      edges: { top: ".c-handle.is-top", right: ".c-handle.is-right", bottom: ".c-handle.is-bottom", left: ".c-handle.is-left" },
      listeners: {
        start: (event) => {
          if (this.store.state.preview) return event.interaction.stop();
          const box = /** @type {HTMLElement} */ (event.target);
          sizing = { name: String(box.dataset.widget), box, left: box.offsetLeft, top: box.offsetTop, width: box.offsetWidth, height: box.offsetHeight };
          box.classList.add("is-resizing");
          this.dragged = true;
        },
        move: (event) => {
          if (!sizing) return;
          const { box } = sizing;
          sizing.left += event.deltaRect.left;
          sizing.top += event.deltaRect.top;
          sizing.width = event.rect.width;
          sizing.height = event.rect.height;
          Object.assign(box.style, {
            left: `${sizing.left}px`,
            top: `${sizing.top}px`,
            width: `${sizing.width}px`,
            height: `${sizing.height}px`,
          });
          const target = parentTarget(box);
          if (target) showDropPreview(target, snapRect({ left: sizing.left, top: sizing.top, width: sizing.width, height: sizing.height }, target.columnWidth));
        },
        end: () => {
          const current = sizing;
          sizing = null;
          showDropPreview(null);
          setTimeout(() => {
            this.dragged = false;
          });
          if (!current) return;
          const { box, name } = current;
          const target = parentTarget(box);
          for (const prop of ["left", "top", "width", "height"]) box.style.removeProperty(prop);
          box.classList.remove("is-resizing");
          if (!target) return;
          const rect = snapRect({ left: current.left, top: current.top, width: current.width, height: current.height }, target.columnWidth);
          this.apply(`Resize ${name}`, (layout) => resize(layout, name, rect));
          this.drawn.get(name)?.box.focus({ preventScroll: true });
        },
      },
    });
    return () => widgets.unset();
  }
}

/**
 * The grid a widget's box sits on (its parent's), for moves and resizes
 * within it.
 * @param {HTMLElement} box
 */
function parentTarget(box) {
  const host = box.parentElement?.closest("[data-grid]");
  if (!(host instanceof HTMLElement)) return null;
  return gridTarget(host);
}

/**
 * Where a grid element's cells start on the screen (inside its border and
 * scroll) and how wide a column is, for a drop or a move onto it.
 * @param {HTMLElement} host an element with `data-grid` (a parent's name)
 */
function gridTarget(host) {
  const rect = host.getBoundingClientRect();
  return {
    parent: String(host.dataset.grid),
    host,
    left: rect.left + host.clientLeft - host.scrollLeft,
    top: rect.top + host.clientTop - host.scrollTop,
    columnWidth: host.clientWidth / COLUMNS,
  };
}

/**
 * A widget's stored properties without its bindings (shown before the first
 * evaluation arrives).
 * @param {Record<string, unknown> | undefined} props
 * @returns {WidgetProps}
 */
function literals(props) {
  /** @type {WidgetProps} */
  const shown = {};
  for (const [key, value] of Object.entries(props || {})) if (!isBinding(value)) shown[key] = value;
  return shown;
}

function noUpdate() {}

/**
 * @param {string} type
 * @returns {WidgetInstance}
 */
function unsupported(type) {
  const el = h("div", { class: "w-unsupported", text: `The canvas cannot show ${type || "this"} widgets.` });
  return { el, update: noUpdate };
}
