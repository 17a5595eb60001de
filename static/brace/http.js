// The one way browser code talks to Brace's API: same-origin credentials,
// the CSRF token from Django's cookie, JSON in and out, and errors in the
// API's {"code", "message", "field"} shape as ApiError.

export class ApiError extends Error {
  constructor(status, body) {
    const message = (body && body.message) || `The server answered ${status}.`;
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = (body && body.code) || "error";
    this.field = (body && body.field) || "";
    // DRF validation errors also carry every field's messages under `errors`.
    this.errors = (body && body.errors) || null;
  }
}

export function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "csrftoken") return decodeURIComponent(rest.join("="));
  }
  return "";
}

export function authHeaders() {
  return { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" };
}

async function readBody(response) {
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) return response.json();
  const text = await response.text();
  return text ? { message: text.slice(0, 300) } : null;
}

export async function api(method, url, body) {
  const headers = { Accept: "application/json", ...authHeaders() };
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
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// Lists may come plain or paginated ({"results": [...]}).
export function listOf(payload) {
  if (Array.isArray(payload)) return payload;
  return (payload && Array.isArray(payload.results)) ? payload.results : [];
}
