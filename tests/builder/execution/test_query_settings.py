"""A query's settings as the runs read them: smart JSON substitution and query encoding."""

from __future__ import annotations

import json

import pytest

from builder.action_config import DEFAULT_SETTINGS, QuerySettings, query_settings, shown_config
from builder.execution.queries import evaluate_config, run_action
from datasources.models import Datasource
from runtime.http import InvalidActionConfigError

pytestmark = pytest.mark.django_db

NAME = {"Input1": {"text": 'My "doc"', "n": 3}}


def run(config, datasource, scope=None):
    action = {"name": "Api1", "config": config}
    return run_action(action, datasource=datasource, user=None, scope=scope or NAME).to_dict()


@pytest.fixture
def api(workspace, upstream):
    return Datasource.objects.create(workspace=workspace, name="Api", url=upstream.url)


class TestSettingsOfAStoredConfig:
    def test_an_older_config_reads_as_the_defaults(self):
        assert query_settings({"method": "GET"}) == DEFAULT_SETTINGS
        assert query_settings(None) == DEFAULT_SETTINGS
        assert DEFAULT_SETTINGS.to_dict() == {
            "run_on_page_load": None,
            "confirm_before_run": False,
            "smart_json_substitution": True,
            "encode_query_params": True,
        }

    def test_explicit_values_win_and_wrong_types_read_as_defaults(self):
        config = {
            "run_on_page_load": False,
            "confirm_before_run": True,
            "smart_json_substitution": "no",
            "encode_query_params": False,
        }
        assert query_settings(config) == QuerySettings(False, True, True, False)

    def test_the_api_shows_an_older_config_with_the_defaults(self):
        shown = shown_config({"method": "GET", "path": "x"})
        assert shown == {"method": "GET", "path": "x", **DEFAULT_SETTINGS.to_dict()}


class TestSmartJsonSubstitution:
    BODY = '{"title": "{{Input1.text}}", "n": {{Input1.n}}}'

    def test_on_by_default_a_value_is_escaped_inside_its_string(self):
        config, failures = evaluate_config({"body_type": "json", "body": self.BODY}, NAME)
        assert failures == []
        assert json.loads(config["body"]) == {"title": 'My "doc"', "n": 3}

    def test_off_substitutes_plain_text(self):
        config = {"body_type": "json", "body": self.BODY, "smart_json_substitution": False}
        evaluated, failures = evaluate_config(config, NAME)
        assert failures == []
        assert evaluated["body"] == '{"title": "My "doc"", "n": 3}'

    def test_off_sends_what_parses_as_typed(self, upstream, api):
        scope = {"Input1": {"text": "plain", "n": 3}}
        config = {
            "method": "POST",
            "body_type": "json",
            "body": '{"title": "{{Input1.text}}",  "n": {{Input1.n}}}',
            "smart_json_substitution": False,
        }
        result = run(config, api, scope)
        assert result["error"] is None
        assert upstream.last.body == b'{"title": "plain",  "n": 3}'

    def test_off_a_body_that_no_longer_parses_is_refused_naming_the_body(self, upstream, api):
        config = {
            "method": "POST",
            "body_type": "json",
            "body": self.BODY,
            "smart_json_substitution": False,
        }
        with pytest.raises(InvalidActionConfigError) as raised:
            run(config, api)
        assert raised.value.field == "config.body"
        assert "is not valid JSON" in raised.value.message
        assert upstream.received == []

    def test_off_applies_to_a_json_header_value_too(self):
        header = {"key": "Dropbox-API-Arg", "value": '{"path": "/{{Input1.text}}"}'}
        config = {"headers": [header], "smart_json_substitution": False}
        evaluated, _ = evaluate_config(config, NAME)
        assert evaluated["headers"][0]["value"] == '{"path": "/My "doc""}'

    def test_a_body_of_one_binding_keeps_its_value_either_way(self):
        for smart in (True, False):
            config = {
                "body_type": "json",
                "body": "{{Input1}}",
                "smart_json_substitution": smart,
            }
            evaluated, _ = evaluate_config(config, NAME)
            assert evaluated["body"] == NAME["Input1"]


class TestEncodeQueryParams:
    SCOPE = {"Input1": {"text": "a,b&admin=1"}}

    def test_on_by_default_a_bound_value_is_one_parameter(self, upstream, api):
        run({"path": "s?q={{Input1.text}}"}, api, self.SCOPE)
        assert upstream.last.raw_query == "q=a%2Cb%26admin%3D1"

    def test_off_a_bound_value_goes_as_typed(self, upstream, api):
        config = {
            "path": "s?q={{Input1.text}}",
            "query_params": [{"key": "ids", "value": "{{[1, 2].join(',')}}"}],
            "encode_query_params": False,
        }
        result = run(config, api, self.SCOPE)
        assert result["error"] is None
        assert upstream.last.raw_query == "q=a,b&admin=1&ids=1,2"

    def test_off_a_bound_line_break_is_refused_naming_the_row(self, upstream, api):
        config = {
            "query_params": [{"key": "q", "value": "{{Input1.text}}"}],
            "encode_query_params": False,
        }
        with pytest.raises(InvalidActionConfigError) as raised:
            run(config, api, {"Input1": {"text": "a\r\nb"}})
        assert raised.value.field == "config.query_params[0].value"
        assert upstream.received == []
