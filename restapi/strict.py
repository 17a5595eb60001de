"""Strict serializer building blocks: no unknown keys, no silent type coercion.

DRF by default ignores keys it does not know and turns `123` into `"123"` for
a CharField or `"5"` into `5` for an IntegerField. An editor that misspells
`layuot` would then get a 200 and lose its change, so Brace's serializers
refuse both, naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import BigIntegerField
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail


class StrictSerializer(serializers.Serializer[Any]):
    """A Serializer that rejects keys it has no writable field for."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            for key in data:
                field = self.fields.get(key)
                if field is None:
                    raise serializers.ValidationError(
                        {key: [ErrorDetail(f"Unknown field {key!r}.", code="unknown_field")]}
                    )
                if field.read_only:
                    raise serializers.ValidationError(
                        {
                            key: [
                                ErrorDetail(
                                    f"{key!r} is read-only; leave it out.", code="read_only"
                                )
                            ]
                        }
                    )
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A CharField that only accepts JSON strings."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """Only JSON true/false: "yes" or 1 for a boolean is a client bug worth naming."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """An IntegerField that only accepts JSON integers (not strings, floats or booleans).

    Unless given narrower bounds, it keeps to the 64-bit range the database
    holds: a larger number is refused here, naming the field, rather than by
    the database.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", BigIntegerField.MAX_BIGINT)
        kwargs.setdefault("min_value", -BigIntegerField.MAX_BIGINT - 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """A ChoiceField that only accepts strings and lists the choices when it refuses."""

    default_error_messages = {"invalid_choice": '"{input}" is not one of: {choices}.'}

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or data not in self.choice_strings_to_values:
            self.fail(
                "invalid_choice", input=data, choices=", ".join(self.choice_strings_to_values)
            )
        return self.choice_strings_to_values[data]


_JSON_TYPES = (dict, list, str, int, float, bool, type(None))


class ParsedJSONField(serializers.JSONField):
    """Any JSON value, as the API's JSON parser gave it: not encoded again to check it.

    DRF's JSONField runs ``json.dumps`` over the value to validate it, which
    for a page's layout (hundreds of KB, sent by the editor on every change)
    costs milliseconds per request. Every body this API reads comes from its
    JSON parser (``DEFAULT_PARSER_CLASSES``), whose output is JSON all the
    way down, so checking the value's own type is the same check.
    """

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, _JSON_TYPES):
            self.fail("invalid")
        return data
