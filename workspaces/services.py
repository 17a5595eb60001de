"""Writes to workspaces and their members.

A workspace always keeps at least one admin: the last one can be neither
demoted nor removed, because nobody could manage the members after that.
Each function runs in one transaction and assumes the caller has checked the
user's role (`workspaces.permissions`). Deleting a workspace is builder's
business (`builder.services.workspaces`): it knows what lives in one.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from workspaces.errors import AlreadyMember, LastAdmin, UnknownUser
from workspaces.models import Membership, Role, Workspace


@transaction.atomic
def create_workspace(*, user: User, name: str) -> Workspace:
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
def add_member(*, workspace: Workspace, username: str, role: Role) -> Membership:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UnknownUser(f"There is no user {username!r}.", field="username")
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise AlreadyMember(
            f"{username!r} is already a member; change their role instead.", field="username"
        )
    try:
        with transaction.atomic():
            return Membership.objects.create(workspace=workspace, user=user, role=role)
    except IntegrityError as error:  # added by a concurrent request
        raise AlreadyMember(f"{username!r} is already a member.", field="username") from error


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
        raise LastAdmin(
            "A workspace needs at least one admin; make another member admin first.",
            field=field,
        )
