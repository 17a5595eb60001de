"""The one module that imports prometheus_client: registry, exposition, process files.

Single process (no ``PROMETHEUS_MULTIPROC_DIR``): metrics live in this
process's memory, in `REGISTRY`, and `exposition` renders them.

Several processes (gunicorn's workers, Celery's pool): prometheus_client's
multiprocess mode. With ``PROMETHEUS_MULTIPROC_DIR`` set *before this module
is first imported*, every process writes its values into its own files in
that directory (``counter_<pid>.db``...), and `exposition` merges the files
of that directory and of the ``extra_dirs`` it is given (another kind of
process on the same host writing into a directory of its own, such as the
Celery workers'): counters and histograms are summed over every process that
ever wrote since the directory was cleaned, dead ones included, so a total
never goes down when a worker is recycled. Each kind of process cleans its
own directory when it starts (`clean_process_dir`, from gunicorn's
``on_starting`` and Celery's ``worker_init``) and gunicorn reports exited
workers (`mark_process_exited`, from its ``child_exit``).

Values that are cheap to read at scrape time and true across every process
and host (rows in the database) are not counted in processes: a
`ScrapeGauge` reads them when /metrics is rendered.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def process_dir() -> str:
    """The directory this process writes its metrics into ("" for single-process mode)."""
    return os.environ.get(MULTIPROC_ENV, "")


# prometheus_client picks its value class when it is imported, and an unlabelled
# metric opens its file as soon as it is made: the directory must exist first.
if process_dir():
    Path(process_dir()).mkdir(parents=True, exist_ok=True)

from prometheus_client import (  # noqa: E402
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric  # noqa: E402
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead  # noqa: E402
from prometheus_client.registry import Collector  # noqa: E402

__all__ = [
    "CONTENT_TYPE",
    "REGISTRY",
    "Counter",
    "Histogram",
    "ScrapeGauge",
    "add_scrape_gauge",
    "clean_process_dir",
    "exposition",
    "mark_process_exited",
    "process_dir",
]

logger = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Brace's own metrics, apart from prometheus_client's default registry (which
# also holds whatever a library registers there).
REGISTRY = CollectorRegistry(auto_describe=True)

# A process's files: `<kind>_<pid>.db`, `gauge_<mode>_<pid>.db`.
_PID_FILE = re.compile(r".*_(\d+)\.db")


class ScrapeGauge(Collector):
    """A gauge whose values ``read`` returns, by label values, when /metrics is rendered.

    A ``read`` that fails leaves this gauge out of that scrape (and logs why),
    so a database that is down does not take the other metrics with it.
    """

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str],
        read: Callable[[], Mapping[tuple[str, ...], float]],
    ) -> None:
        self.name = name
        self.documentation = documentation
        self.labelnames = tuple(labelnames)
        self.read = read

    def describe(self) -> Iterable[Metric]:
        return [GaugeMetricFamily(self.name, self.documentation, labels=self.labelnames)]

    def collect(self) -> Iterable[Metric]:
        try:
            values = self.read()
        except Exception:
            logger.exception("metric %s could not be read; left out of this scrape", self.name)
            return []
        family = GaugeMetricFamily(self.name, self.documentation, labels=self.labelnames)
        for labels, value in sorted(values.items()):
            family.add_metric(list(labels), value)
        return [family]


_scrape_gauges: dict[str, ScrapeGauge] = {}


def add_scrape_gauge(gauge: ScrapeGauge) -> None:
    """Render ``gauge`` in every exposition from now on (again by name: replaced)."""
    _scrape_gauges[gauge.name] = gauge


class _ProcessFiles(Collector):
    """The multiprocess files of several directories, merged as one process's would be."""

    def __init__(self, directories: Sequence[str]) -> None:
        self.directories = directories

    def collect(self) -> Iterable[Metric]:
        files = [str(path) for folder in self.directories for path in Path(folder).glob("*.db")]
        merged: Iterable[Metric] = MultiProcessCollector.merge(  # type: ignore[no-untyped-call]
            files, accumulate=True
        )
        return merged


def _directories(extra_dirs: Iterable[str]) -> list[str]:
    own = [process_dir()] if process_dir() else []
    # A directory not made yet: its processes have not started.
    return [folder for folder in (*own, *extra_dirs) if folder and Path(folder).is_dir()]


def exposition(extra_dirs: Iterable[str] = ()) -> bytes:
    """Every metric in Prometheus's text format.

    Multiprocess mode: the files of this process's directory and of
    ``extra_dirs``, summed. Otherwise this process's `REGISTRY`. The scrape
    gauges are read either way.
    """
    registry = CollectorRegistry(auto_describe=False)
    if process_dir():
        registry.register(_ProcessFiles(_directories(extra_dirs)))
    else:
        registry.register(_Registered(REGISTRY))
    for gauge in _scrape_gauges.values():
        registry.register(gauge)
    return generate_latest(registry)


class _Registered(Collector):
    """What a registry holds, as one collector of another registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterable[Metric]:
        return self.registry.collect()


def _pid_of(path: Path) -> int | None:
    match = _PID_FILE.fullmatch(path.name)
    return int(match.group(1)) if match else None


def clean_process_dir() -> None:
    """Empty this process's metrics directory of earlier runs' files (made if missing).

    Called once when a kind of process starts (gunicorn's master in
    ``on_starting``, a Celery worker's main process in ``worker_init``),
    before its children fork. This process's own files stay: it may already
    have opened them, and would go on writing into removed files.
    """
    folder = process_dir()
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for path in Path(folder).glob("*.db"):
        if _pid_of(path) != os.getpid():
            path.unlink(missing_ok=True)


def mark_process_exited(pid: int) -> None:
    """Forget an exited process's live gauges (gunicorn's ``child_exit``).

    Its counters and histograms stay in the directory: their totals must not
    go down when a worker is replaced.
    """
    if process_dir():
        mark_process_dead(pid, process_dir())  # type: ignore[no-untyped-call]
