// @ts-check
// Button: posts onClick; stays busy until the server has answered so that a
// double click does not run the handler twice. While a page-load query it
// reads is loading it shows a spinner and cannot be pressed.
/** @import { WidgetType } from "./index.js" */
import { h } from "../../brace/dom.js";
import { color, displayText } from "./style.js";

/** @type {Record<string, string>} */
const VARIANTS = { PRIMARY: "is-primary", SECONDARY: "is-secondary", TERTIARY: "is-tertiary" };

export default /** @satisfies {WidgetType} */ ({
  type: "Button",
  create(ctx) {
    const label = h("span", { class: "w-button-label" });
    const spinner = h("span", { class: "w-spinner", hidden: true });
    const el = h("button", { type: "button", class: "w-button" }, spinner, label);
    let disabled = false;
    let busy = false;
    let loading = false;
    const sync = () => {
      el.disabled = disabled || busy || loading;
      el.setAttribute("aria-busy", String(busy || loading));
      spinner.hidden = !(busy || loading);
    };
    el.addEventListener("click", async () => {
      busy = true;
      sync();
      try {
        await ctx.emit("onClick");
      } finally {
        busy = false;
        sync();
      }
    });
    return {
      el,
      update(props) {
        label.textContent = displayText(props.text);
        el.className = `w-button ${VARIANTS[String(props.buttonVariant)] || VARIANTS.PRIMARY}`;
        el.style.setProperty("--button-color", color(props.buttonColor) || "");
        disabled = Boolean(props.isDisabled);
        sync();
      },
      setLoading(flag) {
        loading = flag;
        sync();
      },
    };
  },
});
