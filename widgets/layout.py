"""Validation of a page layout: the JSON widget tree stored on a page.

A widget is ``{"widgetName", "type", "props", "position", "children"}``
(``children`` may be left out on widgets that have none). The root is a
Container named ``MainContainer``. ``position`` is ``{x, y, w, h}`` in grid
units: ``x`` and ``w`` in columns of the parent's 64-column grid, ``y`` and
``h`` in rows.

`validate_layout` walks the whole tree and raises one `LayoutValidationError`
holding every fault it found, each with the JSON path of the fault
(``layout.children[1].props.maxNumFiles``), so the editor can mark them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from widgets.errors import (
    EntityNameError,
    FieldError,
    LayoutValidationError,
    UnknownWidgetTypeError,
    WidgetNotFoundError,
    preview,
)
from widgets.names import iter_named_widgets, validate_entity_name
from widgets.paths import member_path
from widgets.registry import Registry, registry_or_default
from widgets.sameness import same_widget
from widgets.schema import GRID_COLUMNS, PropertySpec, WidgetType, is_binding, type_name

__all__ = [
    "GRID_COLUMNS",
    "MAX_DEPTH",
    "MAX_GRID_ROWS",
    "MAX_LAYOUT_BYTES",
    "MAX_WIDGETS",
    "OPTIONAL_WIDGET_KEYS",
    "POSITION_KEYS",
    "REQUIRED_WIDGET_KEYS",
    "ROOT_WIDGET_NAME",
    "find_widget",
    "layout_errors",
    "member_path",
    "validate_layout",
]

# Far beyond any real page; it keeps positions to sizes that mean something.
MAX_GRID_ROWS = 100_000
MAX_WIDGETS = 5000
MAX_DEPTH = 50
# Enforced by the API layer on the request body; here so every layer shares it.
MAX_LAYOUT_BYTES = 2 * 1024 * 1024
ROOT_WIDGET_NAME = "MainContainer"

REQUIRED_WIDGET_KEYS = ("widgetName", "type", "props", "position")
OPTIONAL_WIDGET_KEYS = ("children",)
POSITION_KEYS = ("x", "y", "w", "h")
_POSITION_RANGES = {
    "x": (0, GRID_COLUMNS - 1),
    "y": (0, MAX_GRID_ROWS),
    "w": (1, GRID_COLUMNS),
    "h": (1, MAX_GRID_ROWS),
}


def validate_layout(
    layout: object,
    *,
    registry: Registry | None = None,
    path: str = "layout",
    valid_before: Mapping[str, Mapping[str, object]] | None = None,
) -> dict[str, str]:
    """Raise `LayoutValidationError` with every fault of ``layout``, if it has any.

    Else the JSON path of each widget by name, in document order (the walk
    finds them; a caller checking names against others' needs no second).

    ``valid_before``: the widgets, by name, of a layout that passed this
    validation (the editor's previous draft). A widget that is the same as
    the one of its name there but for its children (`same_widget`) has no
    fault in its keys, properties or position, so those checks are skipped;
    what depends on the rest of the tree (names taken twice, the root, the
    nesting, the count) is checked as always. The faults are the same.
    """
    walk = _walked(layout, registry=registry, path=path, valid_before=valid_before)
    if walk.errors:
        raise LayoutValidationError(walk.errors)
    return walk.names


def layout_errors(
    layout: object,
    *,
    registry: Registry | None = None,
    path: str = "layout",
    valid_before: Mapping[str, Mapping[str, object]] | None = None,
) -> list[FieldError]:
    """Every fault of ``layout``, in document order (empty when it is valid)."""
    return _walked(layout, registry=registry, path=path, valid_before=valid_before).errors


def _walked(
    layout: object,
    *,
    registry: Registry | None,
    path: str,
    valid_before: Mapping[str, Mapping[str, object]] | None,
) -> _Walk:
    walk = _Walk(registry_or_default(registry), valid_before=valid_before or {})
    walk.widget(layout, path, depth=1, is_root=True)
    return walk


def find_widget(layout: object, widget_name: str) -> Mapping[str, object]:
    """The widget called ``widget_name``; `WidgetNotFoundError` if there is none."""
    for name, widget in iter_named_widgets(layout):
        if name == widget_name:
            return widget
    raise WidgetNotFoundError(widget_name)


@dataclass
class _Walk:
    """State of one validation pass: faults found, names seen, widgets counted."""

    registry: Registry
    valid_before: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # name -> path of its first use
    count: int = 0
    stopped: bool = False

    def fault(self, path: str, code: str, message: str) -> None:
        self.errors.append(FieldError(path, code, message))

    def widget(self, node: object, path: str, *, depth: int, is_root: bool = False) -> None:
        if self.stopped:
            return
        self.count += 1
        if self.count > MAX_WIDGETS:
            # Stop here: the rest of an oversized tree is not worth walking.
            self.fault(path, "too_many_widgets", f"A page can hold at most {MAX_WIDGETS} widgets.")
            self.stopped = True
            return
        if type(node) is not dict and not isinstance(node, Mapping):  # the check, cheaper
            self.fault(path, "invalid_type", f"A widget must be an object, not {type_name(node)}.")
            return
        name = node.get("widgetName")
        before = self.valid_before.get(name) if isinstance(name, str) else None
        known_valid = before is not None and same_widget(node, before)
        if not known_valid:
            self._keys(node, path)
        self._name(node, path, is_root=is_root, known_valid=known_valid)
        widget_type = self._type(node, path, is_root=is_root)
        # A widget known valid passed its keys, properties and position before.
        if "props" in node and not known_valid:
            self._props(node["props"], member_path(path, "props"), widget_type)
        if "position" in node and not known_valid:
            self._position(node["position"], member_path(path, "position"))
        if "children" in node:
            self._children(node["children"], member_path(path, "children"), widget_type, depth)

    def _keys(self, node: Mapping[str, object], path: str) -> None:
        for key in REQUIRED_WIDGET_KEYS:
            if key not in node:
                self.fault(member_path(path, key), "missing_key", f"A widget needs {key!r}.")
        for key in node:
            if key not in REQUIRED_WIDGET_KEYS and key not in OPTIONAL_WIDGET_KEYS:
                known = ", ".join(REQUIRED_WIDGET_KEYS + OPTIONAL_WIDGET_KEYS)
                self.fault(
                    member_path(path, str(key)),
                    "unknown_key",
                    f"A widget has no key {preview(key)}; its keys are {known}.",
                )

    def _name(
        self, node: Mapping[str, object], path: str, *, is_root: bool, known_valid: bool
    ) -> None:
        if "widgetName" not in node:
            return
        name, name_path = node["widgetName"], member_path(path, "widgetName")
        try:
            if not known_valid:  # a name that passed stays a valid name
                validate_entity_name(name, path=name_path)
        except EntityNameError as error:
            self.fault(error.path, error.code, error.message)
            return
        name = str(name)  # validate_entity_name only accepts strings; this is for mypy
        if name in self.names:
            self.fault(
                name_path,
                "duplicate_name",
                f"{name!r} is already the name of the widget at {self.names[name]}.",
            )
        else:
            self.names[name] = path
        if is_root and name != ROOT_WIDGET_NAME:
            self.fault(
                name_path,
                "invalid_root_name",
                f"The root widget must be named {ROOT_WIDGET_NAME!r}, not {name!r}.",
            )

    def _type(self, node: Mapping[str, object], path: str, *, is_root: bool) -> WidgetType | None:
        if "type" not in node:
            return None
        type_path = member_path(path, "type")
        try:
            widget_type = self.registry.get(node["type"], path=type_path)
        except UnknownWidgetTypeError as error:
            self.fault(error.path, error.code, error.message)
            return None
        if is_root and not widget_type.is_container:
            self.fault(
                type_path,
                "root_not_container",
                f"The root widget must be a container, not a {widget_type.name}.",
            )
        return widget_type

    def _props(self, props: object, path: str, widget_type: WidgetType | None) -> None:
        if not isinstance(props, Mapping):
            self.fault(path, "invalid_type", f"props must be an object, not {type_name(props)}.")
            return
        if widget_type is None:
            return  # nothing to check the properties against
        for key, value in props.items():
            self._prop(widget_type, str(key), value, member_path(path, str(key)))

    def _prop(self, widget_type: WidgetType, key: str, value: object, path: str) -> None:
        spec: PropertySpec | None = widget_type.get_property(key)
        if spec is not None:
            self.errors.extend(spec.validate(value, path))
        elif key in widget_type.event_names:
            self._trigger(key, value, path)
        elif (meta := widget_type.get_meta(key)) is not None:
            hint = f"; set {meta.default_from!r} for its initial value" if meta.default_from else ""
            self.fault(
                path,
                "meta_property",
                f"{preview(key)} is set by end users in the portal, "
                f"not stored in the layout{hint}.",
            )
        elif key in widget_type.derived:
            self.fault(
                path,
                "derived_property",
                f"{preview(key)} is computed by the runtime; it cannot be set.",
            )
        else:
            known = [spec.name for spec in widget_type.properties] + list(widget_type.event_names)
            self.fault(
                path,
                "unknown_property",
                f"{widget_type.name} has no property {preview(key)}; "
                f"its properties: {', '.join(known)}.",
            )

    def _trigger(self, key: str, value: object, path: str) -> None:
        if not isinstance(value, str):
            self.fault(
                path,
                "invalid_type",
                f"{key!r} must be a string of {{{{ }}}} code, not {type_name(value)}.",
            )
        elif value.strip() and not is_binding(value):
            self.fault(
                path,
                "invalid_trigger",
                f"{key!r} must wrap its code in {{{{ }}}}, e.g. {{{{showAlert('Hi')}}}}.",
            )

    def _position(self, position: object, path: str) -> None:
        if not isinstance(position, Mapping):
            self.fault(
                path, "invalid_type", f"position must be an object, not {type_name(position)}."
            )
            return
        for key in position:
            if key not in POSITION_KEYS:
                self.fault(
                    member_path(path, str(key)),
                    "unknown_key",
                    f"position has no key {preview(key)}; its keys are x, y, w, h.",
                )
        values: dict[str, int] = {}
        for key in POSITION_KEYS:
            value, key_path = position.get(key), member_path(path, key)
            if key not in position:
                self.fault(key_path, "missing_key", f"position needs {key!r}.")
            elif not isinstance(value, int) or isinstance(value, bool):
                self.fault(
                    key_path, "invalid_type", f"{key!r} must be an integer, not {type_name(value)}."
                )
            elif not _POSITION_RANGES[key][0] <= value <= _POSITION_RANGES[key][1]:
                lowest, highest = _POSITION_RANGES[key]
                self.fault(key_path, "out_of_range", f"{key!r} must be from {lowest} to {highest}.")
            else:
                values[key] = value
        if "x" in values and "w" in values and values["x"] + values["w"] > GRID_COLUMNS:
            self.fault(
                member_path(path, "w"),
                "out_of_grid",
                f"x + w must be at most {GRID_COLUMNS} (the grid's columns); "
                f"got {values['x']} + {values['w']}.",
            )

    def _children(
        self, children: object, path: str, widget_type: WidgetType | None, depth: int
    ) -> None:
        if not isinstance(children, list):
            self.fault(
                path, "invalid_type", f"children must be an array, not {type_name(children)}."
            )
            return
        if not children:
            return
        if widget_type is not None and not widget_type.is_container:
            self.fault(
                path,
                "children_not_allowed",
                f"A {widget_type.name} cannot hold widgets; only a container can.",
            )
        if depth >= MAX_DEPTH:
            self.fault(path, "too_deep", f"Widgets can be nested at most {MAX_DEPTH} levels deep.")
            return
        for index, child in enumerate(children):
            self.widget(child, f"{path}[{index}]", depth=depth + 1)
