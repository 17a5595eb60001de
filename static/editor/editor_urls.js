// @ts-check
// The editor's own screens' addresses (builder/web/urls.py), built here so
// that the Explorer, the query editor and the datasource screen agree.

/**
 * The app builder on a page.
 * @param {number} application
 * @param {number} page
 */
export const pageEditorUrl = (application, page) => `/editor/apps/${application}/pages/${page}/`;

/**
 * The app builder with a query of the page open in the query editor.
 * @param {number} application
 * @param {number} page
 * @param {number} query
 */
export const queryEditorUrl = (application, page, query) => `${pageEditorUrl(application, page)}queries/${query}/`;

/**
 * The datasource screen; opened from an application, it knows where new
 * queries go and where to come back to.
 * @param {number} id
 * @param {{ application: number, page: number, query?: number | null }} [from]
 */
export function datasourceScreenUrl(id, from) {
  const base = `/editor/datasources/${id}/`;
  if (!from) return base;
  const params = new URLSearchParams({ application: String(from.application), page: String(from.page) });
  if (from.query) params.set("query", String(from.query));
  return `${base}?${params}`;
}

/**
 * Where a datasource screen was opened from, if its address says.
 * @param {string} search the location's query string
 * @returns {{ application: number, page: number, query: number | null } | null}
 */
export function openedFrom(search) {
  const params = new URLSearchParams(search);
  const application = Number(params.get("application"));
  const page = Number(params.get("page"));
  if (!Number.isInteger(application) || application < 1 || !Number.isInteger(page) || page < 1) return null;
  const query = Number(params.get("query"));
  return { application, page, query: Number.isInteger(query) && query > 0 ? query : null };
}
