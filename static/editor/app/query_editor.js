// @ts-check
// The query editor (Appsmith's API pane): it takes the canvas's place while a
// query of the page is open (`store.state.query`). Above the query's own
// settings, the datasource's URL, headers and parameters, read-only, which
// every run adds. Then the method, the path after the datasource URL, and the
// Headers, Params, Body and Settings tabs; every value is a code field (the
// property pane's: {{ }} highlighted, completing the page's entities) with
// what the server evaluates it to under it, or why its binding fails
// (query_evaluator.js; a run refuses the same field). Changes save by
// themselves (query_saver.js), a refusal shows under the field it names and
// keeps what was typed. Run saves, runs and shows the answer (response_view.js).
// Rename, duplicate and delete (after naming what uses the query) are here and
// in the Explorer (query_actions.js).
/** @import { Action, EditorContext, EditorStore } from "./store.js" */
/** @import { CodeField } from "./code_field.js" */
/** @import { EntityNode } from "./completions.js" */
/** @import { Datasource, KeyValue } from "../../brace/api_types.js" */
/** @import { Draft, Row } from "./query_model.js" */
/** @import { RunAnswer } from "./response_view.js" */
/** @import { QueryEvaluation } from "./query_evaluator.js" */
import { actionRunPath } from "../../brace/api_paths.js";
import { h } from "../../brace/dom.js";
import { ApiError } from "../../brace/http.js";
import { menuButton } from "../menu.js";
import { datasourceScreenUrl } from "../editor_urls.js";
import { statusBadge } from "../status.js";
import { createCodeField } from "./code_field.js";
import { entityTree } from "./completions.js";
import { errorText, evaluatedText } from "./property_pane.js";
import { deleteQuery, duplicateQuery } from "./query_actions.js";
import { QueryEvaluator } from "./query_evaluator.js";
import {
  automaticPageLoad,
  BODY_TYPES,
  bodyText,
  draftField,
  draftOf,
  errorsByField,
  METHODS,
  nearestField,
  PAGE_LOAD_CHOICES,
  PAGE_LOAD_LABEL,
  payloadOf,
  ROW_BODIES,
  SETTINGS,
  setBodyType,
} from "./query_model.js";
import { QuerySaver } from "./query_saver.js";
import { showAnswer, showRefusal, tabbed } from "./response_view.js";

let uid = 0;

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/**
 * Which tab holds a field of the config.
 * @param {string} field
 */
function tabOf(field) {
  if (field.startsWith("config.headers")) return "Headers";
  if (field.startsWith("config.query_params")) return "Params";
  if (field.startsWith("config.body")) return "Body";
  if (SETTINGS.some((setting) => field === `config.${setting.key}`) || field === "config.timeout_s" || field === "config.run_on_page_load") return "Settings";
  return null;
}

/**
 * How a field of the config reads for people: "Header 1 name", "Path".
 * @param {string} field
 */
export function fieldLabel(field) {
  const row = /^config\.(headers|query_params|body)\[(\d+)\](?:\.(key|value))?/.exec(field);
  if (row) {
    const part = row[3] === "key" ? " name" : row[3] === "value" ? " value" : "";
    return `${ROW_LISTS[row[1]].singular} ${Number(row[2]) + 1}${part}`;
  }
  /** @type {Record<string, string>} */
  const names = { "config.path": "Path", "config.method": "Method", "config.body": "Body", "config.body_type": "Body type", "config.timeout_s": "Timeout", "config.run_on_page_load": PAGE_LOAD_LABEL };
  const setting = SETTINGS.find((each) => field === `config.${each.key}`);
  return names[field] || setting?.label || field;
}

/** @type {Record<string, { singular: string, add: string }>} */
const ROW_LISTS = {
  headers: { singular: "Header", add: "Add header" },
  query_params: { singular: "Parameter", add: "Add parameter" },
  body: { singular: "Field", add: "Add field" },
};

/**
 * Mounts the query editor in `root` (the `<section aria-label="Query
 * editor">` beside the canvas) and shows it whenever the store opens a query.
 * @param {HTMLElement} root
 * @param {EditorStore} store
 * @param {EditorContext} context
 */
export function mountQueryEditor(root, store, context) {
  linkStylesheet();
  const editor = root.closest(".editor");
  /** @type {ReturnType<typeof openQuery> | null} */
  let open = null;

  const show = () => {
    const id = store.state.query ?? null;
    if (open && open.id === id) return;
    open?.close();
    open = null;
    editor?.classList.toggle("is-query", id !== null);
    root.hidden = id === null;
    root.classList.remove("has-response");
    if (id === null) {
      root.replaceChildren();
      return;
    }
    open = openQuery(root, store, context, id);
  };
  store.subscribe((_state, change) => {
    if (change.kind === "query") show();
    else open?.update(change.kind);
  });
  window.addEventListener("beforeunload", (event) => {
    if (open?.pending()) event.preventDefault();
  });
  show();
}

/**
 * Draws one query and keeps it in step with the store.
 * @param {HTMLElement} root
 * @param {EditorStore} store
 * @param {EditorContext} context
 * @param {number} id
 */
function openQuery(root, store, context, id) {
  const find = () => /** @type {Action | undefined} */ (store.state.actions.find((action) => action.id === id));
  let action = /** @type {Action} */ (find());
  /** @type {Draft} */
  let draft = draftOf(action.config);
  let lastSaved = JSON.stringify(action.config ?? {});
  /** @type {Record<string, string>} refusals of the last save, by the draft's field */
  let saveErrors = {};
  /** @type {Record<string, string>} failures of the last run, by field */
  let runErrors = {};
  /** @type {Map<string, { slot: HTMLElement, focus: () => void }>} the fields that show errors */
  const fields = new Map();
  /** @type {CodeField[]} */
  let codeFields = [];
  /** @type {{ text: () => string, path: string, element: HTMLElement, typing: () => boolean }[]} */
  let previews = [];
  /** @type {QueryEvaluation} the server's last evaluation of the draft's bindings */
  let evaluated = { values: {}, errors: {} };
  /** @type {Record<string, EntityNode> | null} */
  let tree = null;
  let currentTab = "Headers";

  const entities = () => {
    const { state } = store;
    const actions = state.actions.filter((each) => each.page === state.page.id);
    tree = tree || entityTree({ layout: state.page.layout, widgetTypes: state.widgetTypes, actions, values: state.evaluation.values });
    return tree;
  };

  const saver = new QuerySaver(store, {
    id,
    payload: () => payloadOf(draft),
    onSaved: (answer) => {
      lastSaved = JSON.stringify(answer.config ?? {});
      const before = find();
      const saved = /** @type {Action} */ ({ ...before, ...answer });
      const actions = store.state.actions.map((each) => (each.id === id ? saved : each));
      // The Explorer shows the method: it redraws only when that changed.
      if (before?.config?.method !== saved.config?.method) store.setEntities({ actions });
      else store.state.actions = actions;
    },
    onRefused: (error, rows) => {
      saveErrors = {};
      if (error) {
        for (const [field, message] of Object.entries(errorsByField(error))) saveErrors[draftField(field, rows)] = message;
      }
      paintErrors();
    },
  });

  const evaluator = new QueryEvaluator({
    id,
    api: store.api,
    payload: () => payloadOf(draft),
    onAnswer: (answer) => {
      evaluated = answer;
      for (const preview of previews) paintPreview(preview.element, preview.text(), preview.path, preview.typing());
      paintErrors();
    },
  });

  /**
   * The draft changed at `field`: its run error is over; save and evaluate soon.
   * @param {string} field
   */
  const changed = (field) => {
    for (const key of Object.keys(runErrors)) if (key === field || key.startsWith(`${field}.`) || key.startsWith(`${field}[`)) delete runErrors[key];
    paintErrors();
    saver.schedule();
    evaluator.schedule();
  };

  // --- fields -------------------------------------------------------------

  /**
   * An error slot for `field`, registered so refusals and run failures land in it.
   * @param {string} field
   * @param {() => void} focus
   */
  const errorSlot = (field, focus) => {
    const slot = h("p", { class: "qe-error", role: "alert", dataset: { errorFor: field } });
    slot.hidden = true;
    fields.set(field, { slot, focus });
    return slot;
  };

  /**
   * A code field with its evaluated value (or its binding's errors) under it.
   * `field` is where save and run errors land, `path` the config path the
   * evaluation names its value by (`config.headers[0].value`).
   * @param {{ label: string, value: string, field: string, path?: string, singleLine?: boolean, placeholder?: string, onChange: (text: string) => void }} options
   */
  const code = ({ label, value, field, path = field, singleLine = true, placeholder, onChange }) => {
    let text = value;
    /** @type {HTMLElement | null} */
    let preview = null;
    const codeField = createCodeField({
      label,
      value,
      singleLine,
      placeholder,
      entities,
      onChange: (next) => {
        text = next;
        onChange(next);
        changed(field);
      },
      // Errors held while typing show now.
      onSettle: () => {
        if (preview) paintPreview(preview, text, path, false);
      },
    });
    codeFields.push(codeField);
    preview = h("div", { class: "qe-evaluated", hidden: true, dataset: { valueFor: path } });
    previews.push({ text: () => text, path, element: preview, typing: () => codeField.typing });
    paintPreview(preview, text, path, false);
    return { codeField, preview };
  };

  /**
   * Under a code field: why its binding fails, else what it evaluates to
   * (once the server has evaluated what is typed now).
   * @param {HTMLElement} element
   * @param {string} text
   * @param {string} path
   * @param {boolean} typing the user is typing it: its binding errors wait (code_field.js)
   */
  const paintPreview = (element, text, path, typing) => {
    const errors = text.includes("{{") && !typing ? evaluated.errors[path] || [] : [];
    const known = text.includes("{{") && Object.hasOwn(evaluated.values, path);
    element.hidden = !errors.length && !known;
    element.classList.toggle("pp-evaluated", !errors.length);
    element.closest(".qe-value, .qe-field")?.classList.toggle("has-binding-error", errors.length > 0);
    if (errors.length) {
      element.replaceChildren(...errors.map((error) => h("p", { class: "pp-error qe-binding-error", role: "alert", text: errorText(error) })));
      return;
    }
    if (!known) return;
    const { type, text: shown } = evaluatedText(evaluated.values[path]);
    element.replaceChildren(
      h("span", { class: "pp-evaluated-head" }, h("span", { text: "Evaluated value" }), h("span", { class: "pp-evaluated-type", text: type })),
      h("pre", { class: "pp-evaluated-value", text: shown }),
    );
  };

  /**
   * Key/value rows (headers, query parameters, form fields) of `config[name]`.
   * @param {"headers" | "query_params" | "body"} name
   */
  const rowsEditor = (name) => {
    const words = ROW_LISTS[name];
    const list = h("div", { class: "qe-rows" });
    /** @type {CodeField[]} */
    let own = [];
    const rows = () => /** @type {Row[]} */ (draft.config[name]);
    const paint = () => {
      for (const field of own) {
        field.destroy();
        codeFields = codeFields.filter((each) => each !== field);
      }
      own = [];
      for (const key of [...fields.keys()]) if (key.startsWith(`config.${name}[`)) fields.delete(key);
      list.replaceChildren(...rows().map((row, index) => {
        const field = `config.${name}[${index}]`;
        const number = index + 1;
        const key = h("input", { type: "text", class: "qe-key", "aria-label": `${words.singular} ${number} name`, placeholder: "Key", autocomplete: "off", spellcheck: "false" });
        key.value = row.key;
        key.addEventListener("input", () => {
          row.key = key.value;
          changed(field);
        });
        const { codeField, preview } = code({
          label: `${words.singular} ${number} value`,
          value: row.value,
          field,
          path: `${field}.value`,
          placeholder: row.value_set ? "Stored (type to replace)" : "Value",
          onChange: (text) => {
            row.value = text;
            if (stored) stored.hidden = text !== "";
          },
        });
        own.push(codeField);
        const stored = row.value_set ? h("p", { class: "qe-hint", text: "A stored credential: write-only. Type to replace it." }) : null;
        if (stored) stored.hidden = row.value !== "";
        const remove = h("button", { type: "button", class: "btn btn-quiet btn-small qe-remove", "aria-label": `Remove ${words.singular.toLowerCase()} ${number}`, text: "Remove" });
        remove.addEventListener("click", () => {
          rows().splice(index, 1);
          // Errors name rows by position: the ones after this one move up.
          saveErrors = {};
          runErrors = {};
          paint();
          changed(`config.${name}`);
        });
        const slot = errorSlot(field, () => codeField.focus());
        fields.set(`${field}.key`, { slot, focus: () => key.focus() });
        return h("div", { class: "qe-row", dataset: { field } },
          key,
          h("div", { class: "qe-value" }, codeField.element, stored, preview),
          remove,
          slot);
      }));
      paintErrors();
    };
    const add = h("button", { type: "button", class: "btn btn-small qe-add", text: words.add });
    add.addEventListener("click", () => {
      rows().push({ key: "", value: "" });
      paint();
      /** @type {HTMLInputElement | null} */ (list.querySelector(".qe-row:last-child .qe-key"))?.focus();
    });
    paint();
    return h("div", { class: "qe-kv", dataset: { field: `config.${name}` } },
      h("div", { class: "qe-kv-head", "aria-hidden": "true" }, h("span", { text: "Key" }), h("span", { text: "Value" })),
      list, add, errorSlot(`config.${name}`, () => add.focus()));
  };

  // --- the parts ----------------------------------------------------------

  const nameError = h("p", { class: "qe-error", role: "alert" });
  nameError.hidden = true;
  const nameInput = h("input", { type: "text", class: "qe-name", "aria-label": "Query name", autocomplete: "off", spellcheck: "false", "aria-describedby": `qe-name-error-${++uid}` });
  nameError.id = `qe-name-error-${uid}`;
  nameInput.value = action.name;
  /** @type {Promise<void>} the rename under way: Enter and the change event both ask for one */
  let renaming = Promise.resolve();
  const renameTo = () => {
    renaming = renaming.then(renameNow);
    return renaming;
  };
  const renameNow = async () => {
    const next = nameInput.value.trim();
    const current = find()?.name ?? action.name;
    if (next === current) return;
    try {
      await saver.flush().catch(() => undefined);
      await store.renameEntity(current, next);
      nameError.hidden = true;
      nameInput.removeAttribute("aria-invalid");
    } catch (error) {
      // The server says why (taken, reserved, not an identifier); the typed name stays.
      nameError.textContent = messageOf(error);
      nameError.hidden = false;
      nameInput.setAttribute("aria-invalid", "true");
    }
  };
  nameInput.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Enter") renameTo();
    if (event.key === "Escape") {
      nameInput.value = find()?.name ?? action.name;
      nameError.hidden = true;
      nameInput.removeAttribute("aria-invalid");
    }
  });
  nameInput.addEventListener("change", renameTo);

  const runButton = h("button", { type: "button", class: "btn btn-primary qe-run", text: "Run" });
  const closeButton = h("button", { type: "button", class: "btn btn-quiet qe-close", "aria-label": "Close query", title: "Back to the canvas", text: "✕" });
  closeButton.addEventListener("click", () => store.openQuery(null));
  const more = () => menuButton(`More actions for ${action.name}`, () => [
    { label: "Duplicate", run: () => duplicateQuery(store, find() || action) },
    { label: "Delete", run: () => deleteQuery(store, find() || action), danger: true },
  ]);

  const datasource = () => /** @type {Datasource | undefined} */ (store.state.datasources.find((each) => each.id === action.datasource));
  const authorizeUrl = () => datasourceScreenUrl(action.datasource ?? 0, { application: context.application, page: context.page, query: id });

  /** The datasource's part of every request, read-only. */
  const datasourceBlock = () => {
    const ds = datasource();
    if (!ds) {
      return h("div", { class: "qe-datasource" }, h("p", { class: "qe-muted", text: "This query has no datasource: its path is the whole URL, and no credentials are sent." }));
    }
    /** @param {string} caption @param {KeyValue[] | undefined} rows */
    const table = (caption, rows) => (rows?.length
      ? h("table", { class: "qe-table" }, h("caption", { text: caption }),
        h("tbody", {}, rows.map((row) => h("tr", {}, h("th", { scope: "row", text: row.key }), h("td", { text: row.value_set ? "•••••• (stored)" : row.value })))))
      : null);
    const oauth = ds.authentication?.type === "oauth2";
    const authorization = oauth && ds.authorization?.status !== "authorized"
      ? h("a", { class: "btn btn-small", href: authorizeUrl(), text: "Authorize" })
      : null;
    return h("details", { class: "qe-datasource", open: true },
      h("summary", {}, h("span", { text: "Datasource " }), h("a", { href: datasourceScreenUrl(ds.id, { application: context.application, page: context.page, query: id }), text: ds.name }),
        oauth ? statusBadge(ds.authorization) : null),
      h("p", { class: "qe-hint", text: "The URL and headers configured in the datasource are automatically added to every run of this query, with its query parameters and credentials." }),
      h("dl", { class: "qe-facts" }, h("dt", { text: "URL" }), h("dd", {}, h("code", { text: ds.url || "(none)" }))),
      table("Datasource headers", ds.headers),
      table("Datasource query parameters", ds.query_params),
      authorization);
  };

  const methodSelect = h("select", { class: "qe-method", "aria-label": "Method" }, METHODS.map((method) => h("option", { value: method, text: method })));
  methodSelect.value = String(draft.config.method);
  /** What else shows the method (the Settings tab's Automatic). */
  let afterMethod = () => {};
  methodSelect.addEventListener("change", () => {
    draft.config.method = methodSelect.value;
    afterMethod();
    changed("config.method");
  });

  const bodyPanel = h("div", { class: "qe-body" });
  const paintBody = () => {
    for (const key of [...fields.keys()]) if (key.startsWith("config.body")) fields.delete(key);
    const type = String(draft.config.body_type);
    const select = h("select", { class: "qe-body-type", id: `qe-body-type-${++uid}` }, BODY_TYPES.map((each) => h("option", { value: each.value, text: each.label })));
    select.value = type;
    select.addEventListener("change", () => {
      setBodyType(draft, select.value);
      paintBody();
      changed("config.body_type");
    });
    const head = h("div", { class: "qe-field-row" }, h("label", { for: select.id, text: "Body type" }), select);
    const parts = [head];
    if (type === "none") parts.push(h("p", { class: "qe-muted", text: "No body is sent." }));
    else if (ROW_BODIES.has(type) && Array.isArray(draft.config.body)) parts.push(rowsEditor("body"));
    else {
      const binary = type === "binary";
      const { codeField, preview } = code({
        label: binary ? "File data" : "Body",
        value: bodyText(draft.config.body),
        field: "config.body",
        singleLine: binary,
        placeholder: binary ? "{{FilePicker1.files[0].data}}" : type === "json" ? '{"name": "{{Input1.text}}"}' : "",
        onChange: (text) => {
          draft.config.body = text;
        },
      });
      parts.push(h("div", { class: "qe-field", dataset: { field: "config.body" } },
        h("p", { class: "qe-hint", text: binary ? "The bytes of a picked file, sent as they are: {{FilePicker1.files[0].data}}, with the FilePicker's Data format set to Binary." : type === "json" ? "JSON; {{ }} values are written as JSON where they sit." : "Sent as typed, with the Content-Type the headers give." }),
        codeField.element, preview, errorSlot("config.body", () => codeField.focus())));
    }
    bodyPanel.replaceChildren(...parts);
    fields.set("config.body_type", { slot: /** @type {HTMLElement} */ (fields.get("config.body")?.slot || head), focus: () => select.focus() });
    paintErrors();
  };

  /**
   * Run on page load, three ways (null is Appsmith's automatic rule), each
   * choice saying what it does, and what Automatic does with this method.
   */
  const pageLoadSetting = () => {
    const stored = draft.config.run_on_page_load;
    const name = `qe-page-load-${++uid}`;
    const automatic = h("p", { class: "qe-hint qe-page-load-now" });
    const paintAutomatic = () => {
      automatic.textContent = automaticPageLoad(draft.config.method);
      automatic.hidden = !(draft.config.run_on_page_load === null || draft.config.run_on_page_load === undefined);
    };
    /** @type {HTMLInputElement[]} */
    const radios = [];
    const choices = PAGE_LOAD_CHOICES.map((choice) => {
      const id = `${name}-${String(choice.value)}`;
      const radio = h("input", { type: "radio", name, id, value: String(choice.value), "aria-describedby": `${id}-help` });
      radio.checked = stored === choice.value || (choice.value === null && stored === undefined);
      radio.addEventListener("change", () => {
        if (!radio.checked) return;
        draft.config.run_on_page_load = choice.value;
        paintAutomatic();
        changed("config.run_on_page_load");
      });
      radios.push(radio);
      return h("div", { class: "qe-choice" }, radio,
        h("div", {}, h("label", { for: id, class: "qe-choice-label", text: choice.label }), h("p", { class: "qe-hint", id: `${id}-help`, text: choice.help })));
    });
    paintAutomatic();
    afterMethod = paintAutomatic;
    const focus = () => (radios.find((radio) => radio.checked) || radios[0]).focus();
    return h("fieldset", { class: "qe-setting qe-page-load", dataset: { field: "config.run_on_page_load" } },
      h("legend", { text: PAGE_LOAD_LABEL }), ...choices, automatic,
      errorSlot("config.run_on_page_load", focus));
  };

  const settingsPanel = () => {
    const timeoutId = `qe-timeout-${++uid}`;
    const timeout = h("input", { type: "number", id: timeoutId, class: "qe-timeout", min: "1", max: "300", step: "1", inputmode: "numeric" });
    timeout.value = String(draft.config.timeout_s ?? "");
    timeout.addEventListener("input", () => {
      const text = timeout.value.trim();
      draft.config.timeout_s = /^\d+$/.test(text) ? Number(text) : text;
      changed("config.timeout_s");
    });
    /** @type {HTMLElement[]} */
    const rows = [
      h("div", { class: "qe-setting", dataset: { field: "config.timeout_s" } },
        h("label", { for: timeoutId, text: "Timeout (seconds)" }), timeout,
        h("p", { class: "qe-hint", text: "How long a run waits for the API, 1 to 300 seconds." }),
        errorSlot("config.timeout_s", () => timeout.focus())),
    ];
    rows.push(pageLoadSetting());
    for (const setting of SETTINGS) {
      const box = h("input", { type: "checkbox" });
      const stored = draft.config[setting.key];
      box.checked = typeof stored === "boolean" ? stored : setting.fallback;
      // A stored value that is not a boolean is neither: the server names it on the next save.
      box.indeterminate = stored !== undefined && typeof stored !== "boolean";
      box.addEventListener("change", () => {
        draft.config[setting.key] = box.checked;
        changed(`config.${setting.key}`);
      });
      rows.push(h("div", { class: "qe-setting", dataset: { field: `config.${setting.key}` } },
        h("label", { class: "check" }, box, ` ${setting.label}`),
        h("p", { class: "qe-hint", text: setting.help }),
        errorSlot(`config.${setting.key}`, () => box.focus())));
    }
    return h("div", { class: "qe-settings" }, rows);
  };

  const response = h("section", { class: "qe-response", "aria-label": "Response" },
    h("p", { class: "qe-muted qe-response-empty", text: "Run the query to see its response." }));

  /** @type {ReturnType<typeof tabbed> | null} */
  let tabs = null;

  /**
   * Moves to a field of the query (a failure's "Go to"), on its tab.
   * @param {string} field
   */
  const showField = (field) => {
    const tab = tabOf(field);
    if (tab) tabs?.select(tab);
    const target = nearestField(field, (path) => fields.has(path));
    fields.get(target)?.focus();
  };

  const fixes = () => ({ authorizeUrl: authorizeUrl(), showField, fieldLabel });

  /** Paints every error in the slot of its field (or the nearest enclosing one). */
  const paintErrors = () => {
    for (const { slot } of fields.values()) {
      if (slot.classList.contains("qe-error")) {
        slot.hidden = true;
        slot.textContent = "";
      }
    }
    for (const el of root.querySelectorAll(".is-invalid")) el.classList.remove("is-invalid");
    // A binding that fails shows under its field (paintPreview); its run
    // failure says the same, so only failures elsewhere (a key) go in slots.
    const shown = new Set(previews.filter((preview) => preview.text().includes("{{")).map((preview) => preview.path));
    /** @type {Record<string, string>} */
    const failures = {};
    for (const [field, errors] of Object.entries(evaluated.errors)) if (!shown.has(field)) failures[field] = errors.map(errorText).join(" ");
    for (const [field, message] of Object.entries(runErrors)) if (!(shown.has(field) && evaluated.errors[field])) failures[field] = message;
    for (const [field, message] of Object.entries({ ...failures, ...saveErrors })) {
      const target = nearestField(field, (path) => fields.has(path)) || "name";
      const slot = target === "name" ? nameError : /** @type {{ slot: HTMLElement }} */ (fields.get(target)).slot;
      slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
      slot.hidden = false;
      slot.closest("[data-field]")?.classList.add("is-invalid");
    }
  };

  const run = async () => {
    runButton.disabled = true;
    runButton.textContent = "Running…";
    root.classList.add("has-response");
    response.setAttribute("aria-busy", "true");
    runErrors = {};
    try {
      try {
        await saver.flush();
      } catch (error) {
        const failure = error instanceof ApiError ? error : new ApiError(0, { message: messageOf(error) });
        showRefusal(response, { code: failure.code, message: `The query was not run: it could not be saved. ${failure.message}`, field: failure.field ? draftField(failure.field, payloadOf(draft).rows) : undefined }, fixes());
        return;
      }
      try {
        const answer = /** @type {RunAnswer} */ (await store.api("POST", actionRunPath(id), {}));
        showAnswer(response, answer, fixes());
        const error = answer.error;
        if (error?.field) runErrors[error.field] = error.message;
        for (const binding of error?.bindings || []) runErrors[binding.field] = `${binding.name ? `${binding.name}: ` : ""}${binding.message}`;
      } catch (error) {
        const failure = error instanceof ApiError ? error : new ApiError(0, { message: messageOf(error) });
        showRefusal(response, failure, fixes());
        Object.assign(runErrors, errorsByField(failure));
      }
    } finally {
      paintErrors();
      runButton.disabled = false;
      runButton.textContent = "Run";
      response.setAttribute("aria-busy", "false");
    }
  };
  runButton.addEventListener("click", run);

  const render = () => {
    const refocus = document.activeElement === nameInput;
    for (const field of codeFields) field.destroy();
    codeFields = [];
    previews = [];
    fields.clear();
    tree = null;
    const { codeField: pathField, preview: pathPreview } = code({
      label: "Path",
      value: String(draft.config.path ?? ""),
      field: "config.path",
      placeholder: "users/{{Input1.text}}",
      onChange: (text) => {
        draft.config.path = text;
      },
    });
    const ds = datasource();
    const urlBar = h("div", { class: "qe-urlbar", dataset: { field: "config.path" } },
      methodSelect,
      ds?.url ? h("span", { class: "qe-base", title: "The datasource's URL", text: ds.url }) : null,
      h("div", { class: "qe-path" }, pathField.element));
    const pathBlock = h("div", { class: "qe-field" }, urlBar, pathPreview, errorSlot("config.path", () => pathField.focus()));
    fields.set("config.method", { slot: /** @type {{ slot: HTMLElement }} */ (fields.get("config.path")).slot, focus: () => methodSelect.focus() });
    paintBody();
    tabs = tabbed("Query", [
      { name: "Headers", panel: h("div", {}, rowsEditor("headers")) },
      { name: "Params", panel: h("div", {}, rowsEditor("query_params")) },
      { name: "Body", panel: bodyPanel },
      { name: "Settings", panel: settingsPanel() },
    ], { selected: currentTab, onSelect: (name) => { currentTab = name; } });
    root.replaceChildren(
      h("header", { class: "qe-header" },
        h("div", { class: "qe-title" }, nameInput, nameError),
        h("div", { class: "qe-header-actions" }, runButton, more(), closeButton)),
      h("div", { class: "qe-request-pane" }, datasourceBlock(), pathBlock, tabs.element),
      response,
    );
    paintErrors();
    if (refocus) nameInput.focus();
  };

  render();
  evaluator.schedule();

  return {
    id,
    pending: () => saver.pending,
    /** @param {string} kind what changed in the store */
    update(kind) {
      if (kind === "evaluation" || kind === "layout" || kind === "entities") tree = null;
      // The page the bindings read changed (its draft evaluated, or saved).
      if (kind === "evaluation" || kind === "save") {
        evaluator.schedule();
        return;
      }
      if (kind !== "entities") return;
      const found = find();
      if (!found) return; // deleted: the store closes the query
      const renamed = found.name !== action.name;
      action = found;
      if (renamed) {
        nameInput.value = found.name;
        nameError.hidden = true;
        nameInput.removeAttribute("aria-invalid");
      }
      // The server rewrote the config (a rename of something it refers to): show its copy.
      const config = JSON.stringify(found.config ?? {});
      if (config !== lastSaved && !saver.pending) {
        lastSaved = config;
        draft = draftOf(found.config);
        methodSelect.value = String(draft.config.method);
        render();
      } else if (renamed) {
        render();
      }
    },
    close() {
      // Whatever is typed is saved before the query goes, unless it was deleted.
      if (find()) saver.flush().catch(() => undefined);
      else saver.stop();
      evaluator.stop();
      for (const field of codeFields) field.destroy();
      codeFields = [];
    },
  };
}

/**
 * The query editor brings its own stylesheet (a same-origin file, as the CSP wants).
 */
function linkStylesheet() {
  const href = new URL("./query_editor.css", import.meta.url).href;
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((link) => /** @type {HTMLLinkElement} */ (link).href === href)) return;
  document.head.append(h("link", { rel: "stylesheet", href }));
}
