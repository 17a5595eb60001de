// @ts-check
// The action selector of an event property (onClick, onFilesSelected...),
// like Appsmith's: a list of actions (run a query, with what to do on
// success and on failure; show an alert; navigate; store a value...) that
// it writes as the handler's code,
//   {{UploadFileToDropbox.run().then(() => { showAlert('Uploaded', 'success'); }).catch(() => { showAlert('Failed', 'error'); })}}
// and reads back. Code it did not write (or could not have) is not read:
// the pane shows such a handler in its JS code field instead. The function
// names are runtime/effects.py's (docs/triggers.md); completions.js lists them.
import { h } from "../../brace/dom.js";

/**
 * One action of a handler.
 * @typedef {{ kind: "query", query: string, onSuccess: Step[], onFailure: Step[] }
 *   | { kind: "showAlert", message: string, style: string }
 *   | { kind: "navigateTo", target: string, newWindow: boolean }
 *   | { kind: "storeValue", key: string, value: string }
 *   | { kind: "removeValue", key: string }
 *   | { kind: "clearStore" }
 *   | { kind: "resetWidget", widget: string }
 *   | { kind: "showModal", name: string }
 *   | { kind: "closeModal", name: string }
 *   | { kind: "copyToClipboard", text: string }} Step
 */

/**
 * The menu's names, in its order: a query run, then one per effect of
 * runtime/effects.py that the selector offers (tests/static/test_effect_names.py).
 * @type {Record<Step["kind"], string>}
 */
const STEP_LABELS = {
  query: "Execute a query",
  showAlert: "Show alert",
  navigateTo: "Navigate to",
  storeValue: "Store value",
  removeValue: "Remove value",
  clearStore: "Clear store",
  resetWidget: "Reset widget",
  showModal: "Show modal",
  closeModal: "Close modal",
  copyToClipboard: "Copy to clipboard",
};

export const ALERT_STYLES = ["success", "info", "warning", "error"];

/**
 * A new action of a kind, with empty fields.
 * @param {Step["kind"]} kind
 * @param {string[]} queries the page's queries, the first picked by default
 * @returns {Step}
 */
export function newStep(kind, queries = []) {
  switch (kind) {
    case "query":
      return { kind, query: queries[0] || "", onSuccess: [], onFailure: [] };
    case "showAlert":
      return { kind, message: "", style: "success" };
    case "navigateTo":
      return { kind, target: "", newWindow: false };
    case "storeValue":
      return { kind, key: "", value: "" };
    case "removeValue":
      return { kind, key: "" };
    case "resetWidget":
      return { kind, widget: "" };
    case "showModal":
    case "closeModal":
      return { kind, name: "" };
    case "copyToClipboard":
      return { kind, text: "" };
    default:
      return { kind: "clearStore" };
  }
}

/** @param {string} text */
const capitalize = (text) => text.charAt(0).toUpperCase() + text.slice(1);

// Writing.

/** @param {string} text */
export function quote(text) {
  return `'${text.replace(/[\\'\n\r\t]/g, (char) => ({ "\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t" })[char] || char)}'`;
}

/**
 * @param {Step} step
 * @returns {string}
 */
function writeStep(step) {
  switch (step.kind) {
    case "query": {
      let code = `${step.query}.run()`;
      if (step.onSuccess.length) code += `.then(() => { ${writeBlock(step.onSuccess)} })`;
      if (step.onFailure.length) code += `.catch(() => { ${writeBlock(step.onFailure)} })`;
      return code;
    }
    case "showAlert":
      return `showAlert(${quote(step.message)}, ${quote(step.style)})`;
    case "navigateTo":
      return `navigateTo(${quote(step.target)}, {}, ${quote(step.newWindow ? "NEW_WINDOW" : "SAME_WINDOW")})`;
    case "storeValue":
      return `storeValue(${quote(step.key)}, ${quote(step.value)})`;
    case "removeValue":
      return `removeValue(${quote(step.key)})`;
    case "clearStore":
      return "clearStore()";
    case "resetWidget":
      return `resetWidget(${quote(step.widget)}, true)`;
    case "showModal":
    case "closeModal":
      return `${step.kind}(${quote(step.name)})`;
    case "copyToClipboard":
      return `copyToClipboard(${quote(step.text)})`;
  }
}

/** @param {Step[]} steps */
const writeBlock = (steps) => steps.map((step) => `${writeStep(step)};`).join(" ");

/**
 * The handler code of a list of actions; "" for none.
 * @param {Step[]} steps
 */
export function writeHandler(steps) {
  if (!steps.length) return "";
  if (steps.length === 1) return `{{${writeStep(steps[0])}}}`;
  return `{{${writeBlock(steps)}}}`;
}

// Reading: a recursive descent over tokens, accepting exactly what
// writeHandler writes (spacing and the last semicolon aside).

const TOKEN = /\s*(?:([A-Za-z_$][\w$]*)|('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")|(=>|[(){}.;,]))/y;
/** @type {Record<string, string>} */
const ESCAPES = { "\\": "\\", "'": "'", '"': '"', n: "\n", r: "\r", t: "\t" };

/**
 * @typedef {{ kind: "name" | "string" | "punct", text: string }} Token
 */

/**
 * @param {string} code
 * @returns {Token[] | null} null at anything else (numbers, operators, comments...)
 */
function tokenize(code) {
  /** @type {Token[]} */
  const tokens = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < code.length) {
    if (/^\s*$/.test(code.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(code);
    if (!match) return null;
    if (match[1]) tokens.push({ kind: "name", text: match[1] });
    else if (match[2]) {
      const text = unescapeString(match[2].slice(1, -1));
      if (text === null) return null;
      tokens.push({ kind: "string", text });
    } else tokens.push({ kind: "punct", text: match[3] });
  }
  return tokens;
}

/** @param {string} body */
function unescapeString(body) {
  let ok = true;
  const text = body.replace(/\\(.)/g, (_, char) => {
    if (!(char in ESCAPES)) ok = false;
    return ESCAPES[char] || "";
  });
  return ok ? text : null;
}

/** @type {Record<string, (args: (string | boolean | object)[]) => Step | null>} */
const CALLS = {
  showAlert: ([message, style, ...rest]) =>
    typeof message === "string" && (style === undefined || (typeof style === "string" && ALERT_STYLES.includes(style))) && !rest.length
      ? { kind: "showAlert", message, style: /** @type {string | undefined} */ (style) || "info" }
      : null,
  navigateTo: ([target, params, where, ...rest]) =>
    typeof target === "string" &&
    (params === undefined || (typeof params === "object" && !Object.keys(params).length)) &&
    (where === undefined || where === "SAME_WINDOW" || where === "NEW_WINDOW") &&
    !rest.length
      ? { kind: "navigateTo", target, newWindow: where === "NEW_WINDOW" }
      : null,
  storeValue: ([key, value, ...rest]) =>
    typeof key === "string" && typeof value === "string" && !rest.length ? { kind: "storeValue", key, value } : null,
  removeValue: ([key, ...rest]) => (typeof key === "string" && !rest.length ? { kind: "removeValue", key } : null),
  clearStore: (args) => (args.length ? null : { kind: "clearStore" }),
  resetWidget: ([widget, children, ...rest]) =>
    typeof widget === "string" && (children === undefined || children === true) && !rest.length ? { kind: "resetWidget", widget } : null,
  showModal: ([name, ...rest]) => (typeof name === "string" && !rest.length ? { kind: "showModal", name } : null),
  closeModal: ([name, ...rest]) => (typeof name === "string" && !rest.length ? { kind: "closeModal", name } : null),
  copyToClipboard: ([text, ...rest]) => (typeof text === "string" && !rest.length ? { kind: "copyToClipboard", text } : null),
};

class Unreadable extends Error {}

class Reader {
  /** @param {Token[]} tokens */
  constructor(tokens) {
    this.tokens = tokens;
    this.at = 0;
  }

  /** @param {string} [text] */
  peek(text) {
    const token = this.tokens[this.at];
    return token && (text === undefined || (token.kind !== "string" && token.text === text)) ? token : null;
  }

  /** @param {string} [text] */
  take(text) {
    const token = this.peek(text);
    if (!token) throw new Unreadable();
    this.at++;
    return token;
  }

  /** @param {string} text */
  skip(text) {
    if (!this.peek(text)) return false;
    this.at++;
    return true;
  }

  /** Steps, each ended by `;` or by `end`. @param {string | null} end */
  steps(end) {
    /** @type {Step[]} */
    const steps = [];
    while (end === null ? this.at < this.tokens.length : !this.peek(end)) {
      steps.push(this.step());
      if (!this.skip(";") && !(end === null ? this.at >= this.tokens.length : this.peek(end))) throw new Unreadable();
    }
    return steps;
  }

  /** @returns {Step} */
  step() {
    const name = this.take();
    if (name.kind !== "name") throw new Unreadable();
    if (this.skip(".")) return this.query(name.text);
    const build = Object.hasOwn(CALLS, name.text) ? CALLS[name.text] : null;
    const step = build?.(this.args());
    if (!step) throw new Unreadable();
    return step;
  }

  /** @param {string} query */
  query(query) {
    this.take("run");
    this.take("(");
    this.take(")");
    /** @type {Step} */
    const step = { kind: "query", query, onSuccess: [], onFailure: [] };
    if (this.peek(".") && this.tokens[this.at + 1]?.text === "then") {
      this.at += 2;
      step.onSuccess = this.callback();
    }
    if (this.skip(".")) {
      this.take("catch");
      step.onFailure = this.callback();
    }
    return step;
  }

  /** `(() => { steps })` */
  callback() {
    for (const text of ["(", "(", ")", "=>", "{"]) this.take(text);
    const steps = this.steps("}");
    this.take("}");
    this.take(")");
    return steps;
  }

  /** @returns {(string | boolean | object)[]} */
  args() {
    this.take("(");
    const args = [];
    while (!this.skip(")")) {
      if (args.length) this.take(",");
      const token = this.take();
      if (token.kind === "string") args.push(token.text);
      else if (token.text === "true" || token.text === "false") args.push(token.text === "true");
      else if (token.text === "{") {
        this.take("}");
        args.push({});
      } else throw new Unreadable();
    }
    return args;
  }
}

/**
 * The actions a handler's code stands for, or null if the selector cannot
 * show it (not written as the selector writes, or more than one `{{ }}`).
 * "" (no handler) is no action.
 * @param {unknown} value the stored property
 * @returns {Step[] | null}
 */
export function readHandler(value) {
  if (value === undefined || value === null || value === "") return [];
  if (typeof value !== "string") return null;
  const match = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(value);
  if (!match || match[1].includes("{{")) return null;
  const tokens = tokenize(match[1]);
  if (!tokens) return null;
  try {
    return new Reader(tokens).steps(null);
  } catch (error) {
    if (error instanceof Unreadable) return null;
    throw error;
  }
}

// The form.

/**
 * What the form offers to pick from.
 * @typedef {object} SelectorChoices
 * @property {string[]} queries the page's queries
 * @property {string[]} pages the application's page names
 * @property {string[]} widgets the page's widget names
 */

/**
 * @typedef {object} ActionSelectorOptions
 * @property {string} label the event's label ("onClick")
 * @property {Step[]} steps what the handler does now
 * @property {() => SelectorChoices} choices asked at each render
 * @property {(code: string) => void} onChange the new handler code ("" for none)
 */

let uid = 0;

/**
 * @param {ActionSelectorOptions} options
 * @returns {{ element: HTMLElement, set: (steps: Step[]) => void }}
 */
export function createActionSelector({ label, steps: initial, choices, onChange }) {
  let steps = initial;
  const element = h("div", { class: "as-root" });
  const changed = () => {
    onChange(writeHandler(steps));
  };
  const render = () => {
    const focused = document.activeElement && element.contains(document.activeElement) ? focusKey(document.activeElement) : null;
    element.replaceChildren(stepList(steps, label, choices(), changed, render));
    if (focused) /** @type {HTMLElement | null} */ (element.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`))?.focus();
  };
  render();
  return {
    element,
    set(next) {
      if (element.contains(document.activeElement) && document.activeElement?.tagName === "INPUT") return;
      steps = next;
      render();
    },
  };
}

/** @param {Element} el */
const focusKey = (el) => (el instanceof HTMLElement ? el.dataset.focusKey || null : null);

/**
 * A list of actions with an add button: the handler's, or a query's
 * on-success or on-failure list. `render` redraws after a change of shape.
 * @param {Step[]} steps changed in place
 * @param {string} name what the list is of, for accessible names ("onClick", "On success")
 * @param {SelectorChoices} choices
 * @param {() => void} changed
 * @param {() => void} render
 * @returns {HTMLElement}
 */
function stepList(steps, name, choices, changed, render) {
  /** @type {HTMLElement[]} */
  const items = steps.map((step, index) => {
    const groupName = `${name} action ${index + 1}`;
    const kindSelect = h(
      "select",
      {
        class: "pp-select",
        "aria-label": "Action",
        "data-focus-key": `${groupName}/kind`,
        onchange: () => {
          steps[index] = newStep(/** @type {Step["kind"]} */ (kindSelect.value), choices.queries);
          changed();
          render();
        },
      },
      Object.entries(STEP_LABELS).map(([kind, text]) => h("option", { value: kind, text, selected: kind === step.kind })),
    );
    const remove = h("button", {
      type: "button",
      class: "pp-icon-button",
      "aria-label": `Remove ${groupName}`,
      title: "Remove action",
      text: "×",
      onclick: () => {
        steps.splice(index, 1);
        changed();
        render();
      },
    });
    return h(
      "li",
      { class: `as-step as-${step.kind}`, role: "group", "aria-label": groupName },
      h("div", { class: "as-step-head" }, kindSelect, remove),
      stepFields(step, groupName, choices, changed, render),
    );
  });
  const add = h("button", {
    type: "button",
    class: "as-add",
    text: "+ Add action",
    "aria-label": `Add action to ${name}`,
    "data-focus-key": `${name}/add`,
    onclick: () => {
      steps.push(newStep(choices.queries.length ? "query" : "showAlert", choices.queries));
      changed();
      render();
      /** @type {HTMLElement | null} */ (add.closest(".as-root")?.querySelector(`[aria-label="${CSS.escape(`${name} action ${steps.length}`)}"] select`))?.focus();
    },
  });
  return h("div", { class: "as-list" }, steps.length ? h("ol", { class: "as-steps" }, items) : null, add);
}

/**
 * A labelled field of an action: a text input or a select.
 * @param {string} text
 * @param {HTMLInputElement | HTMLSelectElement} input
 */
function field(text, input) {
  input.id = input.id || `as-field-${++uid}`;
  return h("div", { class: "as-field" }, h("label", { for: input.id, text }), input);
}

/**
 * @param {string} key for keeping focus across a redraw
 * @param {string} value
 * @param {(value: string) => void} set
 * @param {string} [list] a datalist's id
 */
function textInput(key, value, set, list) {
  const input = h("input", { type: "text", class: "pp-input", autocomplete: "off", list, "data-focus-key": key });
  input.value = value;
  input.addEventListener("input", () => set(input.value));
  return input;
}

/**
 * @param {string} key
 * @param {string} value
 * @param {string[]} options
 * @param {(value: string) => void} set
 * @param {string} [none] the text of an empty choice, when nothing is picked yet
 * @param {(option: string) => string} [label] an option's text, if not itself
 */
function selectInput(key, value, options, set, none, label = (option) => option) {
  const all = value && !options.includes(value) ? [value, ...options] : options;
  const select = h(
    "select",
    { class: "pp-select", "data-focus-key": key },
    none !== undefined && !value ? h("option", { value: "", text: none }) : null,
    all.map((option) => h("option", { value: option, text: label(option), selected: option === value })),
  );
  select.addEventListener("change", () => set(select.value));
  return select;
}

/**
 * The fields of one action.
 * @param {Step} step changed in place
 * @param {string} groupName
 * @param {SelectorChoices} choices
 * @param {() => void} changed
 * @param {() => void} render
 * @returns {HTMLElement | null}
 */
function stepFields(step, groupName, choices, changed, render) {
  const key = (/** @type {string} */ name) => `${groupName}/${name}`;
  switch (step.kind) {
    case "query":
      return h(
        "div",
        { class: "as-fields" },
        field(
          "Query",
          selectInput(key("query"), step.query, choices.queries, (value) => {
          step.query = value;
          changed();
        }, "Pick a query"),
        ),
        h("div", { class: "as-callback as-success" }, h("p", { class: "as-callback-title", text: "On success" }), stepList(step.onSuccess, `${groupName} on success`, choices, changed, render)),
        h("div", { class: "as-callback as-failure" }, h("p", { class: "as-callback-title", text: "On failure" }), stepList(step.onFailure, `${groupName} on failure`, choices, changed, render)),
      );
    case "showAlert":
      return h(
        "div",
        { class: "as-fields" },
        field("Message", textInput(key("message"), step.message, (value) => {
          step.message = value;
          changed();
        })),
        field(
          "Type",
          selectInput(
            key("style"),
            step.style,
            ALERT_STYLES,
            (value) => {
              step.style = value;
              changed();
            },
            undefined,
            capitalize,
          ),
        ),
      );
    case "navigateTo": {
      const listId = `as-pages-${++uid}`;
      const where = h("input", { type: "checkbox", role: "switch", "data-focus-key": key("window") });
      where.checked = step.newWindow;
      where.addEventListener("change", () => {
          step.newWindow = where.checked;
          changed();
        });
      return h(
        "div",
        { class: "as-fields" },
        field("Page name or URL", textInput(key("target"), step.target, (value) => {
          step.target = value;
          changed();
        }, listId)),
        h("datalist", { id: listId }, choices.pages.map((page) => h("option", { value: page }))),
        field("Open in a new window", where),
      );
    }
    case "storeValue":
      return h(
        "div",
        { class: "as-fields" },
        field("Key", textInput(key("key"), step.key, (value) => {
          step.key = value;
          changed();
        })),
        field("Value", textInput(key("value"), step.value, (value) => {
          step.value = value;
          changed();
        })),
      );
    case "removeValue":
      return h("div", { class: "as-fields" }, field("Key", textInput(key("key"), step.key, (value) => {
          step.key = value;
          changed();
        })));
    case "resetWidget":
      return h(
        "div",
        { class: "as-fields" },
        field("Widget", selectInput(key("widget"), step.widget, choices.widgets, (value) => {
          step.widget = value;
          changed();
        }, "Pick a widget")),
      );
    case "showModal":
    case "closeModal":
      return h("div", { class: "as-fields" }, field("Modal name", textInput(key("name"), step.name, (value) => {
          step.name = value;
          changed();
        })));
    case "copyToClipboard":
      return h("div", { class: "as-fields" }, field("Text", textInput(key("text"), step.text, (value) => {
          step.text = value;
          changed();
        })));
    default:
      return null;
  }
}
