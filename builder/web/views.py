"""Views that serve the portal and editor pages.

Each one is a login-required template render with a CSRF cookie set, so the
page's ES modules can call the REST API with the session. Lookups here only
decide between the page and a 404 for people outside the workspace (the same
answer as for a missing object, so ids do not leak); every read of content and
every write goes through the API, which checks roles again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

from builder.models import Application, Page
from datasources.choices import form_choices, region_presets
from datasources.models import Datasource
from restapi.errors import UnknownId
from restapi.ids import parse_id
from workspaces.permissions import EDITOR_ROLE, has_role, role_in

View = Callable[..., HttpResponse]


def page_view(view: View) -> View:
    """A browser page: GET or HEAD only, signed-in users, with a CSRF cookie for the API."""
    return login_required(ensure_csrf_cookie(require_safe(view)))


def _is_member(request: HttpRequest, workspace_id: int) -> bool:
    return role_in(request.user, workspace_id) is not None


def _published_pages(snapshot: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The published pages in menu order, each as {"id", "name"}."""
    pages = [page for page in snapshot.get("pages", []) if isinstance(page, Mapping)]
    pages.sort(key=lambda page: (page.get("order", 0), page.get("id", 0)))
    return [{"id": page["id"], "name": page.get("name", "")} for page in pages if "id" in page]


@page_view
def portal(request: HttpRequest, application_id: int, page_id: int | None = None) -> HttpResponse:
    """A published application: its first page, or the page named in the URL."""
    application = (
        Application.objects.select_related("published_version").filter(pk=application_id).first()
    )
    if application is None or not _is_member(request, application.workspace_id):
        raise Http404("No such application.")
    version = application.published_version
    if version is None:
        return render(
            request, "portal/not_published.html", {"application": application}, status=404
        )
    pages = _published_pages(version.snapshot)
    if page_id is None:
        page = pages[0] if pages else None
    else:
        page = next((page for page in pages if page["id"] == page_id), None)
    if page is None:
        raise Http404("No such page in the published application.")
    return render(
        request,
        "portal/page.html",
        {"application": application, "page": page, "pages": pages},
    )


@page_view
def editor_home(request: HttpRequest) -> HttpResponse:
    """The user's workspaces with their datasources and applications."""
    return render(request, "editor/home.html")


@page_view
def editor_app(
    request: HttpRequest, application_id: int, page_id: int | None = None
) -> HttpResponse:
    """The app builder on one page of an application; without a page, its first page.

    Only developers and admins build: for anyone else the application does not
    exist here (viewers open it in the portal). The page itself is loaded by
    the browser through the API.
    """
    application = Application.objects.filter(pk=application_id).first()
    if application is None or not has_role(
        role_in(request.user, application.workspace_id), EDITOR_ROLE
    ):
        raise Http404("No such application.")
    pages = Page.objects.filter(application=application)
    if page_id is None:
        first = pages.order_by("order", "id").values_list("id", flat=True).first()
        if first is None:
            raise Http404("The application has no page.")
        return redirect("web:editor-page", application_id=application.pk, page_id=first)
    if not pages.filter(pk=page_id).exists():
        raise Http404("No such page in the application.")
    context = {
        "application": application.pk,
        "page": page_id,
        "workspace": application.workspace_id,
        "portalUrl": reverse(
            "web:portal-page", kwargs={"application_id": application.pk, "page_id": page_id}
        ),
        "editorUrl": request.path,
    }
    return render(
        request, "editor/app.html", {"application": application, "editor_context": context}
    )


@page_view
def datasource_new(request: HttpRequest) -> HttpResponse:
    """The datasource form for a new datasource, in `?workspace=ID` when given."""
    raw = request.GET.get("workspace", "")
    workspace_id: int | None = None
    if raw:
        try:
            workspace_id = parse_id(raw)
        except UnknownId:
            raise Http404("No such workspace.") from None
        if not _is_member(request, workspace_id):
            raise Http404("No such workspace.")
    return _datasource_screen(request, datasource_id=None, workspace_id=workspace_id)


@page_view
def datasource_edit(request: HttpRequest, datasource_id: int) -> HttpResponse:
    """The datasource form for an existing datasource; the page loads it from the API."""
    workspace_id = (
        Datasource.objects.filter(pk=datasource_id).values_list("workspace_id", flat=True).first()
    )
    if workspace_id is None or not _is_member(request, workspace_id):
        raise Http404("No such datasource.")
    return _datasource_screen(request, datasource_id=datasource_id, workspace_id=workspace_id)


def _datasource_screen(
    request: HttpRequest, *, datasource_id: int | None, workspace_id: int | None
) -> HttpResponse:
    # The selects' options come from the models and presets (datasources.choices).
    context = {
        "datasource_id": datasource_id,
        "workspace_id": workspace_id,
        "choices": form_choices(),
        "region_presets": region_presets(),
    }
    return render(request, "editor/datasource.html", context)
