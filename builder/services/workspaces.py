"""Deleting a workspace with everything builder keeps in it.

Creating workspaces and managing their members is `workspaces.services`;
deleting one is here because builder knows what lives in a workspace.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError

from builder.errors import Conflict
from builder.models import Action
from workspaces.models import Workspace


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
