"""Renaming a widget or an action of a page, and every reference to it on the page.

Names are unique per page across widgets and actions, and bindings refer to
them: a rename rewrites the page's layout (the widget's own name, every
binding and handler) and the configs of the page's actions
(`builder.references`), in one transaction under the page's row lock, and
counts as a save of the page (its version goes up by 1). Bindings on other
pages cannot see this page's entities, so they never change.
"""

from __future__ import annotations

from django.db import transaction

from builder.errors import Invalid, NotFound
from builder.layouts import check_layout
from builder.models import Action, Page
from builder.references import rename_in_action_config, rename_in_layout
from builder.services.pages import lock_page
from widgets import ROOT_WIDGET_NAME, collect_widget_names, validate_entity_name

__all__ = ["rename_entity", "rename_references_on_page", "rewrite_references"]


@transaction.atomic
def rename_entity(
    *, page: Page, old_name: str, new_name: str, version: int | None = None
) -> tuple[Page, list[Action]]:
    """Rename the widget or action ``old_name`` of ``page``; answer the page and its actions.

    ``version``: the page version the rename was made from (`pages.lock_page`).
    """
    page = lock_page(page, version=version)
    actions = list(Action.objects.select_for_update().filter(page=page).order_by("name"))
    widget_names = collect_widget_names(page.layout)
    if old_name not in widget_names and all(action.name != old_name for action in actions):
        raise NotFound(
            f"There is no widget or action named {old_name!r} on this page.",
            code="unknown_entity",
            field="old_name",
        )
    if old_name == ROOT_WIDGET_NAME:
        raise Invalid(
            f"The page's root container is always named {ROOT_WIDGET_NAME}.",
            code="root_widget",
            field="old_name",
        )
    if new_name == old_name:
        return page, actions
    taken = {*widget_names, *(action.name for action in actions)} - {old_name}
    validate_entity_name(new_name, taken=taken, path="new_name")
    layout = rename_in_layout(page.layout, old_name, new_name)
    check_layout(layout, action_names={new_name if a.name == old_name else a.name for a in actions})
    for action in actions:
        if action.name == old_name:
            action.name = new_name
            action.save(update_fields=["name", "updated_at"])
    page.layout = layout
    page.version += 1
    page.save(update_fields=["layout", "version", "updated_at"])
    return page, rewrite_references(actions, old_name, new_name)


def rewrite_references(actions: list[Action], old_name: str, new_name: str) -> list[Action]:
    """Save each action whose config refers to ``old_name`` with the reference renamed."""
    for action in actions:
        config = rename_in_action_config(action.config, old_name, new_name)
        if config != action.config:
            action.config = config
            action.save(update_fields=["config", "updated_at"])
    return actions


def rename_references_on_page(page: Page, old_name: str, new_name: str) -> None:
    """After an action of the locked ``page`` took ``new_name``: follow it everywhere else.

    The page's layout is saved as a new version (another tab's layout still
    says ``old_name``) and the page's other actions' configs are rewritten.
    """
    page.layout = rename_in_layout(page.layout, old_name, new_name)
    page.version += 1
    page.save(update_fields=["layout", "version", "updated_at"])
    rewrite_references(
        list(Action.objects.select_for_update().filter(page=page).order_by("name")),
        old_name,
        new_name,
    )
