// @ts-check
// The editor's start screen: each workspace with its datasources and its
// applications. Developers and admins create applications here, open them in
// the app builder, rename them in place, duplicate, publish and delete them
// (deleting names the pages and queries that go with the application). A
// viewer sees the applications only, to open their portals: the rest is for
// developers and admins, and the API refuses it to viewers anyway.
/** @import { Application, Datasource, Listing, PublishedVersion, Workspace } from "../brace/api_types.js" */
import {
  applicationActionsPath,
  applicationDuplicatePath,
  applicationPath,
  applicationPublishPath,
  workspaceApplicationsPath,
  workspaceDatasourcesPath,
  workspacesPath,
} from "../brace/api_paths.js";
import { byId, clear, h } from "../brace/dom.js";
import { api, listOf } from "../brace/http.js";
import { alertDialog, confirmDialog } from "./dialogs.js";
import { datasourceScreenUrl } from "./editor_urls.js";
import { menuButton } from "./menu.js";
import { renameInPlace } from "./rename_in_place.js";
import { authLabel, statusBadge } from "./status.js";

/**
 * An application as the applications list answers it (with its pages).
 * @typedef {Application & { pages?: { id: number, name: string }[] }} ListedApplication
 */

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

const host = byId("workspaces", HTMLElement);
const banner = byId("banner", HTMLElement);

/**
 * @param {string} message
 * @param {"success" | "error"} kind
 */
function showBanner(message, kind) {
  banner.className = `banner is-${kind}`;
  banner.replaceChildren(h("span", { text: message }));
  banner.hidden = false;
}

/** @param {Datasource[]} datasources */
function datasourceTable(datasources) {
  if (datasources.length === 0) return h("p", { class: "empty", text: "No datasources yet." });
  return h("table", { class: "table" },
    h("thead", {}, h("tr", {}, h("th", { text: "Name" }), h("th", { text: "Authentication" }), h("th", { text: "Status" }), h("th", { "aria-label": "Actions" }))),
    h("tbody", {}, datasources.map((ds) => {
      const auth = ds.authentication || {};
      return h("tr", { dataset: { datasource: ds.id } },
        h("td", {}, h("a", { href: datasourceScreenUrl(ds.id), text: ds.name })),
        h("td", { class: "muted", text: authLabel(auth.type) }),
        h("td", {}, auth.type === "oauth2" ? statusBadge(ds.authorization) : h("span", { class: "muted", text: "—" })),
        h("td", { class: "actions-cell" }, h("a", { class: "btn btn-small", href: datasourceScreenUrl(ds.id), text: "Edit", "aria-label": `Edit ${ds.name}` })));
    })));
}

/** @param {Application} app */
function publishedLabel(app) {
  const version = app.published_version;
  if (version === null || version === undefined) return "Not published";
  const number = typeof version === "object" ? version.number : version;
  return number ? `Published v${number}` : "Published";
}

/**
 * One application's row: its name (opening the app builder), whether it is
 * published, and what may be done with it.
 * @param {ListedApplication} app
 * @param {boolean} edits whether the user may change it (not a viewer)
 * @param {{ added: (app: ListedApplication, after: HTMLElement) => void }} list
 */
function applicationRow(app, edits, list) {
  const editorUrl = `/editor/apps/${app.id}/`;
  const name = edits
    ? h("a", { class: "app-name", href: editorUrl, text: app.name })
    : h("span", { class: "app-name", text: app.name });
  const state = h("td", { class: "muted", text: publishedLabel(app) });
  const row = h("tr", { dataset: { application: app.id } }, h("td", { class: "app-name-cell" }, name), state);
  const view = h("a", { class: "btn btn-small", href: `/apps/${app.id}/`, target: "_blank", rel: "noopener", text: "View app", "aria-label": `View app ${app.name}` });
  if (!edits) {
    row.append(h("td", { class: "actions-cell" }, view));
    return row;
  }
  const edit = h("a", { class: "btn btn-small btn-primary", href: editorUrl, text: "Edit", "aria-label": `Edit ${app.name}` });
  const publish = h("button", { type: "button", class: "btn btn-small", text: "Publish", "aria-label": `Publish ${app.name}` });
  publish.addEventListener("click", async () => {
    publish.disabled = true;
    try {
      const version = /** @type {PublishedVersion | null} */ (await api("POST", applicationPublishPath(app.id)));
      state.textContent = version?.number ? `Published v${version.number}` : "Published";
      showBanner(`${app.name} is published.`, "success");
    } catch (error) {
      showBanner(`${app.name} was not published: ${messageOf(error)}`, "error");
    } finally {
      publish.disabled = false;
    }
  });

  const rename = () => renameInPlace({
    label: name,
    name: app.name,
    fieldLabel: `New name for ${app.name}`,
    commit: async (next) => {
      const saved = /** @type {ListedApplication} */ (await api("PATCH", applicationPath(app.id), { name: next }));
      app.name = saved.name;
      name.textContent = saved.name;
      edit.setAttribute("aria-label", `Edit ${saved.name}`);
      view.setAttribute("aria-label", `View app ${saved.name}`);
      publish.setAttribute("aria-label", `Publish ${saved.name}`);
    },
  });
  const duplicate = async () => {
    try {
      list.added(/** @type {ListedApplication} */ (await api("POST", applicationDuplicatePath(app.id))), row);
    } catch (error) {
      showBanner(`${app.name} was not duplicated: ${messageOf(error)}`, "error");
    }
  };
  const remove = async () => {
    /** @type {{ name: string }[]} */
    let queries;
    try {
      queries = listOf(/** @type {Listing<{ name: string }>} */ (await api("GET", applicationActionsPath(app.id))));
    } catch (error) {
      showBanner(`${app.name} was not deleted: ${messageOf(error)}`, "error");
      return;
    }
    const pages = app.pages || [];
    const sure = await confirmDialog({
      title: `Delete ${app.name}?`,
      message: `The application, its published versions and everything below will be deleted. This cannot be undone.`,
      items: [...pages.map((page) => `Page ${page.name}`), ...queries.map((query) => `Query ${query.name}`)],
      confirmLabel: "Delete application",
      danger: true,
    });
    if (!sure) return;
    try {
      await api("DELETE", applicationPath(app.id));
    } catch (error) {
      await alertDialog({ title: `${app.name} was not deleted`, message: messageOf(error) });
      return;
    }
    const table = row.closest("table");
    row.remove();
    if (table && !table.tBodies[0]?.rows.length) table.replaceWith(emptyApplications());
    showBanner(`${app.name} is deleted.`, "success");
  };

  row.append(h("td", { class: "actions-cell" }, edit, view, publish,
    menuButton(`More actions for ${app.name}`, () => [
      { label: "Rename", run: rename },
      { label: "Duplicate", run: duplicate },
      { label: "Delete", run: remove, danger: true },
    ])));
  return row;
}

const emptyApplications = () => h("p", { class: "empty", text: "No applications yet." });

/**
 * @param {ListedApplication[]} applications
 * @param {boolean} edits whether the user may change them (not a viewer)
 * @param {HTMLElement} host where the table (or "No applications yet.") goes
 */
function applicationTable(applications, edits, host) {
  const body = h("tbody");
  const table = h("table", { class: "table" },
    h("thead", {}, h("tr", {}, h("th", { text: "Name" }), h("th", { text: "Published" }), h("th", { "aria-label": "Actions" }))),
    body);
  const list = {
    /** @param {ListedApplication} app @param {HTMLElement | null} after */
    added(app, after) {
      const row = applicationRow(app, edits, list);
      if (after) after.after(row);
      else body.append(row);
      if (!table.isConnected) host.replaceChildren(table);
      row.querySelector("a")?.focus();
    },
  };
  for (const app of applications) body.append(applicationRow(app, edits, list));
  host.replaceChildren(applications.length ? table : emptyApplications());
  return list;
}

/**
 * "New application": a name field under the applications, creating it in
 * `workspace` and adding it to the list; the server's refusal shows under
 * the field.
 * @param {Workspace} workspace
 * @param {{ added: (app: ListedApplication, after: HTMLElement | null) => void }} list
 */
function newApplicationForm(workspace, list) {
  const field = h("input", { type: "text", name: "name", required: true, autocomplete: "off", "aria-label": "New application name", placeholder: "Application name" });
  const error = h("p", { class: "field-error", role: "alert", id: `new-app-error-${workspace.id}` });
  const create = h("button", { type: "submit", class: "btn btn-primary", text: "Create application" });
  const form = h("form", { class: "new-app", novalidate: true }, h("div", { class: "input-group" }, field, create), error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    field.removeAttribute("aria-invalid");
    const name = field.value.trim();
    if (!name) {
      error.textContent = "Give the application a name.";
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", error.id);
      field.focus();
      return;
    }
    create.disabled = true;
    try {
      const app = /** @type {ListedApplication} */ (await api("POST", workspaceApplicationsPath(workspace.id), { workspace: workspace.id, name }));
      field.value = "";
      list.added(app, null);
      showBanner(`${app.name} is created. Open it to build its pages.`, "success");
    } catch (failure) {
      error.textContent = messageOf(failure);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", error.id);
      field.focus();
    } finally {
      create.disabled = false;
    }
  });
  return form;
}

/**
 * A list's items, or the error that kept it from loading.
 * @template T
 * @param {Promise<Listing<T>>} answer
 * @returns {Promise<T[] | Error>}
 */
function listOrError(answer) {
  return answer.then(listOf, (error) => error);
}

/** @param {Workspace} workspace */
async function workspaceCard(workspace) {
  const card = h("section", { class: "card", dataset: { workspace: workspace.id } },
    h("div", { class: "card-head" },
      h("h2", { text: workspace.name }),
      workspace.role ? h("span", { class: "badge", text: workspace.role }) : null));
  const edits = workspace.role !== "viewer";
  const [datasources, applications] = await Promise.all([
    edits ? listOrError(/** @type {Promise<Listing<Datasource>>} */ (api("GET", workspaceDatasourcesPath(workspace.id)))) : null,
    listOrError(/** @type {Promise<Listing<ListedApplication>>} */ (api("GET", workspaceApplicationsPath(workspace.id)))),
  ]);
  if (datasources !== null) {
    const newDatasource = h("a", { class: "btn btn-small", href: `/editor/datasources/new/?workspace=${workspace.id}`, text: "New datasource" });
    card.append(
      h("div", { class: "card-head" }, h("h3", { text: "Datasources" }), newDatasource),
      datasources instanceof Error
        ? h("p", { class: "field-error", text: `Datasources could not be loaded: ${datasources.message}` })
        : datasourceTable(datasources.filter((ds) => ds.workspace === undefined || ds.workspace === workspace.id)),
    );
  }
  card.append(h("h3", { text: "Applications" }));
  if (applications instanceof Error) {
    card.append(h("p", { class: "field-error", text: `Applications could not be loaded: ${applications.message}` }));
    return card;
  }
  const host = h("div");
  const mine = applications.filter((app) => app.workspace === undefined || app.workspace === workspace.id);
  const list = applicationTable(mine, edits, host);
  card.append(host);
  if (edits) card.append(newApplicationForm(workspace, list));
  return card;
}

async function load() {
  /** @type {Workspace[]} */
  let workspaces;
  try {
    workspaces = listOf(/** @type {Listing<Workspace>} */ (await api("GET", workspacesPath())));
  } catch (error) {
    clear(host).append(h("p", { class: "field-error", text: `Workspaces could not be loaded: ${/** @type {Error} */ (error).message}` }));
    return;
  }
  clear(host);
  if (workspaces.length === 0) {
    host.append(h("section", { class: "card" }, h("p", { class: "empty", text: "You are not a member of any workspace yet." })));
  }
  for (const card of await Promise.all(workspaces.map(workspaceCard))) host.append(card);
  host.setAttribute("aria-busy", "false");
}

load();
