"""Writes to datasources: create, update, delete.

Input is API-shaped (``authentication`` nested) and already type-checked by the
caller's serializer; here the preset fills defaults, the whole configuration is
validated, and only then is anything written, in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from datasources import config, tokens
from datasources.errors import DatasourceInUseError, InvalidDatasourceConfigError
from datasources.models import Datasource, OAuthToken
from datasources.presets import apply_preset
from datasources.transport import http_client

logger = logging.getLogger(__name__)


def _defaults() -> dict[str, Any]:
    return config.current_values(Datasource())


def _with_preset(
    fields: dict[str, Any], given: dict[str, Any], *, preset_changed: bool
) -> dict[str, Any]:
    config.validate_preset(fields)
    if fields.get("preset") and preset_changed:
        return apply_preset(
            fields, given=set(given), key=fields["preset"], region=fields.get("preset_region", "")
        )
    return fields


def _check_name(workspace_id: int, name: str, exclude_id: int | None = None) -> None:
    taken = Datasource.objects.filter(workspace_id=workspace_id, name=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise InvalidDatasourceConfigError(
            f"A datasource named '{name}' already exists in this workspace.", field="name"
        )


def create_datasource(workspace_id: int, data: Mapping[str, Any]) -> Datasource:
    given = config.keep_typed_credentials(config.flatten(data), {})
    fields = {**_defaults(), **given}
    fields = _with_preset(fields, given, preset_changed=True)
    config.validate(fields)
    _check_name(workspace_id, fields["name"])
    datasource = Datasource(workspace_id=workspace_id, **fields)
    try:
        with transaction.atomic():
            datasource.save()
    except IntegrityError:
        # A concurrent create took the name between the check and the insert.
        raise InvalidDatasourceConfigError(
            f"A datasource named '{fields['name']}' already exists in this workspace.",
            field="name",
        ) from None
    logger.info("datasource %s created in workspace %s", datasource.pk, workspace_id)
    return datasource


def update_datasource(datasource: Datasource, data: Mapping[str, Any]) -> Datasource:
    """Apply the given fields (a PATCH). Secrets not given, or sent back as set, are kept."""
    before = config.current_values(datasource)
    given = config.keep_typed_credentials(config.flatten(data), before)
    fields = {**before, **given}
    preset_changed = any(
        name in given and given[name] != before[name] for name in ("preset", "preset_region")
    )
    fields = _with_preset(fields, given, preset_changed=preset_changed)
    config.validate(fields)
    _check_name(datasource.workspace_id, fields["name"], exclude_id=datasource.pk)
    changed = {name for name, value in fields.items() if value != before[name]}
    with transaction.atomic():
        for name in changed:
            setattr(datasource, name, fields[name])
        try:
            datasource.save()
        except IntegrityError:
            raise InvalidDatasourceConfigError(
                f"A datasource named '{fields['name']}' already exists in this workspace.",
                field="name",
            ) from None
        if changed & config.TOKEN_IDENTITY_FIELDS:
            forgotten, _ = OAuthToken.objects.filter(datasource=datasource).delete()
            if forgotten:
                logger.info(
                    "datasource %s: %s token(s) forgotten after an authentication change",
                    datasource.pk,
                    forgotten,
                )
    return datasource


def delete_datasource(datasource: Datasource) -> None:
    """Delete the datasource and its tokens, revoking them at the provider (best effort)."""
    held = list(OAuthToken.objects.filter(datasource=datasource))
    try:
        with transaction.atomic():
            datasource.delete()
    except ProtectedError:
        raise DatasourceInUseError(
            f"Datasource '{datasource.name}' is used by queries; delete or move them first."
        ) from None
    # Only once the delete stood: a refused delete must not cost the user their grant.
    if datasource.revocation_url and held:
        with http_client() as client:
            for token in held:
                tokens.revoke(datasource, token, client)
