"""`manage.py seed_demo`: what `make run` shows a new user."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from builder.demo import seed_demo
from builder.models import Action, Application
from datasources.models import Datasource
from workspaces.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


def test_seeds_the_published_dropbox_portal_with_an_admin(tmp_path: Path) -> None:
    result = seed_demo()
    assert result.created is True
    app = Application.objects.get(pk=result.application_id)
    assert app.published_version is not None and app.published_version.number == 1
    assert [p.name for p in app.pages.all()] == ["Page1"]
    action = Action.objects.get(page__application=app)
    assert action.name == "UploadFileToDropbox"
    assert action.config["body_type"] == "binary"
    assert action.datasource == Datasource.objects.get(name="Dropbox")
    assert action.datasource.authorization_url == "https://www.dropbox.com/oauth2/authorize"
    user = authenticate(username="admin", password=result.password)
    assert user is not None and user.is_superuser
    assert Membership.objects.get(user=user, workspace=app.workspace).role == Role.ADMIN
    assert (tmp_path / "demo-admin-password").read_text().strip() == result.password
    assert (tmp_path / "demo-admin-password").stat().st_mode & 0o077 == 0


def test_a_second_run_changes_nothing_and_prints_the_same_password() -> None:
    first = seed_demo()
    second = seed_demo()
    assert second.created is False
    assert (second.application_id, second.password) == (first.application_id, first.password)
    assert Application.objects.count() == 1


def test_a_lost_password_file_resets_the_password(tmp_path: Path) -> None:
    first = seed_demo()
    (tmp_path / "demo-admin-password").unlink()
    second = seed_demo()
    assert second.password != first.password
    assert authenticate(username="admin", password=second.password) is not None
    assert authenticate(username="admin", password=first.password) is None


def test_the_command_prints_where_to_go() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "Seeded the demo application" in text
    assert "Sign in as 'admin' with password '" in text
    assert "/editor/" in text and "/apps/" in text and "/admin/" in text
