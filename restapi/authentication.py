"""Token authentication (``Authorization: Token <key>``) in one statement written once.

DRF's `TokenAuthentication` reads the token with
``Token.objects.select_related("user").get(key=key)``, compiled anew by the
ORM on every request (~0.3 ms of CPU, most of the read). This class runs the
same join as SQL built once per database vendor (`restapi.rows`) and keeps
every rule of DRF's: the key must exist, its user must be active, the same
errors. Nothing is kept beyond the request: each request reads the token.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from restapi.rows import ModelColumns, column, table

__all__ = ["TokenAuthentication", "token_with_user"]


@cache
def _columns() -> tuple[ModelColumns[Token], ModelColumns[Any]]:
    return ModelColumns(Token), ModelColumns(get_user_model())


@cache
def _sql(vendor: str) -> str:
    tokens, users = _columns()
    user_model = get_user_model()
    return (
        f"SELECT {tokens.select('t')}, {users.select('u')} "  # noqa: S608  # names from model metadata, values as parameters
        f"FROM {table(Token)} t INNER JOIN {table(user_model)} u "
        f"ON t.{column(Token, 'user')} = u.{column(user_model, user_model._meta.pk.name)} "
        f"WHERE t.{column(Token, 'key')} = %s"
    )


def token_with_user(key: str) -> Token | None:
    """``Token.objects.select_related("user").get(key=key)``, or None if there is no such key."""
    tokens, users = _columns()
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor), [key])
        row = cursor.fetchone()
    if row is None:
        return None
    token = tokens.instance(row[: len(tokens)], connection)
    token.user = users.instance(row[len(tokens) :], connection)  # as select_related caches it
    return token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the token and its user in one prepared statement."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        token = token_with_user(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
