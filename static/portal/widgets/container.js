// @ts-check
// Container: a panel whose children sit on their own 64-column grid.
/** @import { WidgetType } from "./index.js" */
import { h } from "../../brace/dom.js";
import { color } from "./style.js";

export default /** @satisfies {WidgetType} */ ({
  type: "Container",
  create() {
    const el = h("div", { class: "w-container" });
    return {
      el,
      children: el,
      update(props) {
        el.style.backgroundColor = color(props.backgroundColor);
      },
    };
  },
});
