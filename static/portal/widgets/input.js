// @ts-check
// Input: typing sends the text as meta (debounced, event onTextChanged);
// Enter sends onSubmit. The error message shows only once the user has
// touched the field, so an empty required form does not open in red.
/** @import { WidgetProps } from "../../brace/api_types.js" */
/** @import { WidgetType } from "./index.js" */
import { h } from "../../brace/dom.js";
import { displayText } from "./style.js";

/** @type {Record<string, string>} */
const TYPES = { TEXT: "text", NUMBER: "text", EMAIL: "email", PASSWORD: "password" };
const TYPING_DEBOUNCE_MS = 300;

let counter = 0;

export default /** @satisfies {WidgetType} */ ({
  type: "Input",
  resetMeta(props) {
    return { text: displayText(props.defaultText) };
  },
  create(ctx) {
    const id = `w-input-${++counter}`;
    const label = h("label", { class: "w-label", for: id });
    const input = h("input", { id, class: "w-field", autocomplete: "off" });
    const error = h("p", { class: "w-error", role: "alert", hidden: true });
    const el = h("div", { class: "w-input" }, label, input, error);
    let touched = false;
    /** @type {WidgetProps} */
    let props = {};

    const showValidity = () => {
      const invalid = touched && props.isValid === false;
      error.hidden = !invalid;
      error.textContent = invalid ? displayText(props.errorMessage) || "This value is not valid." : "";
      input.setAttribute("aria-invalid", String(invalid));
    };

    input.addEventListener("input", () => {
      touched = true;
      ctx.setMeta({ text: input.value });
      ctx.emit("onTextChanged", { text: input.value }, { debounceMs: TYPING_DEBOUNCE_MS });
    });
    input.addEventListener("blur", () => {
      touched = true;
      ctx.flush();
      showValidity();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.isComposing) return;
      event.preventDefault();
      touched = true;
      showValidity();
      ctx.emit("onSubmit", { text: input.value });
    });

    return {
      el,
      update(next) {
        props = next;
        label.textContent = displayText(props.label);
        label.hidden = !props.label;
        el.classList.toggle("is-inline", ctx.rows < 6);
        input.type = TYPES[String(props.inputType)] || "text";
        input.inputMode = props.inputType === "NUMBER" ? "decimal" : "";
        input.placeholder = displayText(props.placeholderText);
        input.disabled = Boolean(props.isDisabled);
        input.required = Boolean(props.isRequired);
        // The server echoes what was typed; overwriting the field while the
        // user types would drop keystrokes made since the request left.
        const text = displayText(props.text);
        if (document.activeElement !== input && input.value !== text) input.value = text;
        showValidity();
      },
      reset() {
        touched = false;
      },
    };
  },
});
