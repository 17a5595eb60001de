// @ts-check
// The property pane's plain controls, one per `control` of the widget-types
// API: text, number, switch, select, color and list. Each shows a stored
// value and reports the value the user gives it; what the value means and
// whether it is valid is the server's business (its refusal is shown under
// the field by property_pane.js). The element the pane's <label for> names
// gets `id`, so every control has the property's label as its name.
/** @import { PropertyInfo } from "./store.js" */
import { h } from "../../brace/dom.js";

/**
 * @typedef {object} Control
 * @property {HTMLElement} element
 * @property {(value: unknown) => void} set shows a stored value, unless the user is typing in it
 */

/**
 * @typedef {object} ControlOptions
 * @property {string} id for the focusable element the field's label names
 * @property {unknown} value the stored value (undefined: the type's default applies)
 * @property {(value: unknown) => void} onChange a new value; undefined removes the property
 */

/** @param {Element} el */
const isTyping = (el) => el === document.activeElement;

/** @param {unknown} value */
const asText = (value) => (value === undefined || value === null ? "" : String(value));

/**
 * @param {HTMLInputElement} input
 * @param {unknown} value
 */
function showText(input, value) {
  if (!isTyping(input)) input.value = asText(value);
}

/**
 * @param {PropertyInfo} spec
 * @param {ControlOptions} options
 * @returns {Control}
 */
function textControl(spec, { id, value, onChange }) {
  const input = h("input", {
    id,
    type: "text",
    class: "pp-input",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: asText(spec.default),
    oninput: () => onChange(input.value),
  });
  input.value = asText(value);
  return { element: input, set: (next) => showText(input, next) };
}

/**
 * The number a number field holds: empty removes the property (its default
 * applies) or, if the property may be null, sets null.
 * @param {string} text
 * @param {PropertyInfo} spec
 * @returns {unknown}
 */
export function parseNumber(text, spec) {
  if (text.trim() === "") return spec.nullable ? null : undefined;
  return Number(text);
}

/**
 * @param {PropertyInfo} spec
 * @param {ControlOptions} options
 * @returns {Control}
 */
function numberControl(spec, { id, value, onChange }) {
  const input = h("input", {
    id,
    type: "number",
    class: "pp-input",
    step: spec.type === "integer" ? "1" : "any",
    min: spec.minimum,
    max: spec.maximum,
    placeholder: asText(spec.default),
    oninput: () => {
      // A half-typed number ("1e", "-") reads as empty: keep what is stored.
      if (input.validity.badInput) return;
      onChange(parseNumber(input.value, spec));
    },
  });
  input.value = asText(value);
  return { element: input, set: (next) => showText(input, next) };
}

/**
 * @param {PropertyInfo} spec
 * @param {ControlOptions} options
 * @returns {Control}
 */
function switchControl(spec, { id, value, onChange }) {
  const input = h("input", {
    id,
    type: "checkbox",
    role: "switch",
    class: "pp-switch-input",
    onchange: () => onChange(input.checked),
  });
  /** @param {unknown} next */
  const set = (next) => {
    input.checked = Boolean(next === undefined ? spec.default : next);
  };
  set(value);
  return { element: h("span", { class: "pp-switch" }, input, h("span", { class: "pp-switch-track", "aria-hidden": "true" })), set };
}

/**
 * @param {PropertyInfo} spec
 * @param {ControlOptions} options
 * @returns {Control}
 */
function selectControl(spec, { id, value, onChange }) {
  const select = h(
    "select",
    { id, class: "pp-select", onchange: () => onChange(select.value) },
    (spec.choices || []).map(String).map((choice) => h("option", { value: choice, text: choiceLabel(choice) })),
  );
  /** @param {unknown} next */
  const set = (next) => {
    select.value = asText(next === undefined ? spec.default : next);
  };
  set(value);
  return { element: select, set };
}

/**
 * "PRIMARY" -> "Primary", "Base64" stays.
 * @param {string} choice
 */
export function choiceLabel(choice) {
  return /^[A-Z0-9_]+$/.test(choice) ? choice.charAt(0) + choice.slice(1).toLowerCase().replaceAll("_", " ") : choice;
}

const HEX = /^#[0-9a-f]{6}$/i;
const SHORT_HEX = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i;

/**
 * The #rrggbb a colour picker can show for a CSS colour, or null.
 * @param {string} color
 */
export function pickerHex(color) {
  if (HEX.test(color)) return color.toLowerCase();
  const short = SHORT_HEX.exec(color);
  return short ? `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`.toLowerCase() : null;
}

/**
 * A swatch that opens the browser's colour picker, and the colour as text
 * (any CSS colour the server accepts: #hex, rgb(), hsl(), a name).
 * @param {PropertyInfo} spec
 * @param {ControlOptions} options
 * @returns {Control}
 */
function colorControl(spec, { id, value, onChange }) {
  const swatch = h("span", { class: "pp-color-swatch", "aria-hidden": "true" });
  const picker = h("input", {
    type: "color",
    class: "pp-color-picker",
    "aria-label": `Pick ${spec.label}`,
    onchange: () => {
      text.value = picker.value;
      paint(picker.value);
      onChange(picker.value);
    },
  });
  const text = h("input", {
    id,
    type: "text",
    class: "pp-input pp-color-text",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: asText(spec.default),
    oninput: () => {
      paint(text.value);
      onChange(text.value === "" ? undefined : text.value);
    },
  });
  /** @param {string} color */
  const paint = (color) => {
    swatch.style.background = color || asText(spec.default);
    picker.value = pickerHex(color || asText(spec.default)) || "#000000";
  };
  /** @param {unknown} next */
  const set = (next) => {
    if (isTyping(text)) return;
    text.value = asText(next);
    paint(text.value);
  };
  set(value);
  return { element: h("span", { class: "pp-color" }, h("label", { class: "pp-color-well" }, swatch, picker), text), set };
}

/**
 * A list of strings: a row per item, each removable, and a button to add one.
 * @param {PropertyInfo} spec
 * @param {ControlOptions} options
 * @returns {Control}
 */
function listControl(spec, { id, value, onChange }) {
  const rows = h("ol", { class: "pp-list-rows" });
  /** @type {string[]} */
  let items = [];
  const add = h("button", {
    type: "button",
    class: "pp-list-add",
    text: "+ Add item",
    "aria-label": `Add to ${spec.label}`,
    onclick: () => {
      items = [...items, ""];
      render();
      onChange([...items]);
      /** @type {HTMLInputElement | null} */ (rows.querySelector("li:last-child input"))?.focus();
    },
  });
  const render = () => {
    rows.replaceChildren(
      ...items.map((item, index) => {
        const input = h("input", {
          type: "text",
          class: "pp-input",
          id: index === 0 ? id : undefined,
          autocomplete: "off",
          "aria-label": `${spec.label} ${index + 1}`,
          oninput: () => {
            items[index] = input.value;
            onChange([...items]);
          },
        });
        input.value = item;
        const remove = h("button", {
          type: "button",
          class: "pp-icon-button",
          "aria-label": `Remove ${spec.label} ${index + 1}`,
          title: "Remove",
          text: "×",
          onclick: () => {
            items = items.filter((_, at) => at !== index);
            render();
            onChange([...items]);
          },
        });
        return h("li", { class: "pp-list-row" }, input, remove);
      }),
    );
  };
  /** @param {unknown} next */
  const set = (next) => {
    if (rows.contains(document.activeElement)) return;
    const list = next === undefined ? spec.default : next;
    items = Array.isArray(list) ? list.map(asText) : [];
    render();
  };
  set(value);
  // With no item yet, the label names the add button.
  const element = h("div", { class: "pp-list", role: "group", "aria-labelledby": `${id}-label` }, rows, add);
  return { element, set };
}

/** @type {Record<PropertyInfo["control"], (spec: PropertyInfo, options: ControlOptions) => Control>} */
const CONTROLS = {
  text: textControl,
  number: numberControl,
  switch: switchControl,
  select: selectControl,
  color: colorControl,
  list: listControl,
};

/**
 * The control a property's `control` names; an unknown name (a newer server)
 * gets a text field, so the property is still editable.
 * @param {PropertyInfo} spec
 * @param {ControlOptions} options
 * @returns {Control}
 */
export function createControl(spec, options) {
  return (CONTROLS[spec.control] || textControl)(spec, options);
}
