"""A portal event's fixed-shape statements, as SQL written once instead of compiled per call.

    session_row(user_id, application_id)         # (session, persisted store, has jobs) or None
    locked_session_row(session_id)               # (session, persisted store) by id, locked
    save_session(session)                        # UPDATE of what an event changes
    page_application(page_id, user_id)           # (Application, version or None, role) or None
    datasource_row(datasource_id, workspace_id)  # a Datasource, secrets decrypted, or None

Every portal event runs these (tests/builder/portal/test_event_cost.py pins
how many). Django's ORM compiles each query anew on every call, 0.3-0.6 ms
of CPU here against ~0.03 ms for SQLite to run it; the SQL below is built
once per database vendor from the models' metadata and runs through
`connection.cursor()`, so it is wrapped, counted and logged like the ORM's,
and rows become instances as the ORM makes them (`restapi.rows`). The
token read of the same requests is `restapi.authentication`'s.

Each function means exactly what the ORM form named in its docstring means,
locking included; tests/builder/test_statements.py compares them on SQLite
and on PostgreSQL. Everything off this hot path stays on the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.utils import timezone

from builder.models import (
    Application,
    EventJob,
    JobStatus,
    Page,
    PublishedPageRef,
    PublishedVersion,
    RuntimeSession,
    UserStore,
)
from datasources.models import Datasource
from restapi.rows import ModelColumns, column, concrete_field, table
from workspaces.models import Membership

__all__ = [
    "datasource_row",
    "locked_session_row",
    "page_application",
    "save_session",
    "session_row",
]

# What an event reads of a session; the persisted store values come after them.
_SESSION_FIELDS = (
    "id",
    "user",
    "application",
    "published_version",
    "widgets_meta",
    "actions",
    "store",
    "revision",
)
# What an event changes (`updated_at` is auto_now); the other columns never change.
_SESSION_WRITES = (
    "published_version",
    "widgets_meta",
    "actions",
    "store",
    "revision",
    "updated_at",
)


@cache
def _session_columns() -> ModelColumns[RuntimeSession]:
    return ModelColumns(RuntimeSession, _SESSION_FIELDS)


@cache
def _session_sql(vendor: str, *, locked: bool) -> str:
    user, application = column(RuntimeSession, "user"), column(RuntimeSession, "application")
    persisted = (
        f"(SELECT u.{column(UserStore, 'values')} FROM {table(UserStore)} u "  # noqa: S608  # names from model metadata, values as parameters
        f"WHERE u.{column(UserStore, 'user')} = s.{user} "
        f"AND u.{column(UserStore, 'application')} = s.{application} LIMIT 1)"
    )
    if locked:
        where = f"s.{column(RuntimeSession, 'id')} = %s"
        jobs = ""
    else:
        where = f"s.{user} = %s AND s.{application} = %s"
        # Whether a background job of the session has not ended (its status a
        # fixed name, not a value from outside): only then are its jobs read.
        active = ", ".join(f"'{status.value}'" for status in (JobStatus.QUEUED, JobStatus.RUNNING))
        jobs = (
            f", EXISTS (SELECT 1 FROM {table(EventJob)} j "  # noqa: S608  # names from model metadata, values as parameters
            f"WHERE j.{column(EventJob, 'session')} = s.{column(RuntimeSession, 'id')} "
            f"AND j.{column(EventJob, 'status')} IN ({active}))"
        )
    # Locks the session row only, not the subquery's, as the ORM's select_for_update() does.
    lock = " FOR UPDATE" if locked and connection.features.has_select_for_update else ""
    return (
        f"SELECT {_session_columns().select('s')}, {persisted}{jobs} "  # noqa: S608  # names from model metadata, values as parameters
        f"FROM {table(RuntimeSession)} s WHERE {where}{lock}"
    )


def _session(row: Sequence[Any] | None) -> tuple[RuntimeSession, Any] | None:
    if row is None:
        return None
    session = _session_columns().instance(row[:-1], connection)
    values: Any = concrete_field(UserStore, "values")  # a JSONField: its from_db_value
    persisted = row[-1]
    for converter in values.get_db_converters(connection):
        persisted = converter(persisted, values, connection)
    return session, persisted


def session_row(user_id: int, application_id: int) -> tuple[RuntimeSession, Any, bool] | None:
    """The user's session in the application with their persisted store values, or None.

    The ORM form: ``RuntimeSession.objects.filter(user=, application=)``
    annotated with the `UserStore` row's ``values`` as a subquery and
    ``Exists(EventJob.objects.filter(session=OuterRef("pk"), status__in=
    [queued, running]))``, ``.first()`` (the pair is unique). Takes no lock.
    """
    with connection.cursor() as cursor:
        cursor.execute(_session_sql(connection.vendor, locked=False), [user_id, application_id])
        row = cursor.fetchone()
    found = _session(None if row is None else row[:-1])
    if found is None or row is None:
        return None
    return found[0], found[1], bool(row[-1])


def locked_session_row(session_id: int) -> tuple[RuntimeSession, Any]:
    """`session_row` by id with the session row locked, as ``select_for_update().get(pk=)``.

    Inside a transaction (`transaction.atomic`); on SQLite, where there is no
    FOR UPDATE, the IMMEDIATE transaction serialises writers instead.
    Raises ``RuntimeSession.DoesNotExist`` when the row is gone.
    """
    with connection.cursor() as cursor:
        cursor.execute(_session_sql(connection.vendor, locked=True), [session_id])
        found = _session(cursor.fetchone())
    if found is None:
        raise RuntimeSession.DoesNotExist(f"No runtime session {session_id}.")
    return found


@cache
def _save_sql(vendor: str) -> str:
    sets = ", ".join(f"{column(RuntimeSession, name)} = %s" for name in _SESSION_WRITES)
    return f"UPDATE {table(RuntimeSession)} SET {sets} WHERE {column(RuntimeSession, 'id')} = %s"  # noqa: S608  # names from model metadata, values as parameters


def save_session(session: RuntimeSession) -> None:
    """Write a session read by `locked_session_row`: the row ``session.save()`` would leave.

    Its other columns (user, application, created_at) are never changed by an
    event; ``updated_at`` becomes now, as auto_now does.
    """
    session.updated_at = timezone.now()
    fields = [concrete_field(RuntimeSession, name) for name in _SESSION_WRITES]
    params = [
        field.get_db_prep_save(getattr(session, field.attname), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(_save_sql(connection.vendor), [*params, session.pk])


@cache
def _datasource_columns() -> ModelColumns[Datasource]:
    return ModelColumns(Datasource)


@cache
def _datasource_sql(vendor: str) -> str:
    return (
        f"SELECT {_datasource_columns().select('d')} FROM {table(Datasource)} d "  # noqa: S608  # names from model metadata, values as parameters
        f"WHERE d.{column(Datasource, 'id')} = %s AND d.{column(Datasource, 'workspace')} = %s"
    )


def datasource_row(datasource_id: int, workspace_id: int) -> Datasource | None:
    """``Datasource.objects.filter(pk=, workspace_id=).first()``: its secrets decrypted."""
    with connection.cursor() as cursor:
        cursor.execute(_datasource_sql(connection.vendor), [datasource_id, workspace_id])
        row = cursor.fetchone()
    return None if row is None else _datasource_columns().instance(row, connection)


# What the page lookup reads of the current version: its key, never its JSON.
_VERSION_FIELDS = ("id", "application", "number", "created_at")


@cache
def _page_columns() -> tuple[ModelColumns[Application], ModelColumns[PublishedVersion]]:
    return ModelColumns(Application), ModelColumns(PublishedVersion, _VERSION_FIELDS)


@cache
def _page_sql(vendor: str) -> str:
    applications, versions = _page_columns()
    a_id = column(Application, "id")
    role = (
        f"(SELECT m.{column(Membership, 'role')} FROM {table(Membership)} m "  # noqa: S608  # names from model metadata, values as parameters
        f"WHERE m.{column(Membership, 'workspace')} = a.{column(Application, 'workspace')} "
        f"AND m.{column(Membership, 'user')} = %s LIMIT 1)"
    )
    owner = (
        f"COALESCE((SELECT r.{column(PublishedPageRef, 'application')} "  # noqa: S608  # names from model metadata, values as parameters
        f"FROM {table(PublishedPageRef)} r WHERE r.{column(PublishedPageRef, 'page_id')} = %s), "
        f"(SELECT p.{column(Page, 'application')} FROM {table(Page)} p "
        f"WHERE p.{column(Page, 'id')} = %s))"
    )
    return (
        f"SELECT {applications.select('a')}, {versions.select('v')}, {role} "  # noqa: S608  # names from model metadata, values as parameters
        f"FROM {table(Application)} a LEFT OUTER JOIN {table(PublishedVersion)} v "
        f"ON v.{column(PublishedVersion, 'id')} = a.{column(Application, 'published_version')} "
        f"WHERE a.{a_id} = {owner}"
    )


def page_application(
    page_id: int, user_id: int | None
) -> tuple[Application, PublishedVersion | None, str | None] | None:
    """The application of a published page, the key columns of its current version, the role.

    The application is the one the page's `PublishedPageRef` names (kept after
    the draft page is deleted), else the draft page's; None if neither
    exists. The version (None before the first publish) holds its id,
    application, number and created_at only. The role is the user's
    membership in the application's workspace (None for a non-member or
    ``user_id`` None). The ORM form: ``PublishedPageRef`` (else ``Page``)
    ``.select_related("application__published_version")`` annotated with
    `workspaces.permissions.role_subquery`.
    """
    applications, versions = _page_columns()
    with connection.cursor() as cursor:
        cursor.execute(_page_sql(connection.vendor), [user_id, page_id, page_id])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(applications)
    application = applications.instance(row[:split], connection)
    version_row = row[split : split + len(versions)]
    version = None if version_row[0] is None else versions.instance(version_row, connection)
    return application, version, row[-1]
