"""restapi.strict.ParsedJSONField: parsed JSON kept as it is, anything else refused."""

from __future__ import annotations

import io

import pytest
from rest_framework import serializers

from restapi.strict import ParsedJSONField


class Body(serializers.Serializer[object]):
    value = ParsedJSONField()


@pytest.mark.parametrize(
    "value",
    [{"a": [1, 2.5, None, True, "x", {"b": -0.0}]}, [], "text", 7, 1.5, False],
)
def test_a_json_value_is_the_validated_value_itself(value: object) -> None:
    serializer = Body(data={"value": value})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["value"] is value


@pytest.mark.parametrize("value", [io.BytesIO(b"{}"), object(), {1, 2}, (1, 2)])
def test_what_json_cannot_hold_is_invalid(value: object) -> None:
    serializer = Body(data={"value": value})
    assert not serializer.is_valid()
    assert serializer.errors["value"][0].code == "invalid"


def test_the_schema_still_calls_it_any_json() -> None:
    assert isinstance(Body().fields["value"], serializers.JSONField)
