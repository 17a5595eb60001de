"""Benchmark a big file picked in the portal and uploaded to Dropbox, against ``curl -T``.

    .venv/bin/python bench/upload.py [--sizes 100M,300M,1G] [--repeats 3]
                                     [--database-url URL] [--write]

Starts, on loopback and free ports: a lean Dropbox-compatible endpoint
(``bench/upload_endpoint.py``, its own process: it hashes every body and
keeps none), Brace's web process (gunicorn, production settings, one sync
worker) and a real Celery worker (the Procfile's command, ``--concurrency 1``),
both on Redis db ``--redis-db`` and a fresh PostgreSQL database. It seeds
the seed app (builder/examples/dropbox_portal.json) directly in the
database: a Dropbox-preset OAuth 2.0 datasource pointing at the endpoint
with a stored, unexpired shared token (so no refresh happens), the page with
its FilePicker (maxFileSize raised to 2048 MB), the ``UploadFileToDropbox``
query (timeout 300 s), published; and an end user with an API token.

For each size, a fresh worker is started (so its peak RSS is that size's),
then ``--repeats`` times, alternating:

(a) Brace: the portal's pick (``curl -F`` of the file to ``POST
    runtime/files/``, multipart, as a browser sends it), the FilePicker's
    ``onFilesSelected`` event (answers a queued job), then ``GET
    runtime/jobs/{id}/`` every 50 ms until it ends. Timed end to end, and
    the job alone: from the endpoint's first byte of the upload to its last
    answer (the worker's upload), and Celery's own task time;
(b) ``curl -T`` of the same file, one ``PUT`` of the whole file to the same
    endpoint's ``/2/files/upload`` (no session: curl does not speak them).

Both answers are checked (the endpoint's SHA-256 of what arrived equals the
file's). The worker's processes are sampled (VmRSS every 20 ms, and VmHWM at
the end of the size); the web process's VmHWM is printed too. Prints
medians as a Markdown section for bench/RESULTS.md ("upload"); ``--write``
replaces that section. Nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTION = "upload"
TOKEN = "bench-dropbox-access-token"
PYTHON = sys.executable
SIZES = {"M": 1000**2, "G": 1024**3, "MiB": 1024**2, "GiB": 1024**3}
MB = 1024 * 1024
# Polling the job: the portal starts at 0.5 s; faster would steal CPU from the
# upload on a 2-core machine, slower would blur the end-to-end time.
POLL_S = 0.2


def _size(text: str) -> int:
    match = re.fullmatch(r"(\d+)(MiB|GiB|M|G)?", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return int(match[1]) * SIZES.get(match[2] or "", 1)


def _label(size: int) -> str:
    if size % 1024**3 == 0:
        return f"{size // 1024**3} GiB"
    return f"{size / 1000**2:g} MB"


# Processes


def _environment(tmp: Path, database_url: str, redis_db: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRACE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="bench-upload-secret-key-" + "x" * 40,
        BRACE_ENCRYPTION_KEY="bench-upload-encryption-key",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        BRACE_VAR_DIR=str(tmp),
        DATABASE_URL=database_url,
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        BRACE_OUTBOUND_ALLOW_PRIVATE="1",  # the endpoint is on loopback
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback, no TLS proxy in front
        PYTHONPATH=str(ROOT),
    )
    return env


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def _endpoint() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "bench" / "upload_endpoint.py"), TOKEN],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}", process
    finally:
        assert process.stdin is not None
        process.stdin.close()
        _stop(process)


@contextmanager
def _web(env: dict[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """gunicorn on a socket bound here to a free port, handed over as a file descriptor."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"fd://{listener.fileno()}",
            "--workers",
            "1",
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        pass_fds=[listener.fileno()],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    listener.close()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(f"{url}/api/v1/", process, log)
        yield url, process
    finally:
        _stop(process)


def _wait_http(url: str, process: subprocess.Popen[Any], log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"web process exited:\n{log.read_text()[-3000:]}")
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("web process did not answer")


@contextmanager
def _worker(
    env: dict[str, str], log: Path, profile: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """The Procfile's worker with one child; with ``profile``, one process under cProfile."""
    command = ["-m", "celery", "-A", "config", "worker", "--loglevel", "INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    if profile is None:
        command += ["--concurrency", "1"]
    else:
        command = ["-m", "cProfile", "-o", str(profile), *command, "--pool", "solo"]
    process = subprocess.Popen(
        [PYTHON, *command],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while "ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield process
    finally:
        _stop(process)


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    pids = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        pids += _tree(int(child))
    return pids


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its live descendants."""
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class _RssSampler:
    """Samples VmRSS of a process tree every 20 ms; keeps the largest single process's peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            try:
                pids = _tree(self.pid)
            except OSError:
                continue
            self.peak_kb = max([self.peak_kb, *(_status_kb(p, "VmRSS") for p in pids)])

    def __enter__(self) -> _RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def hwm_kb(self) -> dict[int, int]:
        """Each live process's VmHWM (the kernel's own peak RSS)."""
        return {p: _status_kb(p, "VmHWM") for p in _tree(self.pid)}


# Seeding


@dataclass(frozen=True)
class _App:
    page: int
    viewer_token: str


def _seed(endpoint_url: str) -> _App:
    """The seed app, its datasource authorized by a stored token, published; its end user."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from builder.models import Action
    from builder.services.applications import create_application, publish_application
    from datasources.models import OAuthToken, TokenStatus
    from datasources.services import create_datasource
    from workspaces.models import Membership, Role, Workspace

    seed = json.loads((ROOT / "builder" / "examples" / "dropbox_portal.json").read_text())
    users = get_user_model()
    developer = users.objects.create_user("bench_developer", password="x")
    viewer = users.objects.create_user("bench_viewer", password="x")
    workspace = Workspace.objects.create(name="Bench")
    Membership.objects.create(workspace=workspace, user=developer, role=Role.ADMIN)
    Membership.objects.create(workspace=workspace, user=viewer, role=Role.VIEWER)
    source = dict(seed["datasource"])
    source["url"] = endpoint_url + "/"
    source["authentication"] = {
        **source["authentication"],
        "client_id": "bench",
        "client_secret": "bench-secret",
        "access_token_url": endpoint_url + "/oauth2/token",
    }
    datasource = create_datasource(workspace.pk, source)
    OAuthToken.objects.create(
        datasource=datasource,
        access_token=TOKEN,
        refresh_token="bench-refresh",
        token_type="bearer",
        expires_at=timezone.now() + timedelta(days=1),
        scopes=["files.content.write"],
        status=TokenStatus.AUTHORIZED,
    )
    application = create_application(user=developer, workspace=workspace, name="Bench")
    page = application.pages.get(name="Page1")
    layout = seed["page"]["layout"]
    for widget in layout["children"]:
        if widget["type"] == "FilePicker":
            widget["props"]["maxFileSize"] = 2048
    page.layout = layout
    page.save()
    (query,) = seed["actions"]
    config = {**query["config"], "timeout_s": 300}
    Action.objects.create(page=page, name=query["name"], datasource=datasource, config=config)
    publish_application(application=application, user=developer)
    return _App(page.pk, Token.objects.create(user=viewer).key)


def _database(url: str) -> str:
    """A fresh database named after the URL's, dropped first if it exists."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


# One run of each


@dataclass
class _Run:
    total: float  # pick + event + job, as the portal sees it
    pick: float
    pick_cpu: float  # the web process's CPU seconds during the pick
    job_upload: float  # the endpoint's first byte to its last answer
    task: float  # Celery's own time for the task
    requests: int
    worker_cpu: float = 0.0  # the worker's CPU seconds during the run


@dataclass
class _SizeResult:
    size: int
    brace: list[_Run] = field(default_factory=list)
    curl: list[float] = field(default_factory=list)
    worker_peak_kb: int = 0  # sampled VmRSS, largest worker process
    worker_hwm_kb: dict[int, int] = field(default_factory=dict)
    worker_idle_kb: int = 0
    web_hwm_kb: int = 0


def _make_file(path: Path, size: int) -> str:
    """``size`` bytes of 1 MiB random blocks, each different; its SHA-256."""
    digest = hashlib.sha256()
    block = os.urandom(MB)
    with path.open("wb") as handle:
        written = 0
        counter = 0
        while written < size:
            piece = (counter.to_bytes(8, "big") + block[8:])[: size - written]
            handle.write(piece)
            digest.update(piece)
            written += len(piece)
            counter += 1
    return digest.hexdigest()


def _last_upload(client: Any, endpoint: str) -> dict[str, Any]:
    return dict(client.get(f"{endpoint}/bench/last").json())


def _brace_run(
    client: Any,
    brace: str,
    endpoint: str,
    app: _App,
    path: Path,
    sha: str,
    worker_log: Path,
    web_pid: int,
    settle: bool = False,
) -> _Run:
    api = f"{brace}/api/v1"
    web_cpu = _cpu_seconds(web_pid)
    started = time.monotonic()
    picked = subprocess.run(
        [
            "curl",
            "-sS",
            "--fail-with-body",
            "-H",
            f"Authorization: Token {app.viewer_token}",
            "-F",
            f"file=@{path};type=application/octet-stream",
            "-F",
            f"page={app.page}",
            "-F",
            "widget=FilePicker1",
            f"{api}/runtime/files/",
        ],
        capture_output=True,
        check=False,
    )
    pick = time.monotonic() - started
    pick_cpu = _cpu_seconds(web_pid) - web_cpu
    if picked.returncode:
        raise SystemExit(f"pick failed: {picked.stdout[:500]!r} {picked.stderr[:500]!r}")
    entry = json.loads(picked.stdout)
    if settle:
        os.sync()  # the pick's writeback done before the job reads the file
    event = {"widget": "FilePicker1", "event": "onFilesSelected", "meta": {"files": [entry]}}
    answer = client.post(f"{api}/runtime/pages/{app.page}/events/", json=event)
    answer.raise_for_status()
    (line,) = answer.json()["jobs"]
    while True:
        polled = client.get(f"{api}/runtime/jobs/{line['id']}/")
        if polled.status_code != 200:
            raise SystemExit(f"polling the job answered {polled.status_code}: {polled.text[:500]}")
        job = polled.json()
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(POLL_S)
    total = time.monotonic() - started
    if job["status"] != "succeeded":
        raise SystemExit(f"job failed: {job}\n{worker_log.read_text()[-3000:]}")
    alerts = [e.get("message") for e in job["result"]["effects"] if e["type"] == "showAlert"]
    if alerts != [f"Uploaded {path.name}"]:
        raise SystemExit(f"unexpected result: {job['result']}")
    last = _last_upload(client, endpoint)
    if (last["sha256"], last["size"]) != (sha, path.stat().st_size):
        raise SystemExit(f"the endpoint got other bytes: {last}")
    task = _task_seconds(worker_log)
    if os.environ.get("BENCH_UPLOAD_STEPS"):
        steps = last["steps"]
        reading = sum(end - start for start, end, _ in steps)
        gaps = [b[0] - a[1] for a, b in itertools.pairwise(steps)]
        print(
            f"    bodies {reading:.2f} s, between requests {sum(gaps):.2f} s "
            f"(max {max(gaps, default=0) * 1000:.0f} ms)"
        )
    return _Run(total, pick, pick_cpu, last["finished"] - last["started"], task, last["requests"])


def _task_seconds(worker_log: Path) -> float:
    """Celery's time for the last run_event_job (its "succeeded in Xs" log line)."""
    deadline = time.monotonic() + 10
    while True:
        log = worker_log.read_text()
        found = re.findall(r"run_event_job\[[^\]]+\] succeeded in ([0-9.]+)s", log)
        if found or time.monotonic() > deadline:
            return float(found[-1]) if found else float("nan")
        time.sleep(0.05)


def _curl_run(client: Any, endpoint: str, path: Path, sha: str) -> float:
    started = time.monotonic()
    subprocess.run(
        [
            "curl",
            "-sS",
            "--fail-with-body",
            "-o",
            "/dev/null",
            "-T",
            str(path),
            "-H",
            f"Authorization: Bearer {TOKEN}",
            "-H",
            "Content-Type: application/octet-stream",
            "-H",
            f'Dropbox-API-Arg: {{"path": "/{path.name}", "mode": "add"}}',
            f"{endpoint}/2/files/upload",
        ],
        check=True,
    )
    elapsed = time.monotonic() - started
    last = _last_upload(client, endpoint)
    if (last["sha256"], last["size"]) != (sha, path.stat().st_size):
        raise SystemExit(f"curl: the endpoint got other bytes: {last}")
    return elapsed


def _measure_size(
    size: int,
    args: Any,
    env: dict[str, str],
    tmp: Path,
    brace: str,
    endpoint: str,
    app: _App,
    web: subprocess.Popen[bytes],
) -> _SizeResult:
    import httpx

    result = _SizeResult(size)
    path = tmp / "files" / f"bench-{size}.bin"
    path.parent.mkdir(exist_ok=True)
    sha = _make_file(path, size)
    log = tmp / f"worker-{size}.log"
    client = httpx.Client(headers={"Authorization": f"Token {app.viewer_token}"}, timeout=600)
    try:
        with _worker(env, log, args.profile) as worker:
            time.sleep(1)
            result.worker_idle_kb = max(_status_kb(p, "VmHWM") for p in _tree(worker.pid))
            with _RssSampler(worker.pid) as sampler:
                for repeat in range(args.repeats):
                    # Alternating which goes first; nothing left to write back before each.
                    if repeat % 2:
                        os.sync()
                        result.curl.append(_curl_run(client, endpoint, path, sha))
                    os.sync()
                    cpu = _cpu_seconds(worker.pid)
                    run = _brace_run(
                        client, brace, endpoint, app, path, sha, log, web.pid, args.settle
                    )
                    run.worker_cpu = _cpu_seconds(worker.pid) - cpu
                    result.brace.append(run)
                    if not repeat % 2:
                        os.sync()
                        result.curl.append(_curl_run(client, endpoint, path, sha))
                    print(
                        f"  {_label(size)} #{repeat + 1}: Brace {run.total:.2f} s (pick "
                        f"{run.pick:.2f} s, web CPU {run.pick_cpu:.2f} s; upload "
                        f"{run.job_upload:.2f} s in {run.requests} requests, task "
                        f"{run.task:.2f} s, worker CPU {run.worker_cpu:.2f} s), "
                        f"curl -T {result.curl[-1]:.2f} s",
                        flush=True,
                    )
                result.worker_hwm_kb = sampler.hwm_kb()
            result.worker_peak_kb = sampler.peak_kb
    finally:
        client.close()
        path.unlink(missing_ok=True)
    result.web_hwm_kb = max(_status_kb(p, "VmHWM") for p in _tree(web.pid))
    print(
        f"  {_label(size)}: ratios {', '.join(f'{x:.2f}' for x in _pairs(result))}; worker "
        f"VmHWM {max(result.worker_hwm_kb.values()) / 1024:.0f} MB (idle "
        f"{result.worker_idle_kb / 1024:.0f} MB); load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return result


# Report


def _mbs(size: int, seconds: float) -> str:
    return f"{size / MB / seconds:.0f}"


def _pairs(r: _SizeResult) -> list[float]:
    """curl's time over Brace's upload time, run by run (the machine's speed drifts)."""
    return [curl / run.job_upload for curl, run in zip(r.curl, r.brace, strict=True)]


def _section(results: list[_SizeResult], args: Any) -> str:
    rows = []
    for r in results:
        curl = statistics.median(r.curl)
        upload = statistics.median(run.job_upload for run in r.brace)
        task = statistics.median(run.task for run in r.brace)
        pick = statistics.median(run.pick for run in r.brace)
        total = statistics.median(run.total for run in r.brace)
        pairs = _pairs(r)
        by_task = [c / run.task for c, run in zip(r.curl, r.brace, strict=True)]
        worker_hwm = max(r.worker_hwm_kb.values()) / 1024
        web_cpu = statistics.median(run.pick_cpu for run in r.brace)
        worker_cpu = statistics.median(run.worker_cpu for run in r.brace)
        rows.append(
            f"| {_label(r.size)} | {r.brace[0].requests} | {curl:.2f} s "
            f"({_mbs(r.size, curl)} MiB/s) | {upload:.2f} s ({_mbs(r.size, upload)} MiB/s) "
            f"| **{statistics.median(pairs):.2f}x** ({min(pairs):.2f}-{max(pairs):.2f}) "
            f"| {task:.2f} s, {statistics.median(by_task):.2f}x | {worker_cpu:.2f} s "
            f"| {pick:.2f} s | {web_cpu:.2f} s | {total:.2f} s, {curl / total:.2f}x "
            f"| {r.worker_idle_kb / 1024:.0f} MB | **{worker_hwm:.0f} MB** "
            f"({r.worker_peak_kb / 1024:.0f} MB sampled) | {r.web_hwm_kb / 1024:.0f} MB |"
        )
    columns = [
        "file",
        "requests",
        "(b) curl -T",
        "(a) Brace's upload",
        "throughput ratio (b)/(a), target >= 0.8x: median (range) of pairs",
        "Celery task, ratio",
        "worker CPU (job)",
        "pick",
        "web CPU (pick)",
        "end to end, ratio",
        "worker RSS idle",
        "worker peak RSS (VmHWM), target <= 150 MB",
        "web peak RSS",
    ]
    header = "| " + " | ".join(columns) + " |\n|" + " ---: |" * len(columns)
    table = "\n".join(rows)
    return f"""## upload

`bench/upload.py` (run by hand: `.venv/bin/python bench/upload.py --sizes {args.sizes}
--repeats {args.repeats}`). Machine: 2-core x86_64 VM, CPython {platform.python_version()},
PostgreSQL, Redis, curl {_curl_version()}; shared with other sessions' test runs
(1-minute load average {args.load}). Date: {date.today().isoformat()}. Medians of
{args.repeats} runs per size (M = 10^6 bytes).

Setup, all on loopback, each its own process: a lean Dropbox-compatible
endpoint (`bench/upload_endpoint.py`: `files/upload` and
`upload_session/start`, `append_v2`, `finish`; it hashes every body with
SHA-256 into a reused 1 MiB buffer and keeps nothing); Brace's web process
(gunicorn, one sync worker, production settings); a real Celery worker (the
Procfile's command, one child, a fresh worker per size); PostgreSQL and Redis.
The seed app (`builder/examples/dropbox_portal.json`) is seeded in the
database with its Dropbox datasource authorized (a stored, unexpired token).
(a) is the portal: the pick (`curl -F` of the file to `POST runtime/files/`,
multipart, as a browser sends it), the FilePicker's `onFilesSelected` event
(answers a queued job), then polling `runtime/jobs/{{id}}/` every {POLL_S:g} s.
"Brace's upload" is the endpoint's clock from the first byte of the job's first
request to its last answer (files over 150 MiB: an upload session); "Celery
task" is Celery's own time for the job (adds loading the page, running the
handler, the job's writes); "end to end" runs from the pick's first byte to
the poll that sees the job succeed. (b) is `curl -T` of the same file to the
same endpoint: one `PUT` of the whole file to `2/files/upload` (no session:
curl does not speak them; the endpoint has no 150 MB cap). Brace and curl
alternate, which goes first alternating too, with `sync` before each; the
endpoint's SHA-256 of what arrived is checked against the file's for both.
Worker RSS: VmHWM (the kernel's peak) of the largest worker process at the
end of the size, and VmRSS sampled every 20 ms during it.

{header}
{table}

Notes (re-running with `--write` rewrites everything above "### Before"):
- The end-to-end figure cannot reach curl's: the file crosses loopback twice
  (browser to Brace, then Brace to Dropbox) and is written to disk once. The
  0.8x target is read here as throughput of the upload itself, and of the job.
- Worker RSS is flat: the largest worker process's peak (VmHWM) is what it
  has idle (Django, Celery, the JS engine loaded), for 100 MB as for 1 GiB:
  files stream in 1 MiB reads and session chunks stream from storage.
- Load matters more than anything else on this 2-core VM shared with other
  sessions: quote the pairs' range with the median, and compare runs made
  one after the other.

"""


def _curl_version() -> str:
    out = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout
    return out.split()[1] if out else "?"


def _write_section(path: Path, section: str) -> None:
    """Replace (or append) only the "upload" section of RESULTS.md."""
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    start = text.find(f"## {SECTION}\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        kept = text.find("\n### Before", start + 1)
        if kept != -1 and (end == -1 or kept < end):
            end = kept
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    path.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100M,300M,1G", help="e.g. 100M,300M,1G (M = 10^6)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_uploadbench"
        ),
        help="a PostgreSQL database, dropped and created afresh",
    )
    parser.add_argument("--redis-db", type=int, default=4)
    parser.add_argument(
        "--profile", type=Path, help="run the worker solo under cProfile, its stats to this file"
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for Brace's processes (e.g. BRACE_UPLOAD_SESSION_CHUNK_BYTES=67108864)",
    )
    parser.add_argument(
        "--settle",
        action="store_true",
        help="wait for the pick's writeback to disk before the event (not what a portal does)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    sizes = [_size(s) for s in args.sizes.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="brace-bench-upload-", dir=ROOT / "var"))
    env = _environment(tmp, _database(args.database_url), args.redis_db)
    env.update(item.split("=", 1) for item in args.env)
    os.environ.update(env)
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)
    load_before = os.getloadavg()[0]
    results = []
    try:
        with _endpoint() as (endpoint, _), _web(env, tmp / "web.log") as (brace, web):
            app = _seed(endpoint)
            from django.db import connections

            connections.close_all()
            print(f"Brace on {brace}, endpoint on {endpoint}, data in {tmp}", flush=True)
            for size in sizes:
                results.append(_measure_size(size, args, env, tmp, brace, endpoint, app, web))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    args.load = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    section = _section(results, args)
    print()
    print(section)
    if args.write:
        _write_section(ROOT / "bench" / "RESULTS.md", section)
        print("bench/RESULTS.md updated (section upload).")


if __name__ == "__main__":
    main()
