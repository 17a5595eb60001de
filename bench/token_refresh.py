"""Benchmark OAuth 2.0 token handling against the loopback test provider.

    .venv/bin/python bench/token_refresh.py [--database-url URL] [--runs 100] [--rounds 5]

Starts the django-oauth-toolkit provider (tests/oauth_provider), authorizes a
datasource through the real browser flow, then measures:

* refresh requests per expiry: ``--runs`` concurrent runs (threads, each with
  its own database connection) meet the same expired token; the provider
  counts refresh requests. Single flight means exactly 1.0.
* added latency of the auth step: the same GET to the protected endpoint,
  sequentially, with ``datasource_auth`` (valid token: one indexed read and a
  decrypt) versus a static ``Authorization`` header; and the auth step alone.
* a request that pays for a refresh itself (token expired before each).

Without --database-url it uses a temporary SQLite file; with a PostgreSQL URL
it creates (and drops) a database named ``brace_bench`` on that server.
Prints a Markdown section for bench/RESULTS.md ("token_refresh"); --write
replaces that section in the file. Nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTION = "token_refresh"


def _database(url: str | None, tmp: Path) -> tuple[str, str | None]:
    """The DATABASE_URL to use, and the PostgreSQL admin URL to drop it with."""
    if not url:
        return f"sqlite:///{tmp / 'bench.sqlite3'}", None
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS brace_bench")
        conn.execute("CREATE DATABASE brace_bench")
    return url.rsplit("/", 1)[0] + "/brace_bench", url


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--runs", type=int, default=100, help="concurrent runs per expiry")
    parser.add_argument("--rounds", type=int, default=5, help="expiries")
    parser.add_argument("--requests", type=int, default=300, help="sequential requests")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="brace-bench-"))
    database_url, admin_url = _database(args.database_url, tmp)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ["BRACE_VAR_DIR"] = str(tmp)

    import django

    django.setup()
    import logging

    import httpx
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.utils import timezone

    from datasources import tokens
    from datasources.auth import datasource_auth
    from datasources.models import OAuthToken
    from datasources.services import create_datasource
    from tests.oauth_provider import browser as dance
    from tests.oauth_provider.process import running_provider
    from workspaces.models import Membership, Role, Workspace

    # Every refresh logs at INFO; the benchmark's output is the table.
    logging.getLogger("datasources").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    engine = connection.vendor
    with running_provider(tmp) as provider:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("bench", password="x")
        workspace = Workspace.objects.create(name="Bench")
        Membership.objects.create(workspace=workspace, user=user, role=Role.DEVELOPER)
        datasource = create_datasource(
            workspace.pk,
            {
                "name": "Bench",
                "url": provider.url("/api/"),
                "authentication": provider.oauth2_settings(),
            },
        )
        brace = Client()
        brace.force_login(user)
        landing = dance.authorize(brace, datasource.pk)
        if landing.response_status != "success":
            raise SystemExit(f"authorization failed: {landing.params}")

        def expire() -> None:
            OAuthToken.objects.filter(datasource=datasource).update(
                expires_at=timezone.now() - timedelta(seconds=1)
            )

        # 1. Refresh requests per expiry, under concurrency.
        per_round: list[int] = []
        round_latency: list[float] = []
        failures = 0
        for _ in range(args.rounds):
            expire()
            provider.reset()
            connection.close()
            barrier = threading.Barrier(args.runs)
            times: list[float] = []
            errors: list[str] = []

            def run(barrier: threading.Barrier, times: list[float], errors: list[str]) -> None:
                try:
                    # Client and database connection are made before the start line:
                    # what is timed is the run meeting the expired token.
                    with httpx.Client(auth=datasource_auth(datasource.pk), timeout=60) as client:
                        barrier.wait(timeout=60)
                        started = time.perf_counter()
                        status = client.get(provider.me_url).status_code
                        times.append(time.perf_counter() - started)
                    if status != 200:
                        errors.append(str(status))
                except Exception as exc:
                    errors.append(type(exc).__name__)
                finally:
                    connections.close_all()

            threads = [
                threading.Thread(target=run, args=(barrier, times, errors))
                for _ in range(args.runs)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            per_round.append(len(provider.token_requests("refresh_token")))
            round_latency.append(statistics.median(times) if times else float("nan"))
            failures += len(errors)

        # 2. Added latency of the auth step (valid token).
        provider.reset()
        token = OAuthToken.objects.get(datasource=datasource).access_token
        plain: list[float] = []
        authed: list[float] = []
        step: list[float] = []
        headers = {"Authorization": f"Bearer {token}"}
        with (
            httpx.Client(headers=headers) as static,
            httpx.Client(auth=datasource_auth(datasource)) as dynamic,
        ):
            for client in (static, dynamic):
                client.get(provider.me_url)  # warm the connection
            for _ in range(args.requests):
                started = time.perf_counter()
                static.get(provider.me_url)
                plain.append(time.perf_counter() - started)
                started = time.perf_counter()
                dynamic.get(provider.me_url)
                authed.append(time.perf_counter() - started)
                started = time.perf_counter()
                tokens.access_token(datasource)
                step.append(time.perf_counter() - started)

            # 3. A request that pays for the refresh itself.
            paying: list[float] = []
            for _ in range(min(args.requests, 30)):
                expire()
                started = time.perf_counter()
                dynamic.get(provider.me_url)
                paying.append(time.perf_counter() - started)

    if admin_url:
        connections.close_all()
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS brace_bench")

    added = (statistics.median(authed) - statistics.median(plain)) * 1000
    lines = [
        f"## {SECTION}",
        "",
        f"`bench/token_refresh.py` on {engine}, machine 2-core "
        f"({platform.python_implementation()} {platform.python_version()}), 2026-11-28.",
        "Loopback django-oauth-toolkit provider (tests/oauth_provider), rotation on.",
        "",
        "| measure | result |",
        "| --- | --- |",
        f"| refresh requests per expiry ({args.runs} concurrent runs, {args.rounds} expiries) "
        f"| {statistics.mean(per_round):.2f} (per expiry: {per_round}); failed runs: {failures} |",
        f"| run latency during a refreshing expiry (median of round medians) "
        f"| {statistics.median(round_latency) * 1000:.1f} ms |",
        f"| GET with a static header | {_ms(plain)} |",
        f"| GET through `datasource_auth` (valid token) | {_ms(authed)} |",
        f"| added latency of the auth step per request (median difference) | {added:.2f} ms |",
        f"| the auth step alone (`tokens.access_token`, valid token) | {_ms(step)} |",
        f"| GET that refreshes first (token expired) | {_ms(paying)} |",
        "",
    ]
    section = "\n".join(lines)
    print(section)
    if args.write:
        _write_section(ROOT / "bench" / "RESULTS.md", section)


def _write_section(path: Path, section: str) -> None:
    """Replace (or append) only the "token_refresh" section of RESULTS.md."""
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    start = text.find(f"## {SECTION}\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    path.write_text(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
