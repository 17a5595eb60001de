// @ts-check
// The query editor's pure parts: a query's config as the editor drafts it
// and sends it back (builder/action_config.py says what each key means),
// where a refusal's field lands, which widgets may use a query, what a
// binding's value is when the server's evaluation already holds it, and
// how a run's body reads. No DOM, no API calls.
/** @import { EditorNode } from "./layout.js" */
import { codeParts } from "./code_field.js";
import { chainPath, insideString } from "./completions.js";
import { walk } from "./layout.js";

/** The methods runtime/http/action_config.py accepts, in Appsmith's order. */
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/** The body types (runtime.http.BodyType) with the names Appsmith's tabs show. */
export const BODY_TYPES = [
  { value: "none", label: "None" },
  { value: "json", label: "JSON" },
  { value: "form_urlencoded", label: "Form URL-encoded" },
  { value: "multipart", label: "Multipart form" },
  { value: "raw", label: "Raw" },
  { value: "binary", label: "Binary" },
];

/** Body types whose body is key/value rows rather than text. */
export const ROW_BODIES = new Set(["form_urlencoded", "multipart"]);

/**
 * The query's on/off settings: the config key, its label, and its value when
 * the config leaves it out (the server's defaults, builder/action_config.py).
 */
export const SETTINGS = [
  { key: "confirm_before_run", label: "Request confirmation before running", help: "The app asks its user \u201cRun this query?\u201d before each run, and runs it only on Confirm.", fallback: false },
  { key: "smart_json_substitution", label: "Smart JSON substitution", help: "Values put into a JSON body are written as JSON (quoted, escaped) where they sit.", fallback: true },
  { key: "encode_query_params", label: "Encode query parameters", help: "Percent-encodes the query parameters' values.", fallback: true },
];

/**
 * `run_on_page_load` is three-way on the server: null leaves it to
 * Appsmith's rule (builder/page_load.py). Each choice, as the Settings tab
 * offers it.
 */
export const PAGE_LOAD_CHOICES = [
  { value: null, label: "Automatic", help: "Runs when the page opens if its method is GET and a widget shows its data (or a query that runs then reads it)." },
  { value: true, label: "Always", help: "Runs every time the page opens, whatever its method." },
  { value: false, label: "Never", help: "Runs only when a widget's event or your code runs it." },
];

/** The label of `config.run_on_page_load` wherever the editor names it. */
export const PAGE_LOAD_LABEL = "Run on page load";

/**
 * What Automatic does with this query's method, in words.
 * @param {unknown} method
 */
export function automaticPageLoad(method) {
  return method === "GET"
    ? "This query is a GET: it runs on page load when a widget shows its data."
    : `This query is a ${String(method)}: Automatic never runs it on page load (it may change data). Choose Always to run it.`;
}

export const DEFAULT_TIMEOUT_S = 60;

/**
 * A header, query parameter or form field as the editor holds it.
 * @typedef {{ key: string, value: string, value_set?: boolean }} Row
 */

/**
 * A query's config as the editor drafts it: every key present, `body` as
 * the body type wants it, and the body each other type last had, so that
 * switching types and back loses nothing.
 * @typedef {object} Draft
 * @property {Record<string, unknown>} config
 * @property {Record<string, unknown>} bodies by body type
 */

/**
 * @param {unknown} rows
 * @returns {Row[]}
 */
function rowsOf(rows) {
  if (!Array.isArray(rows)) return [];
  return rows
    .filter((row) => row && typeof row === "object")
    .map((row) => {
      /** @type {Row} */
      const copy = { key: String(row.key ?? ""), value: typeof row.value === "string" ? row.value : JSON.stringify(row.value ?? "") };
      if (row.value_set) copy.value_set = true;
      return copy;
    });
}

/**
 * The text a JSON, raw or binary body shows in its code field.
 * @param {unknown} body
 */
export function bodyText(body) {
  if (body === undefined || body === null) return "";
  if (typeof body === "string") return body;
  return JSON.stringify(body, null, 2);
}

/**
 * A draft of a stored config.
 * @param {Record<string, unknown> | undefined} config
 * @returns {Draft}
 */
export function draftOf(config) {
  const stored = structuredClone(config || {});
  const bodyType = typeof stored.body_type === "string" ? stored.body_type : "none";
  const draft = {
    ...stored,
    method: typeof stored.method === "string" ? stored.method : "GET",
    path: typeof stored.path === "string" ? stored.path : "",
    headers: rowsOf(stored.headers),
    query_params: rowsOf(stored.query_params),
    body_type: bodyType,
    body: ROW_BODIES.has(bodyType) ? (Array.isArray(stored.body) ? rowsOf(stored.body) : stored.body ?? []) : stored.body ?? "",
    timeout_s: typeof stored.timeout_s === "number" ? stored.timeout_s : DEFAULT_TIMEOUT_S,
  };
  return { config: draft, bodies: { [bodyType]: draft.body } };
}

/**
 * Switches the draft's body type, keeping the body the old type had.
 * @param {Draft} draft
 * @param {string} bodyType
 */
export function setBodyType(draft, bodyType) {
  const { config } = draft;
  draft.bodies[String(config.body_type)] = config.body;
  config.body_type = bodyType;
  if (bodyType in draft.bodies) config.body = draft.bodies[bodyType];
  else config.body = ROW_BODIES.has(bodyType) ? [] : bodyType === "none" ? "" : "";
}

/** @param {Row} row */
const isBlank = (row) => row.key === "" && row.value === "" && !row.value_set;

/**
 * What PATCH actions/{id}/ gets: the config without blank rows, and for each
 * list of rows which draft row each sent row is (a refusal names the sent one).
 * @param {Draft} draft
 * @returns {{ config: Record<string, unknown>, rows: Record<string, number[]> }}
 */
export function payloadOf(draft) {
  const config = structuredClone(draft.config);
  /** @type {Record<string, number[]>} */
  const rows = {};
  const lists = ["headers", "query_params"];
  if (ROW_BODIES.has(String(config.body_type)) && Array.isArray(config.body)) lists.push("body");
  for (const name of lists) {
    const all = /** @type {Row[]} */ (config[name]);
    rows[name] = [];
    config[name] = all.filter((row, index) => {
      if (isBlank(row)) return false;
      rows[name].push(index);
      return true;
    }).map((row) => {
      // A credential's stored value is kept only while nothing is typed over it.
      if (row.value_set && row.value !== "") return { key: row.key, value: row.value };
      return row;
    });
  }
  return { config, rows };
}

/**
 * The draft's field that a field of the API names: `config.headers[1].value`
 * of a payload without blank rows is the draft's `config.headers[2].value`
 * if the draft's second row was blank.
 * @param {string} field
 * @param {Record<string, number[]>} rows from payloadOf
 */
export function draftField(field, rows) {
  const match = /^config\.(headers|query_params|body)\[(\d+)\](.*)$/.exec(field);
  if (!match || !rows[match[1]]) return field;
  const index = rows[match[1]][Number(match[2])];
  return index === undefined ? field : `config.${match[1]}[${index}]${match[3]}`;
}

/**
 * The field errors of a refused save or run, by the API's field path: the
 * answer's `field` and each of `errors`.
 * @param {{ message: string, field?: string, errors?: unknown }} error
 * @returns {Record<string, string>}
 */
export function errorsByField(error) {
  /** @type {Record<string, string>} */
  const found = {};
  const faults = Array.isArray(error.errors) ? error.errors : [];
  for (const fault of faults) {
    if (fault && typeof fault === "object" && typeof fault.field === "string" && fault.field) {
      found[fault.field] ??= String(fault.message || error.message);
    }
  }
  if (error.field && !(error.field in found)) found[error.field] = error.message;
  return found;
}

/**
 * Where a field path shows its error: the field itself if the editor has
 * it, else the nearest enclosing one that it has (`config.headers[0]` for
 * `config.headers[0].key.name`), else "" (the editor's own line).
 * @param {string} field
 * @param {(field: string) => boolean} has
 */
export function nearestField(field, has) {
  let path = field;
  while (path) {
    if (has(path)) return path;
    const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
    path = cut > 0 ? path.slice(0, cut) : "";
  }
  return "";
}

/** @param {string} name */
const escapeRegExp = (name) => name.replace(/[$]/g, "\\$");

/**
 * Whether `name` occurs in `text` as a word, and if so whether surely as the
 * entity: inside a `{{ }}`, not after a dot, not inside a string literal.
 * @param {string} text
 * @param {string} name
 * @returns {"yes" | "maybe" | "no"}
 */
export function mentions(text, name) {
  const word = new RegExp(`(^|[^\\w$])${escapeRegExp(name)}(?![\\w$])`, "g");
  /** @type {"yes" | "maybe" | "no"} */
  let found = "no";
  const parts = codeParts(text);
  for (const match of text.matchAll(word)) {
    const at = /** @type {number} */ (match.index) + match[1].length;
    const part = parts.find((each) => at >= each.from && at < each.to);
    if (!part) {
      found = "maybe";
      continue;
    }
    const before = text.slice(part.from, at);
    if (/\.\s*$/.test(before) || insideString(before)) {
      found = "maybe";
      continue;
    }
    return "yes";
  }
  return found;
}

/**
 * @param {unknown} value
 * @param {(text: string) => void} visit
 */
function eachString(value, visit) {
  if (typeof value === "string") visit(value);
  else if (Array.isArray(value)) for (const item of value) eachString(item, visit);
  else if (value && typeof value === "object") for (const item of Object.values(value)) eachString(item, visit);
}

/**
 * Which widgets' properties (and which other queries) use the query `name`,
 * found by a word search of the name in every string they hold.
 * @param {string} name
 * @param {EditorNode | null | undefined} layout
 * @param {{ id: number, name: string, config?: Record<string, unknown> }[]} queries the page's other queries
 * @returns {{ where: string, sure: boolean }[]} "Button1.onClick", in layout order
 */
export function referencesTo(name, layout, queries) {
  /** @type {{ where: string, sure: boolean }[]} */
  const found = [];
  /**
   * @param {string} where
   * @param {unknown} value
   */
  const check = (where, value) => {
    /** @type {"yes" | "maybe" | "no"} */
    let seen = "no";
    eachString(value, (text) => {
      const said = mentions(text, name);
      if (said === "yes" || (said === "maybe" && seen === "no")) seen = said;
    });
    if (seen !== "no") found.push({ where, sure: seen === "yes" });
  };
  if (layout) {
    for (const { node, parent } of walk(layout)) {
      if (!parent) continue;
      for (const [prop, value] of Object.entries(node.props || {})) check(`${node.widgetName}.${prop}`, value);
    }
  }
  for (const query of queries) if (query.name !== name) check(`Query ${query.name}`, query.config);
  return found;
}

const SIMPLE_PATH = /^\s*[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*|\[\s*(?:\d+|"[^"\n]*"|'[^'\n]*')\s*\])*\s*$/;

/**
 * What a template evaluates to, when each of its `{{ }}` parts only names a
 * value the server's last evaluation answered (`{{Input1.text}}`,
 * `/{{FilePicker1.files[0].name}}`); null when a part is code (the editor
 * never runs user code: the Run button shows what was sent).
 * @param {string} text
 * @param {Record<string, Record<string, unknown>>} values the evaluation's, by entity
 * @returns {{ value: unknown } | null}
 */
export function templateValue(text, values) {
  const parts = codeParts(text);
  if (parts.length === 0 || parts.some((part) => !part.closed)) return null;
  /** @type {unknown[]} */
  const found = [];
  for (const part of parts) {
    const code = text.slice(part.from, part.to);
    if (!SIMPLE_PATH.test(code)) return null;
    const [root, ...keys] = chainPath(code);
    if (!Object.hasOwn(values, root)) return null;
    /** @type {unknown} */
    let value = values[root];
    for (const key of keys) {
      if (value === null || value === undefined || typeof value !== "object") {
        value = undefined;
        break;
      }
      value = /** @type {Record<string, unknown>} */ (value)[key];
    }
    found.push(value);
  }
  const whole = parts.length === 1 && parts[0].open === 0 && parts[0].to + 2 === text.length;
  if (whole) return { value: found[0] };
  let out = "";
  let at = 0;
  parts.forEach((part, index) => {
    const value = found[index];
    out += text.slice(at, part.open);
    out += value === undefined ? "undefined" : typeof value === "string" ? value : JSON.stringify(value);
    at = part.to + 2;
  });
  return { value: out + text.slice(at) };
}

/**
 * What a run's `data` is, for the response panel: JSON, text, a binary
 * body (runtime/http/response_reader.py: {base64, content_type, size}) or
 * nothing; and its size in bytes.
 * @param {unknown} data
 * @returns {{ kind: "json" | "text" | "binary" | "empty", size: number, type?: string }}
 */
export function bodyKind(data) {
  if (data === "" || data === null || data === undefined) return { kind: "empty", size: 0 };
  if (typeof data === "string") return { kind: "text", size: new TextEncoder().encode(data).length };
  if (data && typeof data === "object" && !Array.isArray(data)) {
    const keys = Object.keys(data).sort().join(",");
    const binary = /** @type {{ base64?: unknown, content_type?: unknown, size?: unknown }} */ (data);
    if (keys === "base64,content_type,size" && typeof binary.base64 === "string") {
      return { kind: "binary", size: Number(binary.size) || 0, type: String(binary.content_type) };
    }
  }
  return { kind: "json", size: new TextEncoder().encode(JSON.stringify(data)).length };
}

/**
 * "512 B", "1.4 KB", "3.2 MB".
 * @param {number} bytes
 */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
