// @ts-check
// The editor's start screen: each workspace with its datasources and its
// applications (open the portal, publish). A viewer sees the applications
// only, to open their portals: the rest is for developers and admins, and the
// API refuses it to viewers anyway.
/** @import { Application, Datasource, Listing, PublishedVersion, Workspace } from "../brace/api_types.js" */
import {
  applicationPublishPath,
  workspaceApplicationsPath,
  workspaceDatasourcesPath,
  workspacesPath,
} from "../brace/api_paths.js";
import { byId, clear, h } from "../brace/dom.js";
import { api, listOf } from "../brace/http.js";
import { authLabel, statusBadge } from "./status.js";

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
    h("thead", {}, h("tr", {}, h("th", { text: "Name" }), h("th", { text: "Authentication" }), h("th", { text: "Status" }), h("th"))),
    h("tbody", {}, datasources.map((ds) => {
      const auth = ds.authentication || {};
      return h("tr", { dataset: { datasource: ds.id } },
        h("td", {}, h("a", { href: `/editor/datasources/${ds.id}/`, text: ds.name })),
        h("td", { class: "muted", text: authLabel(auth.type) }),
        h("td", {}, auth.type === "oauth2" ? statusBadge(ds.authorization) : h("span", { class: "muted", text: "—" })),
        h("td", { class: "actions-cell" }, h("a", { class: "btn btn-small", href: `/editor/datasources/${ds.id}/`, text: "Edit" })));
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
 * @param {Application[]} applications
 * @param {boolean} edits whether the user may publish (not a viewer)
 */
function applicationTable(applications, edits) {
  if (applications.length === 0) return h("p", { class: "empty", text: "No applications yet." });
  return h("table", { class: "table" },
    h("thead", {}, h("tr", {}, h("th", { text: "Name" }), h("th", { text: "Published" }), h("th"))),
    h("tbody", {}, applications.map((app) => {
      const state = h("td", { class: "muted", text: publishedLabel(app) });
      const publish = h("button", { type: "button", class: "btn btn-small", text: "Publish" });
      publish.addEventListener("click", async () => {
        publish.disabled = true;
        try {
          const version = /** @type {PublishedVersion | null} */ (await api("POST", applicationPublishPath(app.id)));
          state.textContent = version?.number ? `Published v${version.number}` : "Published";
          showBanner(`${app.name} is published.`, "success");
        } catch (error) {
          showBanner(`${app.name} was not published: ${/** @type {Error} */ (error).message}`, "error");
        } finally {
          publish.disabled = false;
        }
      });
      return h("tr", { dataset: { application: app.id } },
        h("td", { text: app.name }),
        state,
        h("td", { class: "actions-cell" },
          h("a", { class: "btn btn-small", href: `/apps/${app.id}/`, target: "_blank", rel: "noopener", text: "Open" }),
          edits ? publish : null));
    })));
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
    listOrError(/** @type {Promise<Listing<Application>>} */ (api("GET", workspaceApplicationsPath(workspace.id)))),
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
  card.append(
    h("h3", { text: "Applications" }),
    applications instanceof Error
      ? h("p", { class: "field-error", text: `Applications could not be loaded: ${applications.message}` })
      : applicationTable(applications.filter((app) => app.workspace === undefined || app.workspace === workspace.id), edits),
  );
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
