"""A datasource's choice fields as a form offers them, from the one definition of each.

Values and labels come from the models' `TextChoices` and from the presets;
the option selected at first is the model field's default. The editor's
datasource screen renders its selects from `form_choices()`, so an
authentication type, grant type, preset or region added here appears there
with nothing else to change::

    choices = form_choices()
    choices["grant_type"].options   # (("authorization_code", "Authorization code"), ...)
    choices["grant_type"].default   # "authorization_code"
    region_presets()                # ("zoho_campaigns",): the presets that ask for a region
"""

from __future__ import annotations

from dataclasses import dataclass

from datasources.models import Datasource
from datasources.presets import PRESETS

__all__ = ["NO_PRESET_LABEL", "FieldChoices", "form_choices", "region_presets"]

# The label of the empty preset: the user fills in every URL and parameter.
NO_PRESET_LABEL = "Custom"

# Model fields whose choices are TextChoices.
_MODEL_CHOICE_FIELDS = (
    "auth_type",
    "api_key_location",
    "grant_type",
    "token_sharing",
    "client_authentication",
    "refresh_client_credentials_location",
    "token_placement",
)


@dataclass(frozen=True)
class FieldChoices:
    """A select's options, ``(value, label)`` in order, and the value selected at first."""

    options: tuple[tuple[str, str], ...]
    default: str


def region_presets() -> tuple[str, ...]:
    """The presets that need a region (`preset_region`), in preset order."""
    return tuple(key for key, preset in PRESETS.items() if preset.regions)


def form_choices() -> dict[str, FieldChoices]:
    """Every choice field of a datasource, by model field name.

    ``preset_region`` offers the regions of the presets in `region_presets`;
    the API checks a region against its own preset's.
    """
    choices = {}
    columns = {field.name: field for field in Datasource._meta.concrete_fields}
    for name in _MODEL_CHOICE_FIELDS:
        field = columns[name]
        options = tuple((str(value), str(label)) for value, label in field.choices or ())
        choices[name] = FieldChoices(options, str(field.get_default()))
    presets = (("", NO_PRESET_LABEL), *((key, preset.label) for key, preset in PRESETS.items()))
    choices["preset"] = FieldChoices(presets, str(Datasource._meta.get_field("preset").default))
    regions: dict[str, str] = {}
    for key in region_presets():
        for region, where in PRESETS[key].regions.items():
            regions.setdefault(region, where.label)
    region_default = str(Datasource._meta.get_field("preset_region").default)
    choices["preset_region"] = FieldChoices(tuple(regions.items()), region_default)
    return choices
