// @ts-check
// Key/value rows (headers, query parameters, custom authorization
// parameters). Each row carries data-field="<field>[i]" so that an API
// error such as `headers[1].key` lands next to its row. A write-only value
// (`value_set`, a typed credential) is never shown: left empty, the row goes
// back with `value_set` and the server keeps the stored value.
/** @import { KeyValue } from "../brace/api_types.js" */
import { h } from "../brace/dom.js";

/**
 * @param {Element} row
 * @param {".kv-key" | ".kv-value"} part
 */
function input(row, part) {
  return /** @type {HTMLInputElement} */ (row.querySelector(part));
}

export class KeyValues {
  /**
   * @param {HTMLElement} container its data-field names the list
   * @param {{ onChange: (field: string) => void }} options
   */
  constructor(container, { onChange }) {
    this.container = container;
    this.field = container.dataset.field || "";
    this.onChange = onChange;
    this.template = /** @type {HTMLTemplateElement} */ (document.getElementById("kv-row"));
    this.rows = h("div", { class: "kv-rows" });
    this.empty = h("p", { class: "kv-empty", text: "None." });
    const add = h("button", { type: "button", class: "btn btn-small kv-add", text: container.dataset.addLabel || "Add" });
    add.addEventListener("click", () => {
      input(this.addRow({ key: "", value: "" }), ".kv-key").focus();
      this.changed();
    });
    container.append(this.empty, this.rows, add, h("p", { class: "field-error" }));
  }

  /** @param {Partial<KeyValue>} item */
  addRow(item) {
    const blank = /** @type {HTMLElement} */ (this.template.content.firstElementChild);
    const row = /** @type {HTMLElement} */ (blank.cloneNode(true));
    input(row, ".kv-key").value = item.key ?? "";
    input(row, ".kv-value").value = item.value ?? "";
    if (item.value_set) {
      row.dataset.valueSet = "true";
      input(row, ".kv-value").placeholder = "Set (type to replace)";
    }
    /** @type {HTMLButtonElement} */ (row.querySelector(".kv-remove")).addEventListener("click", () => {
      row.remove();
      this.changed();
    });
    row.addEventListener("input", () => this.onChange(this.field));
    this.rows.append(row);
    this.reindex();
    return row;
  }

  changed() {
    this.reindex();
    this.onChange(this.field);
  }

  reindex() {
    [...this.rows.children].forEach((row, index) => {
      /** @type {HTMLElement} */ (row).dataset.field = `${this.field}[${index}]`;
    });
    this.empty.hidden = this.rows.children.length > 0;
  }

  /** @returns {KeyValue[]} the rows with a key or a value */
  get value() {
    return [...this.rows.children]
      .map((row) => {
        /** @type {KeyValue} */
        const item = { key: input(row, ".kv-key").value.trim(), value: input(row, ".kv-value").value };
        const kept = /** @type {HTMLElement} */ (row).dataset.valueSet === "true" && item.value === "";
        return kept ? { ...item, value_set: true } : item;
      })
      .filter((item) => item.key !== "" || item.value !== "" || item.value_set);
  }

  /** @param {unknown} items */
  set value(items) {
    this.rows.replaceChildren();
    for (const item of Array.isArray(items) ? items : []) this.addRow(item);
    this.reindex();
  }
}
