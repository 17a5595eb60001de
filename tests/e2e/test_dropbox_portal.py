"""The seed workflow end to end, as its users do it, against real servers.

A developer builds the seed app (builder/examples/dropbox_portal.json) through
Brace's REST API: a workspace, the Dropbox datasource (preset ``dropbox``, its
URLs pointed at the test provider on loopback), the page, the
``UploadFileToDropbox`` query; then Save and Authorize (Brace -> provider login
and consent -> Brace's callback -> back on the datasource screen with
``response_status=success``) and publish. An end user (a viewer) picks a file
and the FilePicker's ``onFilesSelected`` handler uploads it: the provider's
``/2/files/upload`` (``tests.oauth_provider.dropbox``) must hold the very bytes
at ``/<picked name>``.

The editor's Run button (``actions/{id}/run/``) drives the same datasource
with ``this.params``; a real Celery worker runs the big upload the portal
hands to a background job.

The helpers that build and drive the seed app live in ``tests.e2e.seed_app``.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery import current_app
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.e2e.seed_app import (
    API,
    UPLOADED_NAME,
    SeedApp,
    alerts,
    authorize_in_browser,
    build_seed_app,
    created,
    fire,
    pick_file,
    publish,
    sha256,
)
from tests.oauth_provider import browser as dance
from tests.oauth_provider.clients import CLIENTS
from tests.oauth_provider.dropbox import ProviderApis
from tests.oauth_provider.process import Provider
from tests.processes import brace_env, stop

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_app(
    provider: Provider,
    apis: ProviderApis,
    media: Any,
    members: dict[str, Any],
    end_user: Any,
    token_client: Callable[[Any], APIClient],
    browser: Callable[[Any], Client],
    dropbox_portal: dict[str, Any],
) -> SeedApp:
    """The seed app built, authorized at the provider (as alice) and published."""
    developer = token_client(members["developer"])
    app = build_seed_app(
        developer,
        provider,
        dropbox_portal,
        viewers=[end_user.username],
        extra_widgets=[UPLOADED_NAME],
    )
    landing = authorize_in_browser(browser(members["developer"]), app.datasource)
    assert landing.path == f"/editor/datasources/{app.datasource}/"
    assert landing.params == {"response_status": "success"}
    publish(developer, app.application)
    return app


# Save and Authorize


def test_save_and_authorize_sends_the_seed_settings_to_the_provider(
    provider: Provider,
    members: dict[str, Any],
    token_client: Callable[[Any], APIClient],
    browser: Callable[[Any], Client],
    dropbox_portal: dict[str, Any],
    media: Any,
) -> None:
    developer = token_client(members["developer"])
    app = build_seed_app(developer, provider, dropbox_portal, viewers=[])
    before = developer.get(f"{API}/datasources/{app.datasource}/").json()
    assert before["preset"] == "dropbox"
    assert before["authentication"]["custom_auth_params"] == [
        {"key": "token_access_type", "value": "offline"}
    ]
    assert before["authorization"] is None or before["authorization"]["status"] == "unauthorized"
    session = browser(members["developer"])

    provider_url = dance.start(session, app.datasource, f"/editor/datasources/{app.datasource}/")
    query = dance.Landing(provider_url).params
    assert provider_url.startswith(provider.authorization_url + "?")
    assert query["token_access_type"] == "offline"
    assert query["scope"] == "files.content.write"
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == before["redirect_url"]
    landing = dance.callback(session, dance.consent(provider_url))

    assert (landing.path, landing.response_status) == (
        f"/editor/datasources/{app.datasource}/",
        "success",
    )
    after = developer.get(f"{API}/datasources/{app.datasource}/").json()
    assert after["authorization"]["status"] == "authorized"
    assert after["authorization"]["scopes"] == ["files.content.write"]
    assert "client_secret" not in after["authentication"]
    assert CLIENTS["brace-code"][0] not in json.dumps(after)
    (exchange,) = provider.token_requests("authorization_code")
    assert exchange["client_auth"] == "basic"  # client_authentication: basic_header
    assert exchange["code_verifier"] is True


# The editor's Run button, available before the portal


def test_the_editor_runs_an_upload_of_a_picked_file_with_params(
    seed_app: SeedApp,
    apis: ProviderApis,
    members: dict[str, Any],
    token_client: Callable[[Any], APIClient],
    dropbox_portal: dict[str, Any],
) -> None:
    """The seed query's config with `this.params` in place of the FilePicker, run from
    the editor: same datasource, same upload path through Brace."""
    developer = token_client(members["developer"])
    content = b"%PDF-1.7\n" + bytes(range(256)) * 300 + b"\n%%EOF\n"
    picked = pick_file(developer, seed_app.page, "profile.pdf", content, "application/pdf")
    config = copy.deepcopy(dropbox_portal["actions"][0]["config"])
    config["headers"][0]["value"] = config["headers"][0]["value"].replace(
        "FilePicker1.files[0]", "this.params.file"
    )
    config["body"] = "{{this.params.file.data}}"
    action = created(
        developer.post(
            f"{API}/actions/",
            {
                "page": seed_app.page,
                "name": "UploadParam",
                "datasource": seed_app.datasource,
                "config": config,
            },
            format="json",
        )
    )

    run = developer.post(
        f"{API}/actions/{action['id']}/run/", {"params": {"file": picked}}, format="json"
    ).json()

    assert run["error"] is None, run
    assert run["response_meta"]["is_execution_success"] is True
    assert run["data"]["path_display"] == "/profile.pdf"
    assert run["data"]["size"] == len(content)
    stored = apis.files()["/profile.pdf"]
    assert stored["sha256"] == sha256(content)
    assert apis.content("/profile.pdf") == content
    (sent,) = apis.requests("dropbox.upload")
    assert sent["headers"]["content-type"] == "application/octet-stream"
    assert sent["headers"]["content-length"] == str(len(content))
    assert json.loads(sent["headers"]["dropbox-api-arg"]) == {
        "path": "/profile.pdf",
        "mode": "add",
        "autorename": True,
        "mute": False,
        "strict_conflict": False,
    }
    assert sent["headers"]["authorization"].startswith("Bearer sha256:")
    assert run["request"]["headers"]["authorization"] == "[REDACTED]"


def param_upload_action(
    developer: APIClient, app: SeedApp, seed: dict[str, Any], name: str = "UploadParam"
) -> int:
    """The seed query with `this.params.file` in place of the FilePicker's file: the
    shape the editor's Run button can drive before any end user picked a file."""
    config = copy.deepcopy(seed["actions"][0]["config"])
    config["headers"][0]["value"] = config["headers"][0]["value"].replace(
        "FilePicker1.files[0]", "this.params.file"
    )
    config["body"] = "{{this.params.file.data}}"
    body = {"page": app.page, "name": name, "datasource": app.datasource, "config": config}
    return int(created(developer.post(f"{API}/actions/", body, format="json"))["id"])


def test_an_editor_upload_after_the_provider_expired_the_token_refreshes_once(
    seed_app: SeedApp,
    apis: ProviderApis,
    provider: Provider,
    members: dict[str, Any],
    token_client: Callable[[Any], APIClient],
    dropbox_portal: dict[str, Any],
) -> None:
    developer = token_client(members["developer"])
    action = param_upload_action(developer, seed_app, dropbox_portal)
    picked = pick_file(developer, seed_app.page, "notes.txt", b"refreshed upload\n")
    assert provider.expire_access_tokens() >= 1

    run = developer.post(
        f"{API}/actions/{action}/run/", {"params": {"file": picked}}, format="json"
    ).json()

    assert run["error"] is None, run
    assert run["data"]["path_display"] == "/notes.txt"
    assert len(provider.token_requests("refresh_token")) == 1
    assert [u["status"] for u in apis.requests("dropbox.upload")] == [401, 200]
    assert apis.content("/notes.txt") == b"refreshed upload\n"


def test_a_picked_file_name_outside_ascii_reaches_dropbox_intact(
    seed_app: SeedApp,
    apis: ProviderApis,
    members: dict[str, Any],
    token_client: Callable[[Any], APIClient],
    dropbox_portal: dict[str, Any],
) -> None:
    """HTTP headers carry ASCII only: Dropbox wants the JSON escaped (\\u00e9)."""
    developer = token_client(members["developer"])
    action = param_upload_action(developer, seed_app, dropbox_portal)
    picked = pick_file(developer, seed_app.page, "résumé 2026.txt", b"CV")

    run = developer.post(
        f"{API}/actions/{action}/run/", {"params": {"file": picked}}, format="json"
    ).json()

    assert run["error"] is None, run
    assert run["data"]["path_display"] == "/résumé 2026.txt"
    assert apis.content("/résumé 2026.txt") == b"CV"


def test_a_picked_file_name_with_a_quote_reaches_dropbox_intact(
    seed_app: SeedApp,
    apis: ProviderApis,
    members: dict[str, Any],
    token_client: Callable[[Any], APIClient],
    dropbox_portal: dict[str, Any],
) -> None:
    """The seed's header puts the name inside a JSON string: a quote in it must not
    break (or rewrite) the Dropbox-API-Arg JSON. (Backslashes never arrive: Django
    keeps only what follows the last one, as browsers on Windows send full paths.)"""
    name = 'Ann "final" CV.txt'
    developer = token_client(members["developer"])
    action = param_upload_action(developer, seed_app, dropbox_portal)
    picked = pick_file(developer, seed_app.page, name, b"CV")

    run = developer.post(
        f"{API}/actions/{action}/run/", {"params": {"file": picked}}, format="json"
    ).json()

    assert run["error"] is None, run
    assert run["data"]["path_display"] == f"/{picked['name']}"
    assert apis.content(f"/{picked['name']}") == b"CV"


def test_dropboxs_conflict_answer_comes_back_as_a_failed_run_with_its_body(
    seed_app: SeedApp,
    apis: ProviderApis,
    members: dict[str, Any],
    token_client: Callable[[Any], APIClient],
    dropbox_portal: dict[str, Any],
) -> None:
    """Without autorename, other bytes at a taken path are Dropbox's 409 path/conflict."""
    developer = token_client(members["developer"])
    seed = copy.deepcopy(dropbox_portal)
    header = seed["actions"][0]["config"]["headers"][0]
    header["value"] = header["value"].replace('"autorename": true', '"autorename": false')
    action = param_upload_action(developer, seed_app, seed)
    results = []
    for content in (b"v1", b"v2"):
        # A FilePicker keeps its last pick only: each file is sent before the next is picked.
        picked = pick_file(developer, seed_app.page, "report.txt", content)
        results.append(
            developer.post(
                f"{API}/actions/{action}/run/", {"params": {"file": picked}}, format="json"
            ).json()
        )

    assert results[0]["error"] is None, results[0]
    assert results[1]["response_meta"]["status_code"] == 409
    assert results[1]["response_meta"]["is_execution_success"] is False
    assert results[1]["data"]["error_summary"] == "path/conflict/file/.."
    assert results[1]["error"]["code"] == "http_status"
    assert apis.content("/report.txt") == b"v1"
    assert list(apis.files()) == ["/report.txt"]


def test_the_seed_query_run_from_the_editor_says_no_file_is_picked(
    seed_app: SeedApp,
    apis: ProviderApis,
    members: dict[str, Any],
    token_client: Callable[[Any], APIClient],
) -> None:
    run = (
        token_client(members["developer"])
        .post(f"{API}/actions/{seed_app.action}/run/", {}, format="json")
        .json()
    )

    assert run["response_meta"]["is_execution_success"] is False
    assert run["error"]["code"] == "binding_error"
    assert run["error"]["field"] == "config.headers[0].value"
    assert apis.requests("dropbox.upload") == []


# The published portal


def test_an_end_user_uploads_the_picked_file_to_dropbox(
    seed_app: SeedApp,
    apis: ProviderApis,
    end_user: Any,
    token_client: Callable[[Any], APIClient],
) -> None:
    portal = token_client(end_user)
    loaded = portal.get(f"{API}/runtime/pages/{seed_app.page}/")
    assert loaded.status_code == 200, loaded.content
    assert loaded.json()["widgets"]["Result"]["text"] == "Nothing uploaded yet"
    assert "onFilesSelected" not in json.dumps(loaded.json()["layout"])
    content = b"Ann Example, profile\n" * 50
    picked = pick_file(portal, seed_app.page, "ann-profile.txt", content)
    assert picked["data"].startswith("blob:")

    response = fire(portal, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [picked]})

    assert response.status_code == 200, response.content
    answer = response.json()
    assert alerts(answer) == [("Uploaded ann-profile.txt", "success")]
    assert answer["widgets"]["Result"]["text"] == "Stored as /ann-profile.txt"
    assert answer["widgets"]["UploadedName"]["text"] == "ann-profile.txt"
    state = answer["actions"]["UploadFileToDropbox"]
    assert state["responseMeta"]["isExecutionSuccess"] is True
    assert state["data"]["path_lower"] == "/ann-profile.txt"
    stored = apis.files()["/ann-profile.txt"]
    assert stored["sha256"] == sha256(content)
    assert stored["size"] == len(content)
    assert apis.content("/ann-profile.txt") == content
    (sent,) = apis.requests("dropbox.upload")
    assert sent["headers"]["content-type"] == "application/octet-stream"
    assert json.loads(sent["headers"]["dropbox-api-arg"])["path"] == "/ann-profile.txt"
    # The runtime session keeps the result: a reload shows it.
    reloaded = portal.get(f"{API}/runtime/pages/{seed_app.page}/").json()
    assert reloaded["widgets"]["Result"]["text"] == "Stored as /ann-profile.txt"
    assert reloaded["widgets"]["UploadedName"]["text"] == "ann-profile.txt"


def test_an_expired_token_is_refreshed_once_and_the_upload_goes_through(
    seed_app: SeedApp,
    apis: ProviderApis,
    provider: Provider,
    end_user: Any,
    token_client: Callable[[Any], APIClient],
) -> None:
    portal = token_client(end_user)
    first = pick_file(portal, seed_app.page, "cv.txt", b"first version\n")
    uploaded = fire(portal, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [first]})
    assert uploaded.status_code == 200, uploaded.content
    assert provider.expire_access_tokens() >= 1  # the provider ends the token early

    second = pick_file(portal, seed_app.page, "cv.txt", b"second version\n")
    answer = fire(
        portal, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [second]}
    ).json()

    assert alerts(answer) == [("Uploaded cv.txt", "success")]
    # Other bytes at the same path: Dropbox's autorename keeps both.
    assert answer["widgets"]["Result"]["text"] == "Stored as /cv (1).txt"
    assert len(provider.token_requests("refresh_token")) == 1
    uploads = apis.requests("dropbox.upload")
    assert [u["status"] for u in uploads] == [200, 401, 200]
    assert uploads[1]["headers"]["authorization"] == uploads[0]["headers"]["authorization"]
    assert uploads[2]["headers"]["authorization"] != uploads[1]["headers"]["authorization"]
    assert apis.content("/cv (1).txt") == b"second version\n"
    assert apis.content("/cv.txt") == b"first version\n"


def test_a_token_brace_knows_has_expired_is_refreshed_before_the_upload(
    seed_app: SeedApp,
    apis: ProviderApis,
    provider: Provider,
    end_user: Any,
    token_client: Callable[[Any], APIClient],
) -> None:
    """Time passed (the stored expiry is behind us): one refresh, then one upload, no 401."""
    from datasources.models import OAuthToken

    stored = OAuthToken.objects.get(datasource_id=seed_app.datasource)
    stored.expires_at = timezone.now() - timedelta(minutes=1)
    stored.save(update_fields=["expires_at"])
    portal = token_client(end_user)
    picked = pick_file(portal, seed_app.page, "late.txt", b"after expiry")

    answer = fire(portal, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [picked]})

    assert alerts(answer.json()) == [("Uploaded late.txt", "success")]
    assert len(provider.token_requests("refresh_token")) == 1
    assert [u["status"] for u in apis.requests("dropbox.upload")] == [200]
    assert apis.content("/late.txt") == b"after expiry"


def test_a_failed_upload_shows_the_error_alert(
    seed_app: SeedApp,
    apis: ProviderApis,
    members: dict[str, Any],
    end_user: Any,
    token_client: Callable[[Any], APIClient],
) -> None:
    """Revoked at Brace: the query fails, its Promise rejects, `.catch` shows the message."""
    developer = token_client(members["developer"])
    forgotten = developer.delete(f"{API}/datasources/{seed_app.datasource}/token/")
    assert forgotten.status_code == 200, forgotten.content
    portal = token_client(end_user)
    picked = pick_file(portal, seed_app.page, "a.txt", b"hello")

    answer = fire(portal, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [picked]})

    assert answer.status_code == 200, answer.content
    assert alerts(answer.json()) == [
        ("UploadFileToDropbox failed: Datasource 'Dropbox' is not authorized yet.", "error")
    ]
    assert answer.json()["widgets"].get("Result", {}).get("text") != "Stored as /a.txt"
    assert apis.requests("dropbox.upload") == []


def test_a_viewer_of_another_workspace_cannot_use_the_portal(
    seed_app: SeedApp,
    apis: ProviderApis,
    members: dict[str, Any],
    end_user: Any,
    token_client: Callable[[Any], APIClient],
) -> None:
    picked = pick_file(token_client(end_user), seed_app.page, "a.txt", b"hello")
    stranger = token_client(members["viewer"])  # a viewer, but of the "Acme" workspace

    event = fire(stranger, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [picked]})
    page = stranger.get(f"{API}/runtime/pages/{seed_app.page}/")
    upload = stranger.post(
        f"{API}/runtime/files/",
        {"file": SimpleUploadedFile("b.txt", b"x"), "page": seed_app.page, "widget": "FilePicker1"},
        format="multipart",
    )

    assert (event.status_code, page.status_code, upload.status_code) == (404, 404, 404)
    assert apis.requests("dropbox.upload") == []


def test_an_end_user_cannot_send_another_users_file(
    seed_app: SeedApp,
    apis: ProviderApis,
    make_user: Callable[..., Any],
    end_user: Any,
    members: dict[str, Any],
    token_client: Callable[[Any], APIClient],
) -> None:
    """A second viewer replays the first one's `blob:` reference: nothing is sent."""
    other = make_user("olga_other_viewer")
    developer = token_client(members["developer"])
    member = {"username": other.username, "role": "viewer"}
    created(
        developer.post(f"{API}/workspaces/{seed_app.workspace}/members/", member, format="json")
    )
    picked = pick_file(token_client(end_user), seed_app.page, "secret.txt", b"end user's own")

    response = fire(
        token_client(other), seed_app.page, "FilePicker1", "onFilesSelected", {"files": [picked]}
    )

    assert response.status_code == 400, response.content
    error = response.json()
    assert (error["code"], error["field"]) == ("invalid_file_reference", "meta.files[0].data")
    assert apis.requests("dropbox.upload") == []


def test_per_user_tokens_upload_with_each_end_users_own_account(
    provider: Provider,
    apis: ProviderApis,
    media: Any,
    members: dict[str, Any],
    end_user: Any,
    token_client: Callable[[Any], APIClient],
    browser: Callable[[Any], Client],
    dropbox_portal: dict[str, Any],
) -> None:
    """token_sharing "per_user": the developer's grant (alice) is not the end user's."""
    developer = token_client(members["developer"])
    app = build_seed_app(
        developer,
        provider,
        dropbox_portal,
        viewers=[end_user.username],
        authentication={"token_sharing": "per_user"},
    )
    assert authorize_in_browser(browser(members["developer"]), app.datasource).params == {
        "response_status": "success"
    }
    publish(developer, app.application)
    portal = token_client(end_user)
    picked = pick_file(portal, app.page, "mine.txt", b"end user's file")

    before = fire(portal, app.page, "FilePicker1", "onFilesSelected", {"files": [picked]}).json()
    landing = dance.authorize(
        browser(end_user), app.datasource, username="bob", return_to=f"/apps/{app.application}/"
    )
    after = fire(portal, app.page, "FilePicker1", "onFilesSelected", {"files": [picked]}).json()

    assert alerts(before) == [
        ("UploadFileToDropbox failed: Datasource 'Dropbox' is not authorized yet.", "error")
    ]
    assert (landing.path, landing.response_status) == (f"/apps/{app.application}/", "success")
    assert alerts(after) == [("Uploaded mine.txt", "success")]
    (sent,) = apis.requests("dropbox.upload")
    assert sent["account"] == "bob"
    assert apis.content("/mine.txt") == b"end user's file"


@pytest.fixture
def celery_worker(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """A real worker process on kombu's filesystem transport in a fresh folder.

    The web side (this process) sends to the same folders: the app's broker
    settings are pointed there for the test and its connection pools dropped
    (what Celery itself does after a fork), then restored.
    """
    from config.celery import app

    var_dir = tmp_path / "worker-var"
    queue = var_dir / "celery" / "queue"
    for folder in ("queue", "processed", "results", "control"):
        (var_dir / "celery" / folder).mkdir(parents=True)
    settings.MEDIA_ROOT = str(var_dir / "media")  # picked files, read by the worker
    saved = {key: app.conf[key] for key in ("broker_url", "broker_transport_options")}
    options = {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "control_folder": str(var_dir / "celery" / "control"),
    }
    app.conf.update(broker_url="filesystem://localhost//", broker_transport_options=options)
    # Celery's private connection pools, which its stubs leave out.
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]
    # Shared tasks send through the *current* app, which any Celery() made
    # earlier in the session (tests/config/test_celery.py makes clients) may be.
    # `current_app` is a proxy; the stubs type it as the app it stands for.
    previous_app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.set_current()
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"],
        cwd=settings.BASE_DIR,
        env=brace_env(var_dir, BRACE_OUTBOUND_ALLOW_PRIVATE="1"),  # the provider is on loopback
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


@pytest.mark.django_db(transaction=True)
def test_a_big_upload_runs_on_a_real_worker_while_the_portal_polls(
    seed_app: SeedApp,
    apis: ProviderApis,
    end_user: Any,
    token_client: Callable[[Any], APIClient],
    celery_worker: Path,
    settings: Any,
) -> None:
    settings.BRACE_EVENT_BACKGROUND_BYTES = 64 * 1024
    portal = token_client(end_user)
    content = bytes(range(256)) * 4096 + b"tail"  # 1 MB and a bit
    picked = pick_file(portal, seed_app.page, "backup.bin", content, "application/octet-stream")

    queued = fire(portal, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [picked]})
    assert queued.status_code == 200, queued.content
    (line,) = queued.json()["jobs"]
    assert (line["action"], line["status"]) == ("UploadFileToDropbox", "queued")
    assert queued.json()["effects"] == []
    deadline = time.monotonic() + 90
    job: dict[str, Any] = {}
    while time.monotonic() < deadline:
        job = portal.get(f"{API}/runtime/jobs/{line['id']}/").json()
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.2)

    assert job["status"] == "succeeded", (job, celery_worker.read_text()[-3000:])
    assert job["progress"] == 1.0
    assert alerts(job["result"]) == [("Uploaded backup.bin", "success")]
    assert job["result"]["widgets"]["Result"]["text"] == "Stored as /backup.bin"
    assert apis.files()["/backup.bin"]["sha256"] == sha256(content)
    reloaded = portal.get(f"{API}/runtime/pages/{seed_app.page}/").json()
    assert reloaded["widgets"]["Result"]["text"] == "Stored as /backup.bin"
