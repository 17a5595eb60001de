"""Runtime input: a stored layout and end-user state as entities the runtime evaluates.

`builder` calls these when it runs a page:

- `widget_entities` turns the layout and the session's meta state into one
  `WidgetEntity` per widget: every property with defaults filled in, meta
  values, which properties hold bindings, derived expressions and event
  handlers.
- `apply_meta_changes` validates what the portal sends when an end user picks
  files or types (``POST runtime/pages/{id}/events/``) before it is stored.
- `event_handler` fetches the ``{{ }}`` code to run for an event.
- `evaluated_prop_errors` checks what the runtime evaluated bindings to,
  the type checks deferred at save, so errors can be attached per property.

Everything returned is plain JSON-serialisable data, copied so that a caller
mutating it cannot alter the layout, the registry's defaults or the session.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

from widgets.errors import FieldError, MetaValidationError, UnknownEventError, preview
from widgets.layout import find_widget, validate_layout
from widgets.paths import member_path
from widgets.registry import Registry, registry_or_default
from widgets.sameness import same_json, same_widget, widget_nodes
from widgets.schema import WidgetType, is_binding, type_name
from widgets.tree import walk_widgets

__all__ = [
    "EntitiesBefore",
    "MetaState",
    "WidgetEntity",
    "apply_meta_changes",
    "evaluated_prop_errors",
    "event_handler",
    "resolve_props",
    "widget_entities",
    "with_meta_state",
]

MetaState = Mapping[str, Mapping[str, object]]
"""End-user state of a page: widget name -> meta property -> value."""


class WidgetEntity(TypedDict):
    """One widget as the runtime sees it.

    ``props`` is what bindings read as ``Widget1.prop``: every property (layout
    value or default) and every meta value. ``binding_paths`` lists the keys
    of ``props`` whose value is a developer-written ``{{ }}`` binding to
    evaluate; meta values typed by end users are never in it, so text an end
    user types is never evaluated as code. ``derived`` maps a property name to
    a JavaScript expression over ``this`` (the evaluated widget). ``triggers``
    maps each event to its handler code (``""`` when unset), kept out of
    ``props`` because handlers run only when their event fires.
    """

    widget_name: str
    type: str
    parent: str | None
    props: dict[str, object]
    binding_paths: list[str]
    meta_props: list[str]
    derived: dict[str, str]
    triggers: dict[str, str]


@dataclass(frozen=True)
class EntitiesBefore:
    """What `widget_entities` gave for an earlier layout that passed validation.

    The editor evaluates a draft after every change; handing the previous
    draft's entities back lets an unchanged widget keep its entity (and skip
    its validation) instead of being rebuilt. Build it with `entities_before`.
    """

    nodes: Mapping[str, Mapping[str, object]]  # widget name -> its node in that layout
    entities: Mapping[str, WidgetEntity]
    meta_state: MetaState


def entities_before(
    layout: object,
    entities: Mapping[str, WidgetEntity],
    meta_state: MetaState | None = None,
    *,
    nodes: Mapping[str, Mapping[str, object]] | None = None,
) -> EntitiesBefore:
    """Remember ``entities``, given by `widget_entities(layout, meta_state)`, for the next call.

    ``nodes``: `widget_nodes(layout)`, if the caller has it already.
    """
    return EntitiesBefore(nodes or widget_nodes(layout), entities, meta_state or {})


def with_meta_state(
    before: EntitiesBefore, meta_state: MetaState, *, registry: Registry | None = None
) -> dict[str, WidgetEntity]:
    """`widget_entities(layout, meta_state)` from what it gave without state (``before``).

    Only the widgets ``meta_state`` names are rebuilt; the layout was
    validated already, so this neither walks nor validates it again.
    """
    registry = registry_or_default(registry)
    entities = dict(before.entities)
    for name, state in meta_state.items():
        entity = entities.get(name)
        if entity is not None:
            node = before.nodes[name]
            widget_type = registry.get(node["type"])
            entities[name] = _entity(name, widget_type, node, entity["parent"], _as_mapping(state))
    return entities


def resolve_props(widget_type: WidgetType, props: Mapping[str, object]) -> dict[str, object]:
    """``props`` over the type's defaults, for every declared property (copies)."""
    return {
        spec.name: copy.deepcopy(props.get(spec.name, spec.default))
        for spec in widget_type.properties
    }


def widget_entities(
    layout: object,
    meta_state: MetaState | None = None,
    *,
    registry: Registry | None = None,
    before: EntitiesBefore | None = None,
    validated: bool = False,
) -> dict[str, WidgetEntity]:
    """One `WidgetEntity` per widget of ``layout``, by name, in document order.

    The layout is validated first (`LayoutValidationError`). Meta state for
    widgets or properties the layout no longer has is ignored, and a stored
    meta value that no longer passes validation (a republished page lowered
    ``maxNumFiles``) falls back to its default: session state can outlive the
    layout it was made for.

    Example, for the FilePicker of the Dropbox portal::

        {"widget_name": "FilePicker1", "type": "FilePicker", "parent": "MainContainer",
         "props": {"label": "Select a file", "maxNumFiles": 1, "maxFileSize": 200,
                   "allowedFileTypes": ["*"], "dataFormat": "Binary", "isRequired": True,
                   "isDisabled": False, "isVisible": True, "files": []},
         "binding_paths": [], "meta_props": ["files"],
         "derived": {"isValid": "this.isRequired ? this.files.length > 0 : true"},
         "triggers": {"onFilesSelected": "{{UploadFileToDropbox.run()...}}"}}

    ``before`` (`entities_before`, same registry): a widget that is the same
    as there, under the same parent and with the same meta state, keeps the
    entity it had, so only changed widgets are validated and rebuilt.
    ``validated``: the caller has just validated this very layout
    (`builder.layouts.check_layout`), so it is not validated twice.
    """
    registry = registry_or_default(registry)
    nodes_before = before.nodes if before is not None else {}
    if not validated:
        validate_layout(layout, registry=registry, valid_before=nodes_before)
    state = _as_mapping(meta_state)
    state_before = before.meta_state if before is not None else {}
    entities: dict[str, WidgetEntity] = {}
    # A valid layout is a tree of Mappings at most MAX_DEPTH deep.
    for node, _, parent_node in walk_widgets(layout):
        name = str(node["widgetName"])
        parent = None if parent_node is None else str(parent_node["widgetName"])
        widget_state = state.get(name)
        if before is not None and (node_before := nodes_before.get(name)) is not None:
            kept = before.entities[name]
            # Per widget of an editor's draft: the cheap tests first (no
            # state on either side is the same state; a node kept by
            # `unchanged_widgets` is itself).
            state_then = state_before.get(name)
            if (
                kept["parent"] == parent
                and (node_before is node or same_widget(node, node_before))
                and (
                    (widget_state is None and state_then is None)
                    or same_json(_as_mapping(widget_state), _as_mapping(state_then))
                )
            ):
                entities[name] = kept
                continue
        widget_type = registry.get(node["type"])
        entities[name] = _entity(name, widget_type, node, parent, _as_mapping(widget_state))
    return entities


def _entity(
    name: str,
    widget_type: WidgetType,
    node: Mapping[str, object],
    parent: str | None,
    state: Mapping[str, object],
) -> WidgetEntity:
    layout_props = _as_mapping(node["props"])
    props = resolve_props(widget_type, layout_props)
    binding_paths = [
        spec.name
        for spec in widget_type.properties
        if spec.bindable and is_binding(props[spec.name])
    ]
    for meta in widget_type.meta:
        stored = state.get(meta.name)
        if meta.name in state and not meta.validate(stored, props, meta.name):
            props[meta.name] = copy.deepcopy(stored)
        elif meta.default_from is not None:
            # Until the end user acts, the meta value is the developer's
            # property, binding included: evaluate it like the property.
            props[meta.name] = copy.deepcopy(props[meta.default_from])
            if meta.default_from in binding_paths:
                binding_paths.append(meta.name)
        else:
            props[meta.name] = copy.deepcopy(meta.default)
    triggers = {}
    for event in widget_type.event_names:
        handler = layout_props.get(event)
        triggers[event] = handler if isinstance(handler, str) else ""
    return WidgetEntity(
        widget_name=name,
        type=widget_type.name,
        parent=parent,
        props=props,
        binding_paths=binding_paths,
        meta_props=[meta.name for meta in widget_type.meta],
        derived=dict(widget_type.derived),
        triggers=triggers,
    )


def apply_meta_changes(
    widget_type: str | WidgetType,
    meta_changes: object,
    *,
    props: Mapping[str, object] | None = None,
    registry: Registry | None = None,
    path: str = "meta",
) -> dict[str, object]:
    """Validate end-user meta changes for a widget; return them (a copy) if valid.

    ``props`` are the widget's properties, ideally evaluated (the entity's
    ``props`` after evaluation); missing ones take the type's defaults. Limits
    such as FilePicker ``maxNumFiles``, ``maxFileSize`` and
    ``allowedFileTypes`` apply when their value is a literal, so pass
    evaluated props for bound limits to apply. Raises `MetaValidationError`
    with every fault (paths like ``meta.files[0].size``; code
    ``widget_disabled`` when ``isDisabled`` is literally true), or
    `UnknownWidgetTypeError`.

    Example::

        apply_meta_changes("FilePicker", {"files": [{"id": "f1", "name": "a.pdf",
            "size": 1024, "type": "application/pdf", "data": "blob:f1"}]})
        # -> {"files": [{"id": "f1", "name": "a.pdf", "size": 1024, ...}]}
    """
    if isinstance(widget_type, str):
        widget_type = registry_or_default(registry).get(widget_type)
    if not isinstance(meta_changes, Mapping):
        raise MetaValidationError(
            [
                FieldError(
                    path, "invalid_type", f"meta must be an object, not {type_name(meta_changes)}."
                )
            ]
        )
    resolved = resolve_props(widget_type, props or {})
    if resolved.get("isDisabled") is True and meta_changes:
        # The portal greys a disabled widget out; a crafted request must not
        # get past that either.
        raise MetaValidationError(
            [FieldError(path, "widget_disabled", f"This {widget_type.name} is disabled.")]
        )
    errors: list[FieldError] = []
    for key, value in meta_changes.items():
        key_path = member_path(path, str(key))
        meta = widget_type.get_meta(str(key))
        if meta is None:
            settable = ", ".join(spec.name for spec in widget_type.meta) or "none"
            errors.append(
                FieldError(
                    key_path,
                    "unknown_meta_property",
                    f"End users cannot set {preview(key)} on a {widget_type.name}; "
                    f"they can set: {settable}.",
                )
            )
        else:
            errors.extend(meta.validate(value, resolved, key_path))
    if errors:
        raise MetaValidationError(errors)
    return {str(key): copy.deepcopy(value) for key, value in meta_changes.items()}


def event_handler(
    layout: object, widget_name: str, event: str, *, registry: Registry | None = None
) -> str | None:
    """The ``{{ }}`` code to run when ``event`` fires on ``widget_name``, or None if unset.

    Raises `WidgetNotFoundError` if the layout has no such widget,
    `UnknownWidgetTypeError` if its type is unknown, and `UnknownEventError`
    if its type has no such event. The code is returned as stored, never
    evaluated: running it is the runtime's job.
    """
    widget = find_widget(layout, widget_name)
    widget_type = registry_or_default(registry).get(widget.get("type"))
    if event not in widget_type.event_names:
        raise UnknownEventError(widget_type.name, event, known=widget_type.event_names)
    props = widget.get("props")
    handler = props.get(event) if isinstance(props, Mapping) else None
    return handler if isinstance(handler, str) and handler.strip() else None


def _as_mapping(value: object) -> Mapping[str, object]:
    # A validated layout always holds mappings; session state might not.
    return value if isinstance(value, Mapping) else {}


def evaluated_prop_errors(
    widget_type: str | WidgetType,
    values: Mapping[str, object],
    *,
    registry: Registry | None = None,
    path: str = "",
) -> dict[str, list[FieldError]]:
    """Faults of evaluated property values, by property name (only those with faults).

    The save-time check lets a binding through on a bindable property; once
    the runtime has evaluated it, this applies the property's type and
    constraints to the result (``maxNumFiles: "{{ Limit.value }}"`` must give
    an integer >= 1). Names that are not declared properties (meta, derived,
    unknown) are skipped. Paths are ``path.prop``, or just ``prop``.
    """
    if isinstance(widget_type, str):
        widget_type = registry_or_default(registry).get(widget_type)
    faults: dict[str, list[FieldError]] = {}
    for name, value in values.items():
        spec = widget_type.get_property(name)
        if spec is None:
            continue
        found = spec.validate(value, member_path(path, name) if path else name, evaluated=True)
        if found:
            faults[name] = found
    return faults
