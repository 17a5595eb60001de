"""Create the provider's users and client applications (see ``clients.py``)."""

from __future__ import annotations

from tests.oauth_provider.clients import CLIENTS, PASSWORD, REDIRECT_URIS, USERS


def create() -> None:
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import Application

    users = get_user_model()
    for name in USERS:
        if not users.objects.filter(username=name).exists():
            users.objects.create_user(username=name, password=PASSWORD)
    owner = users.objects.get(username="alice")
    for client_id, (secret, grant) in CLIENTS.items():
        if Application.objects.filter(client_id=client_id).exists():
            continue
        Application.objects.create(
            name=client_id,
            client_id=client_id,
            client_secret=secret,  # hashed on save
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=grant,
            redirect_uris=REDIRECT_URIS if grant == Application.GRANT_AUTHORIZATION_CODE else "",
            user=owner,
            skip_authorization=False,
        )
