"""Workspaces and their members.

A workspace always keeps at least one admin: the last one can be neither
demoted nor removed, because nobody could manage the members after that.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from builder.errors import Conflict, Invalid
from builder.models import Action, Membership, Role, Workspace


@transaction.atomic
def create_workspace(*, user: Any, name: str) -> Workspace:
    """A new workspace with its creator as admin."""
    workspace = Workspace.objects.create(name=name)
    Membership.objects.create(workspace=workspace, user=user, role=Role.ADMIN)
    return workspace


@transaction.atomic
def rename_workspace(*, workspace: Workspace, name: str) -> Workspace:
    workspace.name = name
    workspace.save(update_fields=["name", "updated_at"])
    return workspace


@transaction.atomic
def delete_workspace(*, workspace: Workspace) -> None:
    """Delete the workspace with its applications, pages, actions and datasources."""
    # Actions protect their page and datasource from deletion (so that a page
    # or datasource in use is not lost by accident); here everything goes.
    Action.objects.filter(page__application__workspace=workspace).delete()
    try:
        workspace.delete()
    except ProtectedError as error:
        raise Conflict(
            f"The workspace is still referenced by {len(error.protected_objects)} object(s) "
            "that must be deleted first.",
            code="protected",
        ) from error


@transaction.atomic
def add_member(*, workspace: Workspace, username: str, role: Role) -> Membership:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise Invalid(f"There is no user {username!r}.", code="unknown_user", field="username")
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise Conflict(
            f"{username!r} is already a member; change their role instead.",
            code="already_member",
            field="username",
        )
    try:
        with transaction.atomic():
            return Membership.objects.create(workspace=workspace, user=user, role=role)
    except IntegrityError as error:  # added by a concurrent request
        raise Conflict(
            f"{username!r} is already a member.", code="already_member", field="username"
        ) from error


@transaction.atomic
def change_member_role(*, membership: Membership, role: Role) -> Membership:
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        _keep_an_admin(membership, field="role")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, membership: Membership) -> None:
    if membership.role == Role.ADMIN:
        _keep_an_admin(membership, field="user")
    membership.delete()


def _keep_an_admin(membership: Membership, *, field: str) -> None:
    """Refuse to take away the workspace's last admin.

    The admins' rows are locked so that two admins demoting each other at the
    same time cannot both succeed (SQLite serialises writers anyway).
    """
    admins = list(
        Membership.objects.select_for_update()
        .filter(workspace_id=membership.workspace_id, role=Role.ADMIN)
        .values_list("pk", flat=True)
    )
    if admins == [membership.pk]:
        raise Conflict(
            "A workspace needs at least one admin; make another member admin first.",
            code="last_admin",
            field=field,
        )
