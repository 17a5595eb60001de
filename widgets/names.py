"""Entity names: the names bindings use to reference widgets and actions.

A widget or action name becomes a JavaScript identifier in every binding on its
page (``{{FilePicker1.files[0].name}}``), so it must be a plain ASCII
identifier, must not be a reserved word, must not begin with ``__`` (kept for
the sandbox's own names), must not be a member of every object
(``toString``, ``constructor``, ``__proto__``: such a name would mean one
thing in bindings, which read entities from an object, and another in event
handlers, which see them as globals), and must not shadow a global a binding
may need (``Math``, ``JSON``, ``showAlert``...). Names are unique per page
across widgets *and* actions. Every path that names an entity (layouts,
actions and their renames, the admin) calls `validate_entity_name`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping

from widgets.errors import EntityNameError
from widgets.tree import walk_widgets

__all__ = [
    "JS_RESERVED_WORDS",
    "MAX_NAME_LENGTH",
    "OBJECT_PROTOTYPE_NAMES",
    "RESERVED_GLOBAL_NAMES",
    "RESERVED_PREFIX",
    "collect_widget_names",
    "is_valid_entity_name",
    "iter_named_widgets",
    "validate_entity_name",
]

MAX_NAME_LENGTH = 100

# ASCII only: Unicode identifiers are legal JavaScript but invite look-alike
# names (a Cyrillic letter that looks like a Latin one) that make bindings silently reference the
# wrong entity.
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")

JS_RESERVED_WORDS: frozenset[str] = frozenset(
    {
        # ECMAScript reserved words.
        "await", "break", "case", "catch", "class", "const", "continue", "debugger",
        "default", "delete", "do", "else", "enum", "export", "extends", "false",
        "finally", "for", "function", "if", "import", "in", "instanceof", "new",
        "null", "return", "super", "switch", "this", "throw", "true", "try",
        "typeof", "var", "void", "while", "with", "yield",
        # Reserved in strict mode, or not assignable there.
        "implements", "interface", "let", "package", "private", "protected",
        "public", "static", "arguments", "eval",
        # Future reserved words of older editions, still rejected by some engines.
        "abstract", "boolean", "byte", "char", "double", "final", "float", "goto",
        "int", "long", "native", "short", "synchronized", "throws", "transient",
        "volatile",
    }
)  # fmt: skip

# Members of Object.prototype: every object has them, the one bindings read
# entities from included.
OBJECT_PROTOTYPE_NAMES: frozenset[str] = frozenset(
    {
        "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable",
        "toLocaleString", "toString", "valueOf", "__proto__", "__defineGetter__",
        "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
    }
)  # fmt: skip

# The sandbox's own names (its state parameter, its internals) begin so.
RESERVED_PREFIX = "__"

RESERVED_GLOBAL_NAMES: frozenset[str] = frozenset(
    {
        # Value properties and functions of the JavaScript global object.
        "globalThis", "Infinity", "NaN", "undefined", "decodeURI",
        "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape",
        "unescape", "isFinite", "isNaN", "parseFloat", "parseInt",
        # Standard built-in objects.
        "AggregateError", "Array", "ArrayBuffer", "Atomics", "BigInt",
        "BigInt64Array", "BigUint64Array", "Boolean", "DataView", "Date", "Error",
        "EvalError", "FinalizationRegistry", "Float32Array", "Float64Array",
        "Function", "Int8Array", "Int16Array", "Int32Array", "Intl", "Iterator",
        "JSON", "Map", "Math", "Number", "Object", "Promise", "Proxy", "RangeError",
        "ReferenceError", "Reflect", "RegExp", "Set", "SharedArrayBuffer", "String",
        "Symbol", "SyntaxError", "TypeError", "URIError", "Uint8Array",
        "Uint8ClampedArray", "Uint16Array", "Uint32Array", "WeakMap", "WeakRef",
        "WeakSet", "AsyncDisposableStack", "DisposableStack", "SuppressedError",
        "Float16Array",
        # QuickJS's own globals.
        "InternalError", "DOMException", "performance",
        # Host globals users expect from a browser.
        "window", "self", "document", "console", "location", "navigator",
        "localStorage", "sessionStorage", "fetch", "XMLHttpRequest", "alert",
        "setTimeout", "clearTimeout", "setInterval", "clearInterval",
        "queueMicrotask", "structuredClone", "atob", "btoa", "crypto", "URL",
        "URLSearchParams", "TextEncoder", "TextDecoder", "Blob", "File",
        "FileReader", "FormData", "Headers", "Request", "Response",
        "AbortController", "Event",
        # The app builder's own globals and actions available in bindings.
        "appsmith", "showAlert", "storeValue", "removeValue", "clearStore",
        "navigateTo", "resetWidget", "download", "copyToClipboard", "showModal",
        "closeModal", "postWindowMessage",
        # Libraries Appsmith users expect in bindings; kept free for them.
        "_", "moment", "forge", "xmlParser",
    }
)  # fmt: skip


def is_valid_entity_name(name: object) -> bool:
    """Whether `validate_entity_name` would accept ``name``."""
    try:
        validate_entity_name(name)
    except EntityNameError:
        return False
    return True


def validate_entity_name(name: object, *, taken: Collection[str] = (), path: str = "") -> None:
    """Raise `EntityNameError` unless ``name`` can name a widget or action.

    ``taken`` holds the names already used on the page (widgets and actions);
    a name in it is rejected with code ``duplicate_name``. The comparison is
    case-sensitive, like JavaScript. ``path`` is copied onto the error.
    """
    if not isinstance(name, str):
        raise EntityNameError(
            f"A name must be a string, not {type(name).__name__}.",
            name=name,
            code="invalid_type",
            path=path,
        )
    if not name:
        raise EntityNameError("A name cannot be empty.", name=name, code="empty_name", path=path)
    if len(name) > MAX_NAME_LENGTH:
        raise EntityNameError(
            f"A name can have at most {MAX_NAME_LENGTH} characters; this one has {len(name)}.",
            name=name,
            code="name_too_long",
            path=path,
        )
    if not _IDENTIFIER.fullmatch(name):
        raise EntityNameError(
            f"{name!r} is not a valid name: use ASCII letters, digits, '_' and '$', "
            "and do not start with a digit.",
            name=name,
            code="invalid_identifier",
            path=path,
        )
    if name in JS_RESERVED_WORDS:
        raise EntityNameError(
            f"{name!r} is a JavaScript reserved word; choose another name.",
            name=name,
            code="reserved_word",
            path=path,
        )
    if name.startswith(RESERVED_PREFIX):
        raise EntityNameError(
            f"{name!r} begins with {RESERVED_PREFIX!r}, which Brace keeps for the sandbox's "
            "own names; choose another name.",
            name=name,
            code="reserved_prefix",
            path=path,
        )
    if name in OBJECT_PROTOTYPE_NAMES:
        raise EntityNameError(
            f"{name!r} is a member of every JavaScript object (Object.prototype), so it would "
            "mean one thing in bindings and another in event handlers; choose another name.",
            name=name,
            code="reserved_property",
            path=path,
        )
    if name in RESERVED_GLOBAL_NAMES:
        raise EntityNameError(
            f"{name!r} is a global name available in bindings; choose another name.",
            name=name,
            code="reserved_global",
            path=path,
        )
    if name in taken:
        raise EntityNameError(
            f"{name!r} is already used on this page; names of widgets and actions must be unique.",
            name=name,
            code="duplicate_name",
            path=path,
        )


def collect_widget_names(layout: object) -> list[str]:
    """Every widget name in ``layout``, depth first in document order.

    Tolerant of malformed trees (it skips what is not a widget) because
    `builder` also calls it on stored layouts when checking an action name;
    validate the layout with `validate_layout` to find faults. Duplicates, if
    the layout has any, appear as often as they occur.
    """
    return [name for name, _widget in iter_named_widgets(layout)]


def iter_named_widgets(layout: object) -> Iterator[tuple[str, Mapping[str, object]]]:
    """Yield ``(widgetName, widget)`` for each widget with a string name, depth first."""
    for visit in walk_widgets(layout):
        name = visit.widget.get("widgetName")
        if isinstance(name, str):
            yield name, visit.widget
