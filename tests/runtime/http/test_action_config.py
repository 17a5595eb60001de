"""Parsing and validating evaluated action and datasource configs."""

from __future__ import annotations

from typing import Any

import pytest

from runtime.http import ActionConfig, BodyType, DatasourceConfig, InvalidActionConfigError
from runtime.http.action_config import DEFAULT_TIMEOUT_S, to_text


def test_defaults() -> None:
    action = ActionConfig.from_mapping({})
    assert action.method == "GET"
    assert action.path == ""
    assert action.body_type is BodyType.NONE
    assert action.timeout_s == DEFAULT_TIMEOUT_S
    assert DatasourceConfig.from_mapping(None) == DatasourceConfig()


def test_api_md_example() -> None:
    action = ActionConfig.from_mapping(
        {
            "method": "post",
            "path": " 2/files/upload ",
            "headers": [{"key": "Dropbox-API-Arg", "value": "{}"}, {"key": "", "value": ""}],
            "query_params": [],
            "body_type": "binary",
            "body": "blob:abc",
            "timeout_s": 60,
        }
    )
    assert action.method == "POST"
    assert action.path == "2/files/upload"
    assert [(h.key, h.value, h.field) for h in action.headers] == [
        ("Dropbox-API-Arg", "{}", "config.headers[0]")
    ]
    assert action.body_type is BodyType.BINARY
    assert action.timeout_s == 60.0


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("JSON", BodyType.JSON),
        ("application/json", BodyType.JSON),
        ("x-www-form-urlencoded", BodyType.FORM_URLENCODED),
        ("form_urlencoded", BodyType.FORM_URLENCODED),
        ("multipart/form-data", BodyType.MULTIPART),
        ("form-data", BodyType.MULTIPART),
        ("raw", BodyType.RAW),
        ("text/plain", BodyType.RAW),
        ("", BodyType.NONE),
        (None, BodyType.NONE),
    ],
)
def test_body_type_spellings(spelling: str | None, expected: BodyType) -> None:
    assert ActionConfig.from_mapping({"body_type": spelling}).body_type is expected


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"method": "FETCH"}, "config.method"),
        ({"method": 1}, "config.method"),
        ({"path": 3}, "config.path"),
        ({"body_type": "xml"}, "config.body_type"),
        ({"timeout_s": 0}, "config.timeout_s"),
        ({"timeout_s": -5}, "config.timeout_s"),
        ({"timeout_s": "10"}, "config.timeout_s"),
        ({"timeout_s": True}, "config.timeout_s"),
        ({"timeout_s": float("nan")}, "config.timeout_s"),
        ({"headers": {"a": "b"}}, "config.headers"),
        ({"headers": "a: b"}, "config.headers"),
        ({"headers": [["a", "b"]]}, "config.headers[0]"),
        ({"query_params": [{"key": 1, "value": "b"}]}, "config.query_params[0].key"),
    ],
)
def test_action_errors_name_the_field(config: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidActionConfigError) as info:
        ActionConfig.from_mapping(config)
    assert info.value.field == field
    assert str(info.value).startswith(field + ": ")


def test_config_must_be_an_object() -> None:
    with pytest.raises(InvalidActionConfigError) as info:
        ActionConfig.from_mapping([])  # type: ignore[arg-type]
    assert info.value.field == "config"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ("nope", "datasource"),
        ({"url": 5}, "datasource.url"),
        ({"headers": 1}, "datasource.headers"),
    ],
)
def test_datasource_errors_name_the_field(data: Any, field: str) -> None:
    with pytest.raises(InvalidActionConfigError) as info:
        DatasourceConfig.from_mapping(data)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("s", "s"),
        (None, ""),
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (3.0, "3"),
        (2.5, "2.5"),
        ({"a": [1, "é"]}, '{"a":[1,"é"]}'),
    ],
)
def test_to_text(value: object, text: str) -> None:
    assert to_text(value) == text
