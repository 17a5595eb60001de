"""Brace as production runs it, for tests: `collectstatic` into a fresh folder,
then gunicorn with config/gunicorn.py (gthread) on a free loopback port, with
the production settings (DEBUG off, hashed static files served by WhiteNoise)
on the test database. Tests that use it need `django_db(transaction=True)`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx
from django.conf import settings

from tests.processes import ROOT, brace_env, stop
from tests.redis_server import free_port


class ProductionServer:
    """`with ProductionServer(var_dir) as server:` gunicorn at `server.url`."""

    def __init__(self, var_dir: Path, workers: int = 2, threads: int = 2) -> None:
        self.var_dir = var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = var_dir / "gunicorn.log"
        self.env = brace_env(
            var_dir,
            # The test process signs sessions in (tests/browser's session_cookie).
            SECRET_KEY=settings.SECRET_KEY,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY=str(workers),
            GUNICORN_THREADS=str(threads),
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def static_root(self) -> Path:
        return self.var_dir / "staticfiles"

    def collectstatic(self) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [gunicorn, "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None:
            return
        stop(self.process, timeout_s=40)
        self.process = None

    def __enter__(self) -> ProductionServer:
        self.collectstatic()
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
