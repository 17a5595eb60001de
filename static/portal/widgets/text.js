// @ts-check
// Text: shows a (usually bound) string. textContent only: the value comes
// from end users and APIs. While a page-load query it reads is loading it
// shows a placeholder instead, and its value once the query is done.
/** @import { WidgetProps } from "../../brace/api_types.js" */
/** @import { WidgetType } from "./index.js" */
import { h } from "../../brace/dom.js";
import { color, displayText, fontSize, textAlign } from "./style.js";

export default /** @satisfies {WidgetType} */ ({
  type: "Text",
  create() {
    const el = h("div", { class: "w-text" });
    /** @type {WidgetProps} */
    let shown = {};
    let loading = false;
    const render = () => {
      el.textContent = loading ? "Loading…" : displayText(shown.text);
      el.classList.toggle("is-loading", loading);
    };
    return {
      el,
      update(props) {
        shown = props;
        el.style.fontSize = fontSize(props.fontSize);
        el.style.textAlign = textAlign(props.textAlign);
        el.style.color = color(props.textColor);
        render();
      },
      setLoading(flag) {
        loading = flag;
        render();
      },
    };
  },
});
