"""restapi.authentication: DRF's token rules, read in one prepared statement."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from restapi.authentication import TokenAuthentication, token_with_user

pytestmark = pytest.mark.django_db


def _values(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.fixture
def user():
    made = User.objects.create_user("tina", email="t@example.com", password="x", first_name="T")
    made.last_login = timezone.now()
    made.save()
    return made


def test_the_token_and_its_user_are_the_orms(user):
    key = Token.objects.create(user=user).key
    token = token_with_user(key)
    orm = Token.objects.select_related("user").get(key=key)
    assert token is not None
    assert _values(token) == _values(orm)
    assert _values(token.user) == _values(orm.user)
    assert token.user.is_active is True and token.user.last_login.tzinfo is not None


def test_an_unknown_key_reads_none_and_is_refused(user):
    Token.objects.create(user=user)
    assert token_with_user("0" * 40) is None
    with pytest.raises(exceptions.AuthenticationFailed, match=r"Invalid token\."):
        TokenAuthentication().authenticate_credentials("0" * 40)


def test_an_inactive_user_is_refused(user):
    key = Token.objects.create(user=user).key
    user.is_active = False
    user.save()
    with pytest.raises(exceptions.AuthenticationFailed, match=r"User inactive or deleted\."):
        TokenAuthentication().authenticate_credentials(key)


def test_the_api_takes_a_token_and_refuses_a_bad_one(user):
    key = Token.objects.create(user=user).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/workspaces/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    answer = client.get("/api/v1/workspaces/")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"


@pytest.mark.django_db(transaction=True)
def test_a_token_read_on_another_threads_connection_converts_the_same(user):
    """Converters are built once per database alias and used with each thread's connection."""
    import threading

    from django.db import connections

    key = Token.objects.create(user=user).key
    here = token_with_user(key)
    there: list[Any] = []

    def read() -> None:
        try:
            there.append(token_with_user(key))
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(30)
    assert here is not None and there and there[0] is not None
    assert _values(there[0].user) == _values(here.user)
