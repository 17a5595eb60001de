"""Prometheus metrics: what Brace counts, and serving them at /metrics.

A bottom-layer package, so that every app can record where its events
happen without importing another app:

    import metrics
    metrics.query_run("dropbox", "success", seconds)   # builder.execution.queries
    metrics.token_refresh("invalid_grant")             # datasources.tokens
    metrics.job_state("running")                       # builder.portal.jobs
    metrics.sandbox_timeout("binding")                 # runtime.engine

`metrics.recorders` defines every metric; `metrics.prometheus` is the only
module that imports prometheus_client (the registry, multiprocess files,
the exposition). Its core is plain Python: only `metrics.views` (GET
/metrics, guarded by `metrics.access`) and `metrics.middleware` (requests)
use Django. docs/metrics.md is the operator's page.
"""

from __future__ import annotations

from metrics.prometheus import (
    ScrapeGauge,
    add_scrape_gauge,
    clean_process_dir,
    exposition,
    mark_process_exited,
)
from metrics.recorders import http_request, job_state, query_run, sandbox_timeout, token_refresh

__all__ = [
    "ScrapeGauge",
    "add_scrape_gauge",
    "clean_process_dir",
    "exposition",
    "http_request",
    "job_state",
    "mark_process_exited",
    "query_run",
    "sandbox_timeout",
    "token_refresh",
]
