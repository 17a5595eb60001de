"""Queries cannot reach cloud metadata, whatever the URL's spelling or its redirects.

Through the editor's Run button (``actions/{id}/run/``) and the portal's event
route, a query aimed at 169.254.169.254 (as a literal, an IPv4-mapped IPv6
literal, legacy IPv4 spellings, a metadata host name, a redirect from a real
server on loopback) is a failed run with error code ``blocked_address``, never
a request. Tests run with loopback and private addresses allowed (as local
development does); metadata and link-local addresses are refused even so,
and one test checks the production stance (loopback refused too).

Settings offer no resolver seam (``builder.execution.queries.query_executor`` builds the
executor from ``BRACE_OUTBOUND_*`` only), so "a name that resolves to the
metadata address" is checked one level down, through ``run_action``'s public
``executor`` argument with ``HttpExecutor(resolver=...)``; everything else goes
through the HTTP routes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.builder.helpers import layout, widget
from tests.e2e.seed_app import API, created, fire, publish
from tests.fakes.upstream import Redirector

pytestmark = pytest.mark.django_db

METADATA_URLS = [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
    "http://2852039166/latest/meta-data/",
    "http://0xa9.0xfe.0xa9.0xfe/latest/meta-data/",
    "http://169.254.170.2/v2/credentials/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://100.100.100.200/latest/meta-data/",
]


@pytest.fixture
def loopback() -> Iterator[Redirector]:
    """A real HTTP server on 127.0.0.1 that redirects where it is told."""
    with Redirector() as server:
        yield server


@pytest.fixture
def other_loopback() -> Iterator[Redirector]:
    with Redirector() as server:
        yield server


@pytest.fixture
def developer(members: dict[str, Any], token_client: Callable[[Any], APIClient]) -> APIClient:
    return token_client(members["developer"])


def make_datasource(developer: APIClient, workspace: Any, url: str, **auth: Any) -> dict[str, Any]:
    authentication = auth or {"type": "none"}
    body = {"workspace": workspace.pk, "name": f"Api {url}", "url": url}
    return created(
        developer.post(
            f"{API}/datasources/", {**body, "authentication": authentication}, format="json"
        )
    )


def make_action(
    developer: APIClient, page: Any, datasource: int | None, path: str, name: str = "Api1"
) -> int:
    body = {
        "page": page.pk,
        "name": name,
        "datasource": datasource,
        "config": {"method": "GET", "path": path},
    }
    return int(created(developer.post(f"{API}/actions/", body, format="json"))["id"])


def run(developer: APIClient, action: int, **params: Any) -> dict[str, Any]:
    response = developer.post(f"{API}/actions/{action}/run/", {"params": params}, format="json")
    assert response.status_code == 200, response.content
    return dict(response.json())


def assert_blocked(result: dict[str, Any]) -> None:
    assert result["response_meta"]["is_execution_success"] is False, result
    assert result["error"]["code"] == "blocked_address", result["error"]


def test_a_datasource_at_the_metadata_address_is_refused(
    developer: APIClient, workspace: Any, page: Any
) -> None:
    datasource = make_datasource(
        developer, workspace, "http://169.254.169.254/", type="bearer", bearer_token="secret-tok"
    )
    action = make_action(developer, page, datasource["id"], "latest/meta-data/")

    result = run(developer, action)

    assert_blocked(result)
    assert result["response_meta"]["status_code"] is None
    assert "169.254.169.254" in result["error"]["message"]


@pytest.mark.parametrize("url", METADATA_URLS)
def test_every_spelling_of_a_metadata_address_is_refused(
    developer: APIClient, page: Any, url: str
) -> None:
    """A query without a datasource takes a full URL, here from `this.params`."""
    action = make_action(developer, page, None, "{{this.params.url}}")

    result = run(developer, action, url=url)

    assert_blocked(result)
    assert result["response_meta"]["status_code"] is None


def test_an_octal_spelling_is_refused_as_an_invalid_url(developer: APIClient, page: Any) -> None:
    """inet_aton reads 0251.0376.0251.0376 as 169.254.169.254; httpx refuses to parse it."""
    action = make_action(developer, page, None, "{{this.params.url}}")

    response = developer.post(
        f"{API}/actions/{action}/run/",
        {"params": {"url": "http://0251.0376.0251.0376/latest/meta-data/"}},
        format="json",
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_url", "config.path")


def test_a_redirect_from_a_real_server_to_the_metadata_address_is_refused(
    developer: APIClient, workspace: Any, page: Any, loopback: Redirector
) -> None:
    datasource = make_datasource(
        developer, workspace, loopback.origin + "/", type="bearer", bearer_token="secret-tok"
    )
    action = make_action(developer, page, datasource["id"], "to?url={{this.params.target}}")

    results = [
        run(developer, action, target=target)
        for target in (
            "http://169.254.169.254/latest/meta-data/",
            "http://[::ffff:169.254.169.254]/latest/meta-data/",
            "http://2852039166/latest/meta-data/",
        )
    ]

    for result in results:
        assert_blocked(result)
        assert result["response_meta"]["status_code"] == 302
        assert len(result["request"]["redirects"]) == 0
    assert [seen["path"] for seen in loopback.seen] == ["/to", "/to", "/to"]


def test_a_307_redirect_keeps_neither_the_body_nor_the_token_on_the_way_to_metadata(
    developer: APIClient, workspace: Any, page: Any, loopback: Redirector
) -> None:
    datasource = make_datasource(
        developer, workspace, loopback.origin + "/", type="bearer", bearer_token="secret-tok"
    )
    body = {
        "page": page.pk,
        "name": "Post1",
        "datasource": datasource["id"],
        "config": {
            "method": "POST",
            "path": "to307?url=http://169.254.169.254/latest/api/token",
            "body_type": "json",
            "body": '{"a": 1}',
        },
    }
    action = int(created(developer.post(f"{API}/actions/", body, format="json"))["id"])

    result = run(developer, action)

    assert_blocked(result)
    assert loopback.seen == [{"path": "/to307", "authorization": "Bearer secret-tok"}]
    assert "secret-tok" not in str(result)


def test_the_token_does_not_follow_a_redirect_to_another_origin(
    developer: APIClient,
    workspace: Any,
    page: Any,
    loopback: Redirector,
    other_loopback: Redirector,
) -> None:
    datasource = make_datasource(
        developer, workspace, loopback.origin + "/", type="bearer", bearer_token="secret-tok"
    )
    action = make_action(developer, page, datasource["id"], "to?url={{this.params.target}}")

    result = run(developer, action, target=other_loopback.origin + "/landing")

    assert result["response_meta"]["is_execution_success"] is True, result
    assert loopback.seen[0]["authorization"] == "Bearer secret-tok"
    assert other_loopback.seen == [{"path": "/landing", "authorization": ""}]


def test_production_settings_refuse_loopback_too(
    developer: APIClient, workspace: Any, page: Any, loopback: Redirector, settings: Any
) -> None:
    settings.BRACE_OUTBOUND_ALLOW_PRIVATE = False
    datasource = make_datasource(developer, workspace, loopback.origin + "/")
    action = make_action(developer, page, datasource["id"], "anything")

    result = run(developer, action)

    assert_blocked(result)
    assert loopback.seen == []


def test_a_name_that_resolves_to_the_metadata_address_is_refused(
    workspace: Any, members: dict[str, Any]
) -> None:
    """DNS answers are checked, and the socket goes to the checked address only."""
    from builder.execution.queries import run_action
    from datasources.models import Datasource
    from outbound import OutboundPolicy
    from runtime.http import HttpExecutor

    answers: dict[str, list[str]] = {
        "files.example.test": ["169.254.169.254"],
        "mixed.example.test": ["127.0.0.1", "169.254.169.254"],
        # Not an IP literal for the policy: a name whose answers are checked.
        "169.254.169.254.": ["169.254.169.254"],
    }
    looked_up: list[str] = []

    def resolver(host: str) -> list[str]:
        looked_up.append(host)
        return answers[host]

    policy = OutboundPolicy(allow_loopback=True, allow_private=True)
    results = []
    with HttpExecutor(policy, resolver=resolver) as executor:
        for host in answers:
            datasource = Datasource.objects.create(
                workspace=workspace, name=host, url=f"http://{host}/"
            )
            results.append(
                run_action(
                    {"name": "Api1", "config": {"method": "GET", "path": "latest/meta-data/"}},
                    datasource=datasource,
                    user=members["developer"],
                    scope={},
                    executor=executor,
                ).to_dict()
            )

    for result in results:
        assert_blocked(result)
        assert "169.254.169.254" in result["error"]["message"]
    assert looked_up == list(answers)


# Through the portal's event route

METADATA_LAYOUT = layout(
    widget(
        "Fetch",
        "Button",
        {
            "text": "Fetch",
            "onClick": "{{Meta.run().then(() => showAlert('fetched', 'success'))"
            ".catch(e => showAlert(e.message, 'error'))}}",
        },
    ),
)


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/", "http://[::ffff:169.254.169.254]/", "redirect"]
)
def test_the_portal_refuses_the_metadata_address(
    developer: APIClient,
    workspace: Any,
    application: Any,
    page: Any,
    members: dict[str, Any],
    token_client: Callable[[Any], APIClient],
    loopback: Redirector,
    url: str,
) -> None:
    if url == "redirect":
        datasource = make_datasource(developer, workspace, loopback.origin + "/")
        path = "to?url=http://169.254.169.254/latest/meta-data/"
    else:
        datasource = make_datasource(developer, workspace, url)
        path = "latest/meta-data/"
    patched = developer.patch(f"{API}/pages/{page.pk}/", {"layout": METADATA_LAYOUT}, format="json")
    assert patched.status_code == 200, patched.content
    make_action(developer, page, datasource["id"], path, name="Meta")
    publish(developer, application.pk)

    response = fire(token_client(members["viewer"]), page.pk, "Fetch", "onClick")

    assert response.status_code == 200, response.content
    answer = response.json()
    alerts = [e for e in answer["effects"] if e["type"] == "showAlert"]
    assert [a["style"] for a in alerts] == ["error"]
    assert alerts[0]["message"].startswith("Meta failed: refused to connect to ")
    assert "169.254.169.254" in alerts[0]["message"]
    meta = answer["actions"]["Meta"]["responseMeta"]
    assert meta["isExecutionSuccess"] is False
