"""A background job's query reads as loading for its session until the job ends.

The seed page gets a Text bound to ``{{UploadFileToDropbox.isLoading}}``: it
must read "true" in the queued answer, in the page as GET serves it and in
other events' answers while the job has not ended, and "false" in the job's
own answer (its `result`) and in every evaluation after it ended.
"""

from __future__ import annotations

import pytest

from builder.models import EventJob, JobStatus, RuntimeSession
from builder.portal import jobs, sessions
from tests.builder.portal.support import answer, fire, page_url, pick, publish_seed

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 40  # 10 KB
BUSY = {
    "widgetName": "Busy",
    "type": "Text",
    "props": {"text": "{{String(UploadFileToDropbox.isLoading)}}"},
    "position": {"x": 2, "y": 16, "w": 40, "h": 4},
    "children": [],
}


@pytest.fixture
def busy_app(dropbox_portal, page, members, dropbox_api, media, settings):
    settings.BRACE_EVENT_BACKGROUND_BYTES = 1024
    dropbox_portal["page"]["layout"]["children"].append(BUSY)
    return publish_seed(dropbox_portal, page, dropbox_api.url, members["developer"])


def queue_upload(viewer, app):
    entry = pick(viewer, app.page, CONTENT, name="big.bin", content_type="application/zip")
    return answer(fire(viewer, app.page, "FilePicker1", "onFilesSelected", {"files": [entry]}))


def busy_text(viewer, app):
    return answer(viewer.get(page_url(app.page)))["widgets"]["Busy"]["text"]


def test_the_queued_answer_shows_the_query_loading(client_as, busy_app):
    viewer = client_as("viewer")
    assert busy_text(viewer, busy_app) == "false"
    body = queue_upload(viewer, busy_app)
    assert body["widgets"] == {"Busy": {"text": "true"}}
    assert body["actions"]["UploadFileToDropbox"]["isLoading"] is True
    (line,) = body["jobs"]
    assert (line["widget"], line["file_names"]) == ("FilePicker1", ["big.bin"])


def test_the_page_reads_it_loading_and_lists_the_job_until_it_ends(client_as, busy_app):
    viewer = client_as("viewer")
    (line,) = queue_upload(viewer, busy_app)["jobs"]
    page = answer(viewer.get(page_url(busy_app.page)))
    assert page["widgets"]["Busy"]["text"] == "true"
    assert page["actions"]["UploadFileToDropbox"]["isLoading"] is True
    assert [job["id"] for job in page["jobs"]] == [line["id"]]
    assert page["jobs"][0]["status"] == "queued"

    assert jobs.run_job(line["id"]) == "succeeded"
    page = answer(viewer.get(page_url(busy_app.page)))
    assert page["widgets"]["Busy"]["text"] == "false"
    assert page["actions"]["UploadFileToDropbox"]["isLoading"] is False
    assert page["jobs"] == []


def test_the_jobs_own_answer_turns_it_back(client_as, busy_app):
    viewer = client_as("viewer")
    (line,) = queue_upload(viewer, busy_app)["jobs"]
    jobs.run_job(line["id"])
    result = EventJob.objects.get(pk=line["id"]).result
    assert result["widgets"]["Busy"] == {"text": "false"}
    assert result["actions"]["UploadFileToDropbox"]["isLoading"] is False
    assert result["widgets"]["Result"] == {"text": "Stored as /big.bin"}


def test_other_events_meanwhile_keep_it_loading(client_as, busy_app):
    viewer = client_as("viewer")
    queue_upload(viewer, busy_app)
    # A meta-only event of the same session re-evaluates the page: still loading.
    entry = pick(viewer, busy_app.page, b"small", name="small.txt")
    body = answer(fire(viewer, busy_app.page, "FilePicker1", "", {"files": [entry]}))
    assert "Busy" not in body["widgets"]
    assert body["jobs"] == []
    assert busy_text(viewer, busy_app) == "true"


def test_a_failed_job_ends_the_loading(client_as, busy_app):
    viewer = client_as("viewer")
    (line,) = queue_upload(viewer, busy_app)["jobs"]
    EventJob.objects.filter(pk=line["id"]).update(status=JobStatus.FAILED)
    assert busy_text(viewer, busy_app) == "false"
    assert answer(viewer.get(page_url(busy_app.page)))["jobs"] == []


def test_a_second_job_of_the_query_keeps_it_loading_when_the_first_ends(client_as, busy_app):
    viewer = client_as("viewer")
    entry = pick(viewer, busy_app.page, CONTENT, name="twice.bin")
    meta = {"files": [entry]}
    (first,) = answer(fire(viewer, busy_app.page, "FilePicker1", "onFilesSelected", meta))["jobs"]
    second = answer(fire(viewer, busy_app.page, "FilePicker1", "onFilesSelected", meta))
    assert second["widgets"] == {}  # already loading
    jobs.run_job(first["id"])
    result = EventJob.objects.get(pk=first["id"]).result
    assert "Busy" not in result["widgets"]
    assert result["actions"]["UploadFileToDropbox"]["isLoading"] is True
    assert busy_text(viewer, busy_app) == "true"
    jobs.run_job(second["jobs"][0]["id"])
    assert busy_text(viewer, busy_app) == "false"


def test_another_users_job_is_not_this_sessions(client_as, busy_app, members, workspace):
    queue_upload(client_as("viewer"), busy_app)
    assert busy_text(client_as("developer"), busy_app) == "false"


def test_a_job_of_a_query_the_page_no_longer_has_is_ignored(client_as, busy_app):
    viewer = client_as("viewer")
    (line,) = queue_upload(viewer, busy_app)["jobs"]
    EventJob.objects.filter(pk=line["id"]).update(action="GoneQuery")
    page = answer(viewer.get(page_url(busy_app.page)))
    assert page["widgets"]["Busy"]["text"] == "false"
    assert "GoneQuery" not in page["actions"]
    assert [job["action"] for job in page["jobs"]] == ["GoneQuery"]


def test_the_session_read_says_whether_a_job_has_not_ended(client_as, busy_app, members):
    viewer = client_as("viewer")
    queue_upload(viewer, busy_app)
    view = sessions.read_view(members["viewer"], _published(members["viewer"], busy_app))
    assert view.has_active_jobs is True
    EventJob.objects.update(status=JobStatus.SUCCEEDED)
    view = sessions.read_view(members["viewer"], _published(members["viewer"], busy_app))
    assert view.has_active_jobs is False
    assert sessions.view_jobs(view, busy_app.page.pk) == []
    assert RuntimeSession.objects.count() == 1


def _published(user, app):
    from builder.published_pages import published_page

    return published_page(user, app.page.pk)


def test_the_line_gives_the_confirmed_bytes_of_the_total(client_as, busy_app):
    (line,) = queue_upload(client_as("viewer"), busy_app)["jobs"]
    EventJob.objects.filter(pk=line["id"]).update(bytes_done=2560, progress=0.25)
    job = sessions.job_line(EventJob.objects.get(pk=line["id"]))
    assert (job["bytes_done"], job["total_bytes"], job["progress"]) == (2560, len(CONTENT), 0.25)
