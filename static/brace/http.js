// @ts-check
// The one way browser code talks to Brace's API: same-origin credentials,
// the CSRF token from Django's cookie, JSON in and out, and errors in the
// API's {"code", "message", "field"} shape as ApiError. Addresses come from
// api_paths.js.
/** @import { Listing } from "./api_types.js" */

/**
 * An error answer as the API gives it; any of it may be missing (a proxy's
 * page, a network failure).
 * @typedef {object} ErrorBody
 * @property {string} [code]
 * @property {string} [message]
 * @property {string} [field]
 * @property {unknown} [errors] DRF's per-field messages, nested like the request
 */

export class ApiError extends Error {
  /**
   * @param {number} status the HTTP status, 0 when Brace could not be reached
   * @param {ErrorBody | null} body
   * @param {number} [retryAfter] seconds to wait, from a 429's Retry-After (0: none said)
   */
  constructor(status, body, retryAfter = 0) {
    const message = body?.message || `The server answered ${status}.`;
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = body?.code || "error";
    this.field = body?.field || "";
    // DRF validation errors also carry every field's messages under `errors`.
    this.errors = body?.errors || null;
    this.retryAfter = retryAfter;
  }
}

/** @returns {string} Django's CSRF token, from its cookie */
export function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "csrftoken") return decodeURIComponent(rest.join("="));
  }
  return "";
}

/** @returns {Record<string, string>} */
export function authHeaders() {
  return { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" };
}

/**
 * @param {Response} response
 * @returns {Promise<unknown>}
 */
async function readBody(response) {
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) return response.json();
  const text = await response.text();
  return text ? { message: text.slice(0, 300) } : null;
}

/**
 * The seconds a Retry-After header asks for (Brace sends whole seconds; an
 * HTTP date, which it never sends, counts as none).
 * @param {Response} response
 * @returns {number}
 */
function retryAfterSeconds(response) {
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 0;
}

/**
 * Calls the API and answers its parsed JSON (null for 204); the caller says
 * which shape of api_types.js it reads it as.
 * @param {"GET" | "POST" | "PATCH" | "PUT" | "DELETE"} method
 * @param {string} url from api_paths.js
 * @param {unknown} [body] sent as JSON
 * @returns {Promise<unknown>}
 * @throws {ApiError}
 */
export async function api(method, url, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json", ...authHeaders() };
  /** @type {RequestInit} */
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, { code: "network", message: "Brace cannot be reached; check your connection." });
  }
  const data = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, /** @type {ErrorBody | null} */ (data), retryAfterSeconds(response));
  return data;
}

/**
 * Lists may come plain or paginated ({"results": [...]}).
 * @template T
 * @param {Listing<T> | null} payload
 * @returns {T[]}
 */
export function listOf(payload) {
  if (Array.isArray(payload)) return payload;
  return (payload && Array.isArray(payload.results)) ? payload.results : [];
}
