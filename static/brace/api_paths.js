// @ts-check
// Every address of Brace's REST API that browser code calls, built here and
// nowhere else (tests/static/test_api_paths.py fails on an `/api/v1` string
// in any other module), so that a moved route is one change. The OpenAPI
// schema (/api/schema/) describes every route; docs/runtime-api.md the
// portal runtime's.

const API = "/api/v1";

/** @param {number | string} id */
const segment = (id) => encodeURIComponent(String(id));

// The editor's API.

export const workspacesPath = () => `${API}/workspaces/`;

/** @param {number} workspaceId */
export const workspaceDatasourcesPath = (workspaceId) => `${API}/datasources/?workspace=${segment(workspaceId)}`;

export const datasourcesPath = () => `${API}/datasources/`;

/** @param {number} id */
export const datasourcePath = (id) => `${API}/datasources/${segment(id)}/`;

/** @param {number} id */
export const datasourceTokenPath = (id) => `${datasourcePath(id)}token/`;

/**
 * "Save and Authorize": the server redirects to the provider, and the
 * callback brings the browser back to `returnTo` (a path of this site).
 * @param {number} id
 * @param {string} returnTo
 */
export const datasourceAuthorizePath = (id, returnTo) =>
  `${datasourcePath(id)}authorize/?return_to=${encodeURIComponent(returnTo)}`;

/** @param {number} workspaceId */
export const workspaceApplicationsPath = (workspaceId) => `${API}/applications/?workspace=${segment(workspaceId)}`;

export const applicationsPath = () => `${API}/applications/`;

/** @param {number} id */
export const applicationPath = (id) => `${API}/applications/${segment(id)}/`;

/** @param {number} id */
export const applicationPublishPath = (id) => `${applicationPath(id)}publish/`;

/** @param {number} id */
export const applicationPublishedPath = (id) => `${applicationPath(id)}published/`;

/** POST: a copy of the application with its pages and actions. @param {number} id */
export const applicationDuplicatePath = (id) => `${applicationPath(id)}duplicate/`;

/**
 * The pages collection (POST creates one); with an application, its pages (GET).
 * @param {number} [applicationId]
 */
export const pagesPath = (applicationId) =>
  applicationId === undefined ? `${API}/pages/` : `${API}/pages/?application=${segment(applicationId)}`;

/** GET, PATCH (with `version`), DELETE (with its actions). @param {number} id */
export const pagePath = (id) => `${API}/pages/${segment(id)}/`;

/** POST `{old_name, new_name, version?}`: rename a widget or action everywhere. @param {number} id */
export const pageRenamePath = (id) => `${pagePath(id)}rename/`;

/** POST: a copy of the page with its actions. @param {number} id */
export const pageDuplicatePath = (id) => `${pagePath(id)}duplicate/`;

/** POST `{layout?, state?}`: evaluate the page's bindings. @param {number} id */
export const pageEvaluatePath = (id) => `${pagePath(id)}evaluate/`;

/**
 * The actions collection (POST creates one); with a page, its actions (GET).
 * @param {number} [pageId]
 */
export const actionsPath = (pageId) =>
  pageId === undefined ? `${API}/actions/` : `${API}/actions/?page=${segment(pageId)}`;

/** @param {number} id */
export const actionPath = (id) => `${API}/actions/${segment(id)}/`;

/** POST: a copy of the action on its page (`<name>Copy`), stored credentials included. @param {number} id */
export const actionDuplicatePath = (id) => `${actionPath(id)}duplicate/`;

/** POST `{params?}`: run the saved action. @param {number} id */
export const actionRunPath = (id) => `${actionPath(id)}run/`;

/** POST `{config?, params?}`: each binding of the (draft) config evaluated, nothing sent. @param {number} id */
export const actionEvaluatePath = (id) => `${actionPath(id)}evaluate/`;

/** @param {number} applicationId */
export const applicationActionsPath = (applicationId) => `${API}/actions/?application=${segment(applicationId)}`;

/** GET: every registered widget type, for the palette and the property pane. */
export const widgetTypesPath = () => `${API}/widget-types/`;

// The portal's runtime API.

/** @param {number} pageId */
export const runtimePagePath = (pageId) => `${API}/runtime/pages/${segment(pageId)}/`;

/** @param {number} pageId */
export const runtimeEventsPath = (pageId) => `${runtimePagePath(pageId)}events/`;

/** @param {number} pageId */
export const runtimePageLoadPath = (pageId) => `${runtimePagePath(pageId)}load/`;

export const runtimeFilesPath = () => `${API}/runtime/files/`;

/** @param {string} jobId */
export const runtimeJobPath = (jobId) => `${API}/runtime/jobs/${segment(jobId)}/`;
