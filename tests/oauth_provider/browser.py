"""Drive the authorization code flow as a browser would, without a browser.

Brace is driven with Django's test client (signed in, with a session); the
provider with an httpx client that keeps cookies. Every redirect is followed
by hand, so tests can stop at (or tamper with) any step. The provider's login
and consent forms are real Django forms posted with their CSRF token.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
from django.test import Client

from tests.oauth_provider.clients import PASSWORD

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Landing:
    """Where the browser ended up on Brace after the callback."""

    location: str

    @property
    def path(self) -> str:
        return urlsplit(self.location).path

    @property
    def params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.location).query).items()}

    @property
    def response_status(self) -> str:
        return self.params.get("response_status", "")


def start(brace: Client, datasource_id: int, return_to: str = "/editor/datasources/") -> str:
    """Brace's authorize step: the provider URL it redirects to."""
    response = brace.get(
        f"/api/v1/datasources/{datasource_id}/authorize/", {"return_to": return_to}
    )
    if response.status_code != 302:
        raise AssertionError(f"authorize answered {response.status_code}: {response.content!r}")
    return response["Location"]


def consent(provider_url: str, *, username: str = "alice", allow: bool = True) -> str:
    """Log in at the provider and answer the consent form: the callback URL it redirects to."""
    parts = urlsplit(provider_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    with httpx.Client(base_url=origin, follow_redirects=False) as web:
        response = web.get(provider_url)
        if response.status_code == 302 and "/accounts/login/" in response.headers["location"]:
            login_page = web.get(response.headers["location"])
            next_url = parse_qs(urlsplit(response.headers["location"]).query)["next"][0]
            csrf = _CSRF.search(login_page.text)
            if csrf is None:
                raise AssertionError("the provider's login page has no CSRF token")
            response = web.post(
                "/accounts/login/",
                data={
                    "username": username,
                    "password": PASSWORD,
                    "next": next_url,
                    "csrfmiddlewaretoken": csrf.group(1),
                },
            )
            if response.status_code != 302:
                raise AssertionError("provider login failed")
            response = web.get(response.headers["location"])
        if response.status_code == 302:
            return response.headers["location"]  # the provider refused the request itself
        if response.status_code != 200:
            raise AssertionError(f"provider authorize answered {response.status_code}")
        form = {name: html.unescape(value) for name, value in _HIDDEN.findall(response.text)}
        if allow:
            form["allow"] = "Authorize"
        response = web.post("/o/authorize/", data=form)
        if response.status_code != 302:
            raise AssertionError(f"provider consent answered {response.status_code}")
        return response.headers["location"]


def callback(brace: Client, callback_url: str) -> Landing:
    """Deliver the provider's redirect to Brace; where Brace sends the browser next."""
    parts = urlsplit(callback_url)
    response = brace.get(f"{parts.path}?{parts.query}")
    if response.status_code != 302:
        raise AssertionError(f"callback answered {response.status_code}")
    return Landing(response["Location"])


def authorize(
    brace: Client,
    datasource_id: int,
    *,
    username: str = "alice",
    return_to: str = "/editor/datasources/",
    allow: bool = True,
) -> Landing:
    """The whole dance: Brace authorize -> provider login and consent -> Brace callback."""
    return callback(
        brace, consent(start(brace, datasource_id, return_to), username=username, allow=allow)
    )
