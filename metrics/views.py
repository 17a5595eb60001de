"""GET /metrics: the Prometheus exposition, for scrapers that pass `metrics.access`.

Off (404, as if there were no such page) unless BRACE_METRICS_TOKEN or
BRACE_METRICS_ALLOWED_NETWORKS is set. No session, no CSRF: a scraper sends
``Authorization: Bearer <token>`` and nothing else. Answers are never cached.
Refusals say what is wrong (missing token, wrong token, address not allowed)
without echoing anything the scraper sent.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from metrics.access import Decision, MetricsAccess
from metrics.prometheus import CONTENT_TYPE, exposition

__all__ = ["metrics_view"]

_REFUSALS = {
    Decision.ADDRESS_REFUSED: (403, "This address may not read the metrics.\n", None),
    Decision.BEARER_MISSING: (
        401,
        "A bearer token is required.\n",
        'Bearer realm="metrics"',
    ),
    Decision.BEARER_WRONG: (
        401,
        "The bearer token is not valid.\n",
        'Bearer realm="metrics", error="invalid_token"',
    ),
}


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
def metrics_view(request: HttpRequest) -> HttpResponse:
    access = MetricsAccess.from_settings(
        token=settings.BRACE_METRICS_TOKEN, networks=settings.BRACE_METRICS_ALLOWED_NETWORKS
    )
    decision = access.decide(
        authorization=request.headers.get("Authorization"),
        address=request.META.get("REMOTE_ADDR"),
    )
    if decision is Decision.OFF:
        raise Http404()  # whatever the method: nothing says it exists
    if request.method not in ("GET", "HEAD"):
        return _no_store(HttpResponseNotAllowed(["GET", "HEAD"]))
    if decision is not Decision.ALLOWED:
        status, text, challenge = _REFUSALS[decision]
        response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
        if challenge:
            response["WWW-Authenticate"] = challenge
        return _no_store(response)
    body = exposition(settings.BRACE_METRICS_MERGE_DIRS)
    return _no_store(HttpResponse(body, content_type=CONTENT_TYPE))
