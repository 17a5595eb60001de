"""Redis for tests: the run's shared database, and private servers that may stop.

`TEST_REDIS_URL` (BRACE_TEST_REDIS_URL) is the database the test run may use
and flush; `shared_redis_url()` gives it to a test, skipped where no Redis
runs (CI starts one: there a missing server is a failure). The shared Redis of
the test run is never stopped; a test that needs an outage starts its own
`redis-server` on a free loopback port, with no persistence, and stops (and
may restart) that one.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import pytest
import redis

from tests.processes import stop

TEST_REDIS_URL = os.environ.get("BRACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_is_up(url: str = TEST_REDIS_URL) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def shared_redis_url() -> str:
    """The tests' Redis database; the test is skipped without one, except on CI."""
    if not redis_is_up() and not os.environ.get("CI"):
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")
    return TEST_REDIS_URL


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    """`with PrivateRedis(folder) as server:` a redis-server at `server.url`."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server is not on the PATH")
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=2)

    def start(self) -> None:
        """Start (or restart, on the same port) and wait until it answers PING."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=(self.folder / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self.client().ping()
                return
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"redis-server did not start: {(self.folder / 'redis.log').read_text()}"
                    ) from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        stop(self.process)
        self.process = None

    def __enter__(self) -> PrivateRedis:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
