"""Reads: what a user may see, and single objects checked against their role.

Every getter takes the user and the minimum role the caller needs, and raises
NotFound when the object does not exist, `workspaces.errors.NotAMember` when it
lives in a workspace the user is not a member of (both answer 404 not_found,
so ids do not leak), RoleTooLow when the user's role is too low. Lists only
ever hold the user's workspaces.

Pages and actions are drafts: their reads need the editor role
(`workspaces.permissions.EDITOR_ROLE`) whatever the caller asks for, and their
lists hold only the workspaces where the user has it; a list narrowed to an
object of a workspace where the user is a viewer is refused (RoleTooLow).
Viewers see the published version only, through the portal's runtime API.
Workspaces and applications (names, published version) stay readable to
viewers: that is how they find the portals they may open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import OuterRef, QuerySet, Subquery

from builder.errors import Invalid, NotFound
from builder.models import Action, Application, Page, PublishedVersion
from restapi.ids import parse_id
from workspaces.errors import NotAMember
from workspaces.models import Membership, Role, Workspace
from workspaces.permissions import (
    EDITOR_ROLE,
    editor_workspaces,
    require_editor,
    require_editor_of_filter,
    require_role,
    visible_workspaces,
)
from workspaces.users import AnyUser

_T = TypeVar("_T")


def referenced(
    getter: Callable[[AnyUser, Any, Role], _T], user: AnyUser, pk: int, minimum: Role, *, field: str
) -> _T:
    """An object a request body refers to by id: a 400 naming the field if not visible."""
    try:
        return getter(user, pk, minimum)
    except (NotFound, NotAMember) as error:
        raise Invalid(
            f"There is no {field} {pk} in your workspaces.", code="does_not_exist", field=field
        ) from error


# Ids are 64-bit in the database: a larger number names no row, and the
# database refuses to compare a column with it.


def workspaces_for(user: AnyUser) -> QuerySet[Workspace]:
    """The user's workspaces, each annotated with `my_role`."""
    if not user.is_authenticated:
        return Workspace.objects.none()
    role = Membership.objects.filter(workspace=OuterRef("pk"), user_id=user.pk).values("role")
    return visible_workspaces(user).annotate(my_role=Subquery(role[:1])).order_by("name", "id")


def get_workspace(user: AnyUser, workspace_id: Any, minimum: Role) -> Workspace:
    pk = parse_id(workspace_id)
    require_role(user, pk, minimum)
    workspace = workspaces_for(user).filter(pk=pk).first()
    if workspace is None:  # deleted between the two queries
        raise NotFound()
    return workspace


def members_of(workspace: Workspace) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("user__username")
    )


def get_membership(user: AnyUser, workspace_id: Any, user_id: Any) -> Membership:
    """A member of a workspace the user administers."""
    workspace = get_workspace(user, workspace_id, Role.ADMIN)
    membership = members_of(workspace).filter(user_id=parse_id(user_id)).first()
    if membership is None:
        raise NotFound("That user is not a member of this workspace.")
    return membership


def _with_pages(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related("published_version").prefetch_related("pages")


def applications_for(user: AnyUser, *, workspace_id: Any = None) -> QuerySet[Application]:
    queryset = Application.objects.filter(workspace__in=visible_workspaces(user))
    if workspace_id is not None:
        queryset = queryset.filter(workspace_id=parse_id(workspace_id, field="workspace"))
    return _with_pages(queryset).order_by("workspace_id", "name", "id")


def get_application(user: AnyUser, application_id: Any, minimum: Role) -> Application:
    application = _with_pages(Application.objects.all()).filter(pk=parse_id(application_id)).first()
    if application is None:
        raise NotFound()
    require_role(user, application.workspace_id, minimum)
    return application


def current_version(application: Application) -> PublishedVersion:
    """The version portals serve; NotFound before the first publish."""
    version = application.published_version
    if version is None:
        raise NotFound("This application has not been published yet.", code="not_published")
    return version


def pages_for(user: AnyUser, *, application_id: Any = None) -> QuerySet[Page]:
    queryset = Page.objects.filter(application__workspace__in=editor_workspaces(user))
    if application_id is not None:
        pk = parse_id(application_id, field="application")
        require_editor_of_filter(user, _workspace_of(Application.objects.filter(pk=pk)))
        queryset = queryset.filter(application_id=pk)
    return queryset.order_by("application_id", "order", "id")


def get_page(
    user: AnyUser, page_id: Any, minimum: Role = EDITOR_ROLE, *, layout: bool = True
) -> Page:
    """``layout=False`` leaves the layout unread until used (a query then)."""
    pages = Page.objects.select_related("application")
    if not layout:
        pages = pages.defer("layout")
    page = pages.filter(pk=parse_id(page_id)).first()
    if page is None:
        raise NotFound()
    require_editor(user, page.application.workspace_id, minimum)
    return page


def actions_for(
    user: AnyUser, *, page_id: Any = None, application_id: Any = None
) -> QuerySet[Action]:
    queryset = Action.objects.filter(page__application__workspace__in=editor_workspaces(user))
    if page_id is not None:
        pk = parse_id(page_id, field="page")
        require_editor_of_filter(
            user, _workspace_of(Page.objects.filter(pk=pk), "application__workspace_id")
        )
        queryset = queryset.filter(page_id=pk)
    if application_id is not None:
        pk = parse_id(application_id, field="application")
        require_editor_of_filter(user, _workspace_of(Application.objects.filter(pk=pk)))
        queryset = queryset.filter(page__application_id=pk)
    return queryset.order_by("page_id", "name")


def get_action(user: AnyUser, action_id: Any, minimum: Role = EDITOR_ROLE) -> Action:
    action = (
        Action.objects.select_related("page__application").filter(pk=parse_id(action_id)).first()
    )
    if action is None:
        raise NotFound()
    require_editor(user, action.page.application.workspace_id, minimum)
    return action


def _workspace_of(rows: QuerySet[Any], path: str = "workspace_id") -> int | None:
    """The workspace of the one row a list filter names; None if there is no such row."""
    workspace_id: int | None = rows.values_list(path, flat=True).first()
    return workspace_id


def page_entity_names(page: Page, *, exclude_action: int | None = None) -> set[str]:
    """Names of the page's actions (bindings' other entities besides widgets)."""
    names = Action.objects.filter(page=page)
    if exclude_action is not None:
        names = names.exclude(pk=exclude_action)
    return set(names.values_list("name", flat=True))
