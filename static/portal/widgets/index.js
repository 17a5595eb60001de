// @ts-check
// Widget renderers by type name. A new widget type is one module here:
// {type, create(ctx) -> {el, update(props), children?, reset?}, resetMeta?(props)}.
/** @import { EventAnswer, RuntimeFile, WidgetProps } from "../../brace/api_types.js" */
/** @import { Toast } from "../toast.js" */
import button from "./button.js";
import container from "./container.js";
import filePicker from "./file_picker.js";
import input from "./input.js";
import text from "./text.js";

/**
 * What the portal gives a widget renderer.
 * @typedef {object} WidgetContext
 * @property {string} name the widget's name
 * @property {string} type
 * @property {number} rows its height in grid rows
 * @property {(event: string, meta?: WidgetProps, options?: { debounceMs?: number }) => Promise<EventAnswer | null>} emit
 *   sends an event (with the meta the user changed) once the ones before it are answered
 * @property {() => void} flush sends debounced events now
 * @property {(meta: WidgetProps) => void} setMeta records meta locally, without an event
 * @property {(file: File, onProgress: (loaded: number) => void) => Promise<RuntimeFile>} upload
 * @property {Toast} notify
 */

/**
 * One drawn widget.
 * @typedef {object} WidgetInstance
 * @property {HTMLElement} el
 * @property {(props: WidgetProps) => void} update shows the widget's evaluated properties
 * @property {HTMLElement} [children] where child widgets go (else the widget's box)
 * @property {HTMLElement} [jobs] where background runs its events started show their progress
 * @property {() => void} [reset] forgets what the user did (resetWidget)
 * @property {(loading: boolean) => void} [setLoading] a page-load query it reads is
 *   loading (true) or done (false); widgets without it only get the box's aria-busy
 */

/**
 * @typedef {object} WidgetType
 * @property {string} type the widget type's name, as in the layout
 * @property {(ctx: WidgetContext) => WidgetInstance} create
 * @property {(props: WidgetProps) => WidgetProps} [resetMeta] the meta a reset puts back
 */

/** @type {Map<string, WidgetType>} */
export const registry = new Map([container, text, button, input, filePicker].map((widget) => [widget.type, widget]));
