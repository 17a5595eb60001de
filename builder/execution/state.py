"""What one evaluation of a page depends on besides the page itself: its state.

    state = RuntimeState(widgets={"FilePicker1": {"files": [...]}},
                         actions={"Api1": {"data": ..., "responseMeta": ...}},
                         store={"k": 1}, user=user_info(user), url=parse_url(url))
    state.appsmith()        # {"store", "user", "URL", "mode"}: `appsmith` in bindings
    state.action_values("Api1")   # {"data", "isLoading", "responseMeta"}

`checked_state` turns a state a client sent (the editor's evaluate endpoint)
into a `RuntimeState`, refusing unknown widgets and actions and meta values
end users could not set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from builder.errors import Conflict, Invalid
from widgets import (
    LayoutValidationError,
    MetaValidationError,
    WidgetEntity,
    apply_meta_changes,
    widget_entities,
)
from workspaces.users import AnyUser

__all__ = [
    "ACTION_DEFAULTS",
    "Mode",
    "RuntimeState",
    "checked_state",
    "parse_url",
    "saved_layout_conflict",
    "user_info",
]

Mode = Literal["EDIT", "PUBLISHED"]

# What bindings read as `Api1.data` etc. before the action ever ran. `run`
# is not data: calling it is a trigger's business, never a data binding's.
ACTION_DEFAULTS: dict[str, Any] = {"data": None, "isLoading": False, "responseMeta": None}


def user_info(user: AnyUser | None) -> dict[str, str]:
    """`appsmith.user`: what a binding may know about the signed-in user."""
    if user is None or not user.is_authenticated:
        return {"email": "", "username": "", "name": ""}
    full_name = user.get_full_name()
    username = user.get_username()
    return {"email": user.email or "", "username": username, "name": full_name or username}


def parse_url(url: str | None) -> dict[str, Any]:
    """`appsmith.URL` of a full URL or a path: {host, pathname, queryParams}."""
    if not url:
        return {"host": "", "pathname": "", "queryParams": {}}
    parts = urlsplit(url)
    # A repeated key keeps its last value, as URLSearchParams.get() would not;
    # Appsmith's queryParams is a plain object, so one value per key.
    return {
        "host": parts.netloc,
        "pathname": parts.path,
        "queryParams": dict(parse_qsl(parts.query, keep_blank_values=True)),
    }


@dataclass(frozen=True)
class RuntimeState:
    """What one evaluation depends on besides the page itself (plain JSON data).

    ``widgets``: meta values end users set (``{"Input1": {"text": "hi"}}``);
    ``actions``: results of actions that ran (``{"Api1": {"data", "responseMeta"}}``,
    responseMeta in its camelCase JavaScript form); ``store``: ``appsmith.store``.
    """

    widgets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    actions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    store: Mapping[str, Any] = field(default_factory=dict)
    user: Mapping[str, str] = field(default_factory=lambda: user_info(None))
    url: Mapping[str, Any] = field(default_factory=lambda: parse_url(None))
    mode: Mode = "PUBLISHED"

    def appsmith(self) -> dict[str, Any]:
        return {
            "store": dict(self.store),
            "user": dict(self.user),
            "URL": dict(self.url),
            "mode": self.mode,
        }

    def action_values(self, name: str) -> dict[str, Any]:
        stored = self.actions.get(name)
        values = dict(ACTION_DEFAULTS)
        if isinstance(stored, Mapping):
            values.update({key: stored[key] for key in ACTION_DEFAULTS if key in stored})
        return values


def saved_layout_conflict(error: LayoutValidationError) -> Conflict:
    """What a stored layout that no longer validates answers (409 `invalid_layout`)."""
    return Conflict(f"The page's saved layout is not valid: {error.message}", code="invalid_layout")


def checked_state(
    layout: object,
    action_names: Iterable[str],
    *,
    widgets: Mapping[str, Any],
    actions: Mapping[str, Any],
    store: Mapping[str, Any],
    user: AnyUser,
    url: str | None,
    mode: Mode,
    entities: Mapping[str, WidgetEntity] | None = None,
) -> RuntimeState:
    """A state sent by a client, checked against the page (400 naming the field).

    Widget and action names must exist on the page, and meta values must be
    what end users could set (`state.widgets.FilePicker1.files[0].size`).
    ``entities``: `widget_entities(layout)`, if the caller has them already.
    """
    if entities is None:
        try:
            entities = widget_entities(layout)
        except LayoutValidationError as error:
            raise saved_layout_conflict(error) from error
    for name, meta in widgets.items():
        path = f"state.widgets.{name}"
        entity = entities.get(name)
        if entity is None:
            raise Invalid(
                f"No widget named {name!r} on this page.", code="unknown_widget", field=path
            )
        try:
            apply_meta_changes(entity["type"], meta, props=entity["props"], path=path)
        except MetaValidationError as error:
            raise Invalid(
                error.errors[0].message, code=error.errors[0].code, field=error.path
            ) from error
    known = set(action_names)
    for name in actions:
        if name not in known:
            raise Invalid(
                f"No action named {name!r} on this page.",
                code="unknown_action",
                field=f"state.actions.{name}",
            )
    return RuntimeState(
        widgets=widgets,
        actions=actions,
        store=store,
        user=user_info(user),
        url=parse_url(url),
        mode=mode,
    )
