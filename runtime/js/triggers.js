// Brace runtime: the JavaScript half of event handlers (see runtime/triggers.py).
//
// Evaluated once in a fresh context per handler run, after js/sandbox.js and
// before the lockdown. It returns a factory; the host calls it with
// sandbox.js's `classify` and the names of the bridged functions (Python's
// runtime/effects.py BRIDGED_NAMES, the one list of them), before the
// lockdown: the factory puts its Promise subclass in place of the global.
// The host keeps the one function it returns, `dispatch(op, arg)`, which no
// user code can reach. Everything that crosses to Python is a JSON string.
//
//   install(setupJSON)   after the lockdown, before any user code: forget
//                        every previous run (reset), then build the
//                        handler's scope: fresh objects from JSON, bridged
//                        functions, Q.run/Q.clear; returns nothing
//   add(fn)              one compiled handler segment (an async function)
//   start()              run the segments in order (each awaited in turn)
//   take()               JSON of the requests made since the last take
//   settle(JSON)         [[id, ok, {state, value, error}], ...]: update the
//                        action's state, then resolve or reject
//   timer()              run the next timer callback; "1" if one ran
//   report()             JSON [code, name, message] of the first uncaught
//                        error or unhandled rejection, or "null"
//   reset()              drop everything the last run left here (requests,
//                        pending Promises, timers, segments, store, scope)
//
// A context whose run ended cleanly serves the thread's next run (see
// runtime/engine.py's HandlerContext.recycle): every piece of per-run state
// lives in the variables `reset` assigns, and nothing else here is
// reachable from user code but frozen functions.
//
// Bridged functions never call the host: they append a request to `queue`
// and return a pending Promise kept by id. The host performs the request
// between JavaScript turns (HTTP outside the time limit) and settles it.
globalThis.__brace_triggers = function (classify, bridgedNames) {
  "use strict";
  const NativePromise = Promise;
  const nativeThen = Promise.prototype.then;
  const apply = Reflect.apply;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const freeze = Object.freeze;
  const isFrozen = Object.isFrozen;
  const isArray = Array.isArray;
  const defineProperty = Object.defineProperty;
  const ownKeys = Reflect.ownKeys;
  const StringCtor = String;
  const ErrorCtor = Error;

  // Per-run state: assigned by reset(), before each run.
  let queue;
  let pending;
  let nextId;
  let maxChars;
  let sequence;
  let firstError;  // [sequence, [code, name, message]]
  let args;
  let segments;

  function fail(reason) {
    sequence += 1;
    if (firstError === null) firstError = [sequence, classify(reason)];
  }

  // Unhandled rejections. QuickJS's rejection tracker is not exposed to
  // Python, so promises made here are a subclass that notes whether anyone
  // subscribed: `then` (and so catch, finally, await, Promise.all, which all
  // call `then` on a non-native promise) marks it handled. An observer made
  // with the native `then` notes when it rejects, without counting as a
  // subscriber. Promises returned by async functions stay native and are
  // not tracked; the handler's own completion is observed directly.
  let records;
  let tracked;
  let quiet;
  class BracePromise extends NativePromise {
    constructor(executor) {
      super(executor);
      if (quiet) return;
      const record = { handled: false, rejected: false, reason: undefined, at: 0 };
      records.set(this, record);
      tracked[tracked.length] = this;
      quiet = true;
      try {
        apply(nativeThen, this, [undefined, (reason) => {
          sequence += 1;
          record.rejected = true;
          record.reason = reason;
          record.at = sequence;
        }]);
      } finally {
        quiet = false;
      }
    }

    then(onFulfilled, onRejected) {
      const record = records.get(this);
      if (record !== undefined) record.handled = true;
      return apply(nativeThen, this, [onFulfilled, onRejected]);
    }
  }

  function isLimit(e) {
    if (e === null) return true;
    const code = classify(e)[0];
    return code === "memory_limit" || code === "stack_limit";
  }

  // JSON text of a value a bridged function sends to the host.
  function jsonText(value, what) {
    if (value === undefined) return "null";
    const type = typeof value;
    if (type === "function" || type === "symbol" || type === "bigint") {
      throw new TypeError(what + " must be JSON data, not a " + type);
    }
    let text;
    try {
      text = stringify(value);
    } catch (e) {
      if (isLimit(e)) throw e;
      throw new TypeError(what + " must be JSON data: " + classify(e)[2]);
    }
    return text === undefined ? "null" : text;
  }

  function messageText(value) {
    if (typeof value === "string") return value;
    if (value === undefined || value === null) return "";
    if (typeof value === "object") return jsonText(value, "the message");
    return StringCtor(value);
  }

  function requireString(value, what) {
    if (typeof value !== "string" || value === "") {
      throw new TypeError(what + " must be a non-empty string");
    }
    return value;
  }

  function checkSize(name, body) {
    if (body.length > maxChars) {
      throw new RangeError(name + ": the request is " + body.length +
        " characters; the limit is " + maxChars);
    }
  }

  function request(kind, name, body, target) {
    checkSize(name, body);
    const id = nextId++;
    let resolve;
    let reject;
    const promise = new BracePromise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    pending.set(id, { resolve, reject, target });
    queue[queue.length] = "[" + id + "," + stringify(kind) + "," + stringify(name) + "," +
      body + "]";
    return promise;
  }

  // An effect: `fields` are [key, JSON text] pairs, so large data is
  // stringified once.
  function effect(type, fields) {
    let body = '{"type":' + stringify(type);
    for (let i = 0; i < fields.length; i++) {
      body += "," + stringify(fields[i][0]) + ":" + fields[i][1];
    }
    return request("effect", type, body + "}", undefined);
  }

  function deepFreeze(value) {
    if (value !== null && typeof value === "object" && !isFrozen(value)) {
      freeze(value);
      const keys = ownKeys(value);
      for (let i = 0; i < keys.length; i++) deepFreeze(value[keys[i]]);
    }
    return value;
  }

  let store;

  function withStore(key, value, remove) {
    const next = {};
    const keys = ownKeys(store);
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== key) defineProperty(next, keys[i], { value: store[keys[i]], enumerable: true });
    }
    if (!remove) defineProperty(next, key, { value, enumerable: true });
    store = freeze(next);
  }

  const ALERT_STYLES = new Set(["info", "success", "warning", "error"]);
  const TARGETS = new Set(["SAME_WINDOW", "NEW_WINDOW"]);

  const bridged = {
    showAlert(message, style) {
      const text = messageText(message);
      const kind = ALERT_STYLES.has(style) ? style : "info";
      return effect("showAlert", [["message", stringify(text)], ["style", stringify(kind)]]);
    },
    storeValue(key, value, persist) {
      requireString(key, "storeValue: key");
      const text = jsonText(value, "storeValue: value");
      const keep = persist === undefined ? true : !!persist;
      withStore(key, deepFreeze(parse(text)), false);
      return effect("storeValue",
        [["key", stringify(key)], ["value", text], ["persist", keep ? "true" : "false"]]);
    },
    removeValue(key) {
      requireString(key, "removeValue: key");
      withStore(key, undefined, true);
      return effect("removeValue", [["key", stringify(key)]]);
    },
    clearStore() {
      store = freeze({});
      return effect("clearStore", []);
    },
    navigateTo(pageNameOrUrl, params, target) {
      requireString(pageNameOrUrl, "navigateTo: the page name or URL");
      const query = params === undefined || params === null ? {} : params;
      if (typeof query !== "object" || isArray(query)) {
        throw new TypeError("navigateTo: params must be an object");
      }
      const where = target === undefined ? "SAME_WINDOW" : target;
      if (!TARGETS.has(where)) {
        throw new TypeError("navigateTo: target must be 'SAME_WINDOW' or 'NEW_WINDOW'");
      }
      return effect("navigateTo", [["page", stringify(pageNameOrUrl)],
        ["params", jsonText(query, "navigateTo: params")], ["target", stringify(where)]]);
    },
    resetWidget(widgetName, resetChildren) {
      requireString(widgetName, "resetWidget: the widget name");
      const children = resetChildren === undefined ? true : !!resetChildren;
      return effect("resetWidget",
        [["widget", stringify(widgetName)], ["reset_children", children ? "true" : "false"]]);
    },
    download(data, name, type) {
      requireString(name, "download: the file name");
      if (type !== undefined && typeof type !== "string") {
        throw new TypeError("download: the type must be a string");
      }
      const isText = typeof data === "string";
      const content = isText ? data : jsonText(data, "download: data");
      const contentType = type !== undefined ? type : isText ? "text/plain" : "application/json";
      return effect("download", [["data", stringify(content)], ["name", stringify(name)],
        ["content_type", stringify(contentType)]]);
    },
    copyToClipboard(text) {
      return effect("copyToClipboard", [["text", stringify(messageText(text))]]);
    },
    showModal(name) {
      return effect("showModal", [["name", stringify(requireString(name, "showModal: name"))]]);
    },
    closeModal(name) {
      return effect("closeModal", [["name", stringify(requireString(name, "closeModal: name"))]]);
    },
  };

  // Timers run in virtual time: no real waiting. A callback runs once no
  // job and no request is left, earliest due first; `ms` only orders them.
  const MAX_DELAY = 2147483647;
  const MAX_PENDING_TIMERS = 1000;
  let timers;
  let clock;
  let nextTimer;
  bridged.setTimeout = function setTimeout(callback, ms, ...rest) {
    if (typeof callback !== "function") {
      throw new TypeError("setTimeout: the callback must be a function (code strings are not run)");
    }
    if (timers.length >= MAX_PENDING_TIMERS) {
      throw new RangeError("setTimeout: more than " + MAX_PENDING_TIMERS + " pending timers");
    }
    let delay = +ms;
    if (!(delay > 0)) delay = 0;
    if (delay > MAX_DELAY) delay = MAX_DELAY;
    const id = nextTimer++;
    timers[timers.length] = { id, due: clock + delay, callback, rest };
    return id;
  };
  bridged.clearTimeout = function clearTimeout(id) {
    for (let i = 0; i < timers.length; i++) {
      if (timers[i].id === id) {
        timers.splice(i, 1);
        return;
      }
    }
  };

  function timer() {
    if (timers.length === 0) return "0";
    let next = 0;
    for (let i = 1; i < timers.length; i++) {
      if (timers[i].due < timers[next].due) next = i;
    }
    const entry = timers.splice(next, 1)[0];
    clock = entry.due;
    try {
      apply(entry.callback, undefined, entry.rest);
    } catch (e) {
      fail(e);
    }
    return "1";
  }

  function makeRun(name, target) {
    return function run(a, b, c) {
      const legacy = typeof a === "function" || typeof b === "function";
      const given = legacy ? c : a;
      const params = given === undefined || given === null ? {} : given;
      if (typeof params !== "object" || isArray(params)) {
        throw new TypeError(name + ".run: params must be an object");
      }
      const text = jsonText(params, name + ".run: params");
      checkSize(name + ".run", text);
      // Before the request: if the handler froze its action, nothing is sent.
      target.isLoading = true;
      const promise = request("query", name, text, target);
      if (!legacy) return promise;
      const copy = parse(text);
      return promise.then(
        typeof a === "function" ? (data) => a(data, copy) : undefined,
        typeof b === "function" ? (error) => b(error, copy) : undefined,
      );
    };
  }

  function makeClear(name, target) {
    return function clear() {
      return request("clear", name, "null", target);
    };
  }

  function reset() {
    queue = [];
    pending = new Map();
    nextId = 1;
    maxChars = 0;
    sequence = 0;
    firstError = null;
    args = [];
    segments = [];
    records = new WeakMap();
    tracked = [];
    quiet = false;
    store = freeze({});
    timers = [];
    clock = 0;
    nextTimer = 1;
  }

  function install(setupText) {
    reset();
    const setup = parse(setupText);
    maxChars = setup.maxRequestChars;
    const scope = setup.scope;
    for (const name of setup.actions) {
      let target = scope[name];
      if (target === null || typeof target !== "object" || isArray(target)) {
        target = { data: null, isLoading: false, responseMeta: null };
        scope[name] = target;
      }
      target.run = freeze(makeRun(name, target));
      target.clear = freeze(makeClear(name, target));
    }
    let app = scope.appsmith;
    if (app === null || typeof app !== "object" || isArray(app)) {
      app = { user: {}, URL: {} };
      scope.appsmith = app;
    }
    const initial = app.store;
    store = deepFreeze(initial !== null && typeof initial === "object" && !isArray(initial)
      ? initial : {});
    // Read-only and always current: storeValue is the way to change it.
    defineProperty(app, "store", { get: () => store, enumerable: true, configurable: false });
    args = setup.names.map((n) => (n in bridged ? bridged[n] : scope[n]));
  }

  function start() {
    // This run's own: a driver left waiting forever never reads a later run's.
    const functions = segments;
    const given = args;
    const driver = async function () {
      for (let i = 0; i < functions.length; i++) await apply(functions[i], undefined, given);
    };
    apply(nativeThen, driver(), [undefined, fail]);
  }

  function take() {
    // join, not +: concatenation makes a rope string, which quickjs-ng's
    // Python binding cannot convert ("Unknown quickjs tag").
    const text = ["[", queue.join(","), "]"].join("");
    queue.length = 0;
    return text;
  }

  function settle(text) {
    const outcomes = parse(text);
    for (let i = 0; i < outcomes.length; i++) {
      const [id, ok, payload] = outcomes[i];
      const entry = pending.get(id);
      if (entry === undefined) continue;
      pending.delete(id);
      if (entry.target !== undefined && payload.state !== null) {
        const state = payload.state;
        try {
          for (const key of ownKeys(state)) entry.target[key] = state[key];
        } catch (e) {
          fail(e);  // the handler froze or trapped its own action object
        }
      }
      // Effects and clear() carry no value: they resolve with undefined.
      if (ok) entry.resolve("value" in payload ? payload.value : undefined);
      else entry.reject(new ErrorCtor(payload.error));
    }
  }

  function report() {
    let best = firstError;
    for (let i = 0; i < tracked.length; i++) {
      const record = records.get(tracked[i]);
      if (record.rejected && !record.handled && (best === null || record.at < best[0])) {
        best = [record.at, classify(record.reason)];
      }
    }
    return best === null ? "null" : stringify(best[1]);
  }

  // Python's list of names and the functions here are one set: a name
  // missing here would be `undefined` in handlers, an extra function would
  // make effects Python refuses. Either stops the build of every context.
  const implemented = ownKeys(bridged);
  if (implemented.length !== bridgedNames.length ||
      !bridgedNames.every((name) => implemented.includes(name))) {
    throw new TypeError("js/triggers.js implements " + stringify(implemented) +
      " but runtime/effects.py lists " + stringify(bridgedNames));
  }

  // Settled before the lockdown, which then freezes BracePromise with the
  // global object; the scope comes later (install), per run.
  for (const key of ownKeys(bridged)) freeze(bridged[key]);
  globalThis.Promise = BracePromise;
  reset();

  return function dispatch(op, arg) {
    switch (op) {
      case "install": return install(arg);
      case "add": segments[segments.length] = arg; return undefined;
      case "start": return start();
      case "take": return take();
      case "settle": return settle(arg);
      case "timer": return timer();
      case "report": return report();
      case "reset": return reset();
      default: throw new TypeError("unknown operation " + op);
    }
  };
};
