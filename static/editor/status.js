// @ts-check
// How a datasource's authentication and authorization read in the editor.
/** @import { Authorization } from "../brace/api_types.js" */
import { h } from "../brace/dom.js";

/** @type {Record<string, string>} */
const AUTH_LABELS = { none: "None", basic: "Basic", bearer: "Bearer token", api_key: "API key", oauth2: "OAuth 2.0" };
/** @type {Record<string, string>} */
const STATUS_LABELS = {
  authorized: "Authorized",
  unauthorized: "Not authorized",
  needs_reauthorization: "Needs reauthorization",
  error: "Error",
};

/** @param {string | undefined} type a datasource's authentication type */
export function authLabel(type) {
  return (type && AUTH_LABELS[type]) || "None";
}

/** @param {string} status */
export function statusLabel(status) {
  return STATUS_LABELS[status] || STATUS_LABELS.unauthorized;
}

/**
 * @template {HTMLElement} E
 * @param {E} el
 * @param {Authorization | null | undefined} authorization
 * @returns {E}
 */
export function paintBadge(el, authorization) {
  const status = authorization?.status || "unauthorized";
  el.className = `badge is-${STATUS_LABELS[status] ? status : "unauthorized"}`;
  el.textContent = statusLabel(status);
  el.dataset.status = status;
  return el;
}

/** @param {Authorization | null | undefined} authorization */
export function statusBadge(authorization) {
  return paintBadge(h("span"), authorization);
}
