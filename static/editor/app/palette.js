// @ts-check
// The widget palette: one button per widget type the server's registry
// serves (GET widget-types/, loaded by the store), with its icon and label.
// Drag one onto the canvas, or into a Container, to add a widget there; or
// press it (Enter, Space, a click) to add one at the first free place of the
// page (of the selected Container, if one is selected) and select it.
/** @import { EditorStore } from "./store.js" */
/** @import { TypeInfo } from "./placement.js" */
import { h } from "../../brace/dom.js";
import interact from "../../vendor/interact/interact.js";
import { dropTargetAt, showCanvasMessage, showDropPreview } from "./canvas.js";
import { findWidget } from "./layout.js";
import { COLUMNS, PlacementError, ROW_HEIGHT, addWidget } from "./placement.js";

/**
 * A palette entry: what GET widget-types/ says of a type.
 * @typedef {TypeInfo & { label?: string, icon?: string, help?: string }} PaletteType
 */

const SVG = "http://www.w3.org/2000/svg";

/** @param {string} d an SVG path on a 24x24 view box */
function icon(d) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "palette-icon");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  svg.append(path);
  return svg;
}

/**
 * @param {HTMLElement} root the Widgets palette landmark
 * @param {EditorStore} store
 * @returns {() => void} unmounts
 */
export function mountPalette(root, store) {
  root.classList.add("palette");
  const list = h("ul", { class: "palette-list" });
  const hint = h("p", { class: "palette-hint", id: "palette-hint", text: "Drag onto the canvas, or press Enter to add." });
  root.append(h("div", { class: "palette-head" }, h("h2", { class: "palette-title", text: "Widgets" }), hint), list);
  /** @type {Map<string, PaletteType> | undefined} */
  let shown;
  let dragging = false;

  const draw = () => {
    const types = /** @type {Map<string, PaletteType> | undefined} */ (store.state.widgetTypes);
    if (!types || types === shown) return;
    shown = types;
    list.replaceChildren(
      ...[...types.values()].map((type) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", class: "palette-item", title: type.help || null, "aria-describedby": "palette-hint", dataset: { type: type.name } },
            icon(type.icon || ""),
            h("span", { class: "palette-label", text: type.label || type.name }),
          ),
        ),
      ),
    );
  };

  /**
   * Adds a widget of `typeName` to the layout as one undo step and selects it.
   * @param {string} typeName
   * @param {{ parent?: string | null, at?: { x: number, y: number } | null }} where
   */
  const add = (typeName, where) => {
    const type = store.state.widgetTypes?.get(typeName);
    if (!type) return;
    const isContainer = (/** @type {string} */ name) => Boolean(store.state.widgetTypes?.get(name)?.is_container);
    const reserved = store.state.actions.filter((action) => action.page === store.state.page.id).map((action) => action.name);
    let answer;
    try {
      answer = addWidget(structuredClone(store.state.page.layout), type, { ...where, reserved, isContainer });
    } catch (error) {
      if (!(error instanceof PlacementError)) throw error;
      showCanvasMessage(error.message);
      return;
    }
    const { layout, name } = answer;
    store.edit(`Add ${name}`, () => layout, { select: [name] });
  };

  /** The selected Container, the place a pressed palette item adds to. */
  const selectedContainer = () => {
    const selection = store.state.selection || [];
    if (selection.length !== 1) return null;
    const node = findWidget(store.state.page.layout, selection[0])?.node;
    return node && store.state.widgetTypes?.get(node.type)?.is_container ? node.widgetName : null;
  };

  /** @param {MouseEvent} event */
  const onClick = (event) => {
    const item = /** @type {Element} */ (event.target).closest(".palette-item");
    if (!(item instanceof HTMLElement) || dragging) return;
    add(String(item.dataset.type), { parent: selectedContainer(), at: null });
  };
  list.addEventListener("click", onClick);

  /** @type {HTMLElement | null} */
  let ghost = null;
  /**
   * The cell under the pointer on the grid under it, or null off the grid.
   * @param {number} clientX
   * @param {number} clientY
   */
  const dropAt = (clientX, clientY) => {
    const target = dropTargetAt(clientX, clientY);
    if (!target) return null;
    const at = {
      x: Math.floor((clientX - target.left) / target.columnWidth),
      y: Math.floor((clientY - target.top) / ROW_HEIGHT),
    };
    return { target, at };
  };
  const items = interact(".palette-item", { context: root });
  items.draggable({
    listeners: {
      start: (event) => {
        const item = /** @type {HTMLElement} */ (event.target);
        dragging = true;
        ghost = /** @type {HTMLElement} */ (item.cloneNode(true));
        ghost.classList.add("palette-ghost");
        ghost.removeAttribute("aria-describedby");
        ghost.setAttribute("aria-hidden", "true");
        document.body.append(ghost);
      },
      move: (event) => {
        if (!ghost) return;
        ghost.style.left = `${event.client.x + 8}px`;
        ghost.style.top = `${event.client.y + 8}px`;
        const drop = dropAt(event.client.x, event.client.y);
        const type = store.state.widgetTypes?.get(String(/** @type {HTMLElement} */ (event.target).dataset.type));
        if (drop && type) {
          const size = type.default_size || { w: 16, h: 4 };
          const w = Math.min(size.w, COLUMNS);
          showDropPreview(drop.target, { x: Math.min(Math.max(drop.at.x, 0), COLUMNS - w), y: Math.max(drop.at.y, 0), w, h: size.h });
        } else showDropPreview(null);
      },
      end: (event) => {
        ghost?.remove();
        ghost = null;
        showDropPreview(null);
        setTimeout(() => {
          dragging = false;
        });
        const typeName = String(/** @type {HTMLElement} */ (event.target).dataset.type);
        const drop = dropAt(event.client.x, event.client.y);
        if (!drop) {
          const type = store.state.widgetTypes?.get(typeName);
          showCanvasMessage(`The ${type?.label || typeName} was dropped outside the grid: drop it on the canvas or in a container.`);
          return;
        }
        add(typeName, { parent: drop.target.parent, at: drop.at });
      },
    },
  });

  draw();
  const unsubscribe = store.subscribe(draw);
  return () => {
    unsubscribe();
    items.unset();
    list.removeEventListener("click", onClick);
    root.replaceChildren();
  };
}
