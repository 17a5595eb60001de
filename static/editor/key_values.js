// Key/value rows (headers, query parameters, custom authorization
// parameters). Each row carries data-field="<field>[i]" so that an API
// error such as `headers[1].key` lands next to its row.
import { h } from "../brace/dom.js";

export class KeyValues {
  constructor(container, { onChange }) {
    this.container = container;
    this.field = container.dataset.field;
    this.onChange = onChange;
    this.template = document.getElementById("kv-row");
    this.rows = h("div", { class: "kv-rows" });
    this.empty = h("p", { class: "kv-empty", text: "None." });
    const add = h("button", { type: "button", class: "btn btn-small kv-add", text: container.dataset.addLabel || "Add" });
    add.addEventListener("click", () => {
      this.addRow({ key: "", value: "" }).querySelector(".kv-key").focus();
      this.changed();
    });
    container.append(this.empty, this.rows, add, h("p", { class: "field-error" }));
  }

  addRow(item) {
    const row = this.template.content.firstElementChild.cloneNode(true);
    row.querySelector(".kv-key").value = item.key ?? "";
    row.querySelector(".kv-value").value = item.value ?? "";
    row.querySelector(".kv-remove").addEventListener("click", () => {
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
      row.dataset.field = `${this.field}[${index}]`;
    });
    this.empty.hidden = this.rows.children.length > 0;
  }

  get value() {
    return [...this.rows.children]
      .map((row) => ({ key: row.querySelector(".kv-key").value.trim(), value: row.querySelector(".kv-value").value }))
      .filter((item) => item.key !== "" || item.value !== "");
  }

  set value(items) {
    this.rows.replaceChildren();
    for (const item of Array.isArray(items) ? items : []) this.addRow(item);
    this.reindex();
  }
}
