"""A 300 MB file picked in the portal reaches Dropbox through an upload session.

Nothing is stood in for: headless Chromium sends the file to Brace's
``runtime/files/`` on the live server; the ``onFilesSelected`` event is too
big for a web request (BRACE_EVENT_BACKGROUND_BYTES), so it is queued, over
Redis, for a real Celery worker process; the worker runs
``UploadFileToDropbox`` against the test provider's Dropbox-compatible API,
which takes the file through ``upload_session/start``, ``append_v2`` and
``finish`` (the file is over the 150 MiB a single request takes). Meanwhile
the portal polls the job: the FilePicker shows a progress bar with percent
and bytes, and a Text bound to ``{{UploadFileToDropbox.isLoading}}`` reads
true until the job's answer comes.

The provider holds one ``append_v2`` until the test releases it, so the
upload is seen midway whatever the machine's speed. The test is slow (half
a minute here, minutes on a loaded machine), marked ``slow``; ``make test``
runs it.
"""

from __future__ import annotations

import copy
import hashlib
import math
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import current_app
from django.test import Client
from playwright.sync_api import expect
from rest_framework.test import APIClient

from tests.browser.conftest import SCREENSHOTS
from tests.e2e.seed_app import SeedApp, authorize_in_browser, build_seed_app, publish
from tests.oauth_provider.dropbox import ProviderApis
from tests.oauth_provider.process import Provider
from tests.processes import brace_env, stop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

CELERY_WORKER = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"]
MIB = 1024 * 1024
SIZE = 300 * MIB
# BRACE_UPLOAD_SESSION_CHUNK_BYTES for the worker: 8 MiB requests, so that the
# upload can be held a third of the way with many chunks still to go.
CHUNK = 8 * MIB
NAME = "big-upload.bin"
# The append_v2 the provider holds: the upload stands still about a third of the way.
PAUSE_AT = 12
# Minutes, not seconds: the file crosses loopback three times on a loaded machine.
SLOW_MS = 300_000

BUSY = {
    "widgetName": "Busy",
    "type": "Text",
    "props": {"text": "isLoading: {{UploadFileToDropbox.isLoading}}"},
    "position": {"x": 2, "y": 16, "w": 40, "h": 4},
    "children": [],
}


@pytest.fixture
def redis_worker(tmp_path: Path, settings: Any, redis_url: str) -> Iterator[Path]:
    """A real worker process taking the portal's background events from Redis, on a
    queue of its own.

    The web side (the live server, in this process) sends there: the app's
    broker is pointed at Redis for the test and its connection pools dropped,
    then restored. Picked files go to a media folder both processes read.
    """
    from config.celery import app

    var_dir = tmp_path / "worker-var"
    media = var_dir / "media"
    media.mkdir(parents=True)
    settings.MEDIA_ROOT = str(media)
    queue = f"brace-test-{uuid.uuid4().hex}"
    keys = ("broker_url", "broker_transport_options", "task_routes")
    saved = {key: app.conf[key] for key in keys}
    # Background events go to this worker's queue instead of `uploads` (an update
    # of task_routes rebuilds the app's router).
    routes = {"builder.tasks.run_event_job": {"queue": queue}}
    app.conf.update(broker_url=redis_url, broker_transport_options={}, task_routes=routes)
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]
    # `current_app` is a proxy; the stubs type it as the app it stands for.
    previous_app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.set_current()
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [*CELERY_WORKER, "-Q", queue, "--loglevel", "INFO"],
        cwd=settings.BASE_DIR,
        env=brace_env(
            var_dir,
            REDIS_URL=redis_url,
            BRACE_OUTBOUND_ALLOW_PRIVATE="1",
            BRACE_UPLOAD_SESSION_CHUNK_BYTES=str(CHUNK),
        ),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        yield log
    finally:
        stop(worker)
        app.conf.update(saved)
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None  # type: ignore[attr-defined]
        previous_app.set_current()
        shutil.rmtree(media, ignore_errors=True)  # 300 MB the next runs need not keep


@pytest.fixture
def end_user(make_user: Callable[..., Any]) -> Any:
    return make_user("erin_end_user")


@pytest.fixture
def big_upload_app(
    provider: Provider,
    members: dict[str, Any],
    end_user: Any,
    token_client: Callable[[Any], APIClient],
    dropbox_portal: dict[str, Any],
) -> SeedApp:
    """The seed app taking files up to 400 MB, its query given five minutes, published."""
    seed = copy.deepcopy(dropbox_portal)
    (picker,) = [
        node for node in seed["page"]["layout"]["children"] if node["widgetName"] == "FilePicker1"
    ]
    picker["props"]["maxFileSize"] = 400
    seed["actions"][0]["config"]["timeout_s"] = 300
    developer = token_client(members["developer"])
    app = build_seed_app(
        developer, provider, seed, viewers=[end_user.username], extra_widgets=[BUSY]
    )
    session = Client()
    session.force_login(members["developer"])
    landing = authorize_in_browser(session, app.datasource)
    assert landing.response_status == "success", landing.params
    publish(developer, app.application)
    return app


@pytest.fixture
def big_file(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """SIZE random bytes on disk, written in blocks, and their sha256; removed after."""
    path = tmp_path / NAME
    digest = hashlib.sha256()
    with path.open("wb") as out:
        left = SIZE
        while left:
            block = os.urandom(min(CHUNK, left))
            out.write(block)
            digest.update(block)
            left -= len(block)
    yield path, digest.hexdigest()
    path.unlink()  # 300 MB the next runs need not keep


def widget(page: Any, name: str) -> Any:
    return page.locator(f'[data-widget="{name}"]')


def test_a_300_mb_file_uploads_through_a_session_while_the_portal_shows_progress(
    new_page: Callable[..., Any],
    big_upload_app: SeedApp,
    apis: ProviderApis,
    end_user: Any,
    redis_worker: Path,
    big_file: tuple[Path, str],
) -> None:
    source, sha256 = big_file
    apis.pause(at_append=PAUSE_AT)
    page = new_page(end_user)
    page.goto(f"/apps/{big_upload_app.application}/")
    expect(page.locator("#portal")).to_have_attribute("aria-busy", "false")
    expect(widget(page, "Busy")).to_have_text("isLoading: false")

    try:
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Select a file").click()
        chooser.value.set_files(str(source))

        bar = widget(page, "FilePicker1").get_by_role("progressbar", name=f"Uploading {NAME}")
        shown = re.compile(r"^(\d{1,2})% · [\d.]+ MB of 300 MB$")
        expect(bar).to_have_text(shown, timeout=SLOW_MS)
        # Held at the PAUSE_AT-th append: the bar counts the bytes the API
        # confirmed, the start and the appends before it, and stands still there.
        confirmed = PAUSE_AT * CHUNK
        expect(bar).to_have_attribute(
            "aria-valuenow", str(confirmed * 100 // SIZE), timeout=SLOW_MS
        )
        expect(bar).to_have_text(f"32% · {confirmed // MIB} MB of 300 MB")
        expect(widget(page, "Busy")).to_have_text("isLoading: true")
        expect(page.get_by_role("button", name="Select a file")).to_be_disabled()
        page.screenshot(path=str(SCREENSHOTS / "large_upload-running.png"), full_page=True)
    finally:
        apis.release()

    outcome = widget(page, "FilePicker1").get_by_role("status")
    expect(outcome).to_have_text(f"Uploaded {NAME}", timeout=SLOW_MS)
    expect(bar).to_have_count(0)
    expect(widget(page, "Busy")).to_have_text("isLoading: false")
    expect(widget(page, "Result")).to_have_text(f"Stored as /{NAME}")
    page.screenshot(path=str(SCREENSHOTS / "large_upload-done.png"), full_page=True)

    # One file at the provider, the very bytes, sent as one session of 8 MiB requests.
    files = apis.files()
    assert list(files) == [f"/{NAME}"], redis_worker.read_text()[-3000:]
    assert (files[f"/{NAME}"]["size"], files[f"/{NAME}"]["sha256"]) == (SIZE, sha256)
    steps = [r for r in apis.requests() if r["api"].startswith("dropbox.upload")]
    chunks = math.ceil(SIZE / CHUNK)
    assert chunks == 38
    assert [r["api"] for r in steps] == [
        "dropbox.upload_session.start",
        *["dropbox.upload_session.append_v2"] * (chunks - 2),
        "dropbox.upload_session.finish",
    ]
    assert [r["status"] for r in steps] == [200] * chunks
    assert [r["size"] for r in steps] == [CHUNK] * (chunks - 1) + [SIZE - (chunks - 1) * CHUNK]
    assert page.errors == []

    # A reload reads the session as the job left it: nothing loading, nothing to follow.
    page.reload()
    expect(page.locator("#portal")).to_have_attribute("aria-busy", "false")
    expect(widget(page, "Busy")).to_have_text("isLoading: false")
    expect(widget(page, "Result")).to_have_text(f"Stored as /{NAME}")
    expect(page.get_by_role("progressbar")).to_have_count(0)
