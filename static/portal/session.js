// @ts-check
// The page's client-side state and how a server answer merges into it.
// Kept free of the DOM so the merge rules read in one place.
/** @import { BindingError, EventAnswer, LayoutNode, PageRef, RuntimePage, WidgetProps } from "../brace/api_types.js" */

/**
 * @typedef {object} PortalState
 * @property {{ id?: number, name?: string, slug?: string }} application
 * @property {{ id?: number, name?: string, slug?: string }} page
 * @property {PageRef[]} pages
 * @property {LayoutNode | null} layout
 * @property {Record<string, WidgetProps>} widgets
 * @property {Record<string, Record<string, unknown>>} actions
 * @property {Record<string, BindingError[]>} errors by "Widget.property"
 * @property {Record<string, unknown>} store
 */

/**
 * @param {RuntimePage} page
 * @returns {PortalState}
 */
export function createState(page) {
  return {
    application: page.application || {},
    page: page.page || {},
    pages: page.pages || [],
    layout: page.layout || null,
    widgets: page.widgets || {},
    actions: page.actions || {},
    errors: page.errors || {},
    store: page.store || {},
  };
}

// `widgets` holds only changed properties; `errors` is read as the errors
// of what was re-evaluated: a changed property without an error entry has
// lost its error. A property answered as null has lost its value (its
// binding now fails): it is dropped, as the page load leaves such a property
// out, so widgets show their default instead of a null.
/**
 * @param {PortalState} state
 * @param {EventAnswer} answer
 * @returns {Set<string>} the names of the widgets to redraw
 */
export function mergeAnswer(state, answer) {
  const changed = new Set();
  for (const [name, props] of Object.entries(answer.widgets || {})) {
    const merged = { ...(state.widgets[name] || {}), ...props };
    for (const [property, value] of Object.entries(props)) {
      if (value === null) delete merged[property];
    }
    state.widgets[name] = merged;
    changed.add(name);
    for (const property of Object.keys(props)) delete state.errors[`${name}.${property}`];
  }
  for (const [path, list] of Object.entries(answer.errors || {})) {
    if (Array.isArray(list) && list.length === 0) delete state.errors[path];
    else state.errors[path] = list;
    changed.add(path.split(".")[0]);
  }
  for (const [name, action] of Object.entries(answer.actions || {})) {
    state.actions[name] = { ...(state.actions[name] || {}), ...action };
  }
  // The full store after the event; the store effects replay on this copy
  // (effects.js), which leaves it as it is: each key ends as the last
  // effect touching it left it, as on the server.
  if (answer.store && typeof answer.store === "object") state.store = { ...answer.store };
  return changed;
}

/**
 * @param {PortalState} state
 * @param {string} name a widget
 * @param {WidgetProps} meta
 */
export function setMeta(state, name, meta) {
  state.widgets[name] = { ...(state.widgets[name] || {}), ...meta };
}
