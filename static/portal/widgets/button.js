// @ts-check
// Button: posts onClick; stays busy until the server has answered so that a
// double click does not run the handler twice.
/** @import { WidgetType } from "./index.js" */
import { h } from "../../brace/dom.js";
import { color, displayText } from "./style.js";

/** @type {Record<string, string>} */
const VARIANTS = { PRIMARY: "is-primary", SECONDARY: "is-secondary", TERTIARY: "is-tertiary" };

export default /** @satisfies {WidgetType} */ ({
  type: "Button",
  create(ctx) {
    const el = h("button", { type: "button", class: "w-button" });
    let disabled = false;
    let busy = false;
    const sync = () => {
      el.disabled = disabled || busy;
      el.setAttribute("aria-busy", String(busy));
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
        el.textContent = displayText(props.text);
        el.className = `w-button ${VARIANTS[String(props.buttonVariant)] || VARIANTS.PRIMARY}`;
        el.style.setProperty("--button-color", color(props.buttonColor) || "");
        disabled = Boolean(props.isDisabled);
        sync();
      },
    };
  },
});
