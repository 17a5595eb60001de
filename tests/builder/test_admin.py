"""The admin console for builder models (and the workspaces they live in) renders for a
superuser, with search and filters.

Runtime rows (sessions, stored values, jobs) are read-only there: viewable and deletable;
jobs can be retried and cancelled (builder.portal.job_control), and the actions say why
a job they do not apply to was left as it was.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from builder.layouts import default_layout
from builder.models import (
    Action,
    EventJob,
    JobStatus,
    Page,
    PublishedVersion,
    RuntimeSession,
    UserStore,
)
from builder.services.applications import publish_application
from runtime.values import MAX_JSON_DEPTH
from workspaces.models import Membership

MODELS = ["workspace", "membership", "application", "page", "action", "publishedversion"]
APP_OF = {"workspace": "workspaces", "membership": "workspaces"}


def admin_url(model: str, view: str, *args: object) -> str:
    return reverse(f"admin:{APP_OF.get(model, 'builder')}_{model}_{view}", args=args)


@pytest.fixture
def objects(workspace, application, page, datasource, members):
    action = Action.objects.create(
        page=page, name="Fetch", datasource=datasource, config={"method": "POST"}
    )
    version = publish_application(application=application, user=members["admin"])
    return {
        "workspace": workspace,
        "membership": Membership.objects.filter(workspace=workspace).first(),
        "application": application,
        "page": page,
        "action": action,
        "publishedversion": version,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_the_changelist_renders_with_search(admin_client, objects, model):
    url = admin_url(model, "changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == (3 if model == "membership" else 1)
    searched = admin_client.get(url, {"q": "Acme"})
    assert searched.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_the_change_page_renders(admin_client, objects, model):
    response = admin_client.get(admin_url(model, "change", objects[model].pk))
    assert response.status_code == 200
    assert str(objects[model]) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("model", [m for m in MODELS if m != "publishedversion"])
def test_the_add_page_renders(admin_client, model):
    response = admin_client.get(admin_url(model, "add"))
    assert response.status_code == 200
    assert b"<form" in response.content


@pytest.mark.django_db
def test_list_columns_show_counts_and_the_method(admin_client, objects):
    apps = admin_client.get(reverse("admin:builder_application_changelist")).content.decode()
    assert "Portal" in apps and ">1<" in apps  # one page, published version 1
    pages = admin_client.get(reverse("admin:builder_page_changelist")).content.decode()
    assert "Page1" in pages
    actions = admin_client.get(reverse("admin:builder_action_changelist")).content.decode()
    assert "POST" in actions and "Dropbox" in actions
    workspaces = admin_client.get(reverse("admin:workspaces_workspace_changelist")).content.decode()
    assert ">3<" in workspaces  # members


@pytest.mark.django_db
def test_the_workspace_page_shows_its_members_inline(admin_client, objects):
    url = reverse("admin:workspaces_workspace_change", args=[objects["workspace"].pk])
    html = admin_client.get(url).content.decode()
    assert "memberships-TOTAL_FORMS" in html
    assert "alice_admin" in html


@pytest.mark.django_db
def test_filters_apply(admin_client, objects):
    url = reverse("admin:workspaces_membership_changelist")
    response = admin_client.get(url, {"role__exact": "viewer"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.django_db
def test_published_versions_are_read_only(admin_client, objects):
    version = objects["publishedversion"]
    url = reverse("admin:builder_publishedversion_change", args=[version.pk])
    response = admin_client.post(url, {"number": 9})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.number == 1
    assert admin_client.get(reverse("admin:builder_publishedversion_add")).status_code == 403


@pytest.mark.django_db
def test_saving_a_page_validates_its_layout(admin_client, objects):
    page = objects["page"]
    url = reverse("admin:builder_page_change", args=[page.pk])
    bad = {**default_layout(), "type": "Nope"}
    response = admin_client.post(
        url,
        {
            "application": page.application_id,
            "name": page.name,
            "slug": page.slug,
            "order": 0,
            "layout": json.dumps(bad),
        },
    )
    assert response.status_code == 200
    assert "layout.type" in response.content.decode()
    page.refresh_from_db()
    assert page.layout == default_layout()


@pytest.mark.django_db
def test_a_widget_named_like_an_action_is_refused_with_its_path(admin_client, objects):
    page = objects["page"]
    url = reverse("admin:builder_page_change", args=[page.pk])
    widget = {
        "widgetName": objects["action"].name,
        "type": "Text",
        "props": {"text": "t"},
        "position": {"x": 0, "y": 0, "w": 5, "h": 2},
    }
    response = admin_client.post(
        url,
        {
            "application": page.application_id,
            "name": page.name,
            "slug": page.slug,
            "order": 0,
            "layout": json.dumps({**default_layout(), "children": [widget]}),
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "layout.children[0].widgetName: &#x27;Fetch&#x27; is already" in content
    page.refresh_from_db()
    assert page.layout == default_layout()


@pytest.mark.django_db
def test_saving_a_valid_page_layout_works(admin_client, objects, dropbox_portal):
    page = objects["page"]
    url = reverse("admin:builder_page_change", args=[page.pk])
    response = admin_client.post(
        url,
        {
            "application": page.application_id,
            "name": page.name,
            "slug": page.slug,
            "order": 0,
            "layout": json.dumps(dropbox_portal["page"]["layout"]),
        },
    )
    assert response.status_code == 302
    saved = Page.objects.get(pk=page.pk)
    assert saved.layout == dropbox_portal["page"]["layout"]
    assert saved.version == page.version + 1  # an editor open on it must reload
    assert PublishedVersion.objects.count() == 1


RUNTIME_MODELS = ["runtimesession", "userstore", "eventjob"]


@pytest.fixture
def runtime_rows(objects, members):
    application, page = objects["application"], objects["page"]
    session = RuntimeSession.objects.create(
        user=members["viewer"],
        application=application,
        published_version=objects["publishedversion"],
        widgets_meta={str(page.pk): {"FilePicker1": {"files": [{"data": "blob:f_secretish"}]}}},
        store={"draft": "<b>unsaved</b>"},
    )
    store = UserStore.objects.create(
        user=members["viewer"], application=application, values={"theme": "midnight-blue"}
    )
    job = EventJob.objects.create(
        session=session,
        page_id=page.pk,
        widget="FilePicker1",
        event="onFilesSelected",
        meta={"files": [{"data": "blob:f_secretish"}]},
        action="UploadFileToDropbox",
        status=JobStatus.RUNNING,
        progress=0.25,
    )
    return {"runtimesession": session, "userstore": store, "eventjob": job}


@pytest.mark.django_db
@pytest.mark.parametrize("model", RUNTIME_MODELS)
def test_runtime_changelists_render_and_search_by_user_and_application(
    admin_client, runtime_rows, model
):
    url = reverse(f"admin:builder_{model}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    html = response.content.decode()
    assert "vera_viewer" in html and "Portal" in html
    assert (
        "blob:f_secretish" not in html and "midnight-blue" not in html
    )  # user data: change page only
    for query, count in [("vera", 1), ("Portal", 1), ("nobody", 0)]:
        searched = admin_client.get(url, {"q": query})
        assert searched.status_code == 200
        assert searched.context["cl"].result_count == count


@pytest.mark.django_db
@pytest.mark.parametrize("model", RUNTIME_MODELS)
def test_runtime_change_pages_show_the_json_read_only(admin_client, runtime_rows, model):
    row = runtime_rows[model]
    response = admin_client.get(reverse(f"admin:builder_{model}_change", args=[row.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<textarea" not in html and 'name="_save"' not in html
    expected = {
        "runtimesession": "blob:f_secretish",
        "userstore": "midnight-blue",
        "eventjob": "blob:",
    }
    assert expected[model] in html
    if model == "runtimesession":
        assert "&lt;b&gt;unsaved&lt;/b&gt;" in html  # escaped, never markup


@pytest.mark.django_db
@pytest.mark.parametrize("model", RUNTIME_MODELS)
def test_runtime_rows_cannot_be_added_or_edited(admin_client, runtime_rows, model):
    assert admin_client.get(reverse(f"admin:builder_{model}_add")).status_code == 403
    row = runtime_rows[model]
    url = reverse(f"admin:builder_{model}_change", args=[row.pk])
    assert admin_client.post(url, {"revision": 9, "status": "failed"}).status_code == 403


@pytest.mark.django_db
def test_runtime_rows_can_be_deleted(admin_client, runtime_rows):
    job = runtime_rows["eventjob"]
    url = reverse("admin:builder_eventjob_delete", args=[job.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not EventJob.objects.filter(pk=job.pk).exists()


@pytest.mark.django_db
def test_job_columns_and_filters(admin_client, runtime_rows):
    url = reverse("admin:builder_eventjob_changelist")
    html = admin_client.get(url).content.decode()
    assert "UploadFileToDropbox" in html and "25%" in html and "Running" in html
    assert admin_client.get(url, {"status__exact": "running"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"status__exact": "failed"}).context["cl"].result_count == 0
    sessions = admin_client.get(reverse("admin:builder_runtimesession_changelist"))
    assert ">1<" in sessions.content.decode()  # published version 1


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [1_000, MAX_JSON_DEPTH + 1])
def test_json_nested_too_deep_is_refused_on_its_field(admin_client, objects, depth):
    page, action = objects["page"], objects["action"]
    deep = "[" * depth + "]" * depth
    forms = {
        reverse("admin:builder_page_change", args=[page.pk]): {
            "application": page.application_id,
            "name": page.name,
            "slug": page.slug,
            "order": 0,
            "layout": deep,
        },
        reverse("admin:builder_action_change", args=[action.pk]): {
            "page": page.pk,
            "name": action.name,
            "datasource": action.datasource_id,
            "config": deep,
        },
    }
    for url, form in forms.items():
        response = admin_client.post(url, form)
        assert response.status_code == 200
        assert f"more than {MAX_JSON_DEPTH} levels deep" in response.content.decode()
    page.refresh_from_db()
    action.refresh_from_db()
    assert (page.layout, action.config) == (default_layout(), {"method": "POST"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("toString", "Object.prototype"),
        ("__proto__", "'__'"),
        ("Math", "global name"),
        ("MainContainer", "already used"),
    ],
)
def test_an_action_name_is_checked_as_everywhere(admin_client, objects, name, rule):
    page, action = objects["page"], objects["action"]
    url = reverse("admin:builder_action_change", args=[action.pk])
    form = {"page": page.pk, "name": name, "datasource": action.datasource_id, "config": "{}"}
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert rule in response.context["adminform"].form.errors["name"][0]
    action.refresh_from_db()
    assert action.name == "Fetch"


TYPED_KEY = "typed-api-key-value"


@pytest.fixture
def keyed_action(objects):
    action = objects["action"]
    action.config = {
        "method": "GET",
        "headers": [
            {"key": "X-API-Key", "value": TYPED_KEY},
            {"key": "Authorization", "value": "Bearer {{ appsmith.store.token }}"},
        ],
        "query_params": [{"key": "access_token", "value": TYPED_KEY}],
    }
    action.save()
    return action


@pytest.mark.django_db
def test_an_actions_typed_credentials_are_masked(admin_client, keyed_action):
    response = admin_client.get(reverse("admin:builder_action_change", args=[keyed_action.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert TYPED_KEY not in content
    assert "value_set" in content
    assert "appsmith.store.token" in content  # a binding is shown as written


@pytest.mark.django_db
def test_saving_an_action_keeps_its_masked_credentials(admin_client, keyed_action):
    url = reverse("admin:builder_action_change", args=[keyed_action.pk])
    shown = admin_client.get(url).context["adminform"].form.initial["config"]
    shown["method"] = "POST"
    response = admin_client.post(
        url,
        {
            "page": keyed_action.page_id,
            "name": keyed_action.name,
            "datasource": keyed_action.datasource_id,
            "config": json.dumps(shown),
        },
    )
    assert response.status_code == 302
    keyed_action.refresh_from_db()
    assert keyed_action.config["method"] == "POST"
    assert keyed_action.config["headers"][0] == {"key": "X-API-Key", "value": TYPED_KEY}
    assert keyed_action.config["query_params"] == [{"key": "access_token", "value": TYPED_KEY}]


@pytest.mark.django_db
def test_an_action_cannot_keep_a_credential_it_never_had(admin_client, keyed_action):
    url = reverse("admin:builder_action_change", args=[keyed_action.pk])
    config = {"headers": [{"key": "X-Shown", "value": "", "value_set": True}]}
    response = admin_client.post(
        url,
        {"page": keyed_action.page_id, "name": keyed_action.name, "config": json.dumps(config)},
    )
    assert response.status_code == 200
    assert "config.headers[0].value" in response.content.decode()
    keyed_action.refresh_from_db()
    assert keyed_action.config["headers"][0]["value"] == TYPED_KEY


@pytest.mark.django_db
def test_a_published_versions_typed_credentials_are_masked(
    admin_client, keyed_action, objects, members
):
    version = publish_application(application=objects["application"], user=members["admin"])
    response = admin_client.get(reverse("admin:builder_publishedversion_change", args=[version.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert TYPED_KEY not in content
    assert "X-API-Key" in content and "value_set" in content


def run_job_action(admin_client, action: str, *jobs: EventJob) -> list[tuple[str, str]]:
    """POST an action of the job list; the messages it left, (level, text)."""
    url = reverse("admin:builder_eventjob_changelist")
    response = admin_client.post(
        url, {"action": action, "_selected_action": [str(job.pk) for job in jobs]}, follow=True
    )
    assert response.status_code == 200
    return [(m.level_tag, m.message) for m in response.context["messages"]]


def another_job(job: EventJob, **fields: object) -> EventJob:
    return EventJob.objects.create(
        session=job.session, page_id=job.page_id, widget="W", event="e", **fields
    )


@pytest.mark.django_db
def test_job_list_shows_bytes_attempts_and_the_error(admin_client, runtime_rows):
    job = runtime_rows["eventjob"]
    error = {"code": "upload_session_expired", "message": "The upload session is gone."}
    EventJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, bytes_done=4194304, total_bytes=12583912, attempts=3, error=error
    )
    html = admin_client.get(reverse("admin:builder_eventjob_changelist")).content.decode()
    assert "4,194,304 / 12,583,912" in html
    assert "The upload session is gone." in html
    assert '<td class="field-attempts">3</td>' in html


@pytest.mark.django_db
def test_cancel_action(admin_client, runtime_rows):
    running = runtime_rows["eventjob"]  # no lease: its worker is gone
    alive = another_job(
        running,
        status=JobStatus.RUNNING,
        lease_token=uuid.uuid4(),
        lease_expires_at=timezone.now() + timedelta(minutes=5),
    )
    done = another_job(running, status=JobStatus.SUCCEEDED)
    messages = run_job_action(admin_client, "cancel", running, alive, done)
    assert sorted(messages) == sorted(
        [
            ("success", f"Job {running.pk} is cancelled."),
            ("success", f"Job {alive.pk} will stop once the chunk it is sending is confirmed."),
            (
                "error",
                f"Job {done.pk} has succeeded: only queued and running jobs can be cancelled.",
            ),
        ]
    )
    statuses = dict(EventJob.objects.values_list("pk", "status"))
    assert statuses == {running.pk: "cancelled", alive.pk: "running", done.pk: "succeeded"}
    assert EventJob.objects.get(pk=alive.pk).cancel_requested is True


@pytest.mark.django_db
def test_retry_action(admin_client, runtime_rows):
    gone = runtime_rows["eventjob"]  # running, but no lease: its worker is gone
    alive = another_job(
        gone,
        status=JobStatus.RUNNING,
        lease_token=uuid.uuid4(),
        lease_expires_at=timezone.now() + timedelta(minutes=5),
    )
    failed = another_job(
        gone, status=JobStatus.FAILED, attempts=2, error={"code": "x", "message": "y"}
    )
    done = another_job(gone, status=JobStatus.SUCCEEDED)
    messages = run_job_action(admin_client, "retry", gone, alive, failed, done)
    refused = (
        "only failed and cancelled jobs, and running ones whose worker stopped, can be retried."
    )
    assert sorted(messages) == sorted(
        [
            ("success", f"Job {failed.pk} is queued again."),
            ("success", f"Job {gone.pk} is queued again."),
            ("error", f"Job {alive.pk} is running: {refused}"),
            ("error", f"Job {done.pk} has succeeded: {refused}"),
        ]
    )
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == ("queued", 0, None)
    statuses = dict(EventJob.objects.values_list("pk", "status"))
    assert statuses == {gone.pk: "queued", alive.pk: "running", failed.pk: "queued"} | {
        done.pk: "succeeded"
    }
