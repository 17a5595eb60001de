// @ts-check
// The query editor's response panel: what a Run answered (docs/editor-api.md,
// "A run's answer"). Status, time and size on one line; a failure in words
// with the action that fixes it (Authorize for a datasource without a usable
// token, the field for a binding that failed or a refused config); then the
// body (JSON as a tree of <details>, text as text, a binary body as its size
// and type), the response headers, and the request as sent, whose
// credentials the server has already masked. A run that sent nothing (no
// token, a binding that failed) has no time, size, body or request to show:
// it is "Not run" and the failure alone.
import { h } from "../../brace/dom.js";
import { bodyKind, formatBytes } from "./query_model.js";

/**
 * @typedef {object} RunAnswer
 * @property {unknown} data
 * @property {{ status_code: number | null, headers: Record<string, string>, is_execution_success: boolean }} response_meta
 * @property {number} duration_ms
 * @property {{ method?: string, url?: string, headers?: Record<string, string> | [string, string][], body?: unknown, redirects?: unknown } | null} request
 * @property {{ code: string, message: string, field?: string, retryable?: boolean, bindings?: { field: string, message: string, name?: string }[] } | null} error
 */

/**
 * What the panel can offer to fix a failure.
 * @typedef {object} Fixes
 * @property {string} authorizeUrl the datasource screen, to authorize it
 * @property {(field: string) => void} showField moves to a field of the query and focuses it
 * @property {(field: string) => string} [fieldLabel] how a field reads, by its path
 */

/**
 * Codes of a datasource that has no usable token for this user: what to say
 * when the server gave no message (its own names the datasource, so it is
 * said instead), and why, when its message does not say.
 * @type {Record<string, { title: string, why?: string }>}
 */
const AUTHORIZE = {
  not_authorized: { title: "The datasource is not authorized yet.", why: "Nobody has signed in to the API for it." },
  needs_reauthorization: { title: "The datasource needs to be authorized again: its authorization expired or was revoked." },
  token_refresh_failed: { title: "The datasource's token could not be refreshed. Try again, or authorize the datasource again." },
};

/** @type {Record<string, string>} what other failures mean, before the server's own words */
const MEANINGS = {
  blocked_address: "Brace does not send queries to that address (a private, loopback or otherwise refused network).",
  timeout: "The API did not answer in time.",
  binding_error: "A {{ }} binding of the query failed, so nothing was sent.",
  connect_error: "The API could not be reached.",
  too_many_redirects: "The API redirected too many times.",
  response_too_large: "The answer was larger than Brace accepts.",
  invalid_datasource: "The datasource's settings are not usable.",
};

const MAX_NODES = 2000;

/**
 * A JSON value as a tree: objects and arrays are <details> (the first two
 * levels open), leaves are `key: value` lines.
 * @param {unknown} value
 * @returns {HTMLElement}
 */
export function jsonTree(value) {
  let budget = MAX_NODES;
  /**
   * @param {string | null} key
   * @param {unknown} node
   * @param {number} depth
   * @returns {HTMLElement}
   */
  const build = (key, node, depth) => {
    budget -= 1;
    const label = key === null ? null : h("span", { class: "json-key", text: `${key}: ` });
    if (node && typeof node === "object") {
      const entries = Array.isArray(node) ? node.map((item, index) => [String(index), item]) : Object.entries(node);
      const summary = Array.isArray(node) ? `[${entries.length} ${entries.length === 1 ? "item" : "items"}]` : `{${entries.length} ${entries.length === 1 ? "key" : "keys"}}`;
      const details = h("details", { class: "json-node" }, h("summary", {}, label, h("span", { class: "json-summary", text: summary })));
      details.open = depth < 2;
      const list = h("ul", { class: "json-children" });
      for (const [index, [childKey, child]] of entries.entries()) {
        if (budget <= 0) {
          list.append(h("li", { class: "json-more", text: `… ${entries.length - index} more not shown` }));
          break;
        }
        list.append(h("li", {}, build(String(childKey), child, depth + 1)));
      }
      details.append(list);
      return details;
    }
    const type = node === null ? "null" : typeof node;
    return h("div", { class: "json-leaf" }, label, h("span", { class: `json-value is-${type}`, text: typeof node === "string" ? JSON.stringify(node) : String(node) }));
  };
  return h("div", { class: "json-tree" }, build(null, value, 0));
}

/**
 * Headers as a two-column table.
 * @param {string} caption
 * @param {Record<string, string> | [string, string][] | undefined} headers
 */
function headersTable(caption, headers) {
  const rows = Array.isArray(headers) ? headers : Object.entries(headers || {});
  if (rows.length === 0) return h("p", { class: "qe-muted", text: `${caption}: none.` });
  return h("table", { class: "qe-table" },
    h("caption", { text: caption }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Name" }), h("th", { scope: "col", text: "Value" }))),
    h("tbody", {}, rows.map(([name, value]) => h("tr", {}, h("th", { scope: "row", text: name }), h("td", { text: String(value) })))));
}

/** @param {unknown} data */
function bodyView(data) {
  const body = bodyKind(data);
  if (body.kind === "empty") return h("p", { class: "qe-muted", text: "The response has no body." });
  if (body.kind === "text") return h("pre", { class: "qe-text-body", text: String(data) });
  if (body.kind === "binary") return h("p", { class: "qe-binary", text: `Binary body: ${formatBytes(body.size)} of ${body.type}.` });
  return jsonTree(data);
}

/**
 * @param {RunAnswer["request"]} request
 */
function requestView(request) {
  if (!request) return h("p", { class: "qe-muted", text: "Nothing was sent." });
  const body = request.body;
  return h("div", { class: "qe-request" },
    h("p", { class: "qe-request-line" }, h("span", { class: "method-badge", text: request.method || "" }), h("code", { text: request.url || "" })),
    headersTable("Request headers", request.headers),
    body === undefined || body === null || body === ""
      ? h("p", { class: "qe-muted", text: "No body was sent." })
      : h("pre", { class: "qe-text-body", text: typeof body === "string" ? body : JSON.stringify(body, null, 2) }));
}

let uid = 0;

/**
 * Tabs over panels (WAI-ARIA tabs: arrows move between them).
 * @param {string} label
 * @param {{ name: string, panel: HTMLElement }[]} tabs
 * @param {{ selected?: string, onSelect?: (name: string) => void }} [options]
 */
export function tabbed(label, tabs, options = {}) {
  const list = h("div", { class: "qe-tabs", role: "tablist", "aria-label": label });
  const buttons = tabs.map(({ name, panel }) => {
    const id = `qe-tab-${++uid}`;
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", id);
    panel.id = `${id}-panel`;
    panel.classList.add("qe-tabpanel");
    return h("button", { type: "button", role: "tab", id, class: "qe-tab", "aria-controls": panel.id, text: name });
  });
  /** @param {number} index */
  const select = (index) => {
    buttons.forEach((button, at) => {
      button.setAttribute("aria-selected", String(at === index));
      button.tabIndex = at === index ? 0 : -1;
      tabs[at].panel.hidden = at !== index;
    });
    options.onSelect?.(tabs[index].name);
  };
  buttons.forEach((button, index) => {
    button.addEventListener("click", () => select(index));
    button.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const next = (moves[/** @type {keyof typeof moves} */ (event.key)] + buttons.length) % buttons.length;
      select(next);
      buttons[next].focus();
    });
  });
  list.append(...buttons);
  select(Math.max(0, tabs.findIndex((tab) => tab.name === options.selected)));
  return { element: h("div", { class: "qe-tabbed" }, list, ...tabs.map((tab) => tab.panel)), select: (/** @type {string} */ name) => select(Math.max(0, tabs.findIndex((tab) => tab.name === name))) };
}

/**
 * The failure in words, with its fix.
 * @param {NonNullable<RunAnswer["error"]>} error
 * @param {number | null} status
 * @param {Fixes} fixes
 */
function failure(error, status, fixes) {
  const lines = [];
  const authorize = AUTHORIZE[error.code];
  if (authorize) {
    // Said once: the server's words name the datasource; ours only when it gave none.
    lines.push(h("p", { class: "qe-failure-title", text: error.message || authorize.title }));
    if (authorize.why) lines.push(h("p", { text: authorize.why }));
    lines.push(h("p", {}, h("a", { class: "btn btn-small btn-primary", href: fixes.authorizeUrl, text: "Authorize" }), " then run the query again."));
  } else if (error.code === "http_status") {
    lines.push(h("p", { class: "qe-failure-title", text: `The API answered ${status ?? "an error"}.` }));
    lines.push(h("p", { text: error.message }));
  } else {
    const meaning = MEANINGS[error.code];
    if (meaning) lines.push(h("p", { class: "qe-failure-title", text: meaning }));
    lines.push(h("p", { text: error.message }));
    for (const binding of error.bindings || []) {
      if (binding.field !== error.field) lines.push(h("p", { text: `${binding.field}: ${binding.name ? `${binding.name}: ` : ""}${binding.message}` }));
    }
    if (error.code === "timeout") lines.push(h("p", { text: "Raise the timeout in the query's Settings if the API is slow, or try again." }));
    if (error.field) {
      const go = h("button", { type: "button", class: "btn btn-small", text: `Go to ${fixes.fieldLabel ? fixes.fieldLabel(error.field) : error.field}` });
      go.addEventListener("click", () => fixes.showField(/** @type {string} */ (error.field)));
      lines.push(h("p", {}, go));
    } else if (error.code === "timeout") {
      const go = h("button", { type: "button", class: "btn btn-small", text: "Go to Timeout" });
      go.addEventListener("click", () => fixes.showField("config.timeout_s"));
      lines.push(h("p", {}, go));
    }
  }
  return h("div", { class: "qe-failure", role: "alert" }, lines);
}

/** The summary line of a run that sent nothing. */
function notRun() {
  return h("div", { class: "qe-summary" }, h("span", { class: "qe-status is-failed", text: "Not run" }));
}

/**
 * Shows a run's answer in `panel`.
 * @param {HTMLElement} panel
 * @param {RunAnswer} answer
 * @param {Fixes} fixes
 */
export function showAnswer(panel, answer, fixes) {
  const meta = answer.response_meta || { status_code: null, headers: {}, is_execution_success: false };
  const ok = meta.is_execution_success;
  const status = meta.status_code;
  if (answer.error && !answer.request && !status) {
    // Nothing was sent: no time, size, body, headers or request to speak of.
    panel.replaceChildren(notRun(), failure(answer.error, null, fixes));
    return;
  }
  const body = bodyKind(answer.data);
  const summary = h("div", { class: "qe-summary" },
    h("span", { class: `qe-status ${ok ? "is-ok" : "is-failed"}`, text: status ? `Status ${status}` : ok ? "Done" : "Failed" }),
    h("span", { text: `Time ${answer.duration_ms} ms` }),
    h("span", { text: `Size ${formatBytes(body.size)}` }));
  const tabs = tabbed("Response", [
    { name: "Body", panel: h("div", {}, bodyView(answer.data)) },
    { name: "Headers", panel: h("div", {}, headersTable("Response headers", meta.headers)) },
    { name: "Request", panel: h("div", {}, requestView(answer.request)) },
  ]);
  panel.replaceChildren(summary, ...(answer.error ? [failure(answer.error, status, fixes)] : []), tabs.element);
}

/**
 * Shows a run that the server refused (a 400: the config as it stands
 * cannot be sent, `field` names why) or that did not reach it.
 * @param {HTMLElement} panel
 * @param {{ code?: string, message: string, field?: string }} error
 * @param {Fixes} fixes
 */
export function showRefusal(panel, error, fixes) {
  panel.replaceChildren(
    notRun(),
    failure({ code: error.code || "error", message: error.message, field: error.field || undefined }, null, fixes),
  );
}
