// @ts-check
// The datasource screen: load, save, "Save and Authorize", the token
// actions, and "New query" on a page of one of the workspace's applications
// (the page the screen was opened from, `?application=&page=`, preselected).
// Authorization itself happens on the server: the browser is only sent to
// /authorize/, and comes back here with response_status.
/** @import { Action, Application, Authorization, Datasource, Listing, PageSummary, TokenRevoked, Workspace } from "../brace/api_types.js" */
import {
  actionsPath,
  datasourceAuthorizePath,
  datasourcePath,
  datasourcesPath,
  datasourceTokenPath,
  pagePath,
  pagesPath,
  workspaceApplicationsPath,
  workspacesPath,
} from "../brace/api_paths.js";
import { byId, formatDateTime, h } from "../brace/dom.js";
import { api, listOf } from "../brace/http.js";
import { consumeAuthorizationResult, showBanner } from "./banner.js";
import { DatasourceForm } from "./datasource_form.js";
import { datasourceScreenUrl, openedFrom, pageEditorUrl, queryEditorUrl } from "./editor_urls.js";
import { FieldErrors } from "./field_errors.js";
import { paintBadge } from "./status.js";

const screen = byId("datasource-screen", HTMLElement);
const formEl = byId("datasource-form", HTMLFormElement);
const banner = byId("banner", HTMLElement);
const ui = {
  title: byId("title", HTMLElement),
  crumb: byId("crumb-workspace", HTMLElement),
  badge: byId("status-badge", HTMLElement),
  workspaceRow: byId("workspace-row", HTMLElement),
  workspace: byId("f-workspace", HTMLSelectElement),
  redirect: byId("f-redirect", HTMLInputElement),
  copy: byId("copy-redirect", HTMLButtonElement),
  authCard: byId("authorization-card", HTMLElement),
  authStatus: byId("auth-status", HTMLElement),
  authExpires: byId("auth-expires", HTMLElement),
  authScopes: byId("auth-scopes", HTMLElement),
  authError: byId("auth-error", HTMLElement),
  authErrorRow: [.../** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll(".auth-error-row"))],
  save: byId("save", HTMLButtonElement),
  saveAuthorize: byId("save-authorize", HTMLButtonElement),
  refresh: byId("refresh-token", HTMLButtonElement),
  revoke: byId("revoke-token", HTMLButtonElement),
  queriesCard: byId("queries-card", HTMLElement),
  queryPage: byId("f-query-page", HTMLSelectElement),
  queryError: byId("query-error", HTMLElement),
  newQuery: byId("new-query", HTMLButtonElement),
  backToApp: byId("back-to-app", HTMLAnchorElement),
};
// Opened from the app builder: new queries go on that page, and authorizing comes back with it.
const from = openedFrom(window.location.search);

/** @type {number | null} */
let datasourceId = Number(screen.dataset.datasourceId) || null;
/** @type {number | null} */
let workspaceId = Number(screen.dataset.workspaceId) || null;
/** @type {Datasource | null} */
let saved = null; // the datasource as the server last answered it

const form = new DatasourceForm(formEl, { onChange: syncButtons });
const errors = new FieldErrors(formEl);

function screenPath() {
  return datasourceScreenUrl(/** @type {number} */ (datasourceId), from || undefined);
}

function syncButtons() {
  ui.saveAuthorize.hidden = !form.usesAuthorizationCode;
  const savedOauth = saved !== null && saved.authentication?.type === "oauth2";
  ui.authCard.hidden = !savedOauth;
  ui.badge.hidden = !savedOauth;
}

/** @param {Authorization | null | undefined} authorization */
function showAuthorization(authorization) {
  /** @type {Authorization} */
  const auth = authorization || { status: "unauthorized" };
  paintBadge(ui.badge, auth);
  paintBadge(ui.authStatus, auth);
  ui.authExpires.textContent = formatDateTime(auth.expires_at) || "—";
  ui.authScopes.textContent = Array.isArray(auth.scopes) && auth.scopes.length ? auth.scopes.join(" ") : "—";
  ui.authError.textContent = auth.last_error || "";
  ui.authErrorRow.forEach((el) => {
    el.hidden = !auth.last_error;
  });
  // Only a stored token can be refreshed (one that needs a new sign-in
  // cannot) or revoked: without one the buttons would offer nothing.
  ui.refresh.hidden = auth.status !== "authorized" && auth.status !== "error";
  ui.revoke.hidden = auth.status === "unauthorized";
  if (saved) saved.authorization = auth;
}

/** @param {Datasource} datasource */
function showDatasource(datasource) {
  saved = datasource;
  form.fill(datasource);
  ui.title.textContent = datasource.name;
  document.title = `${datasource.name} · Brace`;
  if (datasource.redirect_url) ui.redirect.value = datasource.redirect_url;
  showAuthorization(datasource.authorization);
  syncButtons();
}

/** @param {boolean} on */
function busy(on) {
  for (const button of [ui.save, ui.saveAuthorize, ui.refresh, ui.revoke]) button.disabled = on;
  formEl.setAttribute("aria-busy", String(on));
}

/** @returns {Promise<Datasource | null>} the saved datasource, null if it was not */
async function save() {
  errors.clear();
  const isNew = datasourceId === null;
  const body = form.payload({ isNew });
  if (isNew) {
    body.workspace = workspaceId || Number(ui.workspace.value) || null;
  }
  busy(true);
  try {
    const datasource = /** @type {Datasource} */ (
      datasourceId === null
        ? await api("POST", datasourcesPath(), body)
        : await api("PATCH", datasourcePath(datasourceId), body)
    );
    datasourceId = datasource.id;
    workspaceId = datasource.workspace || workspaceId;
    if (isNew) window.history.replaceState(null, "", screenPath());
    ui.workspaceRow.hidden = true;
    showDatasource(datasource);
    if (isNew) loadPages();
    return datasource;
  } catch (error) {
    errors.show(/** @type {Error} */ (error));
    return null;
  } finally {
    busy(false);
  }
}

/**
 * @param {"POST" | "DELETE"} method
 * @param {{ action: "refresh" } | undefined} body
 * @param {string} done what the banner says once it worked
 */
async function tokenAction(method, body, done) {
  if (datasourceId === null) return; // the token card shows only for a saved datasource
  busy(true);
  try {
    // POST answers the token status; DELETE answers {revoked, authorization}.
    const answer = /** @type {Authorization | TokenRevoked | null} */ (await api(method, datasourceTokenPath(datasourceId), body));
    const status = answer && "status" in answer ? answer : answer?.authorization;
    showAuthorization(status || { status: "unauthorized" });
    showBanner(banner, { kind: "success", title: done });
  } catch (error) {
    showBanner(banner, { kind: "error", title: "The token was not changed", message: /** @type {Error} */ (error).message });
  } finally {
    busy(false);
  }
}

formEl.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (await save()) showBanner(banner, { kind: "success", title: "Saved" });
});

ui.saveAuthorize.addEventListener("click", async () => {
  const datasource = await save();
  if (!datasource) return;
  window.location.assign(datasourceAuthorizePath(datasource.id, screenPath()));
});

ui.refresh.addEventListener("click", () => tokenAction("POST", { action: "refresh" }, "Token refreshed"));

ui.revoke.addEventListener("click", () => {
  const ok = window.confirm("Revoke the tokens? Queries on this datasource fail until it is authorized again.");
  if (ok) tokenAction("DELETE", undefined, "Tokens revoked");
});

ui.copy.addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(ui.redirect.value);
  } catch {
    ui.redirect.select();
    document.execCommand("copy");
  }
  ui.copy.textContent = "Copied";
  setTimeout(() => {
    ui.copy.textContent = "Copy";
  }, 1500);
});

async function loadWorkspaces() {
  /** @type {Workspace[]} */
  let workspaces = [];
  try {
    workspaces = listOf(/** @type {Listing<Workspace>} */ (await api("GET", workspacesPath())));
  } catch {
    return; // the crumb keeps its generic label; saving reports real problems
  }
  const current = workspaces.find((item) => item.id === workspaceId);
  if (current) ui.crumb.textContent = current.name;
  if (datasourceId === null && workspaceId === null) {
    ui.workspace.replaceChildren(...workspaces.map((item) => h("option", { value: item.id, text: item.name })));
    ui.workspaceRow.hidden = false;
  }
}

/**
 * Fills the page choice of "New query" with every page of the workspace's
 * applications ("Portal / Page1"); shows the card once there is one.
 */
async function loadPages() {
  if (datasourceId === null || workspaceId === null) return;
  try {
    const applications = listOf(/** @type {Listing<Application>} */ (await api("GET", workspaceApplicationsPath(workspaceId))));
    const pages = await Promise.all(applications.map(async (application) => ({
      application,
      pages: listOf(/** @type {Listing<PageSummary>} */ (await api("GET", pagesPath(application.id)))),
    })));
    ui.queryPage.replaceChildren(...pages.map(({ application, pages: list }) => h("optgroup", { label: application.name },
      list.map((page) => h("option", { value: page.id, text: `${application.name} / ${page.name}`, dataset: { application: application.id } })))));
  } catch (error) {
    ui.queryError.textContent = `The applications could not be loaded: ${/** @type {Error} */ (error).message}`;
  }
  if (from) {
    ui.queryPage.value = String(from.page);
    ui.backToApp.href = from.query ? queryEditorUrl(from.application, from.page, from.query) : pageEditorUrl(from.application, from.page);
    ui.backToApp.hidden = false;
  }
  ui.newQuery.disabled = ui.queryPage.options.length === 0;
  if (ui.queryPage.options.length === 0 && !ui.queryError.textContent) ui.queryError.textContent = "Create an application first: a query belongs to a page.";
  ui.queriesCard.hidden = false;
}

/**
 * Creates `Api1` (or the next free `ApiN`) on the chosen page and opens it
 * in the query editor.
 * @param {number} pageId
 * @param {number} applicationId
 */
async function createQuery(pageId, applicationId) {
  ui.queryError.textContent = "";
  ui.newQuery.disabled = true;
  try {
    const [actions, page] = await Promise.all([
      api("GET", actionsPath(pageId)),
      api("GET", pagePath(pageId)).catch(() => null),
    ]);
    const taken = new Set(listOf(/** @type {Listing<Action>} */ (actions)).map((action) => action.name));
    for (const name of widgetNamesOf(page)) taken.add(name);
    let number = 1;
    while (taken.has(`Api${number}`)) number += 1;
    const created = /** @type {Action} */ (await api("POST", actionsPath(), { page: pageId, name: `Api${number}`, datasource: datasourceId }));
    window.location.assign(queryEditorUrl(applicationId, pageId, created.id));
  } catch (error) {
    ui.queryError.textContent = /** @type {Error} */ (error).message;
    ui.newQuery.disabled = false;
  }
}

/**
 * Every widget name of a page's layout (GET pages/{id}/), which a query's name must not take.
 * @param {unknown} page
 * @returns {string[]}
 */
function widgetNamesOf(page) {
  /** @type {string[]} */
  const names = [];
  /** @param {unknown} node */
  const visit = (node) => {
    if (!node || typeof node !== "object") return;
    const widget = /** @type {{ widgetName?: unknown, children?: unknown }} */ (node);
    if (typeof widget.widgetName === "string") names.push(widget.widgetName);
    if (Array.isArray(widget.children)) widget.children.forEach(visit);
  };
  visit(/** @type {{ layout?: unknown } | null} */ (page)?.layout);
  return names;
}

ui.newQuery.addEventListener("click", () => {
  const option = ui.queryPage.selectedOptions[0];
  if (option) createQuery(Number(option.value), Number(option.dataset.application));
});

async function load() {
  consumeAuthorizationResult(banner);
  ui.redirect.value = new URL(screen.dataset.callbackPath || "", window.location.origin).href;
  const workspaces = loadWorkspaces();
  if (datasourceId !== null) {
    busy(true);
    try {
      showDatasource(/** @type {Datasource} */ (await api("GET", datasourcePath(datasourceId))));
      workspaceId = saved?.workspace || workspaceId;
      loadPages();
    } catch (error) {
      // Not the banner: that may be telling the outcome of an authorization.
      errors.show({ message: `The datasource could not be loaded: ${/** @type {Error} */ (error).message}` });
    } finally {
      busy(false);
    }
  } else {
    syncButtons();
  }
  await workspaces;
}

load();
