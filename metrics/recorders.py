"""Brace's metrics, and the one small call that records each where its event happens.

docs/metrics.md lists them for operators. Every label value comes from a
short list the code knows (a route's name, a preset's key, an error code, a
job state), never from user input such as a URL or a datasource's name, so
the number of series stays small.
"""

from __future__ import annotations

from metrics.prometheus import REGISTRY, Counter, Histogram

__all__ = [
    "BACKGROUND_JOBS",
    "HTTP_REQUESTS",
    "HTTP_REQUEST_SECONDS",
    "QUERY_RUNS",
    "QUERY_RUN_SECONDS",
    "SANDBOX_TIMEOUTS",
    "TOKEN_REFRESHES",
    "http_request",
    "job_state",
    "query_run",
    "sandbox_timeout",
    "token_refresh",
]

# Methods outside this set (made-up ones) are counted as "other".
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS = Counter(
    "brace_http_requests",
    "HTTP requests answered, by method, route (URL pattern name) and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_REQUEST_SECONDS = Histogram(
    "brace_http_request_seconds",
    "Time from a request reaching Django to its response leaving it, by method and route.",
    ["method", "route"],
    registry=REGISTRY,
)
QUERY_RUNS = Counter(
    "brace_query_runs",
    "Query runs, by datasource (its preset) and outcome (success or the error code).",
    ["datasource", "outcome"],
    registry=REGISTRY,
)
# Queries upload files: a run may take minutes.
QUERY_RUN_SECONDS = Histogram(
    "brace_query_run_seconds",
    "Duration of query runs, bindings and token included, by datasource (its preset).",
    ["datasource"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, float("inf")),
    registry=REGISTRY,
)
TOKEN_REFRESHES = Counter(
    "brace_token_refreshes",
    "Calls to an OAuth 2.0 token endpoint for a new access token, by outcome "
    "(success or the error code).",
    ["outcome"],
    registry=REGISTRY,
)
BACKGROUND_JOBS = Counter(
    "brace_background_jobs",
    "Background event jobs entering a state (queued, running, succeeded, failed, cancelled).",
    ["state"],
    registry=REGISTRY,
)
SANDBOX_TIMEOUTS = Counter(
    "brace_sandbox_timeouts",
    "JavaScript calls stopped by the sandbox's time limit, by kind (binding or handler).",
    ["kind"],
    registry=REGISTRY,
)


def http_request(method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in _METHODS else "other"
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_REQUEST_SECONDS.labels(method=method, route=route).observe(seconds)


def query_run(datasource: str, outcome: str, seconds: float) -> None:
    QUERY_RUNS.labels(datasource=datasource, outcome=outcome).inc()
    QUERY_RUN_SECONDS.labels(datasource=datasource).observe(seconds)


def token_refresh(outcome: str) -> None:
    TOKEN_REFRESHES.labels(outcome=outcome).inc()


def job_state(state: str) -> None:
    BACKGROUND_JOBS.labels(state=state).inc()


def sandbox_timeout(kind: str) -> None:
    SANDBOX_TIMEOUTS.labels(kind=kind).inc()
