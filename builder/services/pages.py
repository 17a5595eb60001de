"""Pages: creation, saving a layout or a new name, deletion (with the page's actions).

Saving a layout validates it with `widgets` and against the page's action
names; the page row is locked meanwhile so that an action created at the same
moment cannot take a name a widget is being given (see services.actions).

Every save of a page's name or layout adds 1 to its `version`. A save may say
which version it was made from: if the page has moved on since (another tab
saved), it is refused with `version_conflict` and nothing is written. The
check reads the version under the row lock, so of two saves made from the
same version exactly one wins.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet

from builder.errors import Conflict, Invalid
from builder.layouts import check_layout, default_layout
from builder.models import Action, Application, Page
from builder.services.applications import copy_name, copy_page, unique_slug

_UNSET: Any = object()


@transaction.atomic
def create_page(*, application: Application, name: str, layout: Any = _UNSET) -> Page:
    """A new page at the end of the application, with an empty layout unless given."""
    Application.objects.select_for_update().filter(pk=application.pk).first()
    if layout is _UNSET:
        layout = default_layout()
    else:
        check_layout(layout)
    _check_page_name_free(application, name)
    last = application.pages.aggregate(last=Max("order"))["last"]
    return _save(
        Page(
            application=application,
            name=name,
            slug=unique_slug(name, _slugs(application), fallback="page"),
            order=0 if last is None else last + 1,
            layout=layout,
        )
    )


@transaction.atomic
def update_page(
    *, page: Page, name: str = _UNSET, layout: Any = _UNSET, version: int | None = None
) -> Page:
    """Rename the page and/or replace its layout; all or nothing.

    ``version``: the version the change was made from, if the caller knows it.
    """
    page = lock_page(page, version=version)
    if name is _UNSET and layout is _UNSET:
        return page
    fields = ["updated_at", "version"]
    page.version += 1
    if name is not _UNSET and name != page.name:
        _check_page_name_free(page.application, name, exclude=page.pk)
        page.name = name
        page.slug = unique_slug(name, _slugs(page.application, exclude=page.pk), fallback="page")
        fields += ["name", "slug"]
    if layout is not _UNSET:
        action_names = set(page.actions.values_list("name", flat=True))
        check_layout(layout, action_names=action_names)
        page.layout = layout
        fields.append("layout")
    return _save(page, update_fields=fields)


@transaction.atomic
def duplicate_page(*, page: Page) -> Page:
    """A copy of the page, with copies of its actions, last in its application.

    Entity names are unique per page, so the copied widgets and actions keep
    their names and every binding keeps its meaning.
    """
    application = page.application
    Application.objects.select_for_update().filter(pk=application.pk).first()
    name = copy_name(page.name, set(application.pages.values_list("name", flat=True)))
    last = application.pages.aggregate(last=Max("order"))["last"]
    return copy_page(
        Page.objects.get(pk=page.pk),
        application=application,
        name=name,
        slug=unique_slug(name, _slugs(application), fallback="page"),
        order=0 if last is None else last + 1,
    )


def lock_page(page: Page, *, version: int | None = None) -> Page:
    """The page's row, locked until the transaction ends; `Conflict` if not at ``version``."""
    locked = Page.objects.select_for_update().select_related("application").get(pk=page.pk)
    if version is not None and version != locked.version:
        raise Conflict(
            f"This page was changed elsewhere since you loaded it (you have version {version}, "
            f"it is now at version {locked.version}); reload it and make your change again.",
            code="version_conflict",
            field="version",
        )
    return locked


@transaction.atomic
def delete_page(*, page: Page) -> None:
    """Delete a page with its actions; an application keeps at least one page.

    A published version keeps serving its copy of the page until the next
    publish (`PublishedPageRef`).
    """
    Application.objects.select_for_update().filter(pk=page.application_id).first()
    if not Page.objects.filter(application_id=page.application_id).exclude(pk=page.pk).exists():
        raise Conflict(
            "An application needs at least one page; add another page first.",
            code="last_page",
            field="page",
        )
    Action.objects.filter(page=page).delete()  # Action.page protects the page
    page.delete()


def _pages(application: Application, *, exclude: int | None) -> QuerySet[Page]:
    pages = application.pages.all()
    return pages if exclude is None else pages.exclude(pk=exclude)


def _slugs(application: Application, *, exclude: int | None = None) -> set[str]:
    return set(_pages(application, exclude=exclude).values_list("slug", flat=True))


def _check_page_name_free(
    application: Application, name: str, *, exclude: int | None = None
) -> None:
    if _pages(application, exclude=exclude).filter(name=name).exists():
        raise Invalid(
            f"The application already has a page named {name!r}.",
            code="duplicate_name",
            field="name",
        )


def _save(page: Page, *, update_fields: list[str] | None = None) -> Page:
    try:
        with transaction.atomic():
            page.save(update_fields=update_fields)
    except IntegrityError as error:  # a concurrent request took the name
        raise Invalid(
            f"The application already has a page named {page.name!r}.",
            code="duplicate_name",
            field="name",
        ) from error
    return page
