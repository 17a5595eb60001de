"""The admin console for builder data: what operators look up and fix.

Layouts and configs are edited through the editor API, which validates them;
here a page's layout is validated too on save, and published versions are
read-only because portals serve them as they were frozen. Credentials typed
into a query's headers and parameters are write-only here as in the API
(`builder.action_config`): an action's config and a published version's
snapshot show them as `value_set`, and a config saved with such a row keeps
the stored value. Runtime sessions,
stored values and background jobs are written only by portal events: operators
can look them up and delete them (to reset a user's state, or drop a stuck
job), not edit them; a job can be cancelled or retried. Their JSON is end
users' data (picked files' references, stored values, query results), so it
shows on the change page only, never in a list column (a job's error message
is Brace's own words). Workspaces and members are `workspaces.admin`'s; the workspace
list here also counts each one's applications, which only builder knows of.
"""

from __future__ import annotations

import json
from typing import Any, TypedDict, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Count, F, Model, QuerySet
from django.forms.fields import InvalidJSONInput
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_stubs_ext import WithAnnotations

from builder.action_config import config_to_store, shown_config
from builder.errors import BuilderError
from builder.layouts import check_layout, widget_count
from builder.models import (
    Action,
    Application,
    EventJob,
    JobStatus,
    Page,
    PublishedVersion,
    RuntimeSession,
    UserStore,
)
from builder.portal import job_control
from builder.services.actions import check_action_name
from runtime.values import MAX_JSON_DEPTH, nests_deeper_than
from widgets import EntityNameError, LayoutValidationError
from workspaces.admin import MemberTotal
from workspaces.admin import WorkspaceAdmin as BaseWorkspaceAdmin
from workspaces.models import Workspace

_Row = TypeVar("_Row", bound=Model)

# Registered by workspaces.admin (imported above), extended here.
admin.site.unregister(Workspace)


class ApplicationTotal(MemberTotal):
    application_total: int


class PageTotal(TypedDict):
    page_total: int


@admin.register(Workspace)
class WorkspaceAdmin(BaseWorkspaceAdmin):
    """The workspaces' admin, with the count of applications in each."""

    list_display = ["name", "id", "member_count", "application_count", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Workspace]:
        return (
            super()
            .get_queryset(request)
            .annotate(application_total=Count("applications", distinct=True))
        )

    @admin.display(description="applications", ordering="application_total")
    def application_count(self, workspace: WithAnnotations[Workspace, ApplicationTotal]) -> int:
        return workspace.application_total


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin[Application]):
    list_display = ["name", "workspace", "page_count", "published_number", "updated_at"]
    list_filter = ["workspace", "updated_at"]
    search_fields = ["name", "slug", "workspace__name"]
    list_select_related = ["workspace", "published_version"]
    readonly_fields = ["created_by", "created_at", "updated_at", "published_version"]
    autocomplete_fields = ["workspace"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return super().get_queryset(request).annotate(page_total=Count("pages", distinct=True))

    @admin.display(description="pages", ordering="page_total")
    def page_count(self, application: WithAnnotations[Application, PageTotal]) -> int:
        return application.page_total

    @admin.display(description="published version", ordering="published_version__number")
    def published_number(self, application: Application) -> int | None:
        version = application.published_version
        return version.number if version else None


def _too_deep(text: str) -> bool:
    try:
        return nests_deeper_than(json.loads(text), MAX_JSON_DEPTH)
    except RecursionError:
        return True
    except ValueError:
        return False  # Django's field reports invalid JSON


class BoundedJSONField(forms.JSONField):
    """Django's JSON form field, refusing JSON nested deeper than Brace keeps.

    Django's catches only JSONDecodeError: 1,000 nested arrays raise the
    parser's RecursionError, a 500 (and re-showing the form parses again).
    """

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and _too_deep(value):
            raise forms.ValidationError(
                f"Arrays and objects nest more than {MAX_JSON_DEPTH} levels deep.",
                code="too_deep",
            )
        return super().to_python(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        if isinstance(data, str) and _too_deep(data):
            return InvalidJSONInput(data)
        return super().bound_data(data, initial)


JSON_FIELDS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.JSONField: {"form_class": BoundedJSONField}
}


class PageAdminForm(forms.ModelForm[Page]):
    class Meta:
        model = Page
        fields = ["application", "name", "slug", "order", "layout"]

    def clean_layout(self) -> Any:
        layout = self.cleaned_data["layout"]
        action_names: set[str] = set()
        if self.instance.pk:
            action_names = set(self.instance.actions.values_list("name", flat=True))
        try:
            check_layout(layout, action_names=action_names)
        except BuilderError as error:
            raise forms.ValidationError(f"{error.field}: {error.message}") from error
        except LayoutValidationError as error:
            raise forms.ValidationError(f"{error.path}: {error.message}") from error
        return layout


@admin.register(Page)
class PageAdmin(admin.ModelAdmin[Page]):
    form = PageAdminForm
    formfield_overrides = JSON_FIELDS
    list_display = ["name", "application", "order", "widget_total", "updated_at"]
    list_filter = ["application__workspace"]
    search_fields = ["name", "slug", "application__name"]
    list_select_related = ["application"]
    autocomplete_fields = ["application"]
    readonly_fields = ["version", "updated_at"]

    @admin.display(description="widgets")
    def widget_total(self, page: Page) -> int:
        return widget_count(page.layout)

    def save_model(self, request: HttpRequest, obj: Page, form: Any, change: bool) -> None:
        # A save of the name or layout is a new version, as through the API,
        # so an editor open on the page sees its next save refused.
        bumped = change and {"name", "layout"} & set(form.changed_data)
        if bumped:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        if bumped:
            obj.refresh_from_db(fields=["version"])


class ActionAdminForm(forms.ModelForm[Action]):
    class Meta:
        model = Action
        fields = ["page", "name", "datasource", "config"]
        help_texts = {
            "config": (
                "Credentials typed into headers and query parameters show as value_set; "
                "leave them so to keep the stored value, or write a value to replace it."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["config"] = shown_config(self.instance.config)

    def clean_config(self) -> Any:
        config = self.cleaned_data["config"]
        if not isinstance(config, dict):
            return config
        stored = self.instance.config if self.instance.pk else None
        try:
            return config_to_store(config, stored)
        except BuilderError as error:
            raise forms.ValidationError(f"{error.field}: {error.message}") from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        page, name = cleaned.get("page"), cleaned.get("name")
        if page is not None and name is not None:
            try:
                # The rules of every path that names an entity: identifier, no
                # reserved or global name, unique among the page's widgets and actions.
                check_action_name(page, name, exclude=self.instance.pk)
            except EntityNameError as error:
                self.add_error("name", error.message)
        return cleaned


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin[Action]):
    form = ActionAdminForm
    formfield_overrides = JSON_FIELDS
    list_display = ["name", "page", "datasource", "method", "updated_at"]
    list_filter = ["page__application__workspace", "datasource"]
    search_fields = ["name", "page__name", "page__application__name", "datasource__name"]
    list_select_related = ["page__application", "datasource"]
    autocomplete_fields = ["page"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description="method")
    def method(self, action: Action) -> str:
        config = action.config if isinstance(action.config, dict) else {}
        return str(config.get("method", ""))


@admin.register(PublishedVersion)
class PublishedVersionAdmin(admin.ModelAdmin[PublishedVersion]):
    list_display = ["application", "number", "published_by", "created_at"]
    list_filter = ["application__workspace", "created_at"]
    search_fields = ["application__name", "published_by__username"]
    list_select_related = ["application", "published_by"]
    fields = ("application", "number", "published_by", "created_at", "snapshot_json", "compiled")
    readonly_fields = fields

    @admin.display(description="snapshot (typed credentials hidden)")
    def snapshot_json(self, version: PublishedVersion) -> SafeString:
        snapshot = version.snapshot if isinstance(version.snapshot, dict) else {}
        actions = [
            {**action, "config": shown_config(action.get("config"))}
            if isinstance(action, dict)
            else action
            for action in snapshot.get("actions", [])
        ]
        return pretty_json({**snapshot, "actions": actions})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: PublishedVersion | None = None
    ) -> bool:
        return False


def pretty_json(value: Any) -> SafeString:
    """JSON laid out to be read; escaped, as it holds whatever end users and APIs sent."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    # A class, not a style attribute: the Content-Security-Policy allows no inline style.
    return format_html('<pre class="brace-json">{}</pre>', text)


class RuntimeRowAdmin(admin.ModelAdmin[_Row]):
    """Rows that portal events write: viewable and deletable, never added or edited here.

    An edit would bypass the checks events make (picked files belong to the
    user, meta values fit the widget) and race the events that lock the row.
    """

    class Media:
        css = {"all": ["brace/admin.css"]}  # how `pretty_json` lays its JSON out

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _Row | None = None) -> bool:
        return False


@admin.register(RuntimeSession)
class RuntimeSessionAdmin(RuntimeRowAdmin[RuntimeSession]):
    list_display = ["user", "application", "published_number", "revision", "updated_at"]
    list_filter = ["application__workspace", "updated_at"]
    search_fields = ["user__username", "application__name"]
    list_select_related = ["user", "application", "published_version"]
    fields = (
        "user",
        "application",
        "published_version",
        "revision",
        "created_at",
        "updated_at",
        "meta_json",
        "actions_json",
        "store_json",
    )
    readonly_fields = fields

    @admin.display(description="published version", ordering="published_version__number")
    def published_number(self, session: RuntimeSession) -> int | None:
        version = session.published_version
        return version.number if version else None

    @admin.display(description="widget meta by page")
    def meta_json(self, session: RuntimeSession) -> SafeString:
        return pretty_json(session.widgets_meta)

    @admin.display(description="query results by page")
    def actions_json(self, session: RuntimeSession) -> SafeString:
        return pretty_json(session.actions)

    @admin.display(description="session store (persist=false)")
    def store_json(self, session: RuntimeSession) -> SafeString:
        return pretty_json(session.store)


@admin.register(UserStore)
class UserStoreAdmin(RuntimeRowAdmin[UserStore]):
    list_display = ["user", "application", "key_count", "updated_at"]
    list_filter = ["application__workspace", "updated_at"]
    search_fields = ["user__username", "application__name"]
    list_select_related = ["user", "application"]
    fields = ("user", "application", "updated_at", "values_json")
    readonly_fields = fields

    @admin.display(description="keys")
    def key_count(self, store: UserStore) -> int:
        return len(store.values) if isinstance(store.values, dict) else 0

    @admin.display(description="persisted values")
    def values_json(self, store: UserStore) -> SafeString:
        return pretty_json(store.values)


@admin.register(EventJob)
class EventJobAdmin(RuntimeRowAdmin[EventJob]):
    """Background jobs: where each stands, and the retry and cancel actions.

    Cancel stops a running job after the chunk it is sending
    (builder.portal.job_control); retry queues a failed or cancelled one again,
    resuming its uploads. Each job an action does not apply to gets a message
    saying why.
    """

    list_display = [
        "id",
        "user",
        "application",
        "action",
        "status",
        "progress_percent",
        "bytes_sent",
        "attempts",
        "error_message",
        "created_at",
        "updated_at",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["session__user__username", "session__application__name", "action"]
    list_select_related = ["session__user", "session__application"]
    date_hierarchy = "created_at"
    actions = ["retry", "cancel"]
    fields = (
        "id",
        "user",
        "application",
        "page_id",
        "widget",
        "event",
        "action",
        "url",
        "status",
        "progress",
        "bytes_done",
        "total_bytes",
        "attempts",
        "cancel_requested",
        "lease_expires_at",
        "created_at",
        "updated_at",
        "meta_json",
        "upload_state_json",
        "result_json",
        "error_json",
    )
    readonly_fields = fields

    @admin.action(description="Retry (resume their uploads)", permissions=["delete"])
    def retry(self, request: HttpRequest, queryset: QuerySet[EventJob]) -> None:
        for job in queryset:
            try:
                job_control.retry_job(job.pk)
            except BuilderError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Job {job.pk} is queued again.")

    @admin.action(description="Cancel (stops after the current chunk)", permissions=["delete"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[EventJob]) -> None:
        for job in queryset:
            try:
                cancelled = job_control.cancel_job(job.pk)
            except BuilderError as exc:
                messages.error(request, exc.message)
                continue
            if cancelled.status == JobStatus.CANCELLED:
                messages.success(request, f"Job {job.pk} is cancelled.")
            else:
                messages.success(
                    request, f"Job {job.pk} will stop once the chunk it is sending is confirmed."
                )

    @admin.display(description="bytes", ordering="bytes_done")
    def bytes_sent(self, job: EventJob) -> str:
        return f"{job.bytes_done:,} / {job.total_bytes:,}"

    @admin.display(description="error")
    def error_message(self, job: EventJob) -> str:
        error = job.error
        if not isinstance(error, dict):
            return ""
        return str(error.get("message") or error.get("code") or "")

    @admin.display(description="upload checkpoints")
    def upload_state_json(self, job: EventJob) -> SafeString:
        return pretty_json(job.upload_state)

    @admin.display(description="user", ordering="session__user__username")
    def user(self, job: EventJob) -> User:
        return job.session.user

    @admin.display(description="application", ordering="session__application__name")
    def application(self, job: EventJob) -> Application:
        return job.session.application

    @admin.display(description="progress", ordering="progress")
    def progress_percent(self, job: EventJob) -> str:
        return f"{round(job.progress * 100)}%"

    @admin.display(description="meta sent (picked files)")
    def meta_json(self, job: EventJob) -> SafeString:
        return pretty_json(job.meta)

    @admin.display(description="result (the event's answer)")
    def result_json(self, job: EventJob) -> SafeString:
        return pretty_json(job.result)

    @admin.display(description="error")
    def error_json(self, job: EventJob) -> SafeString:
        return pretty_json(job.error)
