"""Who may do what in a workspace.

Roles are ordered: a viewer uses published apps, a developer also reads and
edits what the workspace builds, an admin also manages members. Objects of a
workspace the user is not a member of answer as if they did not exist
(`NotAMember`), so their existence does not leak.

What a workspace builds is read through the editor API by `EDITOR_ROLE` and
above only: pages with their layouts (handler code the portal strips on
purpose), actions with their configs, datasources' settings, unpublished work.
Viewers are a portal's end users: they use the published version, through the
portal and its runtime API. Every read of that work goes through
`require_editor` (one object) or `editor_workspaces` (lists).
"""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from workspaces.errors import NotAMember, RoleTooLow
from workspaces.models import Membership, Role, Workspace
from workspaces.users import AnyUser

_RANK = {Role.VIEWER: 1, Role.DEVELOPER: 2, Role.ADMIN: 3}

EDITOR_ROLE = Role.DEVELOPER
"""The least role that reads what a workspace builds (drafts, configs, settings)."""


def role_in(user: AnyUser, workspace_id: int) -> Role | None:
    """The user's role in the workspace, or None when not a member."""
    if not user.is_authenticated:
        return None
    role = (
        Membership.objects.filter(workspace_id=workspace_id, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def role_subquery(user: AnyUser, workspace_id: OuterRef) -> Subquery:
    """`role_in` inside another query (annotate with it): the role, or None when not a member."""
    if not user.is_authenticated:
        return Subquery(Membership.objects.none().values("role"))
    return Subquery(
        Membership.objects.filter(workspace_id=workspace_id, user_id=user.pk).values("role")[:1]
    )


def has_role(role: Role | None, minimum: Role) -> bool:
    return role is not None and _RANK[role] >= _RANK[minimum]


def check_role(role: str | None, minimum: Role) -> Role:
    """`role` (None for a non-member) if at least `minimum`; see `require_role`."""
    if not role:
        raise NotAMember()
    if not has_role(Role(role), minimum):
        raise RoleTooLow(_too_low(minimum))
    return Role(role)


def require_role(user: AnyUser, workspace_id: int, minimum: Role) -> Role:
    """The user's role, if at least `minimum`.

    Raises NotAMember for non-members (the workspace's objects are invisible
    to them) and RoleTooLow for members whose role is too low.
    """
    return check_role(role_in(user, workspace_id), minimum)


def _too_low(minimum: Role) -> str:
    return f"This needs the {minimum.value} role in the workspace."


def require_editor(user: AnyUser, workspace_id: int, minimum: Role = EDITOR_ROLE) -> Role:
    """`require_role` for what the workspace builds: never less than `EDITOR_ROLE`."""
    needed = minimum if has_role(minimum, EDITOR_ROLE) else EDITOR_ROLE
    return require_role(user, workspace_id, needed)


def require_editor_of_filter(user: AnyUser, workspace_id: int | None) -> None:
    """A list of built work narrowed to one workspace's object (``?application=``).

    RoleTooLow for a member below `EDITOR_ROLE`, as for that object alone. A
    non-member, or an object that does not exist (None), passes: the list is
    empty for them, as it is for any object outside their workspaces.
    """
    if workspace_id is None:
        return
    role = role_in(user, workspace_id)
    if role is not None and not has_role(role, EDITOR_ROLE):
        raise RoleTooLow(_too_low(EDITOR_ROLE))


def visible_workspaces(user: AnyUser) -> QuerySet[Workspace]:
    """Workspaces the user is a member of."""
    return workspaces_with_role(user, Role.VIEWER)


def editor_workspaces(user: AnyUser) -> QuerySet[Workspace]:
    """Workspaces whose built work the user reads: at least `EDITOR_ROLE` there."""
    return workspaces_with_role(user, EDITOR_ROLE)


def workspaces_with_role(user: AnyUser, minimum: Role) -> QuerySet[Workspace]:
    """Workspaces where the user's role is at least `minimum`."""
    if not user.is_authenticated:
        return Workspace.objects.none()
    roles = [role for role in _RANK if has_role(role, minimum)]
    # One membership per user and workspace: the join adds no duplicates.
    return Workspace.objects.filter(memberships__user_id=user.pk, memberships__role__in=roles)
