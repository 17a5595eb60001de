// @ts-check
// Where widgets go on a page's grid: snapping pixels to cells, collisions,
// and every change the canvas makes to positions (insert, move, resize,
// remove, duplicate, paste). Pure functions over the layout tree, no DOM and
// no store, so each rule is tested on its own and the canvas only turns
// pointer and keys into calls here.
//
// The grid is the portal's (static/portal/grid.js): 64 columns across the
// parent's width, rows of 10 px; a Container's children sit on its own grid.
// Widgets never overlap. As in Appsmith, the widget the user placed stays
// where it was put and the widgets it lands on are pushed down, and so on
// down the page; a Container grows to hold its children and pushes down the
// widgets below it in turn. Nothing is ever pulled up to fill a gap.
//
// Functions that change the layout change it in place and return it, as
// store recipes do; they throw a PlacementError, with a message to show the
// user, for a change that cannot be made.
/** @import { EditorNode } from "./layout.js" */
import { COLUMNS, ROW_HEIGHT } from "../../portal/grid.js";
import { findWidget, walk } from "./layout.js";

export { COLUMNS, ROW_HEIGHT };

export const ROOT_NAME = "MainContainer";

/**
 * @typedef {object} Rect a position with every field set, in grid cells
 * @property {number} x
 * @property {number} y
 * @property {number} w
 * @property {number} h
 */

/**
 * What placement needs of a widget type (the API's widget-types entry).
 * @typedef {object} TypeInfo
 * @property {string} name
 * @property {string} [label] its name for people ("File picker")
 * @property {boolean} [is_container]
 * @property {{ w: number, h: number }} [default_size]
 * @property {Record<string, unknown>} [default_props]
 */

/** A change placement refuses; `message` is written for the user. */
export class PlacementError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "PlacementError";
  }
}

// Sizes a widget is given when its type names none.
const FALLBACK_SIZE = { w: 16, h: 4 };
// Rows a Container keeps below its lowest child, so there is room to drop.
const CONTAINER_SLACK_ROWS = 1;

/**
 * @param {unknown} value
 * @param {number} fallback
 */
function int(value, fallback) {
  return typeof value === "number" && Number.isFinite(value) ? Math.round(value) : fallback;
}

/**
 * A node's position with every field set (the portal's defaults for missing ones).
 * @param {EditorNode} node
 * @returns {Rect}
 */
export function rectOf(node) {
  const p = node.position || {};
  return { x: int(p.x, 0), y: int(p.y, 0), w: int(p.w, COLUMNS), h: int(p.h, 4) };
}

/**
 * @param {EditorNode} node
 * @param {Rect} rect
 */
function setRect(node, rect) {
  node.position = { x: rect.x, y: rect.y, w: rect.w, h: rect.h };
}

/**
 * Whether two rectangles share at least one cell (touching edges do not).
 * @param {Rect} a
 * @param {Rect} b
 */
export function collides(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Pixels (relative to the parent grid's top-left corner) to the nearest cell.
 * @param {number} left
 * @param {number} top
 * @param {number} columnWidth the parent grid's column width in pixels
 * @returns {{ x: number, y: number }}
 */
export function snap(left, top, columnWidth) {
  return { x: Math.round(left / columnWidth), y: Math.round(top / ROW_HEIGHT) };
}

/**
 * A pixel rectangle (relative to the parent grid) to the nearest cells, at
 * least one cell in each direction.
 * @param {{ left: number, top: number, width: number, height: number }} box
 * @param {number} columnWidth
 * @returns {Rect}
 */
export function snapRect(box, columnWidth) {
  const { x, y } = snap(box.left, box.top, columnWidth);
  const right = Math.round((box.left + box.width) / columnWidth);
  const bottom = Math.round((box.top + box.height) / ROW_HEIGHT);
  return { x, y, w: Math.max(1, right - x), h: Math.max(1, bottom - y) };
}

/**
 * The rectangle moved and shrunk as little as needed to lie inside the grid.
 * @param {Rect} rect
 * @returns {Rect}
 */
export function clampToGrid(rect) {
  const w = Math.min(Math.max(Math.round(rect.w), 1), COLUMNS);
  const h = Math.max(Math.round(rect.h), 1);
  const x = Math.min(Math.max(Math.round(rect.x), 0), COLUMNS - w);
  const y = Math.max(Math.round(rect.y), 0);
  return { x, y, w, h };
}

/**
 * Refuses a drop point outside the parent's grid (left of it, right of it
 * or above it; below is fine: the page grows).
 * @param {{ x: number, y: number }} at the cell under the pointer
 * @param {string} what what is being dropped, for the message
 */
export function checkDrop(at, what) {
  if (!(at.x >= 0 && at.x < COLUMNS && at.y >= 0)) {
    throw new PlacementError(`${what} was dropped outside the grid: drop it on the canvas or in a container.`);
  }
}

/**
 * @param {EditorNode} layout
 * @param {string} name
 * @returns {import("./layout.js").Found}
 */
function mustFind(layout, name) {
  const found = findWidget(layout, name);
  if (!found) throw new PlacementError(`No widget is called ${name}.`);
  return found;
}

/**
 * The container called `name` (the root when name is null).
 * @param {EditorNode} layout
 * @param {string | null | undefined} name
 * @param {(type: string) => boolean} isContainer
 */
function containerOf(layout, name, isContainer) {
  if (!name || name === layout.widgetName) return layout;
  const { node } = mustFind(layout, name);
  if (!isContainer(node.type)) throw new PlacementError(`A ${node.type} cannot hold widgets; only a container can.`);
  return node;
}

/** @param {string} type */
const isContainerType = (type) => type === "Container";

// ---- Push down -------------------------------------------------------------

/**
 * Resolves the collisions that `fixed` widgets make among `parent`'s
 * children: every other child that overlaps a fixed one (or one already
 * pushed) moves down just below it, the cascade going down the page. Children
 * that the fixed ones do not reach stay where they are, even if they overlap
 * each other already (a layout imported that way is left as it was).
 * Grows `parent`, if it is not the root, to hold its children, and then
 * pushes down within its own parent (`ancestors` lists them, nearest first).
 * @param {EditorNode} parent
 * @param {Set<string>} fixed names of children that must not move
 * @param {EditorNode[]} [ancestors] parent's parent, its parent, ..., the root
 */
export function pushDown(parent, fixed, ancestors = []) {
  const children = parent.children || [];
  const held = children.filter((child) => fixed.has(child.widgetName));
  if (held.length) {
    const top = Math.min(...held.map((child) => rectOf(child).y));
    /** @type {Rect[]} */
    const moving = held.map(rectOf);
    /** @type {Rect[]} */
    const settled = [...moving];
    const others = children
      .filter((child) => !fixed.has(child.widgetName))
      .map((node) => ({ node, rect: rectOf(node) }))
      // Above every fixed widget: nothing that moves can reach it.
      .filter(({ rect }) => rect.y + rect.h > top)
      .sort((a, b) => a.rect.y - b.rect.y || a.rect.x - b.rect.x);
    for (const { node, rect } of others) {
      if (moving.some((other) => collides(rect, other))) {
        // Below everything it would overlap, among all that has settled.
        let hit = settled.find((other) => collides(rect, other));
        while (hit) {
          rect.y = hit.y + hit.h;
          hit = settled.find((other) => collides(rect, other));
        }
        setRect(node, rect);
        moving.push(rect);
      }
      settled.push(rect);
    }
  }
  if (ancestors.length) {
    const [grandparent, ...rest] = ancestors;
    if (fitContainer(parent)) pushDown(grandparent, new Set([parent.widgetName]), rest);
  }
}

/**
 * The row just below a container's lowest child (0 when it has none).
 * @param {EditorNode} parent
 */
export function lowestRow(parent) {
  return (parent.children || []).reduce((bottom, child) => {
    const r = rectOf(child);
    return Math.max(bottom, r.y + r.h);
  }, 0);
}

/**
 * Grows a container to hold its lowest child; answers whether it grew.
 * @param {EditorNode} container
 */
function fitContainer(container) {
  const lowest = lowestRow(container);
  const rect = rectOf(container);
  if (lowest + CONTAINER_SLACK_ROWS <= rect.h) return false;
  setRect(container, { ...rect, h: lowest + CONTAINER_SLACK_ROWS });
  return true;
}

/**
 * The containers above `name`, nearest first, ending with the root.
 * @param {EditorNode} layout
 * @param {string} name
 * @returns {EditorNode[]}
 */
function ancestorsOf(layout, name) {
  /** @type {Map<string, EditorNode>} */
  const parents = new Map();
  for (const { node, parent } of walk(layout)) {
    if (parent) parents.set(node.widgetName, parent);
    if (node.widgetName === name) break;
  }
  /** @type {EditorNode[]} */
  const chain = [];
  let parent = parents.get(name);
  while (parent) {
    chain.push(parent);
    parent = parents.get(parent.widgetName);
  }
  return chain;
}

/**
 * Push down around the given widgets, each in its own parent.
 * @param {EditorNode} layout
 * @param {string[]} names
 */
function settle(layout, names) {
  /** @type {Map<string, Set<string>>} */
  const byParent = new Map();
  for (const name of names) {
    const parent = ancestorsOf(layout, name)[0];
    if (!parent) continue;
    const set = byParent.get(parent.widgetName) || new Set();
    set.add(name);
    byParent.set(parent.widgetName, set);
  }
  for (const [parentName, fixed] of byParent) {
    const chain = parentName === layout.widgetName ? [layout] : [mustFind(layout, parentName).node, ...ancestorsOf(layout, parentName)];
    pushDown(chain[0], fixed, chain.slice(1));
  }
}

// ---- Names -----------------------------------------------------------------

/**
 * Every name taken on the page: its widgets' and the `reserved` ones (its
 * actions': names are unique across widgets and actions).
 * @param {EditorNode} layout
 * @param {Iterable<string>} [reserved]
 * @returns {Set<string>}
 */
export function takenNames(layout, reserved = []) {
  const taken = new Set(reserved);
  for (const { node } of walk(layout)) taken.add(node.widgetName);
  return taken;
}

/**
 * The next free name of a series, as Appsmith numbers them: the base (the
 * name without its trailing digits) followed by one more than the highest
 * number taken (`Button1` -> `Button2`; `Text1`, `Text7` -> `Text8`).
 * @param {string} name a widget's name or type
 * @param {Iterable<string>} taken
 */
export function nextName(name, taken) {
  const base = name.replace(/\d+$/, "") || "Widget";
  const names = new Set(taken);
  const pattern = new RegExp(`^${base.replace(/[$]/g, "\\$")}(\\d+)$`);
  let highest = 0;
  for (const other of names) {
    const match = pattern.exec(other);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  let n = highest + 1;
  while (names.has(`${base}${n}`)) n++;
  return `${base}${n}`;
}

// ---- Finding room ----------------------------------------------------------

/**
 * The first place, top to bottom then left to right, where a w x h widget
 * overlaps none of `parent`'s children.
 * @param {EditorNode} parent
 * @param {{ w: number, h: number }} size
 * @returns {{ x: number, y: number }}
 */
export function firstFreeSpot(parent, size) {
  const w = Math.min(Math.max(size.w, 1), COLUMNS);
  const h = Math.max(size.h, 1);
  const rects = (parent.children || []).map(rectOf);
  // A free spot starts at the top or right under a widget; within a band of
  // rows, at the left edge or right after a widget.
  const rows = [...new Set([0, ...rects.map((r) => r.y + r.h)])].sort((a, b) => a - b);
  for (const y of rows) {
    const band = rects.filter((r) => r.y < y + h && y < r.y + r.h);
    const columns = [...new Set([0, ...band.map((r) => r.x + r.w)])].filter((x) => x + w <= COLUMNS).sort((a, b) => a - b);
    for (const x of columns) {
      const rect = { x, y, w, h };
      if (!band.some((r) => collides(rect, r))) return { x, y };
    }
  }
  return { x: 0, y: rows[rows.length - 1] };
}

// ---- Changes ---------------------------------------------------------------

/**
 * A new widget of `type`, with its default size and properties, not yet in
 * any layout.
 * @param {TypeInfo} type
 * @param {string} name
 * @returns {EditorNode}
 */
export function newWidget(type, name) {
  const size = type.default_size || FALLBACK_SIZE;
  /** @type {EditorNode} */
  const node = {
    widgetName: name,
    type: type.name,
    props: structuredClone(type.default_props || {}),
    position: { x: 0, y: 0, w: Math.min(Math.max(size.w, 1), COLUMNS), h: Math.max(size.h, 1) },
  };
  if (type.is_container) node.children = [];
  return node;
}

/**
 * Puts `nodes` into the container `parentName` (the root if null), the first
 * one's top-left corner at `at` and the others where they were relative to
 * it (or, without `at`, at the first free place), then pushes down.
 * @param {EditorNode} layout
 * @param {EditorNode[]} nodes widgets not in the layout yet, names unique in it
 * @param {{ parent?: string | null, at?: { x: number, y: number } | null, isContainer?: (type: string) => boolean }} [options]
 * @returns {EditorNode}
 */
export function insertWidgets(layout, nodes, { parent = null, at = null, isContainer = isContainerType } = {}) {
  if (!nodes.length) return layout;
  const host = containerOf(layout, parent, isContainer);
  const rects = nodes.map(rectOf);
  const left = Math.min(...rects.map((r) => r.x));
  const top = Math.min(...rects.map((r) => r.y));
  const right = Math.max(...rects.map((r) => r.x + r.w));
  const bottom = Math.max(...rects.map((r) => r.y + r.h));
  const size = { w: Math.min(right - left, COLUMNS), h: bottom - top };
  const origin = at ? { x: Math.min(Math.max(at.x, 0), COLUMNS - size.w), y: Math.max(at.y, 0) } : firstFreeSpot(host, size);
  nodes.forEach((node, index) => {
    const r = rects[index];
    setRect(node, clampToGrid({ ...r, x: origin.x + r.x - left, y: origin.y + r.y - top }));
  });
  host.children = [...(host.children || []), ...nodes];
  settle(layout, nodes.map((node) => node.widgetName));
  return layout;
}

/**
 * Moves widgets by whole cells (arrow keys, or a drag of a selection within
 * its parents); a move that would take any of them off the grid is refused.
 * @param {EditorNode} layout
 * @param {string[]} names
 * @param {number} dx columns
 * @param {number} dy rows
 * @returns {EditorNode}
 */
export function moveBy(layout, names, dx, dy) {
  const nodes = names.map((name) => mustFind(layout, name).node);
  for (const node of nodes) {
    const r = rectOf(node);
    if (r.x + dx < 0 || r.x + r.w + dx > COLUMNS || r.y + dy < 0) {
      throw new PlacementError(`${node.widgetName} is at the edge of the grid.`);
    }
  }
  for (const node of nodes) {
    const r = rectOf(node);
    setRect(node, { ...r, x: r.x + dx, y: r.y + dy });
  }
  settle(layout, topmost(layout, names));
  return layout;
}

/**
 * Moves one widget to `at` (its new top-left cell) in the container
 * `parentName` (the root if null), which may be another than its own.
 * @param {EditorNode} layout
 * @param {string} name
 * @param {{ x: number, y: number }} at
 * @param {{ parent?: string | null, isContainer?: (type: string) => boolean }} [options]
 * @returns {EditorNode}
 */
export function moveTo(layout, name, at, { parent = null, isContainer = isContainerType } = {}) {
  if (name === layout.widgetName) throw new PlacementError(`${name} is the page itself and cannot move.`);
  const found = mustFind(layout, name);
  const host = containerOf(layout, parent, isContainer);
  if (host === found.node || ancestorsOf(layout, host.widgetName).includes(found.node)) {
    throw new PlacementError(`${name} cannot go inside itself.`);
  }
  const rect = clampToGrid({ ...rectOf(found.node), x: at.x, y: at.y });
  setRect(found.node, rect);
  if (found.parent !== host) {
    found.parent?.children?.splice(found.index, 1);
    host.children = [...(host.children || []), found.node];
  }
  settle(layout, [name]);
  return layout;
}

/**
 * Gives a widget a new rectangle in its parent (a resize: any edge may move).
 * A Container cannot shrink past its children.
 * @param {EditorNode} layout
 * @param {string} name
 * @param {Rect} rect
 * @returns {EditorNode}
 */
export function resize(layout, name, rect) {
  if (name === layout.widgetName) throw new PlacementError(`${name} is the page itself and cannot be resized.`);
  const { node } = mustFind(layout, name);
  const next = clampToGrid(rect);
  const lowest = lowestRow(node);
  next.h = Math.max(next.h, lowest ? lowest + CONTAINER_SLACK_ROWS : 1);
  setRect(node, next);
  settle(layout, [name]);
  return layout;
}

/**
 * Removes widgets (with their children); the widgets below stay where they are.
 * @param {EditorNode} layout
 * @param {string[]} names
 * @returns {EditorNode}
 */
export function remove(layout, names) {
  if (names.includes(layout.widgetName)) throw new PlacementError(`${layout.widgetName} is the page itself and cannot be deleted.`);
  for (const name of names) {
    const found = findWidget(layout, name); // gone already if an ancestor was removed
    if (found?.parent?.children) found.parent.children.splice(found.index, 1);
  }
  return layout;
}

/**
 * Of these names, those whose ancestors are not among them: copying a
 * Container copies its children, so selecting both must not copy them twice.
 * In layout order.
 * @param {EditorNode} layout
 * @param {string[]} names
 * @returns {string[]}
 */
export function topmost(layout, names) {
  const wanted = new Set(names);
  /** @type {string[]} */
  const found = [];
  /** @type {Set<EditorNode>} */
  const inside = new Set();
  for (const { node, parent } of walk(layout)) {
    if (parent && inside.has(parent)) {
      inside.add(node);
      continue;
    }
    if (wanted.has(node.widgetName)) {
      found.push(node.widgetName);
      inside.add(node);
    }
  }
  return found;
}

/**
 * Deep copies of `nodes`, children included, each widget whose name is
 * taken renamed to the next free name of its series (`Button1` -> `Button2`).
 * Adds the names to `taken`.
 * @param {EditorNode[]} nodes
 * @param {Set<string>} taken
 * @returns {EditorNode[]}
 */
export function renamedCopies(nodes, taken) {
  return nodes.map((original) => {
    const copy = structuredClone(original);
    for (const { node } of walk(copy)) {
      if (taken.has(node.widgetName)) node.widgetName = nextName(node.widgetName, taken);
      taken.add(node.widgetName);
    }
    return copy;
  });
}

/**
 * Copies of the widgets `names`, right below them in the same container
 * (Ctrl+D); answers the copies' names, in order. Call on a copy of the
 * layout: it is changed in place.
 * @param {EditorNode} layout
 * @param {string[]} names
 * @param {Iterable<string>} [reserved] names the page's actions take
 * @returns {{ layout: EditorNode, names: string[] }}
 */
export function duplicate(layout, names, reserved = []) {
  const tops = topmost(layout, names).filter((name) => name !== layout.widgetName);
  if (!tops.length) throw new PlacementError("Select the widgets to duplicate first.");
  const taken = takenNames(layout, reserved);
  /** @type {string[]} */
  const added = [];
  // Each parent's widgets are duplicated together, keeping their arrangement.
  /** @type {Map<EditorNode, EditorNode[]>} */
  const byParent = new Map();
  for (const name of tops) {
    const { node, parent } = mustFind(layout, name);
    const host = parent || layout;
    byParent.set(host, [...(byParent.get(host) || []), node]);
  }
  for (const [host, group] of byParent) {
    const copies = renamedCopies(group, taken);
    const rects = group.map(rectOf);
    const left = Math.min(...rects.map((r) => r.x));
    const bottom = Math.max(...rects.map((r) => r.y + r.h));
    insertWidgets(layout, copies, { parent: host.widgetName, at: { x: left, y: bottom }, isContainer: () => true });
    added.push(...copies.map((copy) => copy.widgetName));
  }
  return { layout, names: added };
}

/**
 * Pastes copied widgets into the container `parent` (the root if null):
 * renamed to free names, where they were if that place is free, else below
 * everything in the container. Call on a copy of the layout.
 * @param {EditorNode} layout
 * @param {EditorNode[]} nodes the copied widgets (as the clipboard holds them)
 * @param {{ parent?: string | null, reserved?: Iterable<string>, isContainer?: (type: string) => boolean }} [options]
 * @returns {{ layout: EditorNode, names: string[] }}
 */
export function paste(layout, nodes, { parent = null, reserved = [], isContainer = isContainerType } = {}) {
  const host = containerOf(layout, parent, isContainer);
  const copies = renamedCopies(nodes, takenNames(layout, reserved));
  const rects = copies.map(rectOf);
  const free = rects.every((rect) => (host.children || []).every((child) => !collides(rect, rectOf(child))));
  const lowest = lowestRow(host);
  const left = Math.min(...rects.map((r) => r.x));
  const top = Math.min(...rects.map((r) => r.y));
  insertWidgets(layout, copies, { parent: host.widgetName, at: free ? { x: left, y: top } : { x: left, y: lowest }, isContainer: () => true });
  return { layout, names: copies.map((copy) => copy.widgetName) };
}

/**
 * Adds a new widget of `type` at `at` in `parent` (or at the first free
 * place); answers its name. Call on a copy of the layout.
 * @param {EditorNode} layout
 * @param {TypeInfo} type
 * @param {{ parent?: string | null, at?: { x: number, y: number } | null, reserved?: Iterable<string>, isContainer?: (type: string) => boolean }} [options]
 * @returns {{ layout: EditorNode, name: string }}
 */
export function addWidget(layout, type, { parent = null, at = null, reserved = [], isContainer = isContainerType } = {}) {
  if (at) checkDrop(at, `The ${type.label || type.name}`);
  const name = nextName(type.name, takenNames(layout, reserved));
  const node = newWidget(type, name);
  insertWidgets(layout, [node], { parent, at, isContainer });
  return { layout, name };
}

