"""Start and stop the test provider process, and talk to its controls.

Shared by the pytest fixtures and the benchmark: ``running_provider(directory)``
runs ``tests.oauth_provider.serve`` on a free loopback port with a fresh
SQLite file in ``directory`` and yields a ``Provider`` once it answers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.oauth_provider.clients import CLIENTS

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Provider:
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def authorization_url(self) -> str:
        return self.url("/o/authorize/")

    @property
    def token_url(self) -> str:
        return self.url("/o/token/")

    @property
    def revocation_url(self) -> str:
        return self.url("/o/revoke_token/")

    @property
    def me_url(self) -> str:
        return self.url("/api/me/")

    def reset(self) -> None:
        httpx.post(self.url("/control/reset/")).raise_for_status()

    def set_mode(self, mode: str, delay_s: float = 0.0) -> None:
        response = httpx.post(self.url("/control/mode/"), json={"mode": mode, "delay_s": delay_s})
        response.raise_for_status()

    def token_requests(self, grant_type: str | None = None) -> list[dict[str, Any]]:
        response = httpx.get(self.url("/control/token-requests/"))
        requests = response.json()["token_requests"]
        return [r for r in requests if grant_type is None or r["grant_type"] == grant_type]

    def set_access_token_lifetime(self, seconds: int | None) -> None:
        """Access tokens issued from now on live ``seconds`` (None: the default 5 minutes)."""
        response = httpx.post(self.url("/control/lifetime/"), json={"access_token_s": seconds})
        response.raise_for_status()

    def expire_access_tokens(self) -> int:
        return int(httpx.post(self.url("/control/expire/")).json()["expired"])

    def oauth2_settings(self, **overrides: Any) -> dict[str, Any]:
        """An API `authentication` object for the confidential code client."""
        secret, _ = CLIENTS["brace-code"]
        return {
            "type": "oauth2",
            "grant_type": "authorization_code",
            "authorization_url": self.authorization_url,
            "access_token_url": self.token_url,
            "client_id": "brace-code",
            "client_secret": secret,
            "scopes": ["read", "write"],
            "client_authentication": "basic_header",
            **overrides,
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_provider(directory: Path) -> Iterator[Provider]:
    port = _free_port()
    db = directory / "provider.sqlite3"
    log = (directory / "provider.log").open("w")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oauth_provider.serve", "--port", str(port), "--db", str(db)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    provider = Provider(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"The test provider exited; see {log.name}")
            try:
                if httpx.get(provider.url("/health/"), timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"The test provider did not start; see {log.name}")
            time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
