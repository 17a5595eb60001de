"""GET pages/{id}/: the published page evaluated for the user's runtime session.

    runtime_page(request.user, page_id, url="https://brace.example.com/apps/1/pages/5/?q=1")

Reads only: a session that does not exist yet reads as defaults, and one made
for an older published version reads as the next event will move it (meta of
widgets that are gone is ignored). The page's page-load queries
(builder.page_load) are not run here: they read as `isLoading: true`, the
answer's `page_load` lists them, and the portal runs them next with
POST pages/{id}/load/ (builder.portal.loading), so the page shows at once.
The session's background jobs on the page that have not ended are listed in
`jobs` (their queries read as loading), for the portal to follow again.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from builder.portal import sessions
from builder.portal.evaluation import SessionEvaluator, public_layout
from builder.published_pages import published_page

__all__ = ["runtime_page"]


def _page_line(page: dict[str, Any]) -> dict[str, Any]:
    return {"id": page["id"], "name": page["name"], "slug": page["slug"]}


def runtime_page(user: User, page_id: Any, *, url: str | None) -> dict[str, Any]:
    """docs/runtime-api.md's page answer; 404 unless viewer+ of a published page."""
    published = published_page(user, page_id)
    view = sessions.read_view(user, published)
    jobs = sessions.view_jobs(view, published.page["id"])
    evaluator = SessionEvaluator(
        published, user=user, url=url, running=sessions.running_actions(jobs)
    )
    plan = evaluator.page_load_plan()  # 409 for a published layout that is not valid
    evaluated = evaluator.evaluate(view, loading=plan.order)
    application, version = published.application, published.version
    pages = sorted(
        version.snapshot.get("pages", []), key=lambda page: (page.get("order", 0), page["id"])
    )
    return {
        "application": {
            "id": application.pk,
            "name": application.name,
            "slug": application.slug,
            "published_version": version.number,
        },
        "page": _page_line(published.page),
        "pages": [_page_line(page) for page in pages],
        "layout": public_layout(published.layout),
        "widgets": evaluated.widgets,
        "actions": evaluated.actions,
        "errors": evaluated.errors,
        "store": view.store,
        "url": dict(evaluated.appsmith["URL"]),
        "page_load": plan.to_json(),
        "jobs": [sessions.job_line(job) for job in jobs],
    }
