"""`encode_query_params`: the query's own parameters encoded (default) or sent as typed."""

from __future__ import annotations

from typing import Any

import pytest

from runtime.http import ActionConfig, DatasourceConfig, InvalidActionConfigError, InvalidURLError
from runtime.http.request_builder import build_url
from runtime.url_template import substitute_url


def url(config: dict[str, Any], datasource: dict[str, Any] | None = None) -> str:
    source = datasource or {"url": "https://api.example.com/v1/"}
    return str(build_url(ActionConfig.from_mapping(config), DatasourceConfig.from_mapping(source)))


ROWS = [{"key": "ids", "value": "1,2"}, {"key": "q", "value": "a b/%20&c=1"}]


def test_the_default_encodes_rows_and_the_path_query() -> None:
    assert ActionConfig.from_mapping({}).encode_query_params is True
    assert url({"path": "s?f=x,y", "query_params": ROWS}) == (
        "https://api.example.com/v1/s?f=x%2Cy&ids=1%2C2&q=a+b%2F%2520%26c%3D1"
    )


def test_off_sends_rows_and_the_path_query_as_typed() -> None:
    config = {"path": "s?f=x,y", "query_params": ROWS, "encode_query_params": False}
    # `,` `/` `%20` and `&` stay; only what a URL cannot carry (the space) is encoded.
    assert url(config) == "https://api.example.com/v1/s?f=x,y&ids=1,2&q=a%20b/%20&c=1"


def test_off_keeps_the_datasource_parameters_encoded_and_merges_by_key() -> None:
    datasource = {
        "url": "https://api.example.com/?key=a,b&f=old",
        "query_params": [{"key": "lang", "value": "en gb"}],
    }
    config = {"path": "s?f=new", "query_params": [{"key": "lang", "value": "fr"}]}
    assert url({**config, "encode_query_params": False}, datasource) == (
        "https://api.example.com/s?key=a%2Cb&f=new&lang=fr"
    )


def test_off_writes_non_ascii_and_a_hash_percent_encoded() -> None:
    config = {"query_params": [{"key": "n", "value": "é#1"}], "encode_query_params": False}
    assert url(config) == "https://api.example.com/v1/?n=%C3%A9%231"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        (
            {"query_params": [{"key": "q", "value": "a\r\nX-Evil: 1"}]},
            "config.query_params[0].value",
        ),
        ({"query_params": [{"key": "q\nX", "value": "a"}]}, "config.query_params[0].key"),
        ({"path": "s?q=a\r\nb"}, "config.path"),
        ({"path": "s?q=\x00"}, "config.path"),
    ],
)
def test_off_still_refuses_line_breaks(config: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidURLError) as raised:
        url({**config, "encode_query_params": False})
    assert raised.value.field == field
    assert "line breaks" in raised.value.message


def test_off_keeps_the_host_rule() -> None:
    config = {"path": "https://evil.test/s?q=1", "encode_query_params": False}
    with pytest.raises(InvalidURLError) as raised:
        url(config)
    assert raised.value.field == "config.path"


@pytest.mark.parametrize("value", ["yes", 1, 0, []])
def test_the_setting_must_be_a_boolean(value: object) -> None:
    with pytest.raises(InvalidActionConfigError) as raised:
        ActionConfig.from_mapping({"encode_query_params": value})
    assert raised.value.field == "config.encode_query_params"


def test_a_bound_query_value_goes_in_as_typed_when_not_encoding() -> None:
    parts = ["s?q=", None, "&n=2"]
    assert substitute_url(parts, ["a,b&admin=1"]) == "s?q=a%2Cb%26admin%3D1&n=2"
    typed = substitute_url(parts, ["a,b&admin=1#x"], encode_query=False)
    assert typed == "s?q=a,b&admin=1%23x&n=2"


def test_path_segments_stay_encoded_when_not_encoding_the_query() -> None:
    parts = ["p/", None, "?q=", None]
    assert substitute_url(parts, ["../admin", "a/b"], encode_query=False) == ("p/..%2Fadmin?q=a/b")
