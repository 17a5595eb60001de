"""The builder's data: applications (each in a workspace, see `workspaces`),
pages (a widget tree each), actions (queries) and published versions.

A page's `layout` is the JSON widget tree validated by `widgets`; an action's
`config` is the query as the API pane edits it (docs/editor-api.md). Entity names
(widgets and actions) are unique per page: bindings reference them.

End users of published apps have runtime files (picked in a FilePicker), one
runtime session per application (meta values, query results, the store),
values they stored with persist=true (`UserStore`), and background jobs of
their big events (`EventJob`); builder.portal changes them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from runtime import FILE_REFERENCE_PREFIX
from workspaces.models import Workspace


class Application(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="applications")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The version portals serve; None until the first publish.
    published_version = models.ForeignKey(
        "PublishedVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="application_unique_slug"),
        ]
        ordering = ["workspace_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Page(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pages")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    order = models.PositiveIntegerField(default=0)
    layout = models.JSONField(default=dict)
    # +1 on every save of the name or layout: a save that names an older
    # version is refused (two editors must not silently overwrite each other).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "name"], name="page_unique_name"),
            models.UniqueConstraint(fields=["application", "slug"], name="page_unique_slug"),
        ]
        ordering = ["application_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.application} / {self.name}"


class Action(models.Model):
    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="actions")
    name = models.CharField(max_length=120)
    datasource = models.ForeignKey(
        "datasources.Datasource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    config = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "name"], name="action_unique_name"),
        ]
        ordering = ["page_id", "name"]

    def __str__(self) -> str:
        return self.name


class PublishedVersion(models.Model):
    """A frozen snapshot of an application's pages and actions: what portals serve.

    `snapshot` is {"pages": [{id, name, slug, order, layout}], "actions": [{id, page,
    name, datasource, config}]}; `compiled` holds, per page id, what the runtime
    built once at publish time (dependency graph, compiled bindings).
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="published_versions"
    )
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    compiled = models.JSONField(default=dict)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="published_unique_number"
            ),
        ]
        ordering = ["application_id", "-number"]

    def __str__(self) -> str:
        return f"{self.application} v{self.number}"


class PublishedPageRef(models.Model):
    """Which application a page id of a published snapshot belongs to.

    Written at publish for every page in the snapshot and kept when the draft
    page is deleted, so that portals go on serving the published page until
    the next publish leaves it out. Page ids are never reused.
    """

    page_id = models.BigIntegerField(primary_key=True)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="published_page_refs"
    )

    def __str__(self) -> str:
        return f"Published page {self.page_id} of {self.application}"


class RuntimeFile(models.Model):
    """A file an end user picked in a portal's FilePicker, kept until `expires_at`.

    Referenced from bindings as `blob:<id>`; the id is random and unguessable,
    and only its owner, in the same application, can use it in a query.
    The bytes live in the default storage under `storage_name`.
    """

    id = models.CharField(primary_key=True, max_length=64, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runtime_files"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="runtime_files"
    )
    widget = models.CharField(max_length=120)
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Runtime file {self.id}"

    @property
    def reference(self) -> str:
        return f"{FILE_REFERENCE_PREFIX}{self.id}"


class RuntimeSession(models.Model):
    """One end user's state in one published application: what the portal's events change.

    `widgets_meta` is {str(page id): {widget: {meta property: value}}} (FilePicker
    `files`, Input `text`) and `actions` is {str(page id): {action: {data,
    isLoading, responseMeta}}}: names are unique per page only. `store` holds
    the values written with storeValue(..., persist=false); persisted ones live in
    `UserStore`. Events apply their changes to the locked row in short
    transactions and bump `revision` (see builder.portal.sessions).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runtime_sessions"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="runtime_sessions"
    )
    # The version the meta and results were made for; None if that version was deleted.
    published_version = models.ForeignKey(
        PublishedVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    widgets_meta = models.JSONField(default=dict)
    actions = models.JSONField(default=dict)
    store = models.JSONField(default=dict)
    revision = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application"], name="runtime_session_unique_user"
            ),
        ]
        ordering = ["application_id", "user_id"]

    def __str__(self) -> str:
        return f"Runtime session of {self.user} in {self.application}"


class UserStore(models.Model):
    """Values a user's handlers stored with persist=true: they outlive sessions and versions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runtime_stores"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="user_stores"
    )
    values = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="user_store_unique_user"),
        ]
        ordering = ["application_id", "user_id"]

    def __str__(self) -> str:
        return f"Stored values of {self.user} in {self.application}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class EventJob(models.Model):
    """A portal event run by a Celery worker (its picked files are too big for a web request).

    `result` is the event's full answer once it succeeded; `error` is
    {code, message} once it failed or was cancelled; `bytes_done` counts the
    picked files' bytes the API confirmed (chunks of upload sessions), and
    `progress` is their share of `total_bytes` (0..1).

    A worker holds a running job by its lease (`lease_token` until
    `lease_expires_at`, renewed while it works): a redelivered message takes
    the job over only once the lease has run out (builder.portal.job_lease).
    `upload_state` holds each upload session's checkpoint, so that the new
    run resumes where the old one stopped; `attempts` counts the runs.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(RuntimeSession, on_delete=models.CASCADE, related_name="jobs")
    page_id = models.PositiveBigIntegerField()
    widget = models.CharField(max_length=120)
    event = models.CharField(max_length=120)
    meta = models.JSONField(null=True, blank=True)
    url = models.CharField(max_length=2000, blank=True, default="")
    action = models.CharField(max_length=120, blank=True, default="")
    total_bytes = models.PositiveBigIntegerField(default=0)
    # Queries set to confirm_before_run that the end user confirmed / cancelled
    # for this event (builder.portal.confirmations): the worker runs with them.
    confirmed = models.JSONField(default=list, blank=True)
    cancelled = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.FloatField(default=0.0)
    bytes_done = models.PositiveBigIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    # Upload-session checkpoints by upload key (runtime.http.UploadCheckpoint.to_json,
    # plus "restarts"): what a new run of the job resumes from.
    upload_state = models.JSONField(default=dict, blank=True)
    cancel_requested = models.BooleanField(default=False)
    lease_token = models.UUIDField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Job {self.id} ({self.status})"
