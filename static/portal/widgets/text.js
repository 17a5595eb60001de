// @ts-check
// Text: shows a (usually bound) string. textContent only: the value comes
// from end users and APIs.
/** @import { WidgetType } from "./index.js" */
import { h } from "../../brace/dom.js";
import { color, displayText, fontSize, textAlign } from "./style.js";

export default /** @satisfies {WidgetType} */ ({
  type: "Text",
  create() {
    const el = h("div", { class: "w-text" });
    return {
      el,
      update(props) {
        el.textContent = displayText(props.text);
        el.style.fontSize = fontSize(props.fontSize);
        el.style.textAlign = textAlign(props.textAlign);
        el.style.color = color(props.textColor);
      },
    };
  },
});
