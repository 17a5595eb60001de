"""A background upload whose datasource loses its authorization mid-session.

The seed app's page published against the test provider's Dropbox API with
a real OAuth datasource; the end user picks a 9 MiB file, which makes the
event a job and the upload a session of 4 MiB chunks. The provider expires
the access token, or revokes the grant, as the first append arrives
(``tests.oauth_provider.session_faults``). The job is run in-process, as
``tests/builder/portal/test_jobs.py`` does.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pytest

from builder.models import EventJob, JobStatus
from builder.portal import jobs
from datasources.models import OAuthToken, TokenStatus
from tests.builder.portal.support import answer, fire, pick, publish_page
from tests.oauth_provider.dropbox import ProviderApis

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
CONTENT = os.urandom(9 * MiB)


@pytest.fixture
def uploads(settings: Any, apis: ProviderApis) -> ProviderApis:
    settings.BRACE_EVENT_BACKGROUND_BYTES = 1024
    settings.BRACE_UPLOAD_SESSION_THRESHOLD_BYTES = 4 * MiB
    settings.BRACE_UPLOAD_SESSION_CHUNK_BYTES = 4 * MiB
    return apis


@pytest.fixture
def queued(
    uploads, dropbox_portal, page, members, media, oauth_datasource, authorize, provider, client_as
) -> str:
    """The seed page on an authorized Dropbox-preset OAuth datasource; a picked file's job id."""
    datasource = oauth_datasource(name="Dropbox", scopes=["files.content.write"])
    datasource.preset = "dropbox"
    datasource.url = provider.url("/")
    datasource.headers = [{"key": "Content-Type", "value": "application/octet-stream"}]
    datasource.save(update_fields=["preset", "url", "headers"])
    authorize(datasource)
    (action,) = dropbox_portal["actions"]
    publish_page(
        page,
        members["developer"],
        dropbox_portal["page"]["layout"],
        UploadFileToDropbox=(datasource, action["config"]),
    )
    viewer = client_as("viewer")
    entry = pick(viewer, page, CONTENT, name="big.bin", content_type="application/zip")
    body = answer(fire(viewer, page, "FilePicker1", "onFilesSelected", {"files": [entry]}))
    (line,) = body["jobs"]
    return str(line["id"])


def session_steps(apis: ProviderApis) -> list[tuple[str, int]]:
    return [
        (seen["api"].removeprefix("dropbox.upload_session."), seen["status"])
        for seen in apis.requests()
        if seen["api"].startswith("dropbox.upload_session.")
    ]


def test_a_revoked_grant_fails_the_job_as_needing_reauthorization(queued, uploads, provider):
    uploads.session_faults({"step": "append_v2", "at": 1, "answer": "revoke_grant"})

    assert jobs.run_job(queued) == JobStatus.FAILED.value

    job = EventJob.objects.get(pk=queued)
    assert job.status == JobStatus.FAILED
    assert job.error == {
        "code": "needs_reauthorization",
        "message": "UploadFileToDropbox failed: Datasource 'Dropbox' needs to be authorized again.",
    }
    # The handler's .catch ran: its alert is in the answer kept with the job.
    assert job.result["effects"][0]["style"] == "error"
    assert session_steps(uploads) == [("start", 200), ("append_v2", 401)]
    assert len(provider.token_requests("refresh_token")) == 1
    token = OAuthToken.objects.get(datasource__name="Dropbox")
    assert token.status == TokenStatus.NEEDS_REAUTHORIZATION
    assert uploads.files() == {}


def test_a_datasource_nobody_authorized_fails_the_job_too(queued, uploads):
    OAuthToken.objects.all().delete()  # disconnected while the job was queued

    assert jobs.run_job(queued) == JobStatus.FAILED.value

    job = EventJob.objects.get(pk=queued)
    assert job.error["code"] == "not_authorized"
    assert job.error["message"].startswith("UploadFileToDropbox failed: ")
    assert session_steps(uploads) == []


def test_an_expired_token_is_refreshed_and_the_job_succeeds(queued, uploads, provider):
    uploads.session_faults({"step": "append_v2", "at": 1, "answer": "expire_token"})

    assert jobs.run_job(queued) == JobStatus.SUCCEEDED.value

    job = EventJob.objects.get(pk=queued)
    assert job.error is None
    assert session_steps(uploads) == [
        ("start", 200),
        ("append_v2", 401),
        ("append_v2", 200),
        ("finish", 200),
    ]
    assert len(provider.token_requests("refresh_token")) == 1
    (stored,) = uploads.files().values()
    assert stored["path_display"] == "/big.bin"
    assert stored["sha256"] == hashlib.sha256(CONTENT).hexdigest()
