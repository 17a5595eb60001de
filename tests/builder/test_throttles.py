"""The portal's rate limit holds across processes: each process here is a separate
Python running the production settings, with Redis (REDIS_URL) or, as the embedded
default does, the file cache in its var folder. Each asks the throttle once for the
same user; the third of "2/min" is refused whichever process asks."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT, brace_env
from tests.redis_server import shared_redis_url

ASK = """
import json, django
django.setup()
from types import SimpleNamespace
from builder.throttles import PortalEventRateThrottle
user = SimpleNamespace(pk={user}, is_authenticated=True)
request = SimpleNamespace(user=user, META={{"REMOTE_ADDR": "127.0.0.1"}})
throttle = PortalEventRateThrottle()
allowed = throttle.allow_request(request, None)
print(json.dumps({{"allowed": allowed, "wait": None if allowed else throttle.wait()}}))
"""


def _ask(env: dict[str, str], user: int) -> dict[str, object]:
    """One request's worth of the throttle, in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-c", ASK.format(user=user)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("cache", [pytest.param("redis", marks=pytest.mark.redis), "files"])
def test_the_budget_is_shared_by_every_process(cache: str, tmp_path: Path) -> None:
    extra = {"BRACE_PORTAL_EVENT_RATE": "2/min"}
    if cache == "redis":
        extra["REDIS_URL"] = shared_redis_url()
    env = brace_env(tmp_path, **extra)
    user = random.randrange(10**9, 10**10)  # a Redis database may be shared: keys of its own

    answers = [_ask(env, user) for _ in range(3)]

    assert [answer["allowed"] for answer in answers] == [True, True, False]
    assert 0 < float(answers[2]["wait"]) <= 60  # type: ignore[arg-type]
    # Another user's budget is untouched.
    assert _ask(env, user + 1)["allowed"] is True
