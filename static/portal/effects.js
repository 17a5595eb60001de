// @ts-check
// Effects a handler produced, applied in the order it produced them.
// Navigation only ever goes to a page of this app or an http(s) URL: a
// handler must not be able to send the browser to a javascript: URL.
/** @import { Effect } from "../brace/api_types.js" */
/** @import { PortalState } from "./session.js" */
/** @import { Toast } from "./toast.js" */

/**
 * What applying effects may touch.
 * @typedef {object} EffectEnv
 * @property {PortalState} state
 * @property {number} applicationId
 * @property {Toast} toast
 * @property {(name: string, withChildren: boolean) => void} resetWidget
 */

/** @typedef {(effect: Effect, env: EffectEnv) => unknown} EffectHandler awaited before the next effect */

/**
 * @param {unknown} value
 * @returns {URL | null}
 */
function safeUrl(value) {
  try {
    const url = new URL(String(value), window.location.href);
    return ["http:", "https:"].includes(url.protocol) ? url : null;
  } catch {
    return null;
  }
}

/**
 * @param {URL} url
 * @param {Record<string, unknown> | undefined} params
 */
function withParams(url, params) {
  for (const [key, value] of Object.entries(params || {})) {
    url.searchParams.set(key, typeof value === "string" ? value : JSON.stringify(value));
  }
  return url;
}

/**
 * @param {Effect} effect
 * @param {EffectEnv} env
 */
function navigateTo(effect, env) {
  const target = effect.page ?? effect.url ?? "";
  const page = env.state.pages.find((item) => item.name === target || item.slug === target);
  const url = page
    ? new URL(`/apps/${env.applicationId}/pages/${page.id}/`, window.location.href)
    : safeUrl(target);
  if (!url) {
    env.toast(`There is no page or web address "${target}".`, "error");
    return;
  }
  withParams(url, effect.params);
  if (effect.target === "NEW_WINDOW") window.open(url.href, "_blank", "noopener");
  else window.location.assign(url.href);
}

/** @param {string} text */
function dataUrlBytes(text) {
  const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(text);
  if (!match) return null;
  const raw = match[2] ? atob(match[3]) : decodeURIComponent(match[3]);
  return { type: match[1], bytes: Uint8Array.from(raw, (char) => char.charCodeAt(0)) };
}

/** @param {Effect} effect */
function download(effect) {
  const type = effect.content_type || "application/octet-stream";
  let blob;
  const decoded = typeof effect.data === "string" ? dataUrlBytes(effect.data) : null;
  if (decoded) blob = new Blob([decoded.bytes], { type: decoded.type || type });
  else if (typeof effect.data === "string") blob = new Blob([effect.data], { type });
  else blob = new Blob([JSON.stringify(effect.data ?? null, null, 2)], { type: effect.content_type || "application/json" });
  const href = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href, download: effect.name || "download" });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(href), 30_000);
}

/**
 * @param {Effect} effect
 * @param {EffectEnv} env
 */
async function copyToClipboard(effect, env) {
  const text = String(effect.text ?? "");
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without clipboard permission (or outside a secure context) fall back
    // to a selected, off-screen textarea.
    const area = Object.assign(document.createElement("textarea"), { value: text });
    area.style.position = "fixed";
    area.style.left = "-9999px";
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    if (!copied) env.toast("Copying to the clipboard was not allowed.", "warning");
  }
}

/** @param {Effect} effect */
function ignoreModal(effect) {
  console.debug(`Brace portal: no modal widget here; ${effect.type}(${JSON.stringify(effect.name)}) ignored`);
}

/** @type {Record<string, EffectHandler>} */
const HANDLERS = {
  showAlert: (effect, env) => env.toast(effect.message, effect.style),
  navigateTo,
  download: (effect) => download(effect),
  copyToClipboard,
  storeValue: (effect, env) => {
    env.state.store[/** @type {string} */ (effect.key)] = effect.value;
  },
  removeValue: (effect, env) => {
    delete env.state.store[/** @type {string} */ (effect.key)];
  },
  clearStore: (_effect, env) => {
    env.state.store = {};
  },
  resetWidget: (effect, env) => env.resetWidget(/** @type {string} */ (effect.widget), effect.reset_children !== false),
  // The portal has no Modal widget, so there is nothing to open or close; a
  // handler written for an app with modals must still run to its end.
  showModal: ignoreModal,
  closeModal: ignoreModal,
};

/**
 * @param {Effect[] | undefined} effects
 * @param {EffectEnv} env
 */
export async function applyEffects(effects, env) {
  for (const effect of effects || []) {
    const handler = HANDLERS[effect?.type];
    if (handler) await handler(effect, env);
    else console.warn("Brace portal: effect not supported here", effect);
  }
}
