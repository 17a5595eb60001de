// @ts-check
// The banner for what the OAuth callback reported. The provider's message
// arrives in the URL, so it is shown as text only, and the parameters are
// taken out of the address bar so a reload does not show it again.
import { h } from "../brace/dom.js";

const PARAMS = ["response_status", "display_message"];

/**
 * @param {HTMLElement} banner
 * @param {{ kind: "success" | "error", title: string, message?: string }} content
 */
export function showBanner(banner, { kind, title, message }) {
  const close = h("button", { type: "button", class: "btn btn-quiet btn-small", "aria-label": "Dismiss", text: "Dismiss" });
  close.addEventListener("click", () => {
    banner.hidden = true;
  });
  banner.className = `banner is-${kind}`;
  banner.setAttribute("role", kind === "error" ? "alert" : "status");
  banner.replaceChildren(
    h("div", {}, h("strong", { text: title }), message ? h("span", { class: "banner-message", text: message }) : null),
    close,
  );
  banner.hidden = false;
}

/**
 * Shows the outcome the OAuth callback put in the address, if any.
 * @param {HTMLElement} banner
 * @returns {string | null} the `response_status`, if there was one
 */
export function consumeAuthorizationResult(banner) {
  const url = new URL(window.location.href);
  const status = url.searchParams.get("response_status");
  if (!status) return null;
  const message = url.searchParams.get("display_message") || "";
  for (const name of PARAMS) url.searchParams.delete(name);
  window.history.replaceState(window.history.state, "", `${url.pathname}${url.search}${url.hash}`);
  if (status === "success") {
    showBanner(banner, { kind: "success", title: "Authorized", message: message || "Brace holds a valid token for this datasource." });
  } else {
    showBanner(banner, {
      kind: "error",
      title: "Authorization failed",
      message: message || `The authorization ended with "${status}". Check the settings and try again.`,
    });
  }
  return status;
}
