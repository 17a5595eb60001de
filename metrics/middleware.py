"""Counts and times every request Django answers, by method, route and status.

The route is the name of the URL pattern that matched (``api:action-run``;
a pattern without a name gives its view's dotted path), so
``/api/v1/actions/3/run/`` and ``/api/v1/actions/4/run/`` are one series.
A request that matched no pattern is "unmatched". The time ends when the
response leaves Django: a streamed body's transfer is not in it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from metrics.recorders import http_request

__all__ = ["RequestMetricsMiddleware"]

UNMATCHED = "unmatched"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        route = match.view_name if match is not None else UNMATCHED
        http_request(
            request.method or "", route, response.status_code, time.perf_counter() - started
        )
        return response
