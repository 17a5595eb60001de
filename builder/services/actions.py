"""Actions (queries) on a page: creation, editing, deletion.

An action's name becomes a binding identifier on its page, so it is checked
with `widgets.validate_entity_name` against the page's widget names and other
actions. The page row is locked while checking, so a layout saved at the same
moment cannot give a widget the same name (services.pages locks it too).
Credentials typed into headers and parameters are write-only: a config row
sent back as `value_set` keeps the stored value (`builder.action_config`).
Renaming an action rewrites the references to it on its page
(`services.renaming`).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from builder.action_config import config_to_store
from builder.errors import Invalid
from builder.models import Action, Page
from builder.services.renaming import rename_references_on_page
from datasources.models import Datasource
from widgets import collect_widget_names, validate_entity_name

_UNSET: Any = object()


@transaction.atomic
def create_action(
    *, page: Page, name: str, config: dict[str, Any], datasource_id: int | None = None
) -> Action:
    page = _lock(page)
    check_action_name(page, name)
    action = Action(
        page=page,
        name=name,
        datasource=_datasource(page, datasource_id),
        config=config_to_store(config, None),
    )
    return _save(action)


@transaction.atomic
def update_action(
    *,
    action: Action,
    name: str = _UNSET,
    config: dict[str, Any] = _UNSET,
    datasource_id: int | None = _UNSET,
) -> Action:
    """Rename, reconfigure or rebind the action; `config` replaces the whole config.

    A rename also rewrites every reference to the action on its page (the
    layout, as a new page version, and the actions' configs), as
    `services.renaming.rename_entity` does.
    """
    page = _lock(action.page)
    action = Action.objects.select_for_update().get(pk=action.pk)
    old_name = action.name
    if name is not _UNSET and name != action.name:
        check_action_name(page, name, exclude=action.pk)
        action.name = name
    if config is not _UNSET:
        action.config = config_to_store(config, action.config)
    if datasource_id is not _UNSET:
        action.datasource = _datasource(page, datasource_id)
    action = _save(action)
    if action.name != old_name:
        rename_references_on_page(page, old_name, action.name)
        action.refresh_from_db()
    return action


@transaction.atomic
def delete_action(*, action: Action) -> None:
    action.delete()


def _lock(page: Page) -> Page:
    return Page.objects.select_for_update().select_related("application").get(pk=page.pk)


def check_action_name(page: Page, name: str, *, exclude: int | None = None) -> None:
    """Raise `widgets.EntityNameError` unless ``name`` may name an action on ``page``.

    ``exclude``: the action being renamed. The admin checks with this too.
    """
    taken = set(collect_widget_names(page.layout))
    actions = page.actions.all() if exclude is None else page.actions.exclude(pk=exclude)
    taken.update(actions.values_list("name", flat=True))
    validate_entity_name(name, taken=taken, path="name")


def _datasource(page: Page, datasource_id: int | None) -> Datasource | None:
    if datasource_id is None:
        return None
    datasource = Datasource.objects.filter(
        pk=datasource_id, workspace_id=page.application.workspace_id
    ).first()
    if datasource is None:
        raise Invalid(
            f"There is no datasource {datasource_id} in this application's workspace.",
            code="invalid_datasource",
            field="datasource",
        )
    return datasource


def _save(action: Action) -> Action:
    try:
        with transaction.atomic():
            action.save()
    except IntegrityError as error:  # a concurrent request took the name
        raise Invalid(
            f"{action.name!r} is already used on this page.", code="duplicate_name", field="name"
        ) from error
    return action
