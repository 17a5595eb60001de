// @ts-check
// The property pane: the selected widget's name and properties, generated
// from its type's schema (GET widget-types/: sections, labels, help, one
// control per property), as Appsmith's is. A bindable property has a "JS"
// toggle that swaps its control for a code field; an event property has an
// action selector, or a code field for what the selector cannot show. Under
// each field: the value the server's last evaluation gave it, the binding's
// error, or the server's refusal of the last save. Every edit is one store
// command (coalesced per property, so typing is one undo step).
/** @import { EditorNode } from "./layout.js" */
/** @import { EntityNode } from "./completions.js" */
/** @import { Control } from "./controls.js" */
/** @import { EditorState, EvaluationError, PropertyInfo, WidgetTypeInfo } from "./store.js" */
/** @import { Step } from "./action_selector.js" */
import { h } from "../../brace/dom.js";
import { createActionSelector, readHandler } from "./action_selector.js";
import { createCodeField } from "./code_field.js";
import { entityTree, typeOf } from "./completions.js";
import { createControl } from "./controls.js";
import { findWidget, isBinding, setProp, widgetNames } from "./layout.js";

/** @typedef {WidgetTypeInfo["events"][number]} EventInfo */

/**
 * The part of the editor's state the pane reads.
 * @typedef {Pick<EditorState, "page" | "pages" | "actions" | "widgetTypes" | "selection" | "evaluation" | "fieldErrors">} PaneState
 */

/**
 * What the pane asks of the store.
 * @typedef {object} PaneStore
 * @property {PaneState} state
 * @property {(listener: (state: PaneState, change: { kind: string }) => void) => () => void} subscribe
 *   (store.js's EditorStore; tests mount the pane on a smaller one)
 * @property {(label: string, recipe: (layout: EditorNode) => EditorNode, options?: { select?: string[], coalesce?: string }) => unknown} edit
 * @property {(oldName: string, newName: string) => Promise<unknown>} renameEntity
 */

const SECTIONS = ["General", "Validation", "Style", "Events"];

/**
 * One field of the pane, and how to refresh it from the state.
 * @typedef {object} Field
 * @property {string} key "Widget.prop"
 * @property {() => void} refresh
 * @property {() => void} destroy
 */

let uid = 0;

/**
 * How a stored literal reads in a code field: strings as they are, other
 * values as JavaScript would write them.
 * @param {unknown} value
 */
export function codeText(value) {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The value a code field's text stores for a property: a binding as it is;
 * a literal read as the property's type (`true`, `3`, `["*"]`), or as the
 * text itself, which the server checks and may refuse under the field. An
 * empty field removes the property, so its default applies, except for a
 * string, where "" is a value.
 * @param {string} text
 * @param {PropertyInfo} spec
 * @returns {unknown}
 */
export function codeValue(text, spec) {
  if (text.includes("{{") || spec.type === "string" || spec.type === "enum") return text;
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  if (spec.type === "boolean" && (trimmed === "true" || trimmed === "false")) return trimmed === "true";
  if ((spec.type === "number" || spec.type === "integer") && trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (spec.type === "string_list") {
    try {
      const list = JSON.parse(trimmed);
      if (Array.isArray(list)) return list;
    } catch {
      // Not JSON: stored as typed, for the server to refuse by name.
    }
  }
  return text;
}

/**
 * The evaluated value as the line under a field shows it: its type and a
 * compact rendering (JSON for objects, cut after a few lines).
 * @param {unknown} value
 * @returns {{ type: string, text: string }}
 */
export function evaluatedText(value) {
  const type = value === undefined ? "undefined" : typeOf(value);
  let text;
  if (type === "string") text = String(value);
  else if (type === "undefined") text = "undefined";
  else text = JSON.stringify(value, null, 2) ?? String(value);
  const lines = text.split("\n");
  if (lines.length > 12) text = `${lines.slice(0, 12).join("\n")}\n…`;
  if (text.length > 1200) text = `${text.slice(0, 1200)}…`;
  return { type, text };
}

/** @type {Record<string, string>} how a locked JS toggle's note names the control it stands for */
const CONTROL_WORDS = { switch: "switch", select: "dropdown", number: "number field", list: "list", color: "color picker" };

/**
 * "SyntaxError: Unexpected token (line 1, column 5)".
 * @param {EvaluationError} error
 */
export function errorText(error) {
  const where = error.line ? ` (line ${error.line}${error.column ? `, column ${error.column}` : ""})` : "";
  return `${error.name || "Error"}: ${error.message || error.code || "the binding failed"}${where}`;
}

/**
 * Mounts the pane in `root` (the editor's `<aside aria-label="Properties">`).
 * @param {HTMLElement} root
 * @param {PaneStore} store
 * @returns {() => void} unmounts it
 */
export function mountPropertyPane(root, store) {
  linkStylesheet();
  root.classList.add("property-pane");
  /** @type {Field[]} */
  let fields = [];
  /** @type {string | null} whose fields are drawn, with its type */
  let shown = null;
  /** @type {Map<string, boolean>} "Widget.prop" -> JS mode, as the user left it */
  const modes = new Map();
  /** @type {Set<string>} collapsed section names */
  const collapsed = new Set();
  /** @type {Record<string, EntityNode> | null} */
  let tree = null;
  // The store holds the application's queries; bindings see the page's.
  const pageActions = () => store.state.actions.filter((action) => action.page === undefined || action.page === store.state.page.id);
  const entities = () => {
    const { state } = store;
    tree = tree || entityTree({ layout: state.page.layout, widgetTypes: state.widgetTypes, actions: pageActions(), values: state.evaluation.values });
    return tree;
  };

  const render = () => {
    for (const field of fields) field.destroy();
    fields = [];
    const { state } = store;
    const selection = state.selection;
    const found = selection.length === 1 && state.page.layout ? findWidget(state.page.layout, selection[0]) : null;
    const type = found ? state.widgetTypes.get(found.node.type) : undefined;
    shown = found ? `${found.node.widgetName}:${found.node.type}` : `none:${selection.length}`;
    if (selection.length > 1) {
      root.replaceChildren(emptyState(`${selection.length} widgets are selected.`, "Select one widget to edit its properties."));
      return;
    }
    if (!found) {
      root.replaceChildren(emptyState("No widget is selected.", "Select a widget on the canvas or in the Explorer to edit its properties."));
      return;
    }
    if (!type) {
      root.replaceChildren(header(found.node, undefined), emptyState(`This editor does not know the widget type ${found.node.type}.`, ""));
      return;
    }
    const name = found.node.widgetName;
    const sections = new Map(SECTIONS.map((section) => [section, /** @type {HTMLElement[]} */ ([])]));
    for (const spec of type.properties) {
      const field = propertyField(name, spec);
      const list = sections.get(spec.section) || [];
      sections.set(spec.section, list);
      list.push(field);
    }
    for (const event of type.events || []) /** @type {HTMLElement[]} */ (sections.get("Events")).push(eventField(name, event));
    root.replaceChildren(
      header(found.node, type),
      ...[...sections].filter(([, list]) => list.length).map(([section, list]) => sectionElement(section, list)),
    );
    refresh();
  };

  const refresh = () => {
    for (const field of fields) field.refresh();
  };

  /**
   * @param {string} title
   * @param {string} text
   */
  const emptyState = (title, text) =>
    h("div", { class: "pp-empty" }, h("p", { class: "pp-empty-title", text: title }), text ? h("p", { class: "pp-empty-text", text }) : null);

  /**
   * The name (editable: a rename rewrites every binding that uses it) and the type.
   * @param {EditorNode} node
   * @param {WidgetTypeInfo | undefined} type
   */
  const header = (node, type) => {
    const error = h("p", { class: "pp-name-error", role: "alert", id: `pp-name-error-${++uid}` });
    const input = h("input", {
      type: "text",
      class: "pp-name",
      "aria-label": "Widget name",
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": error.id,
    });
    input.value = node.widgetName;
    let busy = false;
    const commit = async () => {
      const next = input.value.trim();
      if (busy || next === node.widgetName) return;
      busy = true;
      try {
        await store.renameEntity(node.widgetName, next);
        error.textContent = "";
        input.removeAttribute("aria-invalid");
      } catch (failure) {
        // The server names what is wrong (taken, not an identifier, reserved);
        // the typed name stays so it can be corrected.
        error.textContent = failure instanceof Error ? failure.message : String(failure);
        input.setAttribute("aria-invalid", "true");
      } finally {
        busy = false;
      }
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") commit();
      if (event.key === "Escape") {
        input.value = node.widgetName;
        error.textContent = "";
        input.removeAttribute("aria-invalid");
      }
    });
    input.addEventListener("change", commit);
    const icon = type?.icon
      ? svgIcon(type.icon)
      : h("span", { class: "pp-type-icon", "aria-hidden": "true" });
    return h(
      "header",
      { class: "pp-header" },
      h("div", { class: "pp-header-row" }, icon, input),
      h("p", { class: "pp-type", text: type?.label || node.type, title: type?.help || "" }),
      error,
    );
  };

  /**
   * @param {string} title
   * @param {HTMLElement[]} children
   */
  const sectionElement = (title, children) => {
    const bodyId = `pp-section-${++uid}`;
    const body = h("div", { class: "pp-section-body", id: bodyId, hidden: collapsed.has(title) }, children);
    const toggle = h("button", {
      type: "button",
      class: "pp-section-toggle",
      "aria-expanded": String(!collapsed.has(title)),
      "aria-controls": bodyId,
      text: title,
      onclick: () => {
        const open = collapsed.has(title);
        if (open) collapsed.delete(title);
        else collapsed.add(title);
        toggle.setAttribute("aria-expanded", String(open));
        body.hidden = !open;
      },
    });
    return h("section", { class: "pp-section", "aria-label": title }, h("h2", { class: "pp-section-title" }, toggle), body);
  };

  /**
   * @param {string} widget
   * @param {string} prop
   * @param {unknown} value
   */
  const save = (widget, prop, value) => {
    store.edit(`Set ${widget}.${prop}`, (layout) => setProp(layout, widget, prop, value), { coalesce: `${widget}.${prop}` });
  };

  /** @param {string} widget @param {string} prop */
  const stored = (widget, prop) => {
    const layout = store.state.page.layout;
    return layout ? findWidget(layout, widget)?.node.props?.[prop] : undefined;
  };

  /**
   * The frame every field shares: label (with help), JS toggle, the
   * control slot, and the lines under it.
   * @param {string} key
   * @param {string} label
   * @param {string | undefined} help
   * @param {boolean} showsValue whether the evaluated value has a line
   */
  const frame = (key, label, help, showsValue) => {
    const id = `pp-${++uid}`;
    const helpId = help ? `${id}-help` : undefined;
    const labelEl = h("label", { class: `pp-label${help ? " has-help" : ""}`, for: id, id: `${id}-label`, title: help || null, text: label });
    const slot = h("div", { class: "pp-control" });
    const value = h("div", { class: "pp-evaluated", hidden: true });
    const errors = h("div", { class: "pp-errors", role: "alert" });
    const element = h(
      "div",
      { class: "pp-field", dataset: { field: key } },
      h("div", { class: "pp-field-head" }, labelEl),
      slot,
      help ? h("p", { class: "pp-help", id: helpId, text: help }) : null,
      showsValue ? value : null,
      errors,
    );
    /**
     * @param {boolean} code
     * @param {boolean} [typing] the user is typing the code: its binding errors wait (code_field.js)
     */
    const paint = (code, typing = false) => {
      const { evaluation, fieldErrors } = store.state;
      const [widget, prop] = [key.slice(0, key.indexOf(".")), key.slice(key.indexOf(".") + 1)];
      const bindingErrors = typing ? [] : evaluation.errors[key] || [];
      const refused = fieldErrors[key];
      errors.replaceChildren(
        ...bindingErrors.map((error) => h("p", { class: "pp-error", text: errorText(error) })),
        ...(refused ? [h("p", { class: "pp-error pp-refused", text: refused })] : []),
      );
      element.classList.toggle("is-invalid", Boolean(bindingErrors.length || refused));
      if (!showsValue) return;
      const values = evaluation.values[widget] || {};
      const known = Object.hasOwn(values, prop);
      // A literal's value is what the control shows; a binding's is news.
      const bound = code || isBinding(stored(widget, prop));
      value.hidden = !(bound && known && !bindingErrors.length);
      if (value.hidden) return;
      const { type, text } = evaluatedText(values[prop]);
      value.replaceChildren(
        h("span", { class: "pp-evaluated-head" }, h("span", { text: "Evaluated value" }), h("span", { class: "pp-evaluated-type", text: type })),
        h("pre", { class: "pp-evaluated-value", text }),
      );
    };
    return { id, labelEl, slot, element, paint, head: /** @type {HTMLElement} */ (element.firstElementChild) };
  };

  /**
   * The JS toggle of a field.
   * @param {string} label
   * @param {() => void} onToggle
   */
  const jsToggle = (label, onToggle) =>
    h("button", {
      type: "button",
      class: "pp-js-toggle",
      "aria-pressed": "false",
      "aria-label": `JS for ${label}`,
      text: "JS",
      onclick: onToggle,
    });

  /**
   * Says why a JS toggle is locked on, under the field and to screen readers
   * (the toggle's description): a greyed button alone does not.
   * @param {HTMLElement} toggle
   * @param {HTMLElement} note a `.pp-locked-note` of the field, hidden when not locked
   * @param {string | null} reason why it is locked, or null when it is not
   */
  const paintLock = (toggle, note, reason) => {
    toggle.setAttribute("aria-disabled", String(Boolean(reason)));
    note.hidden = !reason;
    note.textContent = reason || "";
    if (reason) toggle.setAttribute("aria-describedby", note.id);
    else toggle.removeAttribute("aria-describedby");
  };

  /** A field's locked-toggle note, hidden until paintLock shows it. */
  const lockNote = () => h("p", { class: "pp-locked-note", id: `pp-locked-${++uid}`, hidden: true });

  /**
   * @param {string} widget
   * @param {PropertyInfo} spec
   */
  const propertyField = (widget, spec) => {
    const key = `${widget}.${spec.name}`;
    const parts = frame(key, spec.label || spec.name, spec.help, true);
    const isText = spec.control === "text";
    const initial = stored(widget, spec.name);
    let code = modes.get(key) ?? (spec.bindable && isBinding(initial));
    /** @type {Control | null} */
    let control = null;
    /** @type {import("./code_field.js").CodeField | null} */
    let codeField = null;
    const toggle = spec.bindable
      ? jsToggle(spec.label || spec.name, () => {
          if (toggle?.getAttribute("aria-disabled") === "true") return;
          code = !code;
          modes.set(key, code);
          build();
          if (codeField) codeField.focus();
          else /** @type {HTMLElement | null} */ (parts.slot.querySelector("input, select"))?.focus();
        })
      : null;
    const note = lockNote();
    if (toggle) {
      parts.head.append(toggle);
      parts.slot.after(note);
    }
    const build = () => {
      codeField?.destroy();
      codeField = null;
      control = null;
      const value = stored(widget, spec.name);
      if (code) {
        codeField = createCodeField({
          label: spec.label || spec.name,
          value: codeText(value),
          singleLine: spec.type !== "string_list",
          placeholder: codeText(spec.default),
          entities,
          onChange: (text) => save(widget, spec.name, codeValue(text, spec)),
          onSettle: () => parts.paint(code),
        });
        parts.slot.replaceChildren(codeField.element);
        parts.labelEl.removeAttribute("for");
      } else {
        control = createControl(spec, { id: parts.id, value, onChange: (next) => save(widget, spec.name, next) });
        parts.slot.replaceChildren(control.element);
        parts.labelEl.setAttribute("for", parts.id);
      }
      parts.element.classList.toggle("is-code", code);
      paintToggle();
    };
    const paintToggle = () => {
      if (!toggle) return;
      toggle.setAttribute("aria-pressed", String(code));
      // Only a text field can show a binding as it is; other controls wait
      // until the code holds a literal again.
      const locked = code && !isText && isBinding(stored(widget, spec.name));
      paintLock(toggle, note, locked ? `Holds code: clear the {{ }} binding to use the ${CONTROL_WORDS[spec.control] || "control"}.` : null);
      toggle.title = locked ? "Holds code" : code ? "Use the control" : "Write JavaScript";
    };
    build();
    fields.push({
      key,
      refresh() {
        const value = stored(widget, spec.name);
        if (!code && isBinding(value) && !isText && !parts.element.contains(document.activeElement)) {
          // An undo or a rename brought a binding back: show it as code.
          code = true;
          build();
        }
        if (codeField) codeField.set(codeText(value));
        control?.set(value);
        paintToggle();
        parts.paint(code, codeField?.typing);
      },
      destroy: () => codeField?.destroy(),
    });
    return parts.element;
  };

  /**
   * An event: the action selector, or its code.
   * @param {string} widget
   * @param {EventInfo} event
   */
  const eventField = (widget, event) => {
    const key = `${widget}.${event.name}`;
    const label = event.label || event.name;
    const parts = frame(key, label, event.help, false);
    let code = modes.get(key) ?? readHandler(stored(widget, event.name)) === null;
    /** @type {import("./code_field.js").CodeField | null} */
    let codeField = null;
    /** @type {{ element: HTMLElement, set: (steps: Step[]) => void } | null} */
    let selector = null;
    const toggle = jsToggle(label, () => {
      if (toggle.getAttribute("aria-disabled") === "true") return;
      code = !code;
      modes.set(key, code);
      build();
      if (codeField) codeField.focus();
    });
    parts.head.append(toggle);
    const note = lockNote();
    parts.slot.after(note);
    const choices = () => {
      const { state } = store;
      const names = state.page.layout ? [...widgetNames(state.page.layout)].filter((name) => name !== state.page.layout?.widgetName) : [];
      return { queries: pageActions().map((action) => action.name), pages: (state.pages || []).map((page) => page.name), widgets: names };
    };
    /** @param {string} text */
    const saveCode = (text) => save(widget, event.name, text === "" ? undefined : text);
    const build = () => {
      codeField?.destroy();
      codeField = null;
      selector = null;
      const value = stored(widget, event.name);
      if (code) {
        codeField = createCodeField({ label, value: codeText(value), entities, placeholder: "{{ }}", onChange: saveCode, onSettle: () => parts.paint(code) });
        parts.slot.replaceChildren(codeField.element);
      } else {
        selector = createActionSelector({ label, steps: readHandler(value) || [], choices, onChange: saveCode });
        parts.slot.replaceChildren(selector.element);
      }
      parts.labelEl.removeAttribute("for");
      parts.element.classList.toggle("is-code", code);
      paintToggle();
    };
    const paintToggle = () => {
      toggle.setAttribute("aria-pressed", String(code));
      const locked = code && readHandler(stored(widget, event.name)) === null;
      paintLock(toggle, note, locked ? "Holds code the action selector cannot show: clear it to use the selector." : null);
      toggle.title = locked ? "Holds code" : code ? "Use the action selector" : "Write JavaScript";
    };
    build();
    fields.push({
      key,
      refresh() {
        const value = stored(widget, event.name);
        const steps = readHandler(value);
        if (!code && steps === null && !parts.element.contains(document.activeElement)) {
          code = true;
          build();
        }
        if (codeField) codeField.set(codeText(value));
        if (selector && steps) selector.set(steps);
        paintToggle();
        parts.paint(code, codeField?.typing);
      },
      destroy: () => codeField?.destroy(),
    });
    return parts.element;
  };

  const unsubscribe = store.subscribe((state, change) => {
    tree = null;
    const selection = state.selection;
    const found = selection.length === 1 && state.page.layout ? findWidget(state.page.layout, selection[0]) : null;
    const now = found ? `${found.node.widgetName}:${found.node.type}` : `none:${selection.length}`;
    if (now !== shown || change.kind === "entities") render();
    else refresh();
  });
  render();
  return () => {
    unsubscribe();
    for (const field of fields) field.destroy();
    root.replaceChildren();
  };
}

/**
 * The pane brings its own stylesheet (a same-origin file, as the CSP wants),
 * so whatever page mounts it needs no extra <link>.
 */
function linkStylesheet() {
  const href = new URL("./property_pane.css", import.meta.url).href;
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((link) => /** @type {HTMLLinkElement} */ (link).href === href)) return;
  document.head.append(h("link", { rel: "stylesheet", href }));
}

/**
 * A widget type's icon: an SVG path for a 24×24 box.
 * @param {string} path
 */
function svgIcon(path) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "pp-type-icon");
  svg.setAttribute("aria-hidden", "true");
  const shape = document.createElementNS("http://www.w3.org/2000/svg", "path");
  shape.setAttribute("d", path);
  svg.append(shape);
  return svg;
}

