"""builder.statements give what their ORM forms give, on SQLite and on PostgreSQL.

Run on PostgreSQL with DATABASE_URL=postgres://...; the lock test runs there only.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from builder import statements
from builder.models import EventJob, JobStatus, RuntimeSession, UserStore
from datasources.models import AuthType, Datasource
from tests.threads import race

pytestmark = pytest.mark.django_db

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def _values(instance: Any, names: list[str] | None = None) -> dict[str, Any]:
    fields = type(instance)._meta.concrete_fields
    return {f.attname: getattr(instance, f.attname) for f in fields if not names or f.name in names}


SESSION_FIELDS = list(statements._SESSION_FIELDS)


@pytest.fixture
def session(application, members):
    version = application.published_versions.create(number=1, snapshot={"pages": []})
    return RuntimeSession.objects.create(
        user=members["viewer"],
        application=application,
        published_version=version,
        widgets_meta={"1": {"Input1": {"text": 'héllo "quoted"'}}},
        actions={"1": {"Api1": {"data": [1, 2.5, None, True], "isLoading": False}}},
        store={"n": 1, "nested": {"a": [1, {"b": None}]}},
        revision=7,
    )


def test_the_session_read_is_the_orms(session, members, application):
    UserStore.objects.create(user=members["viewer"], application=application, values={"p": [1]})
    found = statements.session_row(members["viewer"].pk, application.pk)
    assert found is not None
    row, persisted, _ = found
    orm = RuntimeSession.objects.get(pk=session.pk)
    assert _values(row, SESSION_FIELDS) == _values(orm, SESSION_FIELDS)
    assert persisted == {"p": [1]}
    assert row._state.adding is False and row._state.db == "default"


def test_a_session_without_persisted_values_reads_none_for_them(session, members, application):
    found = statements.session_row(members["viewer"].pk, application.pk)
    assert found is not None
    assert found[1] is None


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((), False),
        ((JobStatus.SUCCEEDED, JobStatus.FAILED), False),
        ((JobStatus.QUEUED,), True),
        ((JobStatus.SUCCEEDED, JobStatus.RUNNING), True),
    ],
)
def test_the_session_read_says_whether_a_job_has_not_ended_as_the_orm_does(
    session, members, application, statuses, expected
):
    from django.db.models import Exists, OuterRef

    for status in statuses:
        EventJob.objects.create(session=session, page_id=1, widget="F", event="e", status=status)
    found = statements.session_row(members["viewer"].pk, application.pk)
    assert found is not None
    active = EventJob.objects.filter(
        session=OuterRef("pk"), status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    )
    orm = RuntimeSession.objects.annotate(active=Exists(active)).get(pk=session.pk)
    assert found[2] is orm.active is expected


def test_no_session_reads_none(session, members, application):
    assert statements.session_row(members["developer"].pk, application.pk) is None
    assert statements.session_row(members["viewer"].pk, application.pk + 1000) is None


def test_the_locked_read_is_the_orms(session, members, application):
    UserStore.objects.create(user=members["viewer"], application=application, values={"p": 2})
    with transaction.atomic():
        row, persisted = statements.locked_session_row(session.pk)
    assert _values(row, SESSION_FIELDS) == _values(session, SESSION_FIELDS)
    assert persisted == {"p": 2}


def test_a_locked_read_of_a_deleted_session_raises_does_not_exist(session):
    pk = session.pk
    session.delete()
    with transaction.atomic(), pytest.raises(RuntimeSession.DoesNotExist):
        statements.locked_session_row(pk)


def test_a_save_leaves_the_row_the_orms_save_leaves(session, application):
    second = application.published_versions.create(number=2, snapshot={"pages": []})
    with transaction.atomic():
        row, _ = statements.locked_session_row(session.pk)
        before = timezone.now()
        row.published_version = second
        row.widgets_meta = {"2": {"FilePicker1": {"files": [{"name": "ä.txt"}]}}}
        row.actions = {}
        row.store = {"k": "v", "n": None}
        row.revision += 1
        statements.save_session(row)
    saved = RuntimeSession.objects.get(pk=session.pk)
    assert saved.published_version_id == second.pk
    assert saved.widgets_meta == {"2": {"FilePicker1": {"files": [{"name": "ä.txt"}]}}}
    assert (saved.actions, saved.store, saved.revision) == ({}, {"k": "v", "n": None}, 8)
    assert saved.updated_at >= before
    # What is not an event's to change stays.
    assert (saved.user_id, saved.application_id, saved.created_at) == (
        session.user_id,
        session.application_id,
        session.created_at,
    )
    # The ORM's own save of the same values writes the same row.
    saved.save()
    assert _values(RuntimeSession.objects.get(pk=session.pk), SESSION_FIELDS) == _values(
        saved, SESSION_FIELDS
    )


def test_a_session_whose_version_was_deleted_reads_none_for_it(session, members, application):
    session.published_version.delete()
    found = statements.session_row(members["viewer"].pk, application.pk)
    assert found is not None
    assert found[0].published_version_id is None


def test_the_datasource_read_is_the_orms_secrets_decrypted(workspace):
    datasource = Datasource.objects.create(
        workspace=workspace,
        name="Api",
        url="https://api.example.com/",
        headers=[{"key": "X-A", "value": "1"}],
        auth_type=AuthType.OAUTH2,
        password="pw",
        bearer_token="bt",
        api_key_value="akv",
        client_secret="cs",
        scopes=["read", "write"],
        use_pkce=False,
        send_scope_with_refresh_token=True,
        authorization_expires_in=3600,
    )
    row = statements.datasource_row(datasource.pk, workspace.pk)
    orm = Datasource.objects.get(pk=datasource.pk)
    assert row is not None
    assert _values(row) == _values(orm)
    assert (row.password, row.bearer_token, row.api_key_value, row.client_secret) == (
        "pw",
        "bt",
        "akv",
        "cs",
    )
    assert row.use_pkce is False and row.send_scope_with_refresh_token is True
    assert row.created_at.tzinfo is not None


def test_a_datasource_of_another_workspace_reads_none(workspace, datasource):
    assert statements.datasource_row(datasource.pk, workspace.pk + 1000) is None
    assert statements.datasource_row(datasource.pk + 1000, workspace.pk) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: DATABASE_URL=postgres://...")
def test_the_locked_read_holds_the_row_until_commit(session):
    """A second locked read waits for the first transaction, as select_for_update() does."""
    held, order = threading.Event(), []
    connection.close()

    def first() -> None:
        with transaction.atomic():
            statements.locked_session_row(session.pk)
            held.set()
            time.sleep(0.3)
            order.append("first commits")

    def second() -> None:
        held.wait(10)
        with transaction.atomic():
            statements.locked_session_row(session.pk)
            order.append("second locked")

    results = race([first, second])
    assert results == [None, None]
    assert order == ["first commits", "second locked"]


def test_the_page_lookup_is_the_orms(page, members, application):
    from builder.services.applications import publish_application

    assert statements.page_application(page.pk + 1000, members["viewer"].pk) is None
    found = statements.page_application(page.pk, members["viewer"].pk)
    assert found is not None
    unpublished, version, role = found
    assert (unpublished.pk, version, role) == (application.pk, None, "viewer")
    published = publish_application(application=application, user=members["developer"])
    found = statements.page_application(page.pk, members["developer"].pk)
    assert found is not None
    row, version, role = found
    orm = type(application).objects.get(pk=application.pk)
    assert _values(row) == _values(orm)
    assert version is not None and role == "developer"
    assert (version.pk, version.application_id, version.number, version.created_at) == (
        published.pk,
        application.pk,
        published.number,
        published.created_at,
    )
    assert statements.page_application(page.pk, members["outsider"].pk)[2] is None
    assert statements.page_application(page.pk, None)[2] is None
    # A deleted draft page is found through its publish record.
    page_id = page.pk
    page.delete()
    found = statements.page_application(page_id, members["viewer"].pk)
    assert found is not None and found[0].pk == application.pk
