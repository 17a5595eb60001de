"""Published pages: what a portal serves, read from the application's current version.

    published = published_page(request.user, page_id)      # 404 unless viewer+
    published.evaluate(state)                              # uses the compiled page
    published.actions                                      # the snapshot's actions

Page ids are the draft pages' ids; the snapshot holds the layout and actions
as they were at publish time, and `compiled` the page compiled then. A page
deleted from the draft is served until the next publish leaves it out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef

from builder.errors import NotFound
from builder.execution.evaluation import EvaluatedPage, evaluate_page, load_compiled
from builder.execution.state import RuntimeState
from builder.models import Application, Page, PublishedPageRef, PublishedVersion
from builder.selectors import current_version
from restapi.ids import parse_id
from runtime import CompiledPage, InvalidRuntimeInput
from workspaces.models import Role
from workspaces.permissions import check_role, role_subquery
from workspaces.users import AnyUser

__all__ = ["PublishedPage", "published_page"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishedPage:
    """A page of an application's published version, as portals serve it."""

    application: Application
    version: PublishedVersion
    page: dict[str, Any]
    actions: list[dict[str, Any]]

    @property
    def layout(self) -> Any:
        return self.page.get("layout")

    @property
    def action_names(self) -> list[str]:
        return [action["name"] for action in self.actions]

    def compiled(self) -> CompiledPage | None:
        """The page compiled at publish time; None when there is none to use (published
        before compiling existed, or stored in a format this runtime no longer reads):
        then the page is compiled on each request until the next publish."""
        data = self.version.compiled.get(str(self.page["id"]))
        if not isinstance(data, Mapping):
            return None
        try:
            return load_compiled(data)
        except InvalidRuntimeInput:
            logger.warning(
                "published version %s: page %s was compiled in an older format; "
                "publish again to store it in the current one",
                self.version.pk,
                self.page["id"],
            )
            return None

    def evaluate(self, state: RuntimeState) -> EvaluatedPage:
        return evaluate_page(self.layout, self.action_names, state, compiled=self.compiled())


def published_page(user: AnyUser, page_id: Any, minimum: Role = Role.VIEWER) -> PublishedPage:
    """The published form of page `page_id` for a user with at least `minimum` role.

    NotFound (404) when the page does not exist, the application is not
    published, or the page is not in the published version; NotAMember (404)
    when the user is not a member of its workspace; RoleTooLow (403) when the
    role is too low.
    """
    pk = parse_id(page_id)
    # The user's role comes in the same statement as the page.
    role = role_subquery(user, OuterRef("application__workspace_id"))
    # A page ever published keeps its ref after the draft page is deleted.
    owner = (
        PublishedPageRef.objects.select_related("application__published_version")
        .annotate(my_role=role)
        .filter(page_id=pk)
        .first()
        or Page.objects.select_related("application__published_version")
        .annotate(my_role=role)
        .filter(pk=pk)
        .first()
    )
    if owner is None:
        raise NotFound()
    application = owner.application
    # The annotation above; django-stubs types it on one member of the union only.
    my_role: str | None = owner.my_role  # type: ignore[union-attr]
    check_role(my_role, minimum)
    version = current_version(application)
    snapshot = version.snapshot
    page = next((p for p in snapshot.get("pages", []) if p.get("id") == pk), None)
    if page is None:
        raise NotFound("This page is not in the published version.", code="not_published")
    actions = [a for a in snapshot.get("actions", []) if a.get("page") == pk]
    return PublishedPage(application=application, version=version, page=page, actions=actions)
