"""A Brace deployment in miniature, for tests and benchmarks: real processes on loopback.

    with Cluster(var_dir, env) as cluster:
        web = cluster.start_web(workers=1, threads=8)   # gunicorn on a free port
        cluster.start_worker(["uploads", "celery"])     # a Celery worker
        cluster.start_beat()
        httpx.get(web.url + "/api/v1/...")
        cluster.kill(web)                               # SIGKILL its whole process group

Every process runs in its own process group (so a gunicorn master and its
workers, or a Celery worker and its pool, stop together), writes its output to
``<var_dir>/logs/<name>.log``, and is killed on teardown if still alive.
`Cluster.logs()` gathers the tails of those files for an assertion's message:
a failure in another process is otherwise invisible to the test.

``env`` is the environment every process gets (``tests.processes.brace_env``
builds it for the test database; a benchmark builds its own). gunicorn reads
``config/gunicorn.py`` when the project has one; the explicit flags given here
(bind, workers, threads, gthread) win over it either way. Readiness: a web
server is up once ``/healthz`` answers 200 (or, where that route does not
exist yet, once the server answers anything below 500); a Celery worker once
its log says ``ready.``; beat once its log says it is starting.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GUNICORN_CONFIG = ROOT / "config" / "gunicorn.py"
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0
LOG_TAIL_CHARS = 3000


class ClusterError(RuntimeError):
    """A process did not start, or exited early; the message holds its log's tail."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the process that binds it comes next)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    """One started process group: its name, command, log file and Popen handle."""

    name: str
    command: list[str]
    log: Path
    popen: subprocess.Popen[bytes]
    _log_file: IO[bytes] = field(repr=False)

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def tail(self, chars: int = LOG_TAIL_CHARS) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return text[-chars:]


@dataclass
class Web(Process):
    """A gunicorn server: `url` is its loopback origin."""

    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Cluster:
    """Starts and stops Brace's processes on one database and one broker."""

    def __init__(self, var_dir: Path, env: dict[str, str]) -> None:
        self.var_dir = var_dir
        self.env = dict(env)
        self.log_dir = var_dir / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.processes: list[Process] = []
        self._counts: dict[str, int] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop_all()

    # Starting

    def _name(self, kind: str) -> str:
        number = self._counts.get(kind, 0) + 1
        self._counts[kind] = number
        return f"{kind}{number}"

    def _spawn(
        self, name: str, command: list[str], env: dict[str, str] | None = None
    ) -> tuple[subprocess.Popen[bytes], Path, IO[bytes]]:
        log = self.log_dir / f"{name}.log"
        log_file = log.open("ab")
        popen = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed as one
        )
        return popen, log, log_file

    def start_web(
        self,
        *,
        workers: int = 1,
        threads: int = 4,
        app: str = "config.wsgi",
        env: dict[str, str] | None = None,
    ) -> Web:
        """gunicorn (gthread) serving ``app`` on a free loopback port, once it answers."""
        name = self._name("web")
        port = free_port()
        command = [str(BIN / "gunicorn")]
        if GUNICORN_CONFIG.exists():
            command += ["-c", str(GUNICORN_CONFIG)]
        command += [
            app,
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "5",
        ]
        popen, log, log_file = self._spawn(name, command, env)
        web = Web(name, command, log, popen, log_file, port=port)
        self.processes.append(web)
        self._wait(web, lambda: _web_ready(web.url))
        return web

    def start_worker(
        self,
        queues: Sequence[str],
        *,
        concurrency: int = 1,
        pool: str = "prefork",
        app: str = "config",
        env: dict[str, str] | None = None,
    ) -> Process:
        """A Celery worker of ``app`` consuming ``queues``, once its log says it is ready."""
        name = self._name("worker")
        command = [
            str(BIN / "celery"),
            "-A",
            app,
            "worker",
            "--loglevel",
            "INFO",
            "--hostname",
            f"{name}-{os.getpid()}@%h",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "-Q",
            ",".join(queues),
            "--without-gossip",
            "--without-mingle",
        ]
        popen, log, log_file = self._spawn(name, command, env)
        worker = Process(name, command, log, popen, log_file)
        self.processes.append(worker)
        self._wait(worker, lambda: " ready." in worker.tail(100_000))
        return worker

    def start_beat(self, env: dict[str, str] | None = None) -> Process:
        """celery beat with its schedule file in the cluster's folder."""
        name = self._name("beat")
        command = [
            str(BIN / "celery"),
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(self.var_dir / f"{name}-schedule"),
        ]
        popen, log, log_file = self._spawn(name, command, env)
        beat = Process(name, command, log, popen, log_file)
        self.processes.append(beat)
        self._wait(beat, lambda: "beat: Starting" in beat.tail(100_000))
        return beat

    def _wait(self, process: Process, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not ready():
            if not process.alive:
                raise ClusterError(f"{process.name} exited at start:\n{process.tail()}")
            if time.monotonic() > deadline:
                raise ClusterError(f"{process.name} did not get ready:\n{process.tail()}")
            time.sleep(0.1)

    # Stopping

    def kill(self, process: Process) -> None:
        """SIGKILL the process's whole group, as an out-of-memory killer or a lost host would."""
        process.signal_group(signal.SIGKILL)
        process.popen.wait(timeout=STOP_TIMEOUT_S)

    def stop(self, process: Process) -> None:
        """SIGTERM the group (graceful), then SIGKILL whatever is left after the timeout."""
        if process.alive:
            process.signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.popen.wait(timeout=STOP_TIMEOUT_S)
        # A pool child or gunicorn worker may outlive its master: the group goes too.
        process.signal_group(signal.SIGKILL)
        if process.alive:
            process.popen.wait(timeout=STOP_TIMEOUT_S)

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            self.stop(process)
            process._log_file.close()

    def logs(self) -> str:
        """Each process's log tail, for a failed assertion's message."""
        return "\n".join(f"--- {p.name} ({p.log}) ---\n{p.tail()}" for p in self.processes)


def _web_ready(url: str) -> bool:
    try:
        answer = httpx.get(url + "/healthz", timeout=2)
        if answer.status_code == 404:  # no such route in this version: any answer will do
            answer = httpx.get(url + "/api/v1/", timeout=2)
    except httpx.TransportError:
        return False
    return answer.status_code < 500
