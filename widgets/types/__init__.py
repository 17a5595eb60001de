"""The built-in widget types, one module each."""

from __future__ import annotations

from widgets.schema import WidgetType
from widgets.types.button import BUTTON
from widgets.types.container import CONTAINER
from widgets.types.file_picker import FILE_PICKER
from widgets.types.input import INPUT
from widgets.types.text import TEXT

__all__ = ["BUILTIN_WIDGET_TYPES", "BUTTON", "CONTAINER", "FILE_PICKER", "INPUT", "TEXT"]

BUILTIN_WIDGET_TYPES: tuple[WidgetType, ...] = (CONTAINER, TEXT, BUTTON, INPUT, FILE_PICKER)
