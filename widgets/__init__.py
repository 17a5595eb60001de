"""Widget types and page layouts for Brace: plain Python, no database, no Django.

What `builder` uses::

    from widgets import (
        validate_layout, LayoutValidationError,      # save a page
        validate_entity_name, collect_widget_names,  # name a widget or an action
        widget_entities, apply_meta_changes,         # run a page
        event_handler,                               # run an event
        evaluated_prop_errors,                       # check what bindings gave
        default_registry,                            # serve widget schemas
    )

    default_registry.to_dict()  # every type for the editor: labels, icons, sizes,
                                # property sections and controls (Control, Section)

    validate_layout(layout)   # raises LayoutValidationError(errors=(FieldError, ...))
    validate_entity_name("UploadFileToDropbox", taken=collect_widget_names(layout))
    entities = widget_entities(layout, meta_state={"FilePicker1": {"files": [...]}})
    entities["FilePicker1"]["derived"]["isValid"]
    # -> "this.isRequired ? this.files.length > 0 : true"
    meta = apply_meta_changes("Input", {"text": "hello"}, props=entities["Input1"]["props"])
    event_handler(layout, "FilePicker1", "onFilesSelected")  # -> "{{UploadFileToDropbox...}}"

Every error is a `WidgetsError` carrying ``code``, ``message`` and ``path``
(see `widgets.errors`). Modules: `schema` (how a widget type is declared),
`types` (the built-in types), `registry`, `names`, `layout` (validation),
`tree` (the one walk over a widget tree, `walk_widgets`) and `entities`
(runtime input).
"""

from __future__ import annotations

from widgets.entities import (
    EntitiesBefore,
    MetaState,
    WidgetEntity,
    apply_meta_changes,
    entities_before,
    evaluated_prop_errors,
    event_handler,
    resolve_props,
    widget_entities,
    with_meta_state,
)
from widgets.errors import (
    EntityNameError,
    FieldError,
    InvalidDocumentError,
    LayoutValidationError,
    MetaValidationError,
    RegistryError,
    UnknownEventError,
    UnknownWidgetTypeError,
    WidgetNotFoundError,
    WidgetsError,
)
from widgets.layout import (
    GRID_COLUMNS,
    MAX_DEPTH,
    MAX_LAYOUT_BYTES,
    MAX_WIDGETS,
    ROOT_WIDGET_NAME,
    find_widget,
    layout_errors,
    validate_layout,
)
from widgets.names import (
    JS_RESERVED_WORDS,
    MAX_NAME_LENGTH,
    RESERVED_GLOBAL_NAMES,
    collect_widget_names,
    is_valid_entity_name,
    validate_entity_name,
)
from widgets.registry import Registry, default_registry, get_widget_type
from widgets.sameness import same_json, same_widget, unchanged_widgets, widget_nodes
from widgets.schema import (
    Control,
    EventSpec,
    GridSize,
    MetaSpec,
    PropertySpec,
    Section,
    Shape,
    ValueType,
    WidgetType,
    is_binding,
)
from widgets.tree import WidgetVisit, walk_widgets

__all__ = [
    "GRID_COLUMNS",
    "JS_RESERVED_WORDS",
    "MAX_DEPTH",
    "MAX_LAYOUT_BYTES",
    "MAX_NAME_LENGTH",
    "MAX_WIDGETS",
    "RESERVED_GLOBAL_NAMES",
    "ROOT_WIDGET_NAME",
    "Control",
    "EntitiesBefore",
    "EntityNameError",
    "EventSpec",
    "FieldError",
    "GridSize",
    "InvalidDocumentError",
    "LayoutValidationError",
    "MetaSpec",
    "MetaState",
    "MetaValidationError",
    "PropertySpec",
    "Registry",
    "RegistryError",
    "Section",
    "Shape",
    "UnknownEventError",
    "UnknownWidgetTypeError",
    "ValueType",
    "WidgetEntity",
    "WidgetNotFoundError",
    "WidgetType",
    "WidgetVisit",
    "WidgetsError",
    "apply_meta_changes",
    "collect_widget_names",
    "default_registry",
    "entities_before",
    "evaluated_prop_errors",
    "event_handler",
    "find_widget",
    "get_widget_type",
    "is_binding",
    "is_valid_entity_name",
    "layout_errors",
    "resolve_props",
    "same_json",
    "same_widget",
    "unchanged_widgets",
    "validate_entity_name",
    "validate_layout",
    "walk_widgets",
    "widget_entities",
    "widget_nodes",
    "with_meta_state",
]
