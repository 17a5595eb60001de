// @ts-check
// The Explorer, left of the canvas (Appsmith's entity explorer): the pages of
// the application, the widget tree of the page under edit, the page's queries
// and the workspace's datasources. A page opens on click; pages are added,
// renamed, duplicated and deleted here. A widget is selected on click (Shift
// adds it to the selection) through the store, as the canvas does. Widgets and
// queries are renamed in place through the server, which rewrites every
// binding that uses the name; a refused name stays in the field with the
// server's reason, and the old name is kept.
/** @import { EditorContext, EditorStore, PageSummary, Action } from "./store.js" */
/** @import { EditorNode } from "./layout.js" */
import { actionsPath, pageDuplicatePath, pagePath, pagesPath } from "../../brace/api_paths.js";
import { h } from "../../brace/dom.js";
import { alertDialog, confirmDialog } from "../dialogs.js";
import { menuButton } from "../menu.js";
import { renameInPlace } from "../rename_in_place.js";
import { datasourceScreenUrl, queryEditorUrl } from "../editor_urls.js";
import { deleteQuery, duplicateQuery, newQuery } from "./query_actions.js";

const SVG = "http://www.w3.org/2000/svg";

/** Strokes of the Explorer's 24×24 icons. */
const ICONS = {
  page: ["M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z", "M14 3v5h5"],
  widget: ["M4 4h7v7H4z", "M13 4h7v7h-7z", "M4 13h7v7H4z", "M13 13h7v7h-7z"],
  datasource: ["M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3z", "M4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6", "M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"],
  plus: ["M12 5v14", "M5 12h14"],
  chevron: ["m9 6 6 6-6 6"],
};

/** @param {string[]} paths */
function icon(paths, className = "explorer-icon") {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", className);
  for (const d of paths) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/**
 * The first name `prefix` + n that no page has: Page2, Page3...
 * @param {string} prefix
 * @param {Iterable<string>} taken
 */
export function nextName(prefix, taken) {
  const names = new Set(taken);
  let number = 1;
  while (names.has(`${prefix}${number}`)) number += 1;
  return `${prefix}${number}`;
}

/**
 * The query's HTTP method, for its badge.
 * @param {Action} action
 */
function methodOf(action) {
  const method = action.config && typeof action.config.method === "string" ? action.config.method : "";
  return method.toUpperCase() || "GET";
}

/**
 * A section of the Explorer: a heading, an optional add button, and its rows.
 * @param {string} title
 * @param {HTMLElement | null} add
 * @param {HTMLElement} body
 */
function section(title, add, body) {
  const id = `explorer-${title.toLowerCase()}`;
  return h("section", { class: "panel-section explorer-section", "aria-labelledby": id },
    h("div", { class: "panel-head" }, h("h2", { class: "panel-title", id, text: title }), add),
    body);
}

/**
 * @param {HTMLElement} root the Explorer landmark
 * @param {EditorStore} store
 * @param {EditorContext} context
 */
export function mountExplorer(root, store, context) {
  // While a name is being edited the Explorer is not redrawn (the field and
  // what was typed in it would go); it catches up once the field is gone.
  let renaming = false;

  /** @param {number} pageId */
  const pageUrl = (pageId) => `/editor/apps/${context.application}/pages/${pageId}/`;

  /**
   * A row's name, with its rename-in-place field when it is being renamed.
   * @param {string} name
   * @param {HTMLElement} label
   * @param {(name: string) => Promise<void>} commit
   */
  const startRename = (name, label, commit) => {
    if (renaming) return;
    renaming = true;
    renameInPlace({
      label,
      name,
      fieldLabel: `New name for ${name}`,
      commit,
      done: () => {
        renaming = false;
        paint();
      },
    });
  };

  const addPage = async () => {
    const name = nextName("Page", store.state.pages.map((page) => page.name));
    try {
      const page = /** @type {PageSummary} */ (await store.api("POST", pagesPath(), { application: store.state.application.id, name }));
      store.setEntities({ pages: [...store.state.pages, { id: page.id, name: page.name, slug: page.slug, order: page.order }] });
      window.location.assign(pageUrl(page.id));
    } catch (error) {
      await alertDialog({ title: "The page was not added", message: messageOf(error) });
    }
  };

  /** @param {PageSummary} page */
  const duplicatePage = async (page) => {
    try {
      const copy = /** @type {PageSummary} */ (await store.api("POST", pageDuplicatePath(page.id)));
      const pages = [...store.state.pages];
      pages.splice(pages.findIndex((each) => each.id === page.id) + 1, 0, { id: copy.id, name: copy.name, slug: copy.slug, order: copy.order });
      store.setEntities({ pages });
    } catch (error) {
      await alertDialog({ title: `${page.name} was not duplicated`, message: messageOf(error) });
    }
  };

  /** @param {PageSummary} page */
  const deletePage = async (page) => {
    if (store.state.pages.length < 2) {
      await alertDialog({ title: `${page.name} cannot be deleted`, message: "An application needs at least one page; add another page first." });
      return;
    }
    /** @type {Action[]} */
    let queries;
    try {
      queries = page.id === store.state.page.id
        ? store.state.actions.filter((action) => action.page === page.id)
        : /** @type {Action[]} */ (await store.api("GET", actionsPath(page.id)));
    } catch (error) {
      await alertDialog({ title: `${page.name} was not deleted`, message: messageOf(error) });
      return;
    }
    const names = queries.map((query) => `Query ${query.name}`);
    const sure = await confirmDialog({
      title: `Delete ${page.name}?`,
      message: names.length
        ? `The page and its ${names.length === 1 ? "query" : `${names.length} queries`} will be deleted. This cannot be undone.`
        : "The page and its widgets will be deleted. This cannot be undone.",
      items: names,
      confirmLabel: "Delete page",
      danger: true,
    });
    if (!sure) return;
    try {
      await store.api("DELETE", pagePath(page.id));
    } catch (error) {
      await alertDialog({ title: `${page.name} was not deleted`, message: messageOf(error) });
      return;
    }
    const pages = store.state.pages.filter((each) => each.id !== page.id);
    if (page.id === store.state.page.id) {
      // Nothing of the deleted page is left to save; open another one.
      store.saver.dirty = false;
      window.location.assign(pageUrl(pages[0].id));
      return;
    }
    store.setEntities({ pages });
  };

  const pagesList = () => {
    const current = store.state.page.id;
    return h("ul", { class: "explorer-list" }, store.state.pages.map((page) => {
      const label = h("span", { class: "explorer-name", text: page.name });
      const link = h("a", { class: "explorer-link", href: pageUrl(page.id), "aria-current": page.id === current ? "page" : null }, icon(ICONS.page), label);
      const item = h("div", { class: "explorer-item" }, link);
      const row = h("li", { dataset: { page: page.id } }, item);
      // A click opens the page (a new document), so a page is renamed from
      // its menu or with F2, not by double-clicking as widgets are.
      const rename = () => startRename(page.name, link, (name) => store.renamePage(page.id, name));
      link.addEventListener("keydown", (event) => {
        if (event.key === "F2") {
          event.preventDefault();
          rename();
        }
      });
      item.append(menuButton(`More actions for ${page.name}`, () => [
        { label: "Rename", run: rename },
        { label: "Duplicate", run: () => duplicatePage(page) },
        { label: "Delete", run: () => deletePage(page), danger: true },
      ]));
      return row;
    }));
  };

  /**
   * @param {EditorNode} node
   * @param {number} depth
   * @returns {HTMLElement}
   */
  const widgetRow = (node, depth) => {
    const name = String(node.widgetName);
    const selected = store.state.selection.includes(name);
    const type = store.state.widgetTypes.get(String(node.type));
    const label = h("span", { class: "explorer-name", text: name });
    const glyph = type?.icon ? icon([type.icon], "explorer-icon is-filled") : icon(ICONS.widget);
    const button = h("button", {
      type: "button",
      class: "explorer-link",
      "aria-pressed": String(selected),
      title: `${name} (${type?.label || node.type})`,
    }, glyph, label);
    button.style.paddingLeft = `${0.75 + depth * 0.9}rem`;
    button.addEventListener("click", (event) => {
      // A widget is picked on the canvas: a query open in its place closes.
      store.openQuery(null);
      const others = store.state.selection.filter((each) => each !== name);
      if (event.shiftKey) store.select(selected ? others : [...store.state.selection, name]);
      else store.select([name]);
    });
    const rename = () => startRename(name, button, (next) => store.renameEntity(name, next));
    button.addEventListener("dblclick", rename);
    button.addEventListener("keydown", (event) => {
      if (event.key === "F2") {
        event.preventDefault();
        rename();
      }
    });
    const children = node.children || [];
    return h("li", { dataset: { widget: name } },
      h("div", { class: selected ? "explorer-item is-selected" : "explorer-item" }, button,
        menuButton(`More actions for ${name}`, () => [{ label: "Rename", run: rename }])),
      children.length ? h("ul", { class: "explorer-list", role: "group", "aria-label": `Inside ${name}` }, children.map((child) => widgetRow(child, depth + 1))) : null);
  };

  const widgetsList = () => {
    const children = store.state.page.layout.children || [];
    if (children.length === 0) return h("p", { class: "panel-empty", text: "No widgets yet: drag one from the palette onto the canvas." });
    return h("ul", { class: "explorer-list explorer-tree" }, children.map((child) => widgetRow(child, 0)));
  };

  const queriesList = () => {
    const queries = store.state.actions.filter((action) => action.page === store.state.page.id);
    if (queries.length === 0) return h("p", { class: "panel-empty", text: "No queries on this page." });
    const datasources = new Map(store.state.datasources.map((ds) => [ds.id, ds.name]));
    return h("ul", { class: "explorer-list" }, queries.map((query) => {
      const method = methodOf(query);
      const source = query.datasource ? datasources.get(query.datasource) || `Datasource ${query.datasource}` : "No datasource";
      const label = h("span", { class: "explorer-name", text: query.name });
      const open = store.state.query === query.id;
      // Named by the query's name, described by its method and datasource.
      const metaId = `explorer-query-${query.id}`;
      const body = h("a", {
        class: "explorer-link explorer-query",
        href: queryEditorUrl(context.application, context.page, query.id),
        "aria-current": open ? "true" : null,
        "aria-label": query.name,
        "aria-describedby": metaId,
        title: `${query.name}: ${method} on ${source}`,
      },
        h("span", { class: `method-badge is-${method.toLowerCase()}`, "aria-hidden": "true", text: method }),
        h("span", { class: "explorer-lines" }, label, h("span", { class: "explorer-meta", id: metaId, text: source })));
      body.addEventListener("click", (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return; // a new tab, as links do
        event.preventDefault();
        store.openQuery(query.id);
      });
      const rename = () => startRename(query.name, body, (next) => store.renameEntity(query.name, next));
      body.addEventListener("dblclick", rename);
      body.addEventListener("keydown", (event) => {
        if (event.key === "F2") {
          event.preventDefault();
          rename();
        }
      });
      return h("li", { dataset: { query: query.name } }, h("div", { class: "explorer-item" }, body,
        menuButton(`More actions for ${query.name}`, () => [
          { label: "Rename", run: rename },
          { label: "Duplicate", run: () => duplicateQuery(store, query) },
          { label: "Delete", run: () => deleteQuery(store, query), danger: true },
        ])));
    }));
  };

  const datasourcesList = () => {
    const { datasources } = store.state;
    if (datasources.length === 0) return h("p", { class: "panel-empty", text: "No datasources in this workspace." });
    const from = { application: context.application, page: context.page };
    return h("ul", { class: "explorer-list" }, datasources.map((ds) => h("li", { dataset: { datasource: ds.id } }, h("div", { class: "explorer-item" },
      h("a", { class: "explorer-link", href: datasourceScreenUrl(ds.id, from) }, icon(ICONS.datasource), h("span", { class: "explorer-name", text: ds.name })),
      h("button", { type: "button", class: "icon-btn btn-quiet btn explorer-add explorer-row-add", "aria-label": `New query on ${ds.name}`, title: `New query on ${ds.name}`, onclick: () => newQuery(store, ds.id) }, icon(ICONS.plus, "explorer-plus")),
      menuButton(`More actions for ${ds.name}`, () => [
        { label: "New query", run: () => newQuery(store, ds.id) },
        { label: "Edit datasource", run: () => window.location.assign(datasourceScreenUrl(ds.id, from)) },
      ])))));
  };

  const addButton = h("button", { type: "button", class: "icon-btn btn-quiet btn explorer-add", "aria-label": "Add page", title: "Add page" }, icon(ICONS.plus, "explorer-plus"));
  addButton.addEventListener("click", addPage);

  const pagesBody = h("div");
  const widgetsBody = h("div");
  const queriesBody = h("div");
  const datasourcesBody = h("div");
  root.replaceChildren(
    section("Pages", addButton, pagesBody),
    section("Widgets", null, widgetsBody),
    section("Queries", null, queriesBody),
    section("Datasources", null, datasourcesBody),
  );

  const paint = () => {
    if (renaming) return;
    // Keep the focus on the row it was on, across the redraw.
    const focused = document.activeElement;
    const focusRow = focused instanceof HTMLElement && root.contains(focused) ? focused.closest("li")?.dataset : undefined;
    const focusKey = focusRow ? Object.entries(focusRow)[0] : undefined;
    const wasMenu = focused instanceof HTMLElement && focused.classList.contains("menu-button");
    pagesBody.replaceChildren(pagesList());
    widgetsBody.replaceChildren(widgetsList());
    queriesBody.replaceChildren(queriesList());
    datasourcesBody.replaceChildren(datasourcesList());
    if (focusKey) {
      const [key, value] = focusKey;
      const attribute = key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
      const row = root.querySelector(`li[data-${attribute}="${CSS.escape(String(value))}"]`);
      /** @type {HTMLElement | null | undefined} */ (row?.querySelector(wasMenu ? ".menu-button" : ".explorer-link"))?.focus();
    }
  };
  store.subscribe((_state, change) => {
    if (change.kind === "layout" || change.kind === "selection" || change.kind === "entities" || change.kind === "query") paint();
  });
  paint();
}
