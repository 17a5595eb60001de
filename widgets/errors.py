"""Errors raised by the `widgets` package.

Every error carries a machine-readable ``code``, a readable ``message`` and the
JSON ``path`` of the fault (``""`` when the fault is not inside a document), so
the API layer can render any of them as ``{"code", "message", "field"}``
without knowing which one it caught.

The hierarchy::

    WidgetsError                     code, message, path
    ├── EntityNameError              a widget or action name is not usable
    ├── UnknownWidgetTypeError       no widget type of that name is registered
    ├── WidgetNotFoundError          no widget of that name on the page
    ├── UnknownEventError            the widget type has no such event
    ├── RegistryError                a widget type definition is inconsistent
    └── InvalidDocumentError         one or more faults, all collected in ``errors``
        ├── LayoutValidationError    a page layout (widget tree) is invalid
        └── MetaValidationError      end-user meta changes are invalid

`InvalidDocumentError` subclasses hold every fault found, as `FieldError`
values, rather than stopping at the first: an editor can then mark every bad
property in one round trip.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "EntityNameError",
    "FieldError",
    "InvalidDocumentError",
    "LayoutValidationError",
    "MetaValidationError",
    "RegistryError",
    "UnknownEventError",
    "UnknownWidgetTypeError",
    "WidgetNotFoundError",
    "WidgetsError",
    "preview",
]

PREVIEW_LENGTH = 40


def preview(value: object, limit: int = PREVIEW_LENGTH) -> str:
    """A short repr of a user-supplied value, for messages.

    Messages are echoed to the browser, so a 2 MB string sent as a widget
    type must not come back whole.
    """
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else repr(value[:limit])[:-1] + "...'"
    try:
        text = repr(value)
    except ValueError:  # an int too long to print (Python's digit limit)
        return "a very large number"
    return text if len(text) <= limit else text[:limit] + "..."


@dataclass(frozen=True, slots=True)
class FieldError:
    """One fault inside a JSON document.

    ``path`` is a JavaScript-style path from the document root, e.g.
    ``layout.children[1].props.maxNumFiles``.
    """

    path: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """The API rendering: ``{"code", "message", "field"}``."""
        return {"code": self.code, "message": self.message, "field": self.path}


class WidgetsError(Exception):
    """Root of every error raised by `widgets`."""

    default_code = "widgets_error"

    def __init__(self, message: str, *, code: str | None = None, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.path = path

    def to_dict(self) -> dict[str, object]:
        """The API rendering: ``{"code", "message", "field"?}``."""
        rendered: dict[str, object] = {"code": self.code, "message": self.message}
        if self.path:
            rendered["field"] = self.path
        return rendered


class EntityNameError(WidgetsError):
    """A widget or action name is not a usable JavaScript identifier.

    ``code`` says why: ``invalid_type``, ``empty_name``, ``name_too_long``,
    ``invalid_identifier``, ``reserved_word``, ``reserved_prefix``,
    ``reserved_property``, ``reserved_global`` or ``duplicate_name``.
    """

    default_code = "invalid_name"

    def __init__(
        self, message: str, *, name: object, code: str | None = None, path: str = ""
    ) -> None:
        super().__init__(message, code=code, path=path)
        self.name = name


class UnknownWidgetTypeError(WidgetsError):
    """No widget type of that name is registered."""

    default_code = "unknown_widget_type"

    def __init__(self, widget_type: object, *, known: Iterable[str] = (), path: str = "") -> None:
        known_list = ", ".join(sorted(known))
        hint = f"; known types: {known_list}" if known_list else ""
        super().__init__(f"Unknown widget type {preview(widget_type)}{hint}.", path=path)
        self.widget_type = widget_type


class WidgetNotFoundError(WidgetsError):
    """The layout holds no widget of that name."""

    default_code = "widget_not_found"

    def __init__(self, widget_name: str) -> None:
        super().__init__(f"No widget named {preview(widget_name)} on this page.")
        self.widget_name = widget_name


class UnknownEventError(WidgetsError):
    """The widget's type declares no event of that name."""

    default_code = "unknown_event"

    def __init__(self, widget_type: str, event: str, *, known: Iterable[str] = ()) -> None:
        known_list = ", ".join(sorted(known)) or "none"
        super().__init__(
            f"Widget type {widget_type!r} has no event {preview(event)}; its events: {known_list}."
        )
        self.widget_type = widget_type
        self.event = event


class RegistryError(WidgetsError):
    """A widget type definition is inconsistent (a programming error, not user input)."""

    default_code = "invalid_widget_type_definition"


class InvalidDocumentError(WidgetsError):
    """A JSON document has one or more faults; ``errors`` holds all of them."""

    default_code = "invalid_document"
    subject = "document"

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError(f"{type(self).__name__} needs at least one FieldError")
        first = self.errors[0]
        more = len(self.errors) - 1
        suffix = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
        super().__init__(
            f"Invalid {self.subject}: {first.path}: {first.message}{suffix}", path=first.path
        )

    def to_dict(self) -> dict[str, object]:
        """The API rendering, plus ``errors``: every fault, in document order."""
        return {**super().to_dict(), "errors": [error.to_dict() for error in self.errors]}


class LayoutValidationError(InvalidDocumentError):
    """A page layout (the widget tree) is invalid."""

    default_code = "invalid_layout"
    subject = "layout"


class MetaValidationError(InvalidDocumentError):
    """End-user meta changes (picked files, typed text) are invalid."""

    default_code = "invalid_meta"
    subject = "meta changes"
