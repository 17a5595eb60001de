"""The registry of widget types, looked up by the ``type`` of a layout widget.

`default_registry` holds the built-in types. Functions that read layouts take
an optional ``registry`` so tests and future plug-ins can use their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from widgets.errors import RegistryError, UnknownWidgetTypeError
from widgets.schema import WidgetType
from widgets.types import BUILTIN_WIDGET_TYPES

__all__ = ["Registry", "default_registry", "get_widget_type", "registry_or_default"]


class Registry:
    """Widget types by name."""

    def __init__(self, widget_types: Iterable[WidgetType] = ()) -> None:
        self._types: dict[str, WidgetType] = {}
        for widget_type in widget_types:
            self.register(widget_type)

    def register(self, widget_type: WidgetType) -> WidgetType:
        """Add ``widget_type``; a second type of the same name is an error."""
        if widget_type.name in self._types:
            raise RegistryError(f"Widget type {widget_type.name!r} is already registered.")
        self._types[widget_type.name] = widget_type
        return widget_type

    def get(self, name: object, *, path: str = "") -> WidgetType:
        """The type called ``name``; `UnknownWidgetTypeError` if there is none."""
        widget_type = self._types.get(name) if isinstance(name, str) else None
        if widget_type is None:
            raise UnknownWidgetTypeError(name, known=self._types, path=path)
        return widget_type

    def names(self) -> list[str]:
        return list(self._types)

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self) -> Iterator[WidgetType]:
        return iter(self._types.values())

    def __len__(self) -> int:
        return len(self._types)

    def to_dict(self) -> dict[str, dict[str, object]]:
        """Every type's JSON description, by name (for the editor's palette)."""
        return {name: widget_type.to_dict() for name, widget_type in self._types.items()}


default_registry = Registry(BUILTIN_WIDGET_TYPES)


def get_widget_type(name: object) -> WidgetType:
    """The built-in type called ``name``; `UnknownWidgetTypeError` if there is none."""
    return default_registry.get(name)


def registry_or_default(registry: Registry | None) -> Registry:
    """``registry``, or `default_registry` when None.

    Not ``registry or default_registry``: an empty Registry is falsy (it has a
    length) and must stay empty rather than quietly become the default.
    """
    return default_registry if registry is None else registry
