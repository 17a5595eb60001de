// How a datasource's authentication and authorization read in the editor.
import { h } from "../brace/dom.js";

const AUTH_LABELS = { none: "None", basic: "Basic", bearer: "Bearer token", api_key: "API key", oauth2: "OAuth 2.0" };
const STATUS_LABELS = {
  authorized: "Authorized",
  unauthorized: "Not authorized",
  needs_reauthorization: "Needs reauthorization",
  error: "Error",
};

export function authLabel(type) {
  return AUTH_LABELS[type] || "None";
}

export function statusLabel(status) {
  return STATUS_LABELS[status] || STATUS_LABELS.unauthorized;
}

export function paintBadge(el, authorization) {
  const status = (authorization && authorization.status) || "unauthorized";
  el.className = `badge is-${STATUS_LABELS[status] ? status : "unauthorized"}`;
  el.textContent = statusLabel(status);
  el.dataset.status = status;
  return el;
}

export function statusBadge(authorization) {
  return paintBadge(h("span"), authorization);
}
