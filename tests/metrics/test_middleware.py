"""Requests are counted by method, URL pattern name and status, and timed."""

from __future__ import annotations

import pytest
from django.urls import resolve

from tests.metrics.reading import sample

pytestmark = pytest.mark.django_db

REQUESTS = "brace_http_requests_total"
SECONDS = "brace_http_request_seconds_count"


def test_two_paths_of_one_pattern_are_one_series(client):
    route = resolve("/api/v1/pages/1/").view_name
    assert route == resolve("/api/v1/pages/2/").view_name
    before = sample(REQUESTS, method="GET", route=route, status="401")
    timed = sample(SECONDS, method="GET", route=route)
    assert client.get("/api/v1/pages/1/").status_code == 401
    assert client.get("/api/v1/pages/2/").status_code == 401
    assert sample(REQUESTS, method="GET", route=route, status="401") == before + 2
    assert sample(SECONDS, method="GET", route=route) == timed + 2
    assert sample(REQUESTS, method="GET", route="/api/v1/pages/1/", status="401") == 0


def test_a_path_no_pattern_matches_is_unmatched(client):
    before = sample(REQUESTS, method="GET", route="unmatched", status="404")
    assert client.get("/no/such/page-7f3a/").status_code == 404
    assert sample(REQUESTS, method="GET", route="unmatched", status="404") == before + 1


def test_a_made_up_method_is_other(client):
    before = sample(REQUESTS, method="other", route="metrics", status="404")
    # /metrics is off here: it answers 404 to every method before checking any.
    client.generic("BREW", "/metrics")
    assert sample(REQUESTS, method="other", route="metrics", status="404") == before + 1
    assert sample(REQUESTS, method="BREW", route="metrics", status="404") == 0
