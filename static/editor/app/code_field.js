// @ts-check
// A code field: a CodeMirror 6 editor for a property's text, which is a
// template whose `{{ }}` parts are JavaScript (`{{FilePicker1.files.length}} files`).
// The parts are highlighted by parsing each with CodeMirror's JavaScript
// parser (a simple overlay: the text around them stays plain), and complete
// from the page's entity tree (completions.js). The field never runs the
// code: what it evaluates to comes from the server, shown by the pane.
// While the user types, `typing` is true: a half-typed binding (`{{Input1.`)
// is not an error yet, so whoever shows errors holds them until the field
// has been idle for SETTLE_MS or lost focus (`onSettle`), as Appsmith does.
/** @import { Extension } from "@codemirror/state" */
/** @import { CompletionContext, CompletionResult } from "@codemirror/autocomplete" */
/** @import { EntityNode } from "./completions.js" */
import {
  acceptCompletion,
  autocompletion,
  closeBrackets,
  completionKeymap,
  Decoration,
  drawSelection,
  EditorState,
  EditorView,
  history,
  historyKeymap,
  defaultKeymap,
  javascriptLanguage,
  keymap,
  placeholder,
  ViewPlugin,
} from "../../vendor/codemirror/codemirror.js";
import { suggest } from "./completions.js";

/**
 * The `{{ }}` parts of a template: where each one's code starts and ends
 * (between the braces). An object literal inside (`{{ {a: {b: 1}} }}`)
 * does not end it early, nor does a `}}` inside a string; an unclosed
 * part runs to the end of the text.
 * @param {string} text
 * @returns {{ open: number, from: number, to: number, closed: boolean }[]}
 */
export function codeParts(text) {
  const parts = [];
  let index = 0;
  for (index = text.indexOf("{{"); index >= 0; index = text.indexOf("{{", index)) {
    const from = index + 2;
    let depth = 0;
    /** @type {string | null} */
    let quote = null;
    let at = from;
    let to = -1;
    for (; at < text.length; at++) {
      const char = text[at];
      if (quote) {
        if (char === "\\") at++;
        else if (char === quote) quote = null;
      } else if (char === '"' || char === "'" || char === "`") quote = char;
      else if (char === "{") depth++;
      else if (char === "}") {
        if (depth === 0 && text[at + 1] === "}") {
          to = at;
          break;
        }
        depth = Math.max(0, depth - 1);
      }
    }
    const closed = to >= 0;
    parts.push({ open: index, from, to: closed ? to : text.length, closed });
    index = closed ? to + 2 : text.length;
  }
  return parts;
}

/** How long the user stops typing before a binding's errors show. */
export const SETTLE_MS = 1000;

const STYLESHEET = new URL("./code_field.css", import.meta.url).href;

/** @type {Record<string, string>} */
const NODE_CLASSES = {
  VariableName: "cm-brace-variable",
  VariableDefinition: "cm-brace-variable",
  PropertyName: "cm-brace-property",
  PropertyDefinition: "cm-brace-property",
  String: "cm-brace-string",
  TemplateString: "cm-brace-string",
  Number: "cm-brace-number",
  BooleanLiteral: "cm-brace-atom",
  LineComment: "cm-brace-comment",
  BlockComment: "cm-brace-comment",
  ArithOp: "cm-brace-operator",
  LogicOp: "cm-brace-operator",
  CompareOp: "cm-brace-operator",
  Arrow: "cm-brace-operator",
  Equals: "cm-brace-operator",
};

/** @type {Map<string, Decoration>} */
const marks = new Map();
/** @param {string} className */
const mark = (className) => {
  let found = marks.get(className);
  if (!found) {
    found = Decoration.mark({ class: className });
    marks.set(className, found);
  }
  return found;
};

/**
 * The highlighting of a template: braces, each part's code, and inside it
 * JavaScript's tokens; `isEntity` says which variable names are the page's.
 * @param {string} text
 * @param {(name: string) => boolean} isEntity
 */
function highlight(text, isEntity) {
  const ranges = [];
  for (const part of codeParts(text)) {
    ranges.push(mark("cm-brace-mustache").range(part.open, part.from));
    if (part.closed) ranges.push(mark("cm-brace-mustache").range(part.to, part.to + 2));
    if (part.to > part.from) ranges.push(mark("cm-brace-code").range(part.from, part.to));
    const code = text.slice(part.from, part.to);
    javascriptLanguage.parser.parse(code).iterate({
      enter(node) {
        const from = part.from + node.from;
        const to = part.from + node.to;
        let className = NODE_CLASSES[node.name];
        if (node.type.isError) className = "cm-brace-syntax-error";
        else if (/^[a-z]+$/.test(node.name)) className = "cm-brace-keyword"; // const, await, null...
        else if (node.name === "VariableName" && isEntity(code.slice(node.from, node.to))) className = "cm-brace-entity";
        if (className && to > from) ranges.push(mark(className).range(from, to));
        // A string's or comment's inside is one token.
        return !(className && className !== "cm-brace-syntax-error");
      },
    });
  }
  return Decoration.set(ranges, true);
}

/** @param {() => Record<string, EntityNode>} entities */
function highlighter(entities) {
  return ViewPlugin.define(
    (view) => {
      const paint = () => {
        const tree = entities();
        return highlight(view.state.doc.toString(), (name) => Object.hasOwn(tree, name) && tree[name].kind !== "function");
      };
      return {
        decorations: paint(),
        update(update) {
          if (update.docChanged) this.decorations = paint();
        },
      };
    },
    { decorations: (plugin) => plugin.decorations },
  );
}

/** @type {Record<EntityNode["kind"], string>} how CodeMirror draws each kind's icon */
const COMPLETION_TYPES = {
  widget: "class",
  action: "class",
  object: "namespace",
  property: "property",
  method: "method",
  function: "function",
};

/**
 * @param {() => Record<string, EntityNode>} entities
 * @returns {(context: CompletionContext) => CompletionResult | null}
 */
export function completionSource(entities) {
  return (context) => {
    const text = context.state.doc.toString();
    const result = suggest(entities(), text, context.pos);
    if (!result) return null;
    const afterDot = /\.\s*$/.test(text.slice(0, result.from));
    if (!result.word && !afterDot && !context.explicit) return null;
    return {
      from: result.from,
      validFor: /^[\w$]*$/,
      options: result.options.map((option) => ({
        label: option.label,
        type: COMPLETION_TYPES[option.kind],
        detail: option.detail,
        info: option.info,
        apply: option.apply,
        boost: option.kind === "widget" || option.kind === "action" ? 1 : 0,
      })),
    };
  };
}

/**
 * An option reads "defaultText, string" rather than "defaultTextstring": its
 * accessible name is its text, and CodeMirror puts the label and the type
 * side by side. A comma between them, visible to screen readers only.
 */
const NAME_SEPARATOR = {
  position: 60, // after the label (50), before the detail (80)
  render: (/** @type {{ detail?: string }} */ completion) => {
    if (!completion.detail) return null;
    const comma = document.createElement("span");
    comma.className = "cm-brace-reader-only";
    comma.textContent = ", ";
    return comma;
  },
};

/**
 * Typing over a selection is done here rather than by the browser: Chrome,
 * replacing highlighted text, re-creates the deleted text's colours as
 * style attributes, which the CSP refuses (a violation per keystroke).
 * The text goes through the editor's input handlers (closeBrackets) first,
 * as typed text does.
 */
const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.inputType !== "insertText" || !event.data || view.state.selection.main.empty || view.composing) return false;
    event.preventDefault();
    const { from, to } = view.state.selection.main;
    const text = event.data;
    const insert = () => view.state.update(view.state.replaceSelection(text), { userEvent: "input.type", scrollIntoView: true });
    if (!view.state.facet(EditorView.inputHandler).some((handler) => handler(view, from, to, text, insert))) view.dispatch(insert());
    return true;
  },
});

/**
 * @typedef {object} CodeFieldOptions
 * @property {string} label the field's accessible name: the property's label
 * @property {string} value its text
 * @property {boolean} [singleLine] a short property: one line until it grows
 * @property {string} [placeholder]
 * @property {() => Record<string, EntityNode>} entities what completes, asked at each keystroke
 * @property {(text: string) => void} onChange each edit by the user
 * @property {() => void} [onSettle] the user stopped typing (idle SETTLE_MS, or left the field)
 */

/**
 * @typedef {object} CodeField
 * @property {HTMLElement} element
 * @property {EditorView} view
 * @property {(text: string) => void} set shows a stored text, unless the user is typing in the field
 * @property {boolean} typing whether the user is typing in it (errors wait until not)
 * @property {() => void} focus
 * @property {() => void} destroy
 */

/**
 * @param {CodeFieldOptions} options
 * @returns {CodeField}
 */
export function createCodeField({ label, value, singleLine = false, placeholder: hint, entities, onChange, onSettle }) {
  let quiet = false; // set by set(): a stored value shown is no edit
  let typing = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let idle;
  const settle = () => {
    clearTimeout(idle);
    if (!typing) return;
    typing = false;
    onSettle?.();
  };
  /** @type {Extension[]} */
  const extensions = [
    history(),
    drawSelection(),
    closeBrackets(),
    EditorView.lineWrapping,
    autocompletion({ override: [completionSource(entities)], icons: true, activateOnTyping: true, addToOptions: [NAME_SEPARATOR] }),
    keymap.of([{ key: "Tab", run: acceptCompletion }, ...completionKeymap, ...historyKeymap, ...defaultKeymap]),
    highlighter(entities),
    typeOverSelection,
    EditorView.contentAttributes.of({ "aria-label": label }),
    EditorView.editorAttributes.of({ class: singleLine ? "pp-code pp-code-single" : "pp-code" }),
    EditorView.updateListener.of((update) => {
      if (!update.docChanged || quiet) return;
      typing = true;
      clearTimeout(idle);
      idle = setTimeout(settle, SETTLE_MS);
      onChange(update.state.doc.toString());
    }),
    EditorView.domEventHandlers({ blur: () => settle() }),
  ];
  if (hint) extensions.push(placeholder(hint));
  const host = document.createElement("div");
  host.className = singleLine ? "pp-code-host pp-code-single" : "pp-code-host";
  const shadow = host.attachShadow({ mode: "open" });
  const stylesheet = document.createElement("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = STYLESHEET;
  shadow.append(stylesheet);
  const view = new EditorView({ state: EditorState.create({ doc: value, extensions }), root: shadow, parent: shadow });
  return {
    element: host,
    view,
    get typing() {
      return typing;
    },
    set(text) {
      if (view.hasFocus || text === view.state.doc.toString()) return;
      quiet = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      } finally {
        quiet = false;
      }
    },
    focus: () => view.focus(),
    destroy: () => {
      clearTimeout(idle);
      view.destroy();
    },
  };
}
