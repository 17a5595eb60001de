// @ts-check
// The datasource form and the API's datasource object (api_types.js, docs/editor-api.md), both ways.
//
// Only what the user changed is sent: the server fills a preset's defaults
// into the fields it is not given, and a PATCH keeps whatever it is not
// given, secrets included. Secret inputs are never filled from the server;
// left empty, they mean "unchanged".
/** @import { Datasource, KeyValue } from "../brace/api_types.js" */
import { KeyValues } from "./key_values.js";

/** @typedef {HTMLInputElement | HTMLSelectElement} Field */
/** @typedef {string | number | boolean | string[] | KeyValue[] | null | undefined} FieldValue */

const TOP_FIELDS = /** @type {const} */ (["name", "preset", "preset_region", "url", "headers", "query_params"]);

/** @param {string} text */
function splitList(text) {
  return text.split(/[\s,]+/).filter(Boolean);
}

// Empty is "not set"; anything but digits goes as typed, so that the
// server's message names the field instead of the value silently vanishing.
/** @param {string} text */
function numberOrText(text) {
  if (text === "") return null;
  return /^\d+$/.test(text) ? Number(text) : text;
}

export class DatasourceForm {
  /**
   * @param {HTMLFormElement} form
   * @param {{ onChange: () => void }} options called after every change the user makes
   */
  constructor(form, { onChange }) {
    this.form = form;
    /** @type {Set<string>} the fields the user changed since the last fill */
    this.dirty = new Set();
    this.onChange = onChange;
    /** @type {Map<string, KeyValues>} */
    this.lists = new Map();
    for (const el of /** @type {NodeListOf<HTMLElement>} */ (form.querySelectorAll("[data-kv]"))) {
      this.lists.set(el.dataset.kv || "", new KeyValues(el, { onChange: (name) => this.touch(name) }));
    }
    form.addEventListener("input", (event) => this.touchElement(/** @type {Field | null} */ (event.target)));
    form.addEventListener("change", (event) => this.touchElement(/** @type {Field | null} */ (event.target)));
    this.refresh();
  }

  /**
   * @param {string} name
   * @returns {Field | null}
   */
  element(name) {
    return /** @type {Field | null} */ (this.form.elements.namedItem(name));
  }

  /** @param {Field | null} el */
  touchElement(el) {
    if (el?.name) this.touch(el.name);
  }

  /** @param {string} name */
  touch(name) {
    this.dirty.add(name);
    if (name === "preset") this.presetChanged();
    this.refresh();
    this.onChange();
  }

  // A provider preset means OAuth 2.0 with the authorization code; show
  // those fields unless the user already chose otherwise.
  presetChanged() {
    if (!this.get("preset")) return;
    if (!this.dirty.has("authentication.type")) this.field("authentication.type").value = "oauth2";
    if (!this.dirty.has("authentication.grant_type")) this.field("authentication.grant_type").value = "authorization_code";
  }

  get authType() {
    return this.get("authentication.type");
  }

  // The presets that ask for a region come with the page (datasources/choices.py).
  /** @returns {boolean} Whether the chosen preset needs a region (the template lists them). */
  get needsRegion() {
    const field = this.form.querySelector("[data-region-presets]");
    if (!(field instanceof HTMLElement)) return false;
    return (field.dataset.regionPresets ?? "").split(" ").includes(String(this.get("preset")));
  }

  get usesAuthorizationCode() {
    return this.authType === "oauth2" && this.get("authentication.grant_type") === "authorization_code";
  }

  // Shows the fields that apply to the chosen preset, auth type and grant.
  refresh() {
    const type = this.authType;
    for (const section of this.sections("[data-auth]")) section.hidden = section.dataset.auth !== type;
    for (const el of this.sections('[data-show-when="authorization_code"]')) el.hidden = !this.usesAuthorizationCode;
    for (const el of this.sections("[data-region-presets]")) el.hidden = !this.needsRegion;
  }

  /**
   * @param {string} selector
   * @returns {NodeListOf<HTMLElement>}
   */
  sections(selector) {
    return /** @type {NodeListOf<HTMLElement>} */ (this.form.querySelectorAll(selector));
  }

  /**
   * A field of the form, which the template must hold.
   * @param {string} name
   * @returns {Field}
   */
  field(name) {
    return /** @type {Field} */ (this.element(name));
  }

  /**
   * A field's value as the API takes it.
   * @param {string} name
   * @returns {FieldValue}
   */
  get(name) {
    const list = this.lists.get(name);
    if (list) return list.value;
    const el = this.element(name);
    if (!el) return undefined;
    if (el instanceof HTMLInputElement && el.type === "checkbox") return el.checked;
    if ("list" in el.dataset) return splitList(el.value);
    if ("number" in el.dataset) return numberOrText(el.value.trim());
    return el.value.trim();
  }

  /**
   * @param {string} name
   * @param {unknown} value as the API gives it
   */
  set(name, value) {
    const list = this.lists.get(name);
    if (list) {
      list.value = value;
      return;
    }
    const el = this.element(name);
    if (!el || "secret" in el.dataset || value === undefined) return;
    if (value === null) value = "";
    if (el instanceof HTMLInputElement && el.type === "checkbox") el.checked = Boolean(value);
    else if ("list" in el.dataset) el.value = Array.isArray(value) ? value.join(" ") : String(value);
    else el.value = String(value);
  }

  /** @param {Datasource} datasource */
  fill(datasource) {
    for (const name of TOP_FIELDS) this.set(name, datasource[name]);
    if (!datasource.preset_region) this.field("preset_region").value = "com";
    const auth = datasource.authentication || {};
    for (const [key, value] of Object.entries(auth)) {
      if (!key.endsWith("_set")) this.set(`authentication.${key}`, value);
    }
    // The API says only whether a secret is set (`client_secret_set`).
    for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (this.form.querySelectorAll("[data-secret]"))) {
      el.value = "";
      const isSet = Boolean(auth[`${el.name.slice("authentication.".length)}_set`]);
      el.placeholder = isSet ? "Unchanged" : "";
      const hint = el.parentElement?.querySelector(".secret-hint");
      if (hint) hint.textContent = isSet ? "Stored encrypted and never shown. Leave empty to keep it." : "Not set.";
    }
    this.dirty.clear();
    this.refresh();
  }

  // Whether a field belongs to what is chosen now (a token typed under
  // "Bearer" and then abandoned for OAuth 2.0 is not sent).
  /** @param {string} name */
  applies(name) {
    const el = this.lists.has(name) ? this.form.querySelector(`[data-kv="${CSS.escape(name)}"]`) : this.element(name);
    if (!el) return false;
    return !el.closest("[hidden]");
  }

  /**
   * The body of the POST (a new datasource) or PATCH that saves the form.
   * @param {{ isNew: boolean }} options
   * @returns {Record<string, unknown>}
   */
  payload({ isNew }) {
    /** @type {Record<string, unknown>} */
    const body = {};
    /** @type {Record<string, unknown>} */
    const authentication = {};
    const names = new Set(this.dirty);
    if (isNew) names.add("name");
    if (names.has("preset")) names.add("preset_region");
    for (const name of names) {
      let value = this.get(name);
      if (name === "preset_region") value = this.needsRegion ? value : "";
      else if (!this.applies(name)) continue;
      const el = this.element(name);
      if (el?.dataset && "secret" in el.dataset && !value) continue;
      if (name === "workspace") continue;
      if (name.startsWith("authentication.")) authentication[name.slice("authentication.".length)] = value;
      else body[name] = value;
    }
    if (Object.keys(authentication).length) {
      // The server reads the other fields against the type, so it goes along.
      authentication.type = this.authType;
      body.authentication = authentication;
    }
    return body;
  }
}
