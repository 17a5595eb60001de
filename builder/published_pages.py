"""Published pages: what a portal serves, read from the application's current version.

    published = published_page(request.user, page_id)      # 404 unless viewer+
    published.evaluate(state)                              # uses the compiled page
    published.actions                                      # the snapshot's actions

Page ids are the draft pages' ids; the snapshot holds the layout and actions
as they were at publish time, and `compiled` the page compiled then. A page
deleted from the draft is served until the next publish leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from builder import statements
from builder.errors import NotFound
from builder.execution.evaluation import EvaluatedPage, evaluate_page
from builder.execution.state import RuntimeState
from builder.models import Application, PublishedVersion
from builder.published_versions import (
    VersionContent,
    VersionKey,
    load_published_page,
    version_content,
)
from builder.selectors import current_version
from restapi.ids import parse_id
from runtime import CompiledPage
from workspaces.models import Role
from workspaces.permissions import check_role
from workspaces.users import AnyUser

__all__ = ["PublishedPage", "published_page"]


@dataclass(frozen=True)
class PublishedPage:
    """A page of an application's published version, as portals serve it."""

    application: Application
    version: PublishedVersion
    page: dict[str, Any]
    actions: list[dict[str, Any]]
    # What the process keeps of the version (`builder.published_versions`).
    content: VersionContent | None = None

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
        if self.content is not None:
            return self.content.compiled_page(self.page["id"])
        return load_published_page(self.version.compiled, self.version.pk, self.page["id"])

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
    # One statement: the page's application, its current version's key and the
    # user's role. A page ever published keeps its ref after the draft page is deleted.
    found = statements.page_application(pk, user.pk if user.is_authenticated else None)
    if found is None:
        raise NotFound()
    application, current, my_role = found
    check_role(my_role, minimum)
    application.published_version = current
    current = current_version(application)  # NotFound before the first publish
    key = VersionKey(current.pk, current.application_id, current.number, current.created_at)
    content = version_content(key)
    if content is None:  # the version was deleted since the statement above
        raise NotFound()
    version = content.version(application._state.db or "default")
    application.published_version = version
    snapshot = content.snapshot
    page = next((p for p in snapshot.get("pages", []) if p.get("id") == pk), None)
    if page is None:
        raise NotFound("This page is not in the published version.", code="not_published")
    actions = [a for a in snapshot.get("actions", []) if a.get("page") == pk]
    return PublishedPage(
        application=application, version=version, page=page, actions=actions, content=content
    )
