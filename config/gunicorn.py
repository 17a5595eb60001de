"""gunicorn's configuration for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Threaded workers (gthread): a portal event waits on upstream APIs (Dropbox,
token endpoints) and on long uploads, and a thread waits without holding a
process, while evaluating bindings in QuickJS needs a CPU, which processes
give. So, by default, one process per core (at least two, so that one
recycled or crashed worker never leaves the site without a server) with four
threads each. A gthread worker tells the arbiter it is alive from its own
loop, not from the request, so `timeout` never kills a long upload; it
only catches a worker whose loop is stuck.

Every value comes from the environment (README.md, "Production"):

    WEB_CONCURRENCY           processes          (default: cores, at least 2)
    GUNICORN_THREADS          threads per process (default: 4)
    BIND / PORT               address            (default: 0.0.0.0:$PORT, PORT 8000)
    GUNICORN_TIMEOUT          seconds before a stuck worker is restarted (30)
    GUNICORN_GRACEFUL_TIMEOUT seconds a stopping worker may finish requests (30)
    GUNICORN_KEEPALIVE        seconds an idle keep-alive connection stays open (5;
                              behind a load balancer, more than its idle timeout)
    GUNICORN_MAX_REQUESTS     requests after which a worker is replaced (0: never),
                              with up to a tenth of it as jitter
    GUNICORN_CONTROL_SOCKET   path of gunicorn's control socket (default: none)

This file reads the environment itself rather than through config.env:
importing the `config` package loads Celery and Django into the arbiter,
which only needs these numbers.
"""

from __future__ import annotations

import os


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number; got {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}; got {raw!r}")
    return value


def default_workers(cores: int | None) -> int:
    """One process per core, at least two."""
    return max(2, cores or 1)


worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", default_workers(os.cpu_count()), minimum=1)
threads = _int("GUNICORN_THREADS", 4, minimum=1)
bind = [os.environ.get("BIND") or f"0.0.0.0:{_int('PORT', 8000)}"]

timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

# The heartbeat file is touched constantly; on a disk-backed /tmp (as in many
# containers) that can stall a worker, so it goes to memory when there is one.
_MEMORY = "/dev/shm"  # noqa: S108 - the heartbeat file only, no data
if os.path.isdir(_MEMORY):
    worker_tmp_dir = _MEMORY

# gunicorn 25+ opens a control socket in $HOME by default: two servers on one
# machine (or one per test) would fight over it. Opt in with a path.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

proc_name = "brace-web"

# Access log on stdout, one line a request. The path only (%(U)s), never the
# query string (%(r)s, %(q)s) or the referrer, which may carry an OAuth `code`,
# a `state` or a token; the proxy's X-Forwarded-For beside the peer address.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%(h)s fwd=%({x-forwarded-for}i)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
)
