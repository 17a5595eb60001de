"""Gauges read from the database when /metrics is rendered (registered in `builder.apps`).

A job's state lives in its row, so a count there is true across every web
and worker process and host, and survives a worker killed mid-job, which a
gauge kept in a process's memory would not.
"""

from __future__ import annotations

from django.db.models import Count

import metrics
from builder.models import EventJob, JobStatus

__all__ = ["background_jobs_by_state", "register"]


def background_jobs_by_state() -> dict[tuple[str, ...], float]:
    """How many background event jobs are in each state now (every state, 0 included)."""
    counts: dict[tuple[str, ...], float] = {(state.value,): 0.0 for state in JobStatus}
    for row in EventJob.objects.values("status").annotate(n=Count("pk")).order_by():
        counts[(row["status"],)] = float(row["n"])
    return counts


def register() -> None:
    metrics.add_scrape_gauge(
        metrics.ScrapeGauge(
            "brace_background_jobs_in_state",
            "Background event jobs in each state now (rows; finished ones are purged daily).",
            ["state"],
            background_jobs_by_state,
        )
    )
