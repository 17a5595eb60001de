"""The user a request is made by, as Brace's apps receive it.

`request.user` is a signed-in `User` (Brace keeps Django's own user model,
`auth.User`) or the `AnonymousUser`. Permission checks and reads take either
(`AnyUser`) and treat the anonymous one as a member of no workspace; writes
that record who made them take a signed-in `User`. `if not
user.is_authenticated: ...` narrows an `AnyUser` to `User` for type checkers.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

AnyUser: TypeAlias = User | AnonymousUser
