// @ts-check
// A "more actions" button with a small menu under it (the ⋯ of Appsmith's
// Explorer rows and application cards): the WAI-ARIA menu button pattern.
// Enter, Space or a click opens it on its first item; arrows move; Escape or
// a click elsewhere closes it and gives the focus back to the button.
import { h } from "../brace/dom.js";

const SVG = "http://www.w3.org/2000/svg";

/**
 * @typedef {object} MenuItem
 * @property {string} label
 * @property {() => void} run
 * @property {boolean} [danger]
 */

function dotsIcon() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  for (const cx of ["5", "12", "19"]) {
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("cx", cx);
    dot.setAttribute("cy", "12");
    dot.setAttribute("r", "1.8");
    svg.append(dot);
  }
  return svg;
}

/**
 * @param {string} label the button's accessible name ("More actions for Page1")
 * @param {() => MenuItem[]} items what the menu offers, read when it opens
 * @returns {HTMLElement} the button with its menu, to put in a row
 */
export function menuButton(label, items) {
  const button = h("button", { type: "button", class: "menu-button", "aria-label": label, "aria-haspopup": "menu", "aria-expanded": "false", title: label }, dotsIcon());
  const menu = h("div", { class: "menu", role: "menu", "aria-label": label });
  menu.hidden = true;
  const wrap = h("span", { class: "menu-wrap" }, button, menu);

  /** @param {MouseEvent} event */
  const outside = (event) => {
    if (!wrap.contains(/** @type {Node} */ (event.target))) close(false);
  };
  /** @param {boolean} refocus */
  const close = (refocus) => {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
    wrap.classList.remove("is-open");
    document.removeEventListener("mousedown", outside, true);
    if (refocus) button.focus();
  };
  const open = () => {
    menu.replaceChildren(...items().map((item) => {
      const el = h("button", { type: "button", role: "menuitem", tabindex: "-1", class: item.danger ? "menu-item is-danger" : "menu-item", text: item.label });
      el.addEventListener("click", () => {
        close(true);
        item.run();
      });
      return el;
    }));
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    wrap.classList.add("is-open");
    document.addEventListener("mousedown", outside, true);
    /** @type {HTMLElement | null} */ (menu.firstElementChild)?.focus();
  };

  button.addEventListener("click", (event) => {
    event.stopPropagation();
    if (menu.hidden) open();
    else close(true);
  });
  menu.addEventListener("keydown", (event) => {
    const entries = /** @type {HTMLElement[]} */ ([...menu.children]);
    const at = entries.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: entries.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      const next = moves[/** @type {keyof typeof moves} */ (event.key)];
      entries[(next + entries.length) % entries.length]?.focus();
    } else if (event.key === "Escape" || event.key === "Tab") {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    }
  });
  return wrap;
}
