// Brace runtime: the JavaScript half of the sandbox (see runtime/engine.py).
//
// Evaluated once per context, before any user code. It returns three
// functions the host keeps references to; none of them stays reachable by
// name from user code, because the host deletes the global it was returned
// through and then freezes every intrinsic (a lockdown in the style of SES).
//
//   run(S, order, ctl, maxResult)  compute units in order; S is this
//                                  evaluation's fresh state object
//   lockdown(extraRoots, maxLength) tame code generation and unbounded
//                                  array methods, drop weak references,
//                                  freeze everything reachable
//   load(functions, units)         keep a compiled program's functions
//                                  and its unit table
//   classify(e)                    [code, name, message] for a thrown value
//                                  (js/triggers.js reports errors with it)
//
// Event handlers (js/triggers.js) use lockdown and classify in a context of
// their own; their bridged functions only *record* a request and return a
// Promise. No JavaScript ever calls into Python, so the time limit can stay
// set for every call.
globalThis.__brace_sandbox = (function () {
  "use strict";
  const stringify = JSON.stringify;
  const PromiseCtor = Promise;
  const freeze = Object.freeze;
  const getPrototypeOf = Object.getPrototypeOf;
  const ownKeys = Reflect.ownKeys;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const defineProperty = Object.defineProperty;
  const StringCtor = String;

  let F = [];
  let U = [];

  function describe(e) {
    // User code can throw anything, including objects with throwing getters.
    try {
      if (e !== null && (typeof e === "object" || typeof e === "function")) {
        const name = StringCtor(e.name === undefined ? "Error" : e.name);
        const message = StringCtor(e.message === undefined ? "" : e.message);
        return [name, message];
      }
      return ["Error", "uncaught " + typeof e + ": " + StringCtor(e)];
    } catch (inner) {
      return ["Error", "an exception was thrown"];
    }
  }

  function classify(e) {
    if (e === null) {
      // QuickJS throws null when it runs out of memory while building the
      // error itself; user code rarely throws null on purpose.
      return ["memory_limit", "MemoryError", "memory limit exceeded (or the code threw null)"];
    }
    const [name, message] = describe(e);
    if (name === "RangeError" && message.indexOf("call stack") !== -1) {
      return ["stack_limit", name, message];
    }
    if (name === "InternalError" && message.indexOf("out of memory") !== -1) {
      return ["memory_limit", "MemoryError", "memory limit exceeded"];
    }
    if (name === "InternalError" && message.indexOf("stack overflow") !== -1) {
      return ["stack_limit", "RangeError", message];
    }
    return ["js_exception", name, message];
  }

  function isThenable(v) {
    if (v instanceof PromiseCtor) return true;
    return v !== null && (typeof v === "object" || typeof v === "function") &&
      typeof v.then === "function";
  }

  function put(S, root, rest, v) {
    if (root === null) return;
    if (rest.length === 0) {
      S[root] = v;
      return;
    }
    let o = S[root];
    if (o === null || typeof o !== "object") {
      o = {};
      S[root] = o;
    }
    for (let i = 0; i < rest.length - 1; i++) {
      let next = o[rest[i]];
      if (next === null || typeof next !== "object") {
        next = {};
        o[rest[i]] = next;
      }
      o = next;
    }
    o[rest[rest.length - 1]] = v;
  }

  // Recognised by membership, not instanceof: a thrown Proxy could run
  // user code from its getPrototypeOf trap inside the runner's catch block.
  const unitErrors = new WeakSet();
  class UnitError {
    constructor(code, name, message) {
      this.wire = [code, name, message];
      unitErrors.add(this);
    }
  }

  // What JSON.stringify threw: a limit is reported as the limit; anything
  // else (a cycle, a BigInt, a throwing toJSON) means the value is not JSON.
  function notJson(e) {
    const [name, message] = describe(e);
    if (e === null || name === "InternalError" || message.indexOf("call stack") !== -1) {
      return e;
    }
    return new UnitError("non_json_result", "TypeError", message);
  }

  function text(v) {
    if (typeof v === "string") return v;
    if (v === undefined || v === null) return "";
    if (isThenable(v)) throw new UnitError("async_in_data_field", "TypeError",
      "data fields cannot run asynchronous code");
    if (typeof v === "function" || typeof v === "symbol") {
      throw new UnitError("non_json_result", "TypeError",
        "a binding inside text must not return a " + typeof v);
    }
    if (typeof v === "object") {
      try {
        return stringify(v, null, 2);
      } catch (e) {
        throw notJson(e);
      }
    }
    return StringCtor(v);
  }

  function compute(S, unit) {
    const kind = unit[2];
    const parts = unit[3];
    if (kind === 1) {
      // parts: [function, text0, text1, ...]; the function returns the
      // template's binding values as one array.
      const fn = F[parts[0]];  // a bare call: `this` must not be the table
      const values = fn(S);
      let s = parts[1];
      for (let i = 0; i < values.length; i++) {
        // Strings and numbers first: what text() returns for them, without the call.
        const v = values[i];
        const t = typeof v;
        s += (t === "string" ? v : t === "number" ? "" + v : text(v)) + parts[i + 2];
      }
      return s;
    }
    const fn = F[parts[0]];
    return kind === 2 ? fn.call(S[unit[0]], S) : fn(S);
  }

  // Returns the JSON text of v, or undefined for `undefined`.
  function encode(v, maxResult) {
    if (v === undefined) return undefined;
    if (isThenable(v)) {
      throw new UnitError("async_in_data_field", "TypeError",
        "data fields cannot run asynchronous code");
    }
    if (typeof v === "function" || typeof v === "symbol") {
      throw new UnitError("non_json_result", "TypeError",
        "a binding must return JSON data, not a " + typeof v);
    }
    let json;
    try {
      json = stringify(v);
    } catch (e) {
      throw notJson(e);
    }
    if (json !== undefined && json.length > maxResult) {
      throw new UnitError("too_large", "RangeError",
        "result is larger than " + maxResult + " characters");
    }
    return json;
  }

  // Output: [[value, ...], [[k] | [k, code, name, message], ...], discard].
  // Values are one JSON array (null where a unit is undefined or failed) so
  // that the host decodes them in one go; the exceptions list is short;
  // discard says the context must not be used again.
  function run(S, order, ctl, maxResult) {
    const out = ctl.out;
    const ex = ctl.ex;
    const n = order === null ? U.length : order.length;
    // This loop runs once per property of a page (3,000 on a big one) in an
    // interpreter, so the common case (one binding, a primitive result, a
    // top-level property) is inlined rather than split into helpers.
    for (let k = ctl.start; k < n; k++) {
      const unit = U[order === null ? k : order[k]];
      let json;
      let value;
      try {
        const kind = unit[2];
        if (kind === 0) {
          const fn = F[unit[3][0]];  // a bare call: `this` must not be the table
          value = fn(S);
        } else {
          value = compute(S, unit);
        }
        const type = typeof value;
        if (type === "number") {
          // What JSON.stringify gives, without the call: finite numbers as
          // String() writes them, NaN and the infinities as null.
          json = value - value === 0 ? "" + value : "null";
        } else if (type === "boolean" || (type === "string" && value.length < maxResult)) {
          json = stringify(value);
        } else {
          json = encode(value, maxResult);
          if (json === undefined) ex.push([k]);
        }
      } catch (e) {
        const error = unitErrors.has(e) ? e.wire : classify(e);
        if (error[0] === "memory_limit") ctl.discard = true;
        ex.push([k].concat(error));
        value = undefined;
        json = undefined;
      }
      try {
        const rest = unit[1];
        const target = unit[0] === null ? undefined : S[unit[0]];
        if (rest.length === 1 && target !== null && typeof target === "object") {
          target[rest[0]] = value;
        } else {
          put(S, unit[0], rest, value);
        }
      } catch (e) {
        // An earlier binding replaced part of the state with a setter or a
        // Proxy that throws; this property cannot be stored. (A later entry
        // for the same k overrides an earlier one on the host side.)
        ex.push([k].concat(classify(e)));
        json = undefined;
      }
      out.push(json === undefined ? "null" : json);
    }
    // ctl.out stays: the host decodes it unit by unit if the whole will not decode.
    return ["[[", out.join(","), "],", stringify(ex), ",", stringify(ctl.discard === true), "]"]
      .join("");
  }

  function load(functions, units) {
    // Neither array is reachable from user code (binding functions are
    // anonymous and strict, so no arguments.callee); freezing them is a
    // second line of defence, kept shallow because a deep walk over 3,000
    // functions would cost more than evaluating them.
    F = freeze(functions);
    U = freeze(units);
    for (let i = 0; i < F.length; i++) {
      freeze(F[i]);
      if (F[i].prototype !== undefined) freeze(F[i].prototype);
    }
    for (let i = 0; i < U.length; i++) freeze(U[i]);
  }

  // Several of QuickJS's array methods walk every index of `length` in C
  // without checking the interrupt handler, so on a sparse array
  // (`a.length = 2 ** 32 - 1; a.reverse()`) or an array-like they run for
  // minutes past the time limit. They refuse lengths above maxLength (see
  // EvaluationLimits.max_array_length), which bounds the overshoot. Methods
  // that call back into JavaScript or allocate per index are interrupted or
  // hit the memory limit already, and stay as they are (they are the hot
  // ones: map, filter...).
  const BOUNDED = new Set([
    "constructor", "at", "entries", "every", "filter", "find", "findIndex", "findLast",
    "findLastIndex", "forEach", "includes", "indexOf", "keys", "lastIndexOf", "map",
    "reduce", "reduceRight", "some", "values", "toReversed", "toSorted", "toSpliced",
    "with", "fill", "push", "pop",
  ]);

  function guardArrayMethods(maxLength) {
    const proto = Array.prototype;
    function checkLength(key, o) {
      if (o !== null && typeof o === "object") {
        const length = +o.length;
        if (length > maxLength) {
          throw new RangeError("Array.prototype." + key + " refuses length " + length);
        }
      }
    }
    const apply = Reflect.apply;
    for (const key of ownKeys(proto)) {
      const d = getOwnPropertyDescriptor(proto, key);
      if (typeof key !== "string" || BOUNDED.has(key) || typeof d.value !== "function") {
        continue;
      }
      const original = d.value;
      const guarded = {
        [key](...args) {
          checkLength(key, this);
          if (key === "concat") {
            // concat also walks its (spreadable) arguments index by index.
            for (let i = 0; i < args.length; i++) checkLength(key, args[i]);
          }
          return apply(original, this, args);
        },
      }[key];
      defineProperty(guarded, "length", { value: original.length });
      defineProperty(proto, key, {
        value: guarded, writable: d.writable, enumerable: d.enumerable,
        configurable: d.configurable,
      });
    }
  }

  function lockdown(extraRoots, maxLength) {
    const g = globalThis;
    // Finalizer callbacks and weak references would let one evaluation
    // observe or act during another's turn.
    delete g.FinalizationRegistry;
    delete g.WeakRef;
    delete g.eval;
    // Code generation from strings: reachable through every function
    // flavour's constructor, not just the Function global.
    const refuse = function Function() {
      throw new TypeError("code generation from strings is disabled in Brace bindings");
    };
    const flavours = [
      function () {},
      async function () {},
      function* () {},
      async function* () {},
    ];
    for (const f of flavours) {
      defineProperty(getPrototypeOf(f), "constructor", {
        value: refuse, writable: false, enumerable: false, configurable: false,
      });
    }
    refuse.prototype = Function.prototype;
    g.Function = refuse;
    guardArrayMethods(maxLength);
    // QuickJS keeps these two in the runtime behind setters, where freezing
    // cannot reach: one evaluation could change how the next one's errors
    // look. Pin them as read-only data properties.
    for (const key of ["stackTraceLimit", "prepareStackTrace"]) {
      if (getOwnPropertyDescriptor(Error, key) !== undefined) {
        defineProperty(Error, key, {
          value: Error[key], writable: false, enumerable: false, configurable: false,
        });
      }
    }

    const hidden = [
      getPrototypeOf(function* () {}),
      getPrototypeOf(async function () {}),
      getPrototypeOf(async function* () {}),
      getPrototypeOf((function* () {})()),
      getPrototypeOf((async function* () {})()),
      getPrototypeOf([][Symbol.iterator]()),
      getPrototypeOf(new Map()[Symbol.iterator]()),
      getPrototypeOf(new Set()[Symbol.iterator]()),
      getPrototypeOf(""[Symbol.iterator]()),
      getPrototypeOf(/a/[Symbol.matchAll]("")),
      getPrototypeOf([].values().map((x) => x)),
      getOwnPropertyDescriptor((function () { "use strict"; return arguments; })(), "callee").get,
      UnitError,
      refuse,
    ].concat(extraRoots);
    const seen = new Set();
    const stack = [g].concat(hidden);
    while (stack.length > 0) {
      const o = stack.pop();
      if (o === null || (typeof o !== "object" && typeof o !== "function") || seen.has(o)) {
        continue;
      }
      seen.add(o);
      freeze(o);
      stack.push(getPrototypeOf(o));
      for (const key of ownKeys(o)) {
        const d = getOwnPropertyDescriptor(o, key);
        if (d === undefined) continue;
        if ("value" in d) stack.push(d.value);
        else stack.push(d.get, d.set);
      }
    }
    return seen.size;
  }

  return { run, load, lockdown, classify };
})();
