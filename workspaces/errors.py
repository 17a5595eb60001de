"""Every error the workspaces app raises, in one tree.

Each error carries a machine-readable ``code``, a ``message`` written for the
person who will read it, and the ``field`` of the request it is about, if any.
The API's exception handler decides the HTTP status from the class.

Hierarchy::

    WorkspaceError                  code, message, field
    ├── NotAMember                  "not_found": the object's workspace is not the user's
    ├── RoleTooLow                  "permission_denied": a member below the role needed
    ├── UnknownUser                 "unknown_user": no active user of that name
    └── MembershipConflict          the change conflicts with the current members
        ├── AlreadyMember           "already_member"
        └── LastAdmin               "last_admin": the workspace would have no admin left

``NotAMember`` reads exactly like a missing object (code and message), so that
people outside a workspace cannot learn which ids exist in it.
"""

from __future__ import annotations

from typing import ClassVar


class WorkspaceError(Exception):
    code: ClassVar[str] = "workspace_error"
    default_message: ClassVar[str] = "The request is invalid."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        super().__init__(self.message)


class NotAMember(WorkspaceError):
    """The user is not a member of the workspace (or not signed in)."""

    code = "not_found"
    default_message = "Not found."


class RoleTooLow(WorkspaceError):
    """The user is a member, with a role below the one the action needs."""

    code = "permission_denied"
    default_message = "You do not have permission to do this."


class UnknownUser(WorkspaceError):
    code = "unknown_user"


class MembershipConflict(WorkspaceError):
    code = "membership_conflict"
    default_message = "The request conflicts with the current members."


class AlreadyMember(MembershipConflict):
    code = "already_member"


class LastAdmin(MembershipConflict):
    code = "last_admin"
