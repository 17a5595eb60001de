"""Who may do what in a workspace.

Roles are ordered: a viewer reads and uses published apps, a developer also
edits, an admin also manages members. Objects of a workspace the user is not a
member of answer 404, so their existence does not leak.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery

from builder.api.errors import NotFound, PermissionDenied
from builder.models import Membership, Role, Workspace

_RANK = {Role.VIEWER: 1, Role.DEVELOPER: 2, Role.ADMIN: 3}


def role_in(user: Any, workspace_id: int) -> Role | None:
    """The user's role in the workspace, or None when not a member."""
    if not getattr(user, "is_authenticated", False):
        return None
    role = (
        Membership.objects.filter(workspace_id=workspace_id, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def role_subquery(user: Any, workspace_id: OuterRef) -> Subquery:
    """`role_in` inside another query (annotate with it): the role, or None when not a member."""
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    return Subquery(
        Membership.objects.filter(workspace_id=workspace_id, user_id=user_id).values("role")[:1]
    )


def has_role(role: Role | None, minimum: Role) -> bool:
    return role is not None and _RANK[role] >= _RANK[minimum]


def check_role(role: str | None, minimum: Role) -> Role:
    """`role` (None for a non-member) if at least `minimum`; see `require_role`."""
    if not role:
        raise NotFound()
    if not has_role(Role(role), minimum):
        raise PermissionDenied(f"This needs the {minimum.value} role in the workspace.")
    return Role(role)


def require_role(user: Any, workspace_id: int, minimum: Role) -> Role:
    """The user's role, if at least `minimum`.

    Raises NotFound for non-members (the workspace's objects are invisible to
    them) and PermissionDenied for members whose role is too low.
    """
    return check_role(role_in(user, workspace_id), minimum)


def visible_workspaces(user: Any):
    """Workspaces the user is a member of."""
    if not getattr(user, "is_authenticated", False):
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user_id=user.pk)
