"""Applications: creation with their first page, duplication, renaming, deletion, publishing."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.text import slugify

from builder.errors import Conflict
from builder.execution.evaluation import compile_page_json
from builder.layouts import default_layout
from builder.models import Action, Application, Page, PublishedPageRef, PublishedVersion
from runtime import InvalidRuntimeInput
from widgets import LayoutValidationError
from workspaces.models import Workspace

logger = logging.getLogger(__name__)

FIRST_PAGE_NAME = "Page1"


def copy_name(name: str, taken: set[str], *, max_length: int = 120) -> str:
    """The name of a copy, not in `taken`: `Orders (copy)`, then `Orders (copy 2)`..."""
    number = 1
    while True:
        suffix = " (copy)" if number == 1 else f" (copy {number})"
        candidate = name[: max_length - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def unique_slug(name: str, taken: set[str], *, fallback: str, max_length: int = 140) -> str:
    """A slug of `name` not in `taken`: `orders`, then `orders-2`, `orders-3`..."""
    base = slugify(name)[: max_length - 8] or fallback
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def create_application(*, user: User | None, workspace: Workspace, name: str) -> Application:
    """A new application holding one page, `Page1`, with an empty root container."""
    # Lock the workspace so two applications of the same name get distinct slugs.
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    taken = set(workspace.applications.values_list("slug", flat=True))
    application = Application.objects.create(
        workspace=workspace,
        name=name,
        slug=unique_slug(name, taken, fallback="app"),
        created_by=user,
    )
    Page.objects.create(
        application=application,
        name=FIRST_PAGE_NAME,
        slug=slugify(FIRST_PAGE_NAME),
        order=0,
        layout=default_layout(),
    )
    return application


@transaction.atomic
def duplicate_application(*, application: Application, user: User | None) -> Application:
    """A copy of the application beside it, with copies of its pages and their actions.

    The copy is unpublished: published versions stay with the original.
    Entity names are unique per page, so the copied actions keep their names
    and every binding keeps its meaning.
    """
    workspace = application.workspace
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    name = copy_name(application.name, set(workspace.applications.values_list("name", flat=True)))
    copy = Application.objects.create(
        workspace=workspace,
        name=name,
        slug=unique_slug(
            name, set(workspace.applications.values_list("slug", flat=True)), fallback="app"
        ),
        created_by=user,
    )
    for page in application.pages.order_by("order", "id"):
        copy_page(page, application=copy, name=page.name, slug=page.slug, order=page.order)
    return copy


def copy_page(page: Page, *, application: Application, name: str, slug: str, order: int) -> Page:
    """A new page of ``application`` with ``page``'s layout and copies of its actions."""
    copied = Page.objects.create(
        application=application, name=name, slug=slug, order=order, layout=page.layout
    )
    Action.objects.bulk_create(
        Action(
            page=copied, name=action.name, datasource_id=action.datasource_id, config=action.config
        )
        for action in page.actions.order_by("name")
    )
    return copied


@transaction.atomic
def rename_application(*, application: Application, name: str) -> Application:
    # The slug stays: published portal URLs use it.
    application.name = name
    application.save(update_fields=["name", "updated_at"])
    return application


@transaction.atomic
def delete_application(*, application: Application) -> None:
    """Delete the application with its pages, actions and published versions."""
    Action.objects.filter(page__application=application).delete()
    try:
        application.delete()
    except ProtectedError as error:
        raise Conflict(
            f"The application is still referenced by {len(error.protected_objects)} "
            "object(s) that must be deleted first.",
            code="protected",
        ) from error


@transaction.atomic
def publish_application(*, application: Application, user: User | None) -> PublishedVersion:
    """Freeze the current pages and actions as the next published version.

    `compiled` holds each page compiled once, by page id (a string: JSON
    keys), so that portals load it instead of parsing bindings again.
    """
    # The row lock orders concurrent publishes; the unique (application,
    # number) constraint would refuse a duplicate number anyway.
    Application.objects.select_for_update().filter(pk=application.pk).first()
    pages = list(application.pages.order_by("order", "id"))
    actions = Action.objects.filter(page__application=application).order_by("page_id", "name")
    snapshot = {
        "pages": [
            {
                "id": page.pk,
                "name": page.name,
                "slug": page.slug,
                "order": page.order,
                "layout": page.layout,
            }
            for page in pages
        ],
        "actions": [
            {
                "id": action.pk,
                "page": action.page_id,
                "name": action.name,
                "datasource": action.datasource_id,
                "config": action.config,
            }
            for action in actions
        ],
    }
    last = application.published_versions.aggregate(last=Max("number"))["last"] or 0
    version = PublishedVersion.objects.create(
        application=application,
        number=last + 1,
        snapshot=snapshot,
        compiled=_compile_pages(snapshot),
        published_by=user,
    )
    application.published_version = version
    application.save(update_fields=["published_version", "updated_at"])
    PublishedPageRef.objects.bulk_create(
        [PublishedPageRef(page_id=page.pk, application=application) for page in pages],
        ignore_conflicts=True,
    )
    return version


def _compile_pages(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Each snapshot page compiled by the runtime, keyed by str(page id).

    Layouts are validated when saved through the API; a row that is not
    valid anyway (made by hand, or a model default `{}`) is left out rather
    than blocking the publish, and a portal then reports it when it loads.
    """
    compiled: dict[str, Any] = {}
    for page in snapshot["pages"]:
        names = [a["name"] for a in snapshot["actions"] if a["page"] == page["id"]]
        try:
            compiled[str(page["id"])] = compile_page_json(page["layout"], names)
        except (LayoutValidationError, InvalidRuntimeInput) as error:
            logger.warning("page %s not compiled at publish: %s", page["id"], error)
    return compiled
