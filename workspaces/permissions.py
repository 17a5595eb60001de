"""Who may do what in a workspace.

Roles are ordered: a viewer reads and uses published apps, a developer also
edits, an admin also manages members. Objects of a workspace the user is not a
member of answer as if they did not exist (`NotAMember`), so their existence
does not leak.
"""

from __future__ import annotations

from django.db.models import QuerySet

from workspaces.errors import NotAMember, RoleTooLow
from workspaces.models import Membership, Role, Workspace
from workspaces.users import AnyUser

_RANK = {Role.VIEWER: 1, Role.DEVELOPER: 2, Role.ADMIN: 3}


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


def has_role(role: Role | None, minimum: Role) -> bool:
    return role is not None and _RANK[role] >= _RANK[minimum]


def require_role(user: AnyUser, workspace_id: int, minimum: Role) -> Role:
    """The user's role, if at least `minimum`.

    Raises NotAMember for non-members (the workspace's objects are invisible
    to them) and RoleTooLow for members whose role is too low.
    """
    role = role_in(user, workspace_id)
    if role is None:
        raise NotAMember()
    if not has_role(role, minimum):
        raise RoleTooLow(f"This needs the {minimum.value} role in the workspace.")
    return role


def visible_workspaces(user: AnyUser) -> QuerySet[Workspace]:
    """Workspaces the user is a member of."""
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user_id=user.pk)
