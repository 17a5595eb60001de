"""Running a page: a stored layout and its actions as runtime input, evaluated.

`widgets` turns a layout into widget entities and `runtime` evaluates
entities; this module is where they meet, with what only the builder knows:
the page's action names, the signed-in user, the URL, the store and the
Django settings of the JavaScript sandbox.

    state = RuntimeState(widgets={"FilePicker1": {"files": [...]}}, mode="PUBLISHED")
    evaluated = evaluate_page(layout, action_names, state, compiled=stored_or_none)
    evaluated.widgets["Result"]["text"]        # every widget property, evaluated
    evaluated.errors["Result.text"]            # [{"code", "name", "message", "binding"}]
    evaluated.scope                            # what query bindings read

`compile_page_json` compiles a page once (at publish time); `load_compiled`
reads it back, so a portal never parses a published page's bindings again
(`builder.published_pages` does both for a published page).
`checked_state` turns a state a client sent into a `RuntimeState`, refusing
unknown widgets and actions and meta values end users could not set.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings

from builder.api.errors import APIError, Conflict
from runtime import (
    CompiledPage,
    Engine,
    EntitySpec,
    EvaluationLimits,
    compile_page,
    get_engine,
)
from widgets import (
    LayoutValidationError,
    MetaValidationError,
    WidgetEntity,
    apply_meta_changes,
    evaluated_prop_errors,
    get_widget_type,
    widget_entities,
)

__all__ = [
    "ACTION_DEFAULTS",
    "EvaluatedPage",
    "RuntimeState",
    "action_entity",
    "checked_state",
    "compile_page_json",
    "compile_source",
    "evaluate_page",
    "js_engine",
    "js_limits",
    "load_compiled",
    "page_entities",
    "parse_url",
    "user_info",
]

Mode = Literal["EDIT", "PUBLISHED"]

# What bindings read as `Api1.data` etc. before the action ever ran. `run`
# is not data: calling it is a trigger's business, never a data binding's.
ACTION_DEFAULTS: dict[str, Any] = {"data": None, "isLoading": False, "responseMeta": None}


def js_limits() -> EvaluationLimits:
    """The sandbox limits from settings (BRACE_JS_TIME_LIMIT_MS, BRACE_JS_MEMORY_LIMIT_MB)."""
    return EvaluationLimits(
        time_limit_s=settings.BRACE_JS_TIME_LIMIT_MS / 1000,
        memory_limit_bytes=settings.BRACE_JS_MEMORY_LIMIT_MB * 1024 * 1024,
    )


def js_engine() -> Engine:
    """The engine named by BRACE_JS_ENGINE, with the configured limits (cached by runtime)."""
    return get_engine(settings.BRACE_JS_ENGINE, js_limits())


def user_info(user: Any) -> dict[str, str]:
    """`appsmith.user`: what a binding may know about the signed-in user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {"email": "", "username": "", "name": ""}
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
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


def action_entity() -> EntitySpec:
    """An action as the page sees it: data only, nothing bindable, no trigger."""
    return EntitySpec(properties=dict(ACTION_DEFAULTS), bindable=frozenset())


def _widget_spec(entity: WidgetEntity) -> EntitySpec:
    # Triggers are already kept out of `props` by widgets; they never become data.
    # Meta properties take the end user's value from the state when it has one,
    # even where the developer bound a default (an Input's text).
    return EntitySpec(
        properties=entity["props"],
        bindable=frozenset(entity["binding_paths"]),
        derived=entity["derived"],
        meta=frozenset(entity["meta_props"]),
    )


def page_entities(
    widgets: Mapping[str, WidgetEntity], action_names: Iterable[str]
) -> dict[str, EntitySpec]:
    """Runtime input for a page: one spec per widget and per action."""
    specs = {name: _widget_spec(entity) for name, entity in widgets.items()}
    for name in action_names:
        specs[name] = action_entity()
    return specs


def compile_source(layout: object, action_names: Iterable[str]) -> CompiledPage:
    """Compile a page; raises `widgets.LayoutValidationError` for a layout that is not valid.

    Compiled without any end user's meta state, so that one compiled page
    serves every state.
    """
    entities = page_entities(widget_entities(layout), action_names)
    return compile_page(entities, limits=js_limits(), engine=js_engine())


def compile_page_json(layout: object, action_names: Iterable[str]) -> dict[str, Any]:
    """The compiled page as JSON, to store in `PublishedVersion.compiled[str(page_id)]`."""
    return compile_source(layout, action_names).to_json()


def load_compiled(data: Mapping[str, Any]) -> CompiledPage:
    """A page stored by `compile_page_json` (raises runtime.ConfigurationError if stale)."""
    return CompiledPage.from_json(data)


@dataclass(frozen=True)
class EvaluatedPage:
    """Every widget's and action's evaluated properties, and every error by property.

    ``widgets`` maps a widget name to its properties (``type`` first, then
    each declared, meta and derived property); a property whose binding
    failed or gave ``undefined`` is absent. ``errors`` maps ``"Widget.prop"``
    to a list of ``{"code", "name", "message", "binding", "line"?, "column"?}``.
    """

    widgets: dict[str, dict[str, Any]]
    actions: dict[str, dict[str, Any]]
    errors: dict[str, list[dict[str, Any]]]
    appsmith: dict[str, Any]

    @property
    def scope(self) -> dict[str, Any]:
        """What a query's bindings see: every entity by name, and `appsmith`."""
        scope: dict[str, Any] = {name: dict(props) for name, props in self.widgets.items()}
        for props in scope.values():
            props.pop("type", None)
        scope.update({name: dict(values) for name, values in self.actions.items()})
        scope["appsmith"] = self.appsmith
        return scope

    def to_json(self) -> dict[str, Any]:
        return {"values": self.widgets, "errors": self.errors}


def _error_dicts(errors: Iterable[Any]) -> list[dict[str, Any]]:
    rendered = []
    for error in errors:
        data = error.to_dict()
        data.pop("path", None)  # the key of the errors mapping says it already
        rendered.append(data)
    return rendered


def evaluate_page(
    layout: object,
    action_names: Iterable[str],
    state: RuntimeState | None = None,
    *,
    compiled: CompiledPage | None = None,
) -> EvaluatedPage:
    """Evaluate a page for one state; never raises for a failing binding.

    ``compiled`` is the page as stored at publish time (`load_compiled`);
    without it, the page is compiled here. Raises `widgets.LayoutValidationError` for an
    invalid layout and `runtime.ConfigurationError` for state that is not JSON.
    """
    state = state or RuntimeState()
    names = list(action_names)
    entities = widget_entities(layout, state.widgets)
    page = compiled if compiled is not None else compile_source(layout, names)
    # Stored meta values as widgets validated them (invalid ones fell back to
    # defaults); they win over a bound default. A meta value the end user has
    # not set yet, and whose default is bound, is the page's to compute.
    runtime_state: dict[str, Any] = {}
    for name, entity in entities.items():
        meta = {
            prop: entity["props"][prop]
            for prop in entity["meta_props"]
            if prop not in entity["binding_paths"]
        }
        if meta:
            runtime_state[name] = meta
    actions = {name: state.action_values(name) for name in names}
    runtime_state.update(actions)
    appsmith = state.appsmith()
    runtime_state["appsmith"] = appsmith
    result = page.evaluate(runtime_state, engine=js_engine())

    errors = {path: _error_dicts(errs) for path, errs in result.errors.items()}
    widgets: dict[str, dict[str, Any]] = {}
    for name, entity in entities.items():
        computed = set(entity["binding_paths"]) | set(entity["derived"])
        props: dict[str, Any] = {"type": entity["type"]}
        props.update(
            (prop, value) for prop, value in entity["props"].items() if prop not in computed
        )
        bound = {}
        for prop in computed:
            path = f"{name}.{prop}"
            if path in result.values:
                bound[prop] = result.values[path]
        props.update(bound)
        _check_types(name, entity, bound, props, errors)
        widgets[name] = props
    return EvaluatedPage(widgets=widgets, actions=actions, errors=errors, appsmith=appsmith)


def _check_types(
    name: str,
    entity: WidgetEntity,
    bound: Mapping[str, Any],
    props: dict[str, Any],
    errors: dict[str, list[dict[str, Any]]],
) -> None:
    """Apply the property types deferred at save time to what bindings gave.

    A bad value is reported and replaced by the property's default, as
    Appsmith does, so the portal and the widget limits (maxFileSize...)
    never work with a value of the wrong type.
    """
    if not bound:
        return
    widget_type = get_widget_type(entity["type"])
    for prop, faults in evaluated_prop_errors(widget_type, bound).items():
        spec = widget_type.get_property(prop)
        binding = entity["props"].get(prop)
        errors.setdefault(f"{name}.{prop}", []).extend(
            {
                "code": fault.code,
                "name": "ValidationError",
                "message": fault.message,
                "binding": binding if isinstance(binding, str) else "",
            }
            for fault in faults
        )
        if spec is not None:
            props[prop] = copy.deepcopy(spec.default)


def checked_state(
    layout: object,
    action_names: Iterable[str],
    *,
    widgets: Mapping[str, Any],
    actions: Mapping[str, Any],
    store: Mapping[str, Any],
    user: Any,
    url: str | None,
    mode: Mode,
) -> RuntimeState:
    """A state sent by a client, checked against the page (400 naming the field).

    Widget and action names must exist on the page, and meta values must be
    what end users could set (`state.widgets.FilePicker1.files[0].size`).
    """
    try:
        entities = widget_entities(layout)
    except LayoutValidationError as error:
        raise Conflict(
            f"The page's saved layout is not valid: {error.message}", code="invalid_layout"
        ) from error
    for name, meta in widgets.items():
        path = f"state.widgets.{name}"
        entity = entities.get(name)
        if entity is None:
            raise APIError(
                f"No widget named {name!r} on this page.", code="unknown_widget", field=path
            )
        try:
            apply_meta_changes(entity["type"], meta, props=entity["props"], path=path)
        except MetaValidationError as error:
            raise APIError(
                error.errors[0].message, code=error.errors[0].code, field=error.path
            ) from error
    known = set(action_names)
    for name in actions:
        if name not in known:
            raise APIError(
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
