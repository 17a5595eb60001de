// @ts-check
// What a code field may complete: the page's entities as a tree of names.
// Widgets bring their type's properties, meta and derived properties;
// queries their run()/clear() and the state a run leaves; `appsmith` its
// store, user and URL; the handler functions come from one table below.
// Keys deeper than a property come from the shape its type declares (a
// FilePicker's files[0] has name, size, type, data before any file is
// picked) and from the values the server's last evaluation answered, never
// from running the user's code here. Pure: no DOM, no CodeMirror
// (code_field.js adapts it).
/** @import { EditorNode } from "./layout.js" */
import { walk } from "./layout.js";

/**
 * The parts of a widget type (GET widget-types/) that completion reads.
 * @typedef {object} CompletableType
 * @property {string} name
 * @property {{ name: string, type?: string, help?: string }[]} [properties]
 * @property {{ name: string, default?: unknown, help?: string, shape?: Shape }[]} [meta]
 * @property {string[]} [derived]
 */

/**
 * What a value holds where its type knows (GET widget-types/, `widgets.Shape`):
 * an array's `items`, an object's `keys`.
 * @typedef {object} Shape
 * @property {string} type a JSON type name
 * @property {string} [help]
 * @property {Shape} [items]
 * @property {Record<string, Shape>} [keys]
 */

/**
 * One name a completion may offer. `members` is a function so that deep
 * evaluated values are only walked when someone types a dot after them.
 * @typedef {object} EntityNode
 * @property {"widget" | "action" | "object" | "property" | "method" | "function"} kind
 * @property {string} detail what it is: a widget type, "Query", a value's type
 * @property {string} [info] one line of help
 * @property {string} [apply] what accepting it inserts, if not its name (`run()`)
 * @property {() => Record<string, EntityNode>} members
 */

/**
 * The functions an event handler may call besides the queries: one entry per
 * name of runtime/effects.py BRIDGED_NAMES (tests/static/test_completions.py
 * holds this table to that list).
 * @type {Record<string, { signature: string, info: string }>}
 */
const GLOBAL_FUNCTIONS = {
  showAlert: { signature: "(message, style?)", info: "Shows a message; style is info, success, warning or error." },
  storeValue: { signature: "(key, value, persist?)", info: "Saves a value in appsmith.store." },
  removeValue: { signature: "(key)", info: "Removes a key from appsmith.store." },
  clearStore: { signature: "()", info: "Empties appsmith.store." },
  navigateTo: { signature: "(pageNameOrUrl, params?, target?)", info: "Opens a page of the app or a URL." },
  resetWidget: { signature: "(widgetName, resetChildren?)", info: "Puts a widget back to its default values." },
  download: { signature: "(data, fileName, contentType?)", info: "Downloads data as a file." },
  copyToClipboard: { signature: "(text)", info: "Copies text to the clipboard." },
  showModal: { signature: "(modalName)", info: "Opens a modal." },
  closeModal: { signature: "(modalName)", info: "Closes a modal." },
  setTimeout: { signature: "(callback, ms, ...args)", info: "Runs a function later in the handler." },
  clearTimeout: { signature: "(id)", info: "Cancels a setTimeout." },
};

const NO_MEMBERS = () => ({});

/**
 * The JSON type name of a value, as the evaluated-value line shows it.
 * @param {unknown} value
 */
export function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * A node for an evaluated value: objects offer their keys, arrays their
 * first element under [0]. With a `shape`, what it declares is offered too,
 * so an empty array still has a [0] (and a missing value its type).
 * @param {unknown} value
 * @param {EntityNode["kind"]} [kind]
 * @param {string} [info]
 * @param {Shape} [shape]
 * @returns {EntityNode}
 */
export function valueNode(value, kind = "property", info = undefined, shape = undefined) {
  return {
    kind,
    detail: value === undefined && shape ? shape.type : typeOf(value),
    info: info ?? shape?.help,
    members: () => {
      if (Array.isArray(value) || (value === undefined && shape?.type === "array")) {
        const items = Array.isArray(value) ? value : [];
        const length = valueNode(items.length, "property", "How many items it holds.");
        if (!items.length && !shape?.items) return { length };
        return { length, 0: valueNode(items[0], "property", undefined, shape?.items) };
      }
      /** @type {Record<string, EntityNode>} */
      const members = {};
      for (const [key, keyShape] of Object.entries(shape?.keys || {})) {
        const item = value && typeof value === "object" ? /** @type {Record<string, unknown>} */ (value)[key] : undefined;
        members[key] = valueNode(item, "property", undefined, keyShape);
      }
      if (value && typeof value === "object") {
        for (const [key, item] of Object.entries(value)) if (!(key in members)) members[key] = valueNode(item);
      }
      return members;
    },
  };
}

/**
 * @param {string} detail
 * @param {string} [info]
 * @returns {EntityNode}
 */
const method = (detail, info) => ({ kind: "method", detail, info, apply: undefined, members: NO_MEMBERS });

/** @type {Record<string, string>} a property's declared type as the value's type reads */
const JSON_TYPES = { integer: "number", enum: "string", string_list: "array" };

/**
 * @param {EditorNode} widget
 * @param {CompletableType | undefined} type
 * @param {Record<string, unknown>} values the widget's evaluated properties
 * @returns {EntityNode}
 */
function widgetNode(widget, type, values) {
  return {
    kind: "widget",
    detail: widget.type,
    members: () => {
      /** @type {Record<string, EntityNode>} */
      const members = {};
      /** @param {string} name @param {string} [fallbackType] @param {string} [help] @param {Shape} [shape] */
      const add = (name, fallbackType, help, shape) => {
        const node = valueNode(name in values ? values[name] : widget.props?.[name], "property", help, shape);
        if (!(name in values) && fallbackType) node.detail = fallbackType;
        members[name] = node;
      };
      for (const spec of type?.properties || []) add(spec.name, JSON_TYPES[spec.type || ""] || spec.type, spec.help);
      for (const spec of type?.meta || []) add(spec.name, typeOf(spec.default ?? null), spec.help, spec.shape);
      for (const name of type?.derived || []) add(name, "derived", "Derived from the widget's other properties.");
      // Values the type does not declare (none today) still complete.
      for (const name of Object.keys(values)) if (!(name in members)) add(name);
      return members;
    },
  };
}

/**
 * @param {Record<string, unknown>} state the query's evaluated state, if any
 * @returns {EntityNode}
 */
function actionNode(state) {
  const responseMeta = state.responseMeta ?? { statusCode: 0, headers: {}, isExecutionSuccess: false };
  return {
    kind: "action",
    detail: "Query",
    members: () => ({
      run: { ...method("Promise", "Runs the query; resolves with its data."), apply: "run()" },
      clear: { ...method("Promise", "Forgets the query's data."), apply: "clear()" },
      data: valueNode(state.data ?? null, "property", "What the last run answered."),
      isLoading: valueNode(Boolean(state.isLoading), "property", "Whether a run is under way."),
      responseMeta: valueNode(responseMeta, "property", "statusCode, headers and isExecutionSuccess of the last run."),
    }),
  };
}

/**
 * @param {Record<string, unknown>} evaluated what the evaluation said of `appsmith`, if anything
 * @returns {EntityNode}
 */
function appsmithNode(evaluated) {
  const shape = {
    store: {},
    user: { email: "", username: "", name: "" },
    URL: { fullPath: "", host: "", hostname: "", pathname: "", protocol: "", port: "", queryParams: {} },
    mode: "EDIT",
    ...evaluated,
  };
  const node = valueNode(shape, "object", "The app's store, the signed-in user and the page's address.");
  node.detail = "appsmith";
  return node;
}

/**
 * What the completion tree is built from: the store's state, narrowed.
 * @typedef {object} EntitySources
 * @property {EditorNode | null | undefined} layout
 * @property {Map<string, CompletableType>} widgetTypes by type name
 * @property {{ name: string }[]} actions the page's queries
 * @property {Record<string, Record<string, unknown>>} values the evaluation's values, by entity
 */

/**
 * Every name a binding or handler of the page can start with.
 * @param {EntitySources} sources
 * @returns {Record<string, EntityNode>}
 */
export function entityTree({ layout, widgetTypes, actions, values }) {
  /** @type {Record<string, EntityNode>} */
  const tree = {};
  for (const [name, { signature, info }] of Object.entries(GLOBAL_FUNCTIONS)) {
    tree[name] = { kind: "function", detail: signature, info, apply: `${name}()`, members: NO_MEMBERS };
  }
  tree.appsmith = appsmithNode(values.appsmith || {});
  for (const action of actions) tree[action.name] = actionNode(values[action.name] || {});
  if (layout) {
    for (const { node, parent } of walk(layout)) {
      if (!parent) continue; // the page's root canvas is nobody's binding
      tree[node.widgetName] = widgetNode(node, widgetTypes.get(node.type), values[node.widgetName] || {});
    }
  }
  return tree;
}

const IDENTIFIER = /[A-Za-z_$][\w$]*$/;
// A member chain ending in a dot and a partial name: `FilePicker1.files[0].na`.
const MEMBER = /((?:[A-Za-z_$][\w$]*)(?:\s*\??\.\s*[A-Za-z_$][\w$]*|\[\s*(?:\d+|"[^"\n]*"|'[^'\n]*')\s*\])*)\s*\??\.\s*([A-Za-z_$][\w$]*)?$/;
const STEP = /[A-Za-z_$][\w$]*|\[\s*(\d+|"[^"\n]*"|'[^'\n]*')\s*\]/g;

/**
 * Whether `pos` lies inside a `{{ }}` of the template `text`; answers the
 * code between the opening braces and `pos`, or null outside.
 * @param {string} text
 * @param {number} pos
 */
export function codeBefore(text, pos) {
  const before = text.slice(0, pos);
  const open = before.lastIndexOf("{{");
  if (open < 0 || before.lastIndexOf("}}") > open) return null;
  return before.slice(open + 2);
}

/**
 * The path a member chain names: `FilePicker1.files[0]` -> ["FilePicker1", "files", "0"].
 * @param {string} chain
 */
export function chainPath(chain) {
  return [...chain.matchAll(STEP)].map((match) => {
    const key = match[1] ?? match[0];
    return /^["']/.test(key) ? key.slice(1, -1) : key;
  });
}

/**
 * One offered completion.
 * @typedef {object} Suggestion
 * @property {string} label
 * @property {EntityNode["kind"]} kind
 * @property {string} detail
 * @property {string} [info]
 * @property {string} [apply]
 */

/**
 * What to offer at `pos` of the template `text`: the names that can follow
 * the member chain before the cursor (or every top-level name), starting at
 * `from`; null outside `{{ }}`, inside a string, or after something unknown.
 * @param {Record<string, EntityNode>} tree
 * @param {string} text
 * @param {number} pos
 * @returns {{ from: number, word: string, options: Suggestion[] } | null}
 */
export function suggest(tree, text, pos) {
  const code = codeBefore(text, pos);
  if (code === null || insideString(code)) return null;
  const member = MEMBER.exec(code);
  /** @type {Record<string, EntityNode>} */
  let scope = tree;
  let word;
  if (member) {
    word = member[2] || "";
    /** @type {EntityNode | undefined} */
    let node;
    for (const key of chainPath(member[1])) {
      node = Object.hasOwn(scope, key) ? scope[key] : undefined;
      if (!node) return null;
      scope = node.members();
    }
  } else {
    const match = IDENTIFIER.exec(code);
    word = match ? match[0] : "";
    const charBefore = code.slice(0, code.length - word.length).trimEnd().slice(-1);
    if (charBefore === ".") return null;
  }
  const options = Object.entries(scope)
    .filter(([label]) => label.toLowerCase().startsWith(word.toLowerCase()) && !/^\d+$/.test(label))
    .map(([label, node]) => ({ label, kind: node.kind, detail: node.detail, info: node.info, apply: node.apply }));
  return { from: pos - word.length, word, options };
}

/**
 * Whether the code ends inside an unclosed string literal.
 * @param {string} code
 */
export function insideString(code) {
  /** @type {string | null} */
  let quote = null;
  for (let index = 0; index < code.length; index++) {
    const char = code[index];
    if (quote) {
      if (char === "\\") index++;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'" || char === "`") {
      quote = char;
    }
  }
  return quote !== null;
}
