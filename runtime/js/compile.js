// Brace runtime: QuickJS's own check that each function text is one function
// (see runtime/engine.py, which loads this file).
//
// Bindings are pasted into function wrappers, and runtime/js_analysis.py
// (tree-sitter) has proved each is one expression. QuickJS is the parser
// that counts, and the two do differ in corners (HTML-like comments), so
// QuickJS must agree before a text is used: compiled alone, each text must
// come back as one function whose source is the whole text.
//
// Evaluating this file returns compile(texts, strict):
//
//   strict = true    compile as a program runs (strict mode) and return the
//                    array of functions, or "i,j," naming the texts that
//                    failed. The engine calls it inside a new sandbox before
//                    its lockdown: loading a program is its verification.
//   strict = false   only check, in sloppy mode as handler functions are
//                    compiled; return "" or "i,j,". The engine calls it in
//                    throwaway contexts to pinpoint failing texts.
//
// A text that escapes its wrapper runs here, so a context in which any text
// fails is never used. Everything the check relies on is captured before any
// text runs, and the failures are built with string concatenation, which
// user code cannot intercept.
(function () {
  "use strict";
  const indirectEval = eval;
  const fnToString = Function.prototype.toString;
  const apply = Reflect.apply;
  return function compile(texts, strict) {
    const prefix = strict ? '"use strict";(' : "(";
    const functions = [];
    let bad = "";
    for (let i = 0; i < texts.length; i++) {
      let ok = false;
      try {
        const f = indirectEval(prefix + texts[i] + ")");
        ok = typeof f === "function" && apply(fnToString, f, []) === texts[i];
        // Only kept when asked for: a checked text's function is never used.
        if (strict) functions[i] = f;
      } catch (e) {
        ok = false;
      }
      if (!ok) bad = bad + i + ",";
    }
    return strict && bad === "" ? functions : bad;
  };
})()
