// @ts-check
// What the Explorer and the query editor both do to a page's queries:
// create one on a datasource (`Api1`, `Api2`...), duplicate one, delete one
// after naming the widgets and queries that use it. Each goes through the
// API, then updates the store's queries, and opens the query it made.
/** @import { Action, EditorStore } from "./store.js" */
import { actionDuplicatePath, actionPath, actionsPath } from "../../brace/api_paths.js";
import { alertDialog, confirmDialog } from "../dialogs.js";
import { widgetNames } from "./layout.js";
import { referencesTo } from "./query_model.js";

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/**
 * The first `prefix` + n that no widget or query of the page has: Api1, Api2...
 * @param {EditorStore} store
 * @param {string} prefix
 */
export function nextEntityName(store, prefix) {
  const taken = new Set(widgetNames(store.state.page.layout));
  for (const action of store.state.actions) if (action.page === store.state.page.id) taken.add(action.name);
  let number = 1;
  while (taken.has(`${prefix}${number}`)) number += 1;
  return `${prefix}${number}`;
}

/**
 * Creates a query on `datasourceId` on the page under edit and opens it.
 * @param {EditorStore} store
 * @param {number} datasourceId
 * @returns {Promise<Action | null>}
 */
export async function newQuery(store, datasourceId) {
  const name = nextEntityName(store, "Api");
  try {
    const created = /** @type {Action} */ (await store.api("POST", actionsPath(), { page: store.state.page.id, name, datasource: datasourceId }));
    store.setEntities({ actions: [...store.state.actions, created] });
    store.openQuery(created.id);
    return created;
  } catch (error) {
    await alertDialog({ title: "The query was not created", message: messageOf(error) });
    return null;
  }
}

/**
 * @param {EditorStore} store
 * @param {Action} action
 */
export async function duplicateQuery(store, action) {
  try {
    const copy = /** @type {Action} */ (await store.api("POST", actionDuplicatePath(action.id)));
    const actions = [...store.state.actions];
    actions.splice(actions.findIndex((each) => each.id === action.id) + 1, 0, copy);
    store.setEntities({ actions });
    store.openQuery(copy.id);
  } catch (error) {
    await alertDialog({ title: `${action.name} was not duplicated`, message: messageOf(error) });
  }
}

/**
 * Deletes a query after a confirmation that names what uses it.
 * @param {EditorStore} store
 * @param {Action} action
 */
export async function deleteQuery(store, action) {
  const others = store.state.actions.filter((each) => each.page === action.page && each.id !== action.id);
  const uses = referencesTo(action.name, store.state.page.layout, /** @type {{ id: number, name: string, config?: Record<string, unknown> }[]} */ (others));
  const sure = uses.filter((use) => use.sure);
  const unsure = uses.filter((use) => !use.sure);
  const items = [...sure.map((use) => `${use.where} uses ${action.name}`), ...unsure.map((use) => `${use.where} may use ${action.name}`)];
  let message = `${action.name} will be deleted. This cannot be undone.`;
  if (sure.length) message = `${action.name} will be deleted; what uses it will fail until you change it. This cannot be undone.`;
  else if (unsure.length) message = `${action.name} will be deleted. These mention its name and may use it. This cannot be undone.`;
  const confirmed = await confirmDialog({ title: `Delete ${action.name}?`, message, items, confirmLabel: "Delete query", danger: true });
  if (!confirmed) return;
  try {
    await store.api("DELETE", actionPath(action.id));
  } catch (error) {
    await alertDialog({ title: `${action.name} was not deleted`, message: messageOf(error) });
    return;
  }
  store.setEntities({ actions: store.state.actions.filter((each) => each.id !== action.id) });
}
