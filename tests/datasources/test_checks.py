"""System checks of the datasources app."""

from __future__ import annotations

from typing import Any

from datasources.checks import check_oauth_settings, check_outbound_settings


def test_the_default_settings_pass(settings: Any) -> None:
    assert check_oauth_settings() == []
    assert check_outbound_settings() == []


def test_a_plain_http_public_url_is_warned_about(settings: Any) -> None:
    settings.BRACE_PUBLIC_URL = "http://brace.example.com"
    assert [m.id for m in check_oauth_settings()] == ["datasources.W001"]


def test_a_state_lifetime_out_of_range_is_an_error(settings: Any) -> None:
    settings.BRACE_OAUTH_STATE_TTL_S = 86400
    assert [m.id for m in check_oauth_settings()] == ["datasources.E001"]


def test_a_redirect_limit_the_outbound_policy_refuses_is_an_error(settings: Any) -> None:
    settings.BRACE_QUERY_MAX_REDIRECTS = 50
    [message] = check_outbound_settings()
    assert message.id == "datasources.E002"
    assert "policy.max_redirects must be an integer from 0 to 20" in message.msg
