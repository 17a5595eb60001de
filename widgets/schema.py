"""The vocabulary widget types are declared in: properties, meta, derived, events.

A `WidgetType` lists four kinds of property, mirroring Appsmith:

- *properties* (`PropertySpec`): set by the developer in the editor and stored
  in the page layout; type-checked at save unless the value is a ``{{ }}``
  binding on a bindable property, which the runtime evaluates and checks.
- *meta properties* (`MetaSpec`): set by end users in the portal (picked
  ``files``, typed ``text``); never stored in the layout, validated by
  `apply_meta_changes` when the portal sends them.
- *derived properties*: JavaScript expressions over ``this`` (the widget),
  evaluated by the runtime, e.g. ``this.isRequired ? this.files.length > 0 : true``.
- *events* (`EventSpec`): trigger properties holding ``{{ ... }}`` code, stored
  in the layout's ``props`` but run only when the event fires, never evaluated
  as data.

Each declaration also says how the editor presents it (a label, the section
and control of a property, the type's palette icon and size on the grid), so
a type added here appears in the editor with no change there. Labels left out
are made from the name (``maxNumFiles`` -> "Max num files").

Everything here is plain data and pure functions so `builder` can serve the
schema to the editor (`WidgetType.to_dict`) and tests need no database.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from widgets.errors import FieldError, RegistryError, preview

__all__ = [
    "BINDING_MARKER",
    "DEFAULT_ICON",
    "GRID_COLUMNS",
    "Control",
    "EventSpec",
    "GridSize",
    "MetaSpec",
    "MetaValidator",
    "PropertySpec",
    "Section",
    "Shape",
    "ValueType",
    "WidgetType",
    "is_binding",
    "label_from_name",
    "type_name",
]

# Detecting a binding by its opening braces is deliberately crude: `runtime`
# owns the real parser and `widgets` must not import it. A false positive only
# defers a type check to the runtime, which checks again.
BINDING_MARKER = "{{"


def is_binding(value: object) -> bool:
    """Whether ``value`` is a string holding a ``{{ }}`` binding."""
    return isinstance(value, str) and BINDING_MARKER in value


def type_name(value: object) -> str:
    """The JSON name of ``value``'s type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


class ValueType(StrEnum):
    """The JSON shape a property accepts."""

    STRING = "string"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    ENUM = "enum"  # a string among `PropertySpec.choices`
    STRING_LIST = "string_list"


class Control(StrEnum):
    """The editor control that edits a property (a bindable one can also switch to code)."""

    TEXT = "text"
    NUMBER = "number"
    SWITCH = "switch"
    SELECT = "select"
    COLOR = "color"
    LIST = "list"


_DEFAULT_CONTROLS: dict[ValueType, Control] = {
    ValueType.STRING: Control.TEXT,
    ValueType.NUMBER: Control.NUMBER,
    ValueType.INTEGER: Control.NUMBER,
    ValueType.BOOLEAN: Control.SWITCH,
    ValueType.ENUM: Control.SELECT,
    ValueType.STRING_LIST: Control.LIST,
}


class Section(StrEnum):
    """The property pane section a property is listed in (events have their own, Events)."""

    GENERAL = "General"
    VALIDATION = "Validation"
    STYLE = "Style"


_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def label_from_name(name: str) -> str:
    """A sentence-case label for a camelCase name: ``maxNumFiles`` -> "Max num files"."""
    words = [
        word if word.isupper() and len(word) > 1 else word.lower() for word in _WORD.findall(name)
    ]
    if not words:
        return name
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def _is_number(value: object) -> bool:
    # bool is an int subclass in Python but never a number in JSON. Ints are
    # not passed to isfinite: a huge one (10**400) would overflow the float.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


_TYPE_CHECKS: dict[ValueType, Callable[[object], bool]] = {
    ValueType.STRING: lambda v: isinstance(v, str),
    ValueType.NUMBER: _is_number,
    ValueType.INTEGER: lambda v: isinstance(v, int) and not isinstance(v, bool),
    ValueType.BOOLEAN: lambda v: isinstance(v, bool),
    ValueType.ENUM: lambda v: isinstance(v, str),
    ValueType.STRING_LIST: lambda v: isinstance(v, list),
}


@dataclass(frozen=True, slots=True)
class PropertySpec:
    """A developer-set property: its type, default and constraints.

    ``check`` is an extra constraint on a well-typed value (or on each item of
    a ``STRING_LIST``), returning a message when it fails.
    """

    name: str
    type: ValueType
    default: object
    bindable: bool = True
    nullable: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    check: Callable[[object], str | None] | None = None
    help: str = ""
    label: str = ""
    section: Section = Section.GENERAL
    control: Control | None = None

    @property
    def shown_label(self) -> str:
        """The label the property pane shows: ``label``, or one made from the name."""
        return self.label or label_from_name(self.name)

    @property
    def shown_control(self) -> Control:
        """``control``, or the one that fits ``type`` (a switch for a boolean...)."""
        return self.control or _DEFAULT_CONTROLS[self.type]

    def validate(self, value: object, path: str, *, evaluated: bool = False) -> list[FieldError]:
        """Faults of ``value`` (empty when valid).

        A stored value that is a binding passes if the property is bindable;
        an ``evaluated`` value is what a binding produced, so it is always
        checked in full.
        """
        if self.bindable and not evaluated and is_binding(value):
            return []
        if value is None and self.nullable:
            return []
        if not _TYPE_CHECKS[self.type](value):
            expected = "an integer" if self.type is ValueType.INTEGER else f"a {self._json_type()}"
            nullable = " or null" if self.nullable else ""
            binding = " or a {{ }} binding" if self.bindable and not evaluated else ""
            return [
                FieldError(
                    path,
                    "invalid_type",
                    f"{self.name!r} must be {expected}{nullable}{binding}, not {type_name(value)}.",
                )
            ]
        if self.type is ValueType.ENUM and value not in self.choices:
            return [
                FieldError(
                    path,
                    "invalid_choice",
                    f"{self.name!r} must be one of {', '.join(self.choices)}; "
                    f"got {preview(value)}.",
                )
            ]
        if isinstance(value, list):  # only STRING_LIST accepts a list
            return self._validate_items(value, path)
        return self._validate_range(value, path) + self._run_check(value, path)

    def _json_type(self) -> str:
        return "string" if self.type is ValueType.ENUM else str(self.type)

    def _validate_items(self, items: Sequence[object], path: str) -> list[FieldError]:
        errors: list[FieldError] = []
        for index, item in enumerate(items):
            item_path = f"{path}[{index}]"
            if not isinstance(item, str):
                errors.append(
                    FieldError(
                        item_path,
                        "invalid_type",
                        f"Items of {self.name!r} must be strings, not {type_name(item)}.",
                    )
                )
            else:
                errors.extend(self._run_check(item, item_path))
        return errors

    def _validate_range(self, value: object, path: str) -> list[FieldError]:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return []
        # Compared without converting to float, which a huge int would overflow.
        low, high = self.minimum, self.maximum
        too_low = low is not None and (value <= low if self.exclusive_minimum else value < low)
        if too_low or (high is not None and value > high):
            return [FieldError(path, "out_of_range", f"{self.name!r} {self._range_text()}.")]
        return []

    def _range_text(self) -> str:
        parts = []
        if self.minimum is not None:
            op = ">" if self.exclusive_minimum else ">="
            parts.append(f"{op} {self.minimum:g}")
        if self.maximum is not None:
            parts.append(f"<= {self.maximum:g}")
        return "must be " + " and ".join(parts)

    def _run_check(self, value: object, path: str) -> list[FieldError]:
        message = self.check(value) if self.check else None
        return [FieldError(path, "invalid_value", message)] if message else []

    def to_dict(self) -> dict[str, object]:
        """JSON description for the editor's property pane."""
        described: dict[str, object] = {
            "name": self.name,
            "label": self.shown_label,
            "section": str(self.section),
            "control": str(self.shown_control),
            "type": str(self.type),
            "default": copy.deepcopy(self.default),
            "bindable": self.bindable,
            "nullable": self.nullable,
        }
        if self.choices:
            described["choices"] = list(self.choices)
        if self.minimum is not None:
            described["minimum"] = self.minimum
            described["exclusive_minimum"] = self.exclusive_minimum
        if self.maximum is not None:
            described["maximum"] = self.maximum
        if self.help:
            described["help"] = self.help
        return described


MetaValidator = Callable[[object, Mapping[str, object], str], list[FieldError]]
"""Validates an end-user value: ``(value, widget_props, path) -> faults``.

``widget_props`` are the widget's resolved properties; a constraint that reads
one (FilePicker ``maxNumFiles``) applies only when that value is a literal of
the right type, since an unevaluated binding says nothing yet.
"""


@dataclass(frozen=True, slots=True)
class Shape:
    """What a value holds, where the type knows it before any value exists.

    The editor completes ``FilePicker1.files[0].name`` from it while ``files``
    is still ``[]``. ``type`` is a JSON type name (``array``, ``object``,
    ``string``, ``number``, ``boolean``); an array's ``items`` is each item's
    shape, an object's ``keys`` each key's, in order.
    """

    type: str
    help: str = ""
    items: Shape | None = None
    keys: tuple[tuple[str, Shape], ...] = ()

    def to_dict(self) -> dict[str, object]:
        described: dict[str, object] = {"type": self.type}
        if self.help:
            described["help"] = self.help
        if self.items is not None:
            described["items"] = self.items.to_dict()
        if self.keys:
            described["keys"] = {name: shape.to_dict() for name, shape in self.keys}
        return described


@dataclass(frozen=True, slots=True)
class MetaSpec:
    """A property end users set in the portal.

    Until the end user sets it, its value is ``default``, or the value of the
    property named by ``default_from`` (Input ``text`` starts as ``defaultText``).
    ``shape``, if given, describes what its values hold (see `Shape`).
    """

    name: str
    default: object
    validate: MetaValidator
    default_from: str | None = None
    help: str = ""
    shape: Shape | None = None

    def to_dict(self) -> dict[str, object]:
        described: dict[str, object] = {"name": self.name, "default": copy.deepcopy(self.default)}
        if self.default_from:
            described["default_from"] = self.default_from
        if self.help:
            described["help"] = self.help
        if self.shape is not None:
            described["shape"] = self.shape.to_dict()
        return described


@dataclass(frozen=True, slots=True)
class EventSpec:
    """An event: a trigger property whose ``{{ }}`` code runs when it fires."""

    name: str
    help: str = ""
    label: str = ""

    def to_dict(self) -> dict[str, object]:
        # Events keep their code name as label, as Appsmith's pane shows them ("onClick").
        return {"name": self.name, "label": self.label or self.name, "help": self.help}


GRID_COLUMNS = 64
"""Columns of every container's grid (rows are 10 px high and unbounded)."""

# Icons are the `d` of one SVG path on a 24x24 view box, filled with the
# default nonzero rule: a hole is drawn with the opposite winding.
# This one, a square frame around a dot, is for a type that brings none.
DEFAULT_ICON = "M4 4h16v16H4zM6 6v12h12V6zM10 10h4v4h-4z"


@dataclass(frozen=True, slots=True)
class GridSize:
    """A size on the page grid: ``w`` of the 64 columns, ``h`` rows of 10 px."""

    w: int
    h: int

    def to_dict(self) -> dict[str, int]:
        return {"w": self.w, "h": self.h}


@dataclass(frozen=True, slots=True)
class WidgetType:
    """A widget type: its properties, meta properties, derived properties and events.

    ``derived`` maps a property name to a JavaScript expression over ``this``.
    Only a container may have children. Construction checks that no name is
    declared twice across the four kinds, since they share one namespace in
    bindings (``Input1.text``, ``Input1.isValid``).
    """

    name: str
    properties: tuple[PropertySpec, ...]
    meta: tuple[MetaSpec, ...] = ()
    derived: Mapping[str, str] = field(default_factory=dict)
    events: tuple[EventSpec, ...] = ()
    is_container: bool = False
    help: str = ""
    label: str = ""
    icon: str = DEFAULT_ICON
    default_size: GridSize = GridSize(16, 4)
    default_props: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Freeze the mappings so a shared WidgetType cannot be altered by a caller.
        object.__setattr__(self, "derived", MappingProxyType(dict(self.derived)))
        object.__setattr__(self, "default_props", MappingProxyType(dict(self.default_props)))
        names = [
            *(spec.name for spec in self.properties),
            *(spec.name for spec in self.meta),
            *self.derived,
            *(spec.name for spec in self.events),
        ]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise RegistryError(f"Widget type {self.name!r} declares {duplicates} more than once.")
        property_names = {spec.name for spec in self.properties}
        for meta in self.meta:
            if meta.default_from is not None and meta.default_from not in property_names:
                raise RegistryError(
                    f"Meta property {self.name}.{meta.name} defaults from "
                    f"unknown property {meta.default_from!r}."
                )
        self._check_editor_defaults(property_names)

    def _check_editor_defaults(self, property_names: set[str]) -> None:
        """A new widget of this type, as the editor drops it, must be a valid one."""
        size = self.default_size
        if not (1 <= size.w <= GRID_COLUMNS and size.h >= 1):
            raise RegistryError(
                f"Widget type {self.name!r} has default size {size.w}x{size.h}; "
                f"w must be 1..{GRID_COLUMNS} and h at least 1."
            )
        event_names = set(self.event_names)
        for name, value in self.default_props.items():
            spec = self.get_property(name)
            if spec is None and name not in event_names:
                raise RegistryError(
                    f"Widget type {self.name!r} gives a default to {name!r}, "
                    "which is neither a property nor an event."
                )
            faults = spec.validate(value, name) if spec is not None else []
            if faults:
                raise RegistryError(f"Widget type {self.name!r}: {faults[0].message}")

    def get_property(self, name: str) -> PropertySpec | None:
        return next((spec for spec in self.properties if spec.name == name), None)

    def get_meta(self, name: str) -> MetaSpec | None:
        return next((spec for spec in self.meta if spec.name == name), None)

    @property
    def event_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.events)

    @property
    def shown_label(self) -> str:
        """The palette's name for the type: ``label``, or one made from the name."""
        return self.label or label_from_name(self.name)

    def to_dict(self) -> dict[str, object]:
        """JSON description of the type for the editor (`GET /api/v1/widget-types/`).

        ``derived`` lists the names only: the expressions are the runtime's.
        """
        return {
            "name": self.name,
            "label": self.shown_label,
            "icon": self.icon,
            "help": self.help,
            "is_container": self.is_container,
            "default_size": self.default_size.to_dict(),
            "default_props": copy.deepcopy(dict(self.default_props)),
            "properties": [spec.to_dict() for spec in self.properties],
            "meta": [spec.to_dict() for spec in self.meta],
            "derived": list(self.derived),
            "events": [spec.to_dict() for spec in self.events],
        }
