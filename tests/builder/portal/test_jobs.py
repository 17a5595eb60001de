"""Big events run as background jobs: queued by the web request, run by the run_event_job task.

The worker's side is called in-process here (CELERY_TASK_ALWAYS_EAGER stays
off: the web request only enqueues, once its transaction commits); real
workers are tested in tests/config/test_celery.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from builder.models import EventJob, JobStatus, RuntimeFile
from builder.portal import jobs
from builder.portal.tasks import run_event_job
from config.celery import app
from tests.builder.helpers import assert_error, file_json, store_bytes
from tests.builder.portal.support import answer, fire, pick
from workspaces.models import Membership, Role, Workspace

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 400  # 100 KB
ROOT = Path(__file__).resolve().parents[3]


def job_url(job_id) -> str:
    return f"/api/v1/runtime/jobs/{job_id}/"


@pytest.fixture
def small_threshold(settings):
    settings.BRACE_EVENT_BACKGROUND_BYTES = 1024


@pytest.fixture
def queued(client_as, seed_app, small_threshold, django_capture_on_commit_callbacks):
    """A viewer picked a 100 KB file: the event answered with a queued job."""
    viewer = client_as("viewer")
    entry = pick(viewer, seed_app.page, CONTENT, name="big.bin", content_type="application/zip")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        body = answer(
            fire(viewer, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [entry]})
        )
    assert len(callbacks) == 1  # the enqueue, once the job row is committed
    return body, entry


class TestQueueing:
    def test_the_answer_lists_the_job_and_changes_nothing_yet(self, queued, dropbox_api):
        body, _ = queued
        (line,) = body["jobs"]
        assert body == {
            "effects": [],
            "widgets": {},
            "actions": {},
            "errors": {},
            "store": {},
            "jobs": [{"id": line["id"], "action": "UploadFileToDropbox", "status": "queued"}],
        }
        job = EventJob.objects.get(pk=line["id"])
        assert (job.status, job.progress, job.total_bytes) == ("queued", 0.0, len(CONTENT))
        assert (job.widget, job.event) == ("FilePicker1", "onFilesSelected")
        assert dropbox_api.uploads == []

    def test_polling_a_queued_job(self, queued, client_as):
        line = queued[0]["jobs"][0]
        assert answer(client_as("viewer").get(job_url(line["id"]))) == {
            "id": line["id"],
            "action": "UploadFileToDropbox",
            "status": "queued",
            "progress": 0.0,
            "bytes_done": 0,
            "total_bytes": len(CONTENT),
            "attempts": 0,
            "result": None,
            "error": None,
        }

    def test_small_files_and_meta_only_events_run_at_once(self, client_as, seed_app, settings):
        settings.BRACE_EVENT_BACKGROUND_BYTES = len(CONTENT)
        viewer = client_as("viewer")
        entry = pick(viewer, seed_app.page, CONTENT[:1000])
        body = answer(fire(viewer, seed_app.page, "FilePicker1", "", {"files": [entry]}))
        assert body["jobs"] == []
        assert not EventJob.objects.exists()

    def test_the_threshold_is_the_setting(self, settings):
        settings.BRACE_EVENT_BACKGROUND_BYTES = 1234
        assert jobs.background_bytes() == 1234

    def test_the_default_threshold_is_8_mb(self, tmp_path):
        # The default lives in config/settings.py, read from the environment at
        # import: a fresh interpreter without the variable shows it.
        env = {k: v for k, v in os.environ.items() if k != "BRACE_EVENT_BACKGROUND_BYTES"}
        env.update(DJANGO_SETTINGS_MODULE="config.settings_test", BRACE_VAR_DIR=str(tmp_path))
        code = (
            "import django; django.setup(); "
            "from builder.portal.jobs import background_bytes; print(background_bytes())"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(8 * 1024 * 1024)

    def test_invalid_events_make_no_job(self, client_as, seed_app, small_threshold, members):
        theirs = store_bytes(members["developer"], seed_app.application, CONTENT)
        meta = {"files": [file_json(theirs)]}
        response = fire(client_as("viewer"), seed_app.page, "FilePicker1", "onFilesSelected", meta)
        assert_error(response, 400, "invalid_file_reference", "meta.files[0].data")
        assert not EventJob.objects.exists()


class TestTheWorker:
    def test_it_runs_the_event_and_keeps_the_answer(self, queued, client_as, dropbox_api):
        line = queued[0]["jobs"][0]
        assert run_event_job(line["id"]) == {"job": line["id"], "status": "succeeded"}
        (upload,) = dropbox_api.uploads
        assert upload.path == "/big.bin" and upload.body == CONTENT
        job = answer(client_as("viewer").get(job_url(line["id"])))
        assert (job["status"], job["progress"], job["error"]) == ("succeeded", 1.0, None)
        assert (job["bytes_done"], job["total_bytes"], job["attempts"]) == (len(CONTENT),) * 2 + (
            1,
        )
        result = job["result"]
        assert result["effects"] == [
            {"type": "showAlert", "message": "Uploaded big.bin", "style": "success"}
        ]
        assert result["widgets"]["Result"] == {"text": "Stored as /big.bin"}
        assert result["jobs"] == []

    def test_a_job_runs_once(self, queued, dropbox_api):
        line = queued[0]["jobs"][0]
        jobs.run_job(line["id"])
        assert jobs.run_job(line["id"]) == "succeeded"
        assert len(dropbox_api.uploads) == 1

    def test_an_unknown_job(self, db):
        assert jobs.run_job(str(uuid.uuid4())) == "missing"

    def test_a_file_that_expired_in_the_queue(self, queued, dropbox_api):
        line = queued[0]["jobs"][0]
        RuntimeFile.objects.update(expires_at=RuntimeFile.objects.get().created_at)
        assert jobs.run_job(line["id"]) == "failed"
        job = EventJob.objects.get(pk=line["id"])
        assert job.error["code"] == "invalid_file_reference"
        assert job.result is None and dropbox_api.uploads == []

    def test_a_user_who_left_the_workspace(self, queued, members, dropbox_api):
        line = queued[0]["jobs"][0]
        Membership.objects.filter(user=members["viewer"]).delete()
        assert jobs.run_job(line["id"]) == "failed"
        assert EventJob.objects.get(pk=line["id"]).error["code"] == "not_found"
        assert dropbox_api.uploads == []

    def test_an_unexpected_fault_fails_the_job_and_is_raised(self, queued, monkeypatch):
        line = queued[0]["jobs"][0]

        def crash(*args, **kwargs):
            raise RuntimeError("bug")

        monkeypatch.setattr(jobs, "run_event", crash)
        with pytest.raises(RuntimeError):
            jobs.run_job(line["id"])
        job = EventJob.objects.get(pk=line["id"])
        assert job.status == JobStatus.FAILED
        assert job.error == {"code": "internal_error", "message": "The background run failed."}

    def test_the_task_is_registered_under_its_name(self):
        assert run_event_job.name == "builder.tasks.run_event_job"
        app.loader.import_default_modules()
        assert "builder.tasks.run_event_job" in app.tasks

    def test_a_worker_process_finds_the_portal_tasks(self, tmp_path):
        # What a worker imports on start, in an interpreter that has not
        # imported builder.portal.tasks by itself.
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
        env["BRACE_VAR_DIR"] = str(tmp_path)
        code = (
            "import django; django.setup(); from config.celery import app; "
            "app.loader.import_default_modules(); "
            "print(sorted(name for name in app.tasks if name.startswith('builder.')))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(
            [
                "builder.tasks.purge_expired_runtime_files",
                "builder.tasks.purge_finished_event_jobs",
                "builder.tasks.resume_orphaned_event_jobs",
                "builder.tasks.run_event_job",
            ]
        )


class TestWhoSeesAJob:
    def test_only_its_user(self, queued, client_as):
        line = queued[0]["jobs"][0]
        for role in ("developer", "admin", "outsider"):
            assert_error(client_as(role).get(job_url(line["id"])), 404, "not_found")

    def test_a_viewer_of_another_workspace(self, queued, make_user, token_client):
        other = Workspace.objects.create(name="Other")
        stranger = make_user("stranger")
        Membership.objects.create(workspace=other, user=stranger, role=Role.VIEWER)
        response = token_client(stranger).get(job_url(queued[0]["jobs"][0]["id"]))
        assert_error(response, 404, "not_found")

    def test_anonymous(self, queued, api_client):
        assert_error(api_client.get(job_url(queued[0]["jobs"][0]["id"])), 401, "not_authenticated")

    # Fixed ids: every pytest-xdist worker must collect the same test ids.
    @pytest.mark.parametrize("job_id", ["nope", "123", "5f0c8a7e-3b1d-4e2f-9a6b-c4d3e2f1a0b9"])
    def test_no_such_job(self, client_as, job_id):
        assert_error(client_as("viewer").get(job_url(job_id)), 404, "not_found")


def test_jobs_go_with_their_session(queued):
    from builder.models import RuntimeSession

    RuntimeSession.objects.all().delete()
    assert not EventJob.objects.exists()


def test_finished_jobs_are_purged_after_a_day(queued):
    from django.utils import timezone

    from builder.portal.tasks import purge_finished_event_jobs

    job_id = queued[0]["jobs"][0]["id"]
    assert purge_finished_event_jobs() == {"purged": 0}  # still queued
    EventJob.objects.filter(pk=job_id).update(status=JobStatus.SUCCEEDED)
    assert jobs.purge_finished_jobs() == 0  # ended just now
    later = timezone.now() + timedelta(days=1, seconds=1)
    assert jobs.purge_finished_jobs(later) == 1
    assert not EventJob.objects.exists()


@pytest.mark.parametrize("status", [JobStatus.FAILED, JobStatus.CANCELLED])
def test_failed_and_cancelled_jobs_are_purged_too(queued, status):
    from django.utils import timezone

    EventJob.objects.update(status=status)
    assert jobs.purge_finished_jobs(timezone.now() + timedelta(days=2)) == 1


def test_a_running_job_is_not_purged(queued):
    from django.utils import timezone

    EventJob.objects.update(status=JobStatus.RUNNING)
    assert jobs.purge_finished_jobs(timezone.now() + timedelta(days=2)) == 0
