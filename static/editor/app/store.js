// @ts-check
// The one state of the editor for one open page, and every change to it.
// Modules read `store.state` and subscribe to changes; they change it only
// through the methods here: a layout change is `edit(label, recipe)`, one undo
// step that the saver saves and the evaluator evaluates, so undo, redo and
// saving share one path. Renaming an entity is the server's job (it rewrites
// every binding that refers to the name), and is a step of the same history.
/** @import { Application, Datasource, Listing } from "../../brace/api_types.js" */
/** @import { EditorNode } from "./layout.js" */
/** @import { ApiCall } from "./saver.js" */
/** @import { Command } from "./history.js" */
import {
  actionsPath,
  applicationPath,
  pagePath,
  pagesPath,
  pageRenamePath,
  widgetTypesPath,
  workspaceDatasourcesPath,
} from "../../brace/api_paths.js";
import { ApiError, api as httpApi, listOf } from "../../brace/http.js";
import { Evaluator } from "./evaluator.js";
import { History } from "./history.js";
import { widgetNames } from "./layout.js";
import { CONFLICT_MESSAGE, Saver } from "./saver.js";

/**
 * A page of the application as the Explorer lists it (no layout).
 * @typedef {object} PageSummary
 * @property {number} id
 * @property {string} name
 * @property {string} [slug]
 * @property {number} [order]
 */

/**
 * The page under edit.
 * @typedef {object} OpenPage
 * @property {number} id
 * @property {string} name
 * @property {number | undefined} version what the server's copy is at; saves send it back
 * @property {EditorNode} layout the draft: what the canvas shows, saved or not
 */

/**
 * A query of the page (docs/editor-api.md, "An action").
 * @typedef {object} Action
 * @property {number} id
 * @property {number} page
 * @property {string} name
 * @property {number | null} [datasource]
 * @property {Record<string, unknown>} [config]
 */

/**
 * A property of a widget type's schema (GET widget-types/).
 * @typedef {object} PropertyInfo
 * @property {string} name
 * @property {string} label
 * @property {string} section
 * @property {"text" | "number" | "switch" | "select" | "color" | "list"} control
 * @property {string} type
 * @property {unknown} default
 * @property {boolean} bindable
 * @property {boolean} nullable
 * @property {unknown[]} [choices]
 * @property {number} [minimum]
 * @property {number} [maximum]
 * @property {string} [help]
 */

/**
 * A registered widget type, as GET widget-types/ answers it.
 * @typedef {object} WidgetTypeInfo
 * @property {string} name
 * @property {string} label
 * @property {string} icon an SVG path for a 24×24 viewBox
 * @property {string} [help]
 * @property {boolean} is_container
 * @property {{ w: number, h: number }} default_size
 * @property {Record<string, unknown>} default_props
 * @property {PropertyInfo[]} properties
 * @property {{ name: string, default: unknown, help?: string }[]} meta
 * @property {string[]} derived
 * @property {{ name: string, label: string, help?: string }[]} events
 */

/**
 * @typedef {object} EvaluationError
 * @property {string} [code]
 * @property {string} [name]
 * @property {string} [message]
 * @property {string} [binding]
 * @property {number} [line]
 * @property {number} [column]
 */

/**
 * What the server last evaluated: values by widget, binding errors by
 * "Widget.prop", and why the latest draft did not evaluate ("" when it did).
 * @typedef {object} Evaluation
 * @property {Record<string, Record<string, unknown>>} values
 * @property {Record<string, EvaluationError[]>} errors
 * @property {string} [failure]
 */

/**
 * "unsaved": changes wait for the save; "failed": the server refused them or
 * could not be reached (`message` says why); "conflict": another tab saved
 * first, nothing more is saved until a reload.
 * @typedef {object} SaveState
 * @property {"saved" | "saving" | "unsaved" | "failed" | "conflict"} status
 * @property {string} message
 */

/**
 * @typedef {object} EditorState
 * @property {Application} application
 * @property {PageSummary[]} pages
 * @property {OpenPage} page
 * @property {Action[]} actions the application's queries (each names its page)
 * @property {Datasource[]} datasources the workspace's
 * @property {Map<string, WidgetTypeInfo>} widgetTypes by type name, in registry order
 * @property {string[]} selection widget names
 * @property {Evaluation} evaluation
 * @property {Record<string, string>} fieldErrors the server's refusals, by "Widget.prop"
 * @property {SaveState} save
 * @property {boolean} preview
 * @property {Record<string, Record<string, unknown>>} [previewMeta] in preview, what the user set in the
 *   widgets (an Input's text, a FilePicker's files), by widget: evaluations send it as `state.widgets`
 * @property {number | null} [query] the query open in the query editor (in place of the canvas), if any
 */

/** @typedef {"layout" | "selection" | "evaluation" | "save" | "entities" | "preview" | "previewMeta" | "query"} ChangeKind */
/**
 * What changed; `message` says why, for a change the user did not ask for
 * (preview meta the server refused).
 * @typedef {{ kind: ChangeKind, message?: string }} Change
 */
/** @typedef {(state: EditorState, change: Change) => void} Listener */

/**
 * Where the page's template says the editor is (`editor-context`).
 * @typedef {object} EditorContext
 * @property {number} application
 * @property {number} page
 * @property {number} workspace
 * @property {number | null} [query] the query the URL opens (/queries/{id}/), if any
 * @property {string} portalUrl
 * @property {string} editorUrl the page's own address in the editor
 */

/**
 * @typedef {object} StoreOptions
 * @property {ApiCall} [api] how the store calls the API (http.js's `api`; tests pass a fake)
 * @property {number} [saveDelay]
 * @property {number} [evaluateDelay]
 * @property {number} [retryDelay]
 */

/**
 * A layout step: the tree and the selection before and after.
 * @typedef {Command & { before: EditorNode, after: EditorNode, selectionBefore: string[], selectionAfter: string[] }} LayoutCommand
 */

/** @param {unknown} a @param {unknown} b */
const sameJson = (a, b) => a === b || JSON.stringify(a) === JSON.stringify(b);

/** @param {string[]} a @param {string[]} b */
const sameNames = (a, b) => a.length === b.length && a.every((name, index) => name === b[index]);

export class EditorStore {
  /**
   * @param {EditorState} state
   * @param {StoreOptions} [options]
   */
  constructor(state, options = {}) {
    this.state = state;
    this.api = options.api || httpApi;
    /** @type {Set<Listener>} */
    this.listeners = new Set();
    this.history = new History();
    this.saver = new Saver(this, { api: this.api, delay: options.saveDelay, retryDelay: options.retryDelay });
    this.evaluator = new Evaluator(this, { api: this.api, delay: options.evaluateDelay });
    // While a rename is at the server, edits wait for its answer (the layout
    // it answers replaces the draft), then apply to it in order.
    /** @type {Promise<void> | null} */
    this.renaming = null;
  }

  /**
   * Loads everything the editor shows for one page of an application.
   * @param {EditorContext} context
   * @param {StoreOptions} [options]
   * @returns {Promise<EditorStore>}
   */
  static async load(context, options = {}) {
    const call = options.api || httpApi;
    const [application, pages, page, actions, datasources, widgetTypes] = await Promise.all([
      call("GET", applicationPath(context.application)),
      call("GET", pagesPath(context.application)),
      call("GET", pagePath(context.page)),
      call("GET", actionsPath(context.page)),
      call("GET", workspaceDatasourcesPath(context.workspace)),
      call("GET", widgetTypesPath()),
    ]);
    const loaded = /** @type {{ id: number, name: string, version?: number, layout: EditorNode }} */ (page);
    /** @type {Map<string, WidgetTypeInfo>} */
    const types = new Map();
    for (const type of listOf(/** @type {Listing<WidgetTypeInfo>} */ (widgetTypes))) types.set(type.name, type);
    return new EditorStore(
      {
        application: /** @type {Application} */ (application),
        pages: listOf(/** @type {Listing<PageSummary>} */ (pages)),
        page: { id: loaded.id, name: loaded.name, version: loaded.version, layout: loaded.layout },
        actions: listOf(/** @type {Listing<Action>} */ (actions)),
        datasources: listOf(/** @type {Listing<Datasource>} */ (datasources)),
        widgetTypes: types,
        selection: [],
        evaluation: { values: {}, errors: {}, failure: "" },
        fieldErrors: {},
        save: { status: "saved", message: "" },
        preview: false,
        previewMeta: {},
        query: null,
      },
      options,
    );
  }

  /**
   * @param {Listener} listener called after each change with the state and what changed
   * @returns {() => void} unsubscribes
   */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * @param {ChangeKind} kind
   * @param {string} [message] why, when the user did not ask for the change
   */
  emit(kind, message) {
    const change = message === undefined ? { kind } : { kind, message };
    for (const listener of [...this.listeners]) {
      try {
        listener(this.state, change);
      } catch (error) {
        // One broken view must not stop the others from hearing the change.
        reportError(error);
      }
    }
  }

  /**
   * Changes the layout: `recipe` gets a deep copy of the draft, may change it
   * in place, and answers the new layout. One undo step; with the same
   * `coalesce` key as the step before (typing in one field), the same step.
   * A recipe that throws changes nothing (the error goes to the caller).
   * @param {string} label what the user did ("Move Button1")
   * @param {(layout: EditorNode) => EditorNode | void} recipe
   * @param {{ select?: string[], coalesce?: string }} [options]
   * @returns {boolean} whether the layout changed (false: nothing to undo)
   */
  edit(label, recipe, options = {}) {
    if (this.renaming) {
      this.renaming.finally(() => this.edit(label, recipe, options));
      return true;
    }
    const before = this.state.page.layout;
    const draft = structuredClone(before);
    const after = recipe(draft) || draft;
    const selectionBefore = this.state.selection;
    const names = widgetNames(after);
    const selectionAfter = (options.select || selectionBefore).filter((name) => names.has(name));
    if (sameJson(before, after)) {
      this.select(selectionAfter);
      return false;
    }
    /** @type {LayoutCommand} */
    const command = {
      label,
      coalesce: options.coalesce,
      before,
      after,
      selectionBefore,
      selectionAfter,
      undo: () => this.applyLayout(command.before, command.selectionBefore),
      redo: () => this.applyLayout(command.after, command.selectionAfter),
      absorb: (next) => {
        const step = /** @type {LayoutCommand} */ (next);
        command.after = step.after;
        command.selectionAfter = step.selectionAfter;
      },
    };
    this.history.push(command);
    this.applyLayout(after, selectionAfter);
    return true;
  }

  /**
   * @param {EditorNode} layout
   * @param {string[]} selection
   */
  applyLayout(layout, selection) {
    this.state.page = { ...this.state.page, layout };
    this.emit("layout");
    const names = widgetNames(layout);
    this.select(selection.filter((name) => names.has(name)));
    this.saver.schedule();
    this.evaluator.schedule();
  }

  /** @param {string[]} names the widgets to select, in order; [] deselects */
  select(names) {
    const selection = [...new Set(names)];
    if (sameNames(selection, this.state.selection)) return;
    this.state.selection = selection;
    this.emit("selection");
  }

  canUndo() {
    return this.history.canUndo();
  }

  canRedo() {
    return this.history.canRedo();
  }

  /** @returns {Promise<boolean>} whether there was a step to undo */
  async undo() {
    return (await this.history.undo()) !== null;
  }

  /** @returns {Promise<boolean>} whether there was a step to redo */
  async redo() {
    return (await this.history.redo()) !== null;
  }

  /**
   * Renames a widget or a query of the page. The server renames it and
   * rewrites every binding and handler that refers to it; the page and the
   * queries it answers replace the editor's. One undo step (undo renames
   * back). Rejects with the server's ApiError (`field` "new_name" for a name
   * taken, reserved or not an identifier) and then changes nothing.
   * @param {string} oldName
   * @param {string} newName
   * @returns {Promise<void>}
   */
  renameEntity(oldName, newName) {
    if (oldName === newName) return Promise.resolve();
    return this.history.exclusive(async () => {
      await this.rename(oldName, newName);
      this.history.push({
        label: `Rename ${oldName} to ${newName}`,
        undo: () => this.rename(newName, oldName),
        redo: () => this.rename(oldName, newName),
      });
      this.emit("entities");
    });
  }

  /**
   * @param {string} oldName
   * @param {string} newName
   * @returns {Promise<void>}
   */
  rename(oldName, newName) {
    const run = (async () => {
      // The server renames in what it holds, so it must hold the draft first.
      await this.saver.flush();
      const { page } = this.state;
      /** @type {{ old_name: string, new_name: string, version?: number }} */
      const body = { old_name: oldName, new_name: newName };
      if (typeof page.version === "number") body.version = page.version;
      const answer = /** @type {{ page: { name: string, version?: number, layout: EditorNode }, actions: Action[] }} */ (
        await this.api("POST", pageRenamePath(page.id), body).catch((error) => this.noteConflict(error))
      );
      this.state.page = { ...page, name: answer.page.name, version: answer.page.version, layout: answer.page.layout };
      const others = this.state.actions.filter((action) => action.page !== page.id);
      this.state.actions = [...others, ...answer.actions];
      /** @type {Record<string, string>} */
      const fieldErrors = {};
      for (const [key, message] of Object.entries(this.state.fieldErrors)) {
        const [entity, ...rest] = key.split(".");
        fieldErrors[entity === oldName ? [newName, ...rest].join(".") : key] = message;
      }
      this.state.fieldErrors = fieldErrors;
      // Until the evaluation of the renamed page answers, the last values
      // stand under the new name, so the canvas and pane never go blank.
      this.state.evaluation = renamedEvaluation(this.state.evaluation, oldName, newName);
      this.emit("layout");
      this.emit("entities");
      this.emit("evaluation");
      this.select(this.state.selection.map((name) => (name === oldName ? newName : name)));
      this.evaluator.schedule();
    })();
    const settled = run
      .catch(() => undefined)
      .finally(() => {
        if (this.renaming === settled) this.renaming = null;
      });
    this.renaming = settled;
    return run;
  }

  /**
   * Renames a page of the application. The page under edit is saved first
   * and renamed with its version, so the version the next save sends is the
   * one the rename made; another page is renamed by name alone (the editor
   * holds none of its layout). One undo step. Rejects with the server's
   * ApiError (`field` "name" for a name another page has) and then changes
   * nothing.
   * @param {number} pageId
   * @param {string} newName
   * @returns {Promise<void>}
   */
  renamePage(pageId, newName) {
    const oldName = this.state.pages.find((page) => page.id === pageId)?.name ?? this.state.page.name;
    if (oldName === newName) return Promise.resolve();
    return this.history.exclusive(async () => {
      await this.namePage(pageId, newName);
      this.history.push({
        label: `Rename page ${oldName} to ${newName}`,
        undo: () => this.namePage(pageId, oldName),
        redo: () => this.namePage(pageId, newName),
      });
      this.emit("entities");
    });
  }

  /**
   * @param {number} pageId
   * @param {string} name
   * @returns {Promise<void>}
   */
  async namePage(pageId, name) {
    const current = pageId === this.state.page.id;
    /** @type {{ name: string, version?: number }} */
    const body = { name };
    if (current) {
      await this.saver.flush();
      if (typeof this.state.page.version === "number") body.version = this.state.page.version;
    }
    const answer = /** @type {{ name: string, version?: number }} */ (
      await this.api("PATCH", pagePath(pageId), body).catch((error) => this.noteConflict(error))
    );
    if (current) this.state.page = { ...this.state.page, name: answer.name, version: answer.version ?? this.state.page.version };
    this.state.pages = this.state.pages.map((page) => (page.id === pageId ? { ...page, name: answer.name } : page));
    this.emit("entities");
  }

  /**
   * A 409 on a write of the page under edit means another tab saved it
   * first: from then on the page is in conflict, as after a refused save.
   * @param {unknown} error
   * @returns {never}
   */
  noteConflict(error) {
    if (error instanceof ApiError && error.status === 409 && error.code === "version_conflict") {
      this.setSaveState({ status: "conflict", message: CONFLICT_MESSAGE });
    }
    throw error;
  }

  /**
   * Turns preview on or off. Each preview starts from the page as built:
   * what the user typed or picked in the last one is gone, and leaving it
   * evaluates the page without it at once.
   * @param {boolean} on whether the canvas shows the app as its users will
   */
  setPreview(on) {
    if (this.state.preview === on) return;
    const hadMeta = Object.keys(this.state.previewMeta || {}).length > 0;
    this.state.preview = on;
    this.state.previewMeta = {};
    if (on) this.select([]);
    this.emit("preview");
    if (hadMeta) this.evaluator.run();
  }

  /**
   * In preview, records what the user set in a widget (`{text}` typed in an
   * Input, `{files}` picked in a FilePicker) and evaluates the page with it
   * soon, as the portal would after the user's change. Outside preview
   * widgets take no input, and this does nothing.
   * @param {string} name the widget
   * @param {Record<string, unknown>} meta
   * @returns {boolean} whether it was recorded
   */
  setPreviewMeta(name, meta) {
    if (!this.state.preview) return false;
    const all = this.state.previewMeta || {};
    this.state.previewMeta = { ...all, [name]: { ...all[name], ...meta } };
    this.emit("previewMeta");
    this.evaluator.schedule();
    return true;
  }

  /**
   * The server refused what the user set in a widget in preview (a file
   * over the widget's size limit, say): it is forgotten, the change says
   * why, and the page is evaluated without it.
   * @param {string} name the widget
   * @param {string} message the server's reason
   * @returns {boolean} whether the widget had preview meta to forget
   */
  refusePreviewMeta(name, message) {
    const all = this.state.previewMeta || {};
    if (!(name in all)) return false;
    const rest = { ...all };
    delete rest[name];
    this.state.previewMeta = rest;
    this.emit("previewMeta", message);
    return true;
  }

  /**
   * Opens a query of the page in the query editor, in place of the canvas;
   * null goes back to the canvas.
   * @param {number | null} id
   */
  openQuery(id) {
    const found = id !== null && this.state.actions.some((action) => action.id === id && action.page === this.state.page.id);
    const query = found ? id : null;
    if ((this.state.query ?? null) === query) return;
    this.state.query = query;
    if (query !== null) this.select([]);
    this.emit("query");
  }

  /**
   * Replaces the application, its pages, queries or datasources after a
   * change the Explorer made through the API.
   * @param {Partial<Pick<EditorState, "application" | "pages" | "actions" | "datasources">>} entities
   */
  setEntities(entities) {
    Object.assign(this.state, entities);
    this.emit("entities");
    // A deleted query closes.
    if (this.state.query != null && !this.state.actions.some((action) => action.id === this.state.query)) this.openQuery(null);
  }

  // For the saver and the evaluator.

  /** @param {number} version the server's, after a save */
  setVersion(version) {
    this.state.page = { ...this.state.page, version };
  }

  /**
   * @param {SaveState} save
   * @param {Record<string, string>} [fieldErrors] replaces the field errors when given
   */
  setSaveState(save, fieldErrors) {
    this.state.save = save;
    if (fieldErrors) this.state.fieldErrors = fieldErrors;
    this.emit("save");
  }

  /** @param {Evaluation} evaluation */
  setEvaluation(evaluation) {
    this.state.evaluation = evaluation;
    this.emit("evaluation");
  }
}

/**
 * The evaluation with `oldName`'s values and errors filed under `newName`.
 * @param {Evaluation} evaluation
 * @param {string} oldName
 * @param {string} newName
 * @returns {Evaluation}
 */
export function renamedEvaluation(evaluation, oldName, newName) {
  const values = { ...evaluation.values };
  if (oldName in values) {
    values[newName] = values[oldName];
    delete values[oldName];
  }
  /** @type {Evaluation["errors"]} */
  const errors = {};
  for (const [key, list] of Object.entries(evaluation.errors)) {
    const dot = key.indexOf(".");
    const entity = dot === -1 ? key : key.slice(0, dot);
    errors[entity === oldName ? newName + key.slice(entity.length) : key] = list;
  }
  return { ...evaluation, values, errors };
}
