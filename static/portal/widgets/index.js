// Widget renderers by type name. A new widget type is one module here:
// {type, create(ctx) -> {el, update(props), children?, reset?}, resetMeta?(props)}.
import button from "./button.js";
import container from "./container.js";
import filePicker from "./file_picker.js";
import input from "./input.js";
import text from "./text.js";

export const registry = new Map([container, text, button, input, filePicker].map((widget) => [widget.type, widget]));
