"""Celery tasks: thin wrappers over ``datasources.tokens`` and ``datasources.state``."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from datasources import state, tokens

# Refresh ahead of expiry by more than the beat interval, so that runs rarely
# meet an expiring token and pay for the refresh themselves.
REFRESH_WITHIN = timedelta(minutes=5)


@shared_task(name="datasources.tasks.refresh_expiring_tokens")
def refresh_expiring_tokens() -> dict[str, int]:
    """Refresh tokens expiring within 5 minutes (a quarter of their life when shorter).

    Failures are recorded on each token.
    """
    report = tokens.refresh_expiring(REFRESH_WITHIN)
    purged = state.purge_expired()
    # Tokens backing off after failures are left out: they are neither news
    # nor failures of this beat (their own row says how they fail).
    return {"refreshed": report.refreshed, "failed": report.failed, "states_purged": purged}
