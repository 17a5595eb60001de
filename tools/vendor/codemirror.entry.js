// The part of CodeMirror 6 Brace's editor uses, bundled by tools/vendor/build.sh
// into one ES module (static/vendor/codemirror/codemirror.js). Name a new
// export here and in EXPORTS of build.sh's d.ts list, then run the script.
export {
  acceptCompletion,
  autocompletion,
  closeBrackets,
  completionKeymap,
  startCompletion,
} from "@codemirror/autocomplete";
export { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
export { javascript, javascriptLanguage } from "@codemirror/lang-javascript";
export {
  bracketMatching,
  defaultHighlightStyle,
  HighlightStyle,
  syntaxHighlighting,
  syntaxTree,
} from "@codemirror/language";
export { linter, lintGutter, setDiagnostics } from "@codemirror/lint";
export { Compartment, EditorState, StateEffect, StateField } from "@codemirror/state";
export {
  Decoration,
  drawSelection,
  EditorView,
  highlightSpecialChars,
  keymap,
  MatchDecorator,
  placeholder,
  ViewPlugin,
} from "@codemirror/view";
export { tags } from "@lezer/highlight";
export { basicSetup, minimalSetup } from "codemirror";
