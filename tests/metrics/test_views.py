"""GET /metrics: off by default, then only for the token and the allowed networks."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-1234"


@pytest.fixture
def token(settings):
    settings.BRACE_METRICS_TOKEN = TOKEN
    settings.BRACE_METRICS_ALLOWED_NETWORKS = []


def scrape(client, authorization=None, address="127.0.0.1", method="get"):
    headers = {"Authorization": authorization} if authorization else {}
    return getattr(client, method)("/metrics", headers=headers, REMOTE_ADDR=address)


def test_it_is_off_unless_configured(client, settings):
    assert (settings.BRACE_METRICS_TOKEN, settings.BRACE_METRICS_ALLOWED_NETWORKS) == ("", [])
    response = scrape(client, f"Bearer {TOKEN}")
    assert response.status_code == 404
    assert "brace_" not in response.content.decode()
    assert scrape(client, f"Bearer {TOKEN}", method="post").status_code == 404


def test_the_token_reads_every_metric(client, token):
    response = scrape(client, f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    for family in (
        "brace_http_requests_total counter",
        "brace_http_request_seconds histogram",
        "brace_query_runs_total counter",
        "brace_query_run_seconds histogram",
        "brace_token_refreshes_total counter",
        "brace_background_jobs_total counter",
        "brace_background_jobs_in_state gauge",
        "brace_sandbox_timeouts_total counter",
    ):
        assert f"# TYPE {family}\n" in body, family
    assert 'brace_background_jobs_in_state{state="running"} 0.0' in body


def test_a_missing_token_is_asked_for(client, token):
    response = scrape(client)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert response["Cache-Control"] == "no-store"
    assert "brace_" not in response.content.decode()


def test_a_wrong_token_is_refused_without_echoing_anything(client, token):
    response = scrape(client, "Bearer guess-it-1234")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics", error="invalid_token"'
    body = response.content.decode()
    assert "guess-it" not in body and TOKEN not in body and "brace_" not in body


def test_an_allowed_network_needs_no_token(client, settings):
    settings.BRACE_METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert scrape(client, address="10.20.30.40").status_code == 200
    refused = scrape(client, address="192.168.1.2")
    assert refused.status_code == 403
    assert refused["Cache-Control"] == "no-store"
    assert "brace_" not in refused.content.decode()


def test_with_both_a_scrape_needs_both(client, token, settings):
    settings.BRACE_METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert scrape(client, f"Bearer {TOKEN}", address="10.0.0.1").status_code == 200
    assert scrape(client, f"Bearer {TOKEN}", address="172.16.0.1").status_code == 403
    assert scrape(client, address="10.0.0.1").status_code == 401


def test_no_session_or_csrf_is_involved(client, token, make_user):
    # A scraper has no cookie and sends no CSRF token.
    response = scrape(client, f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response
    assert scrape(client, method="post").status_code == 405
    # A signed-in session is no substitute for the token.
    client.force_login(make_user())
    assert scrape(client).status_code == 401


def test_head_answers_like_get(client, token):
    assert scrape(client, f"Bearer {TOKEN}", method="head").status_code == 200
