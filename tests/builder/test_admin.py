"""The admin console for builder models renders for a superuser, with search and filters."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from builder.layouts import default_layout
from builder.models import Action, Membership, Page, PublishedVersion
from builder.services.applications import publish_application

pytestmark = pytest.mark.usefixtures("plain_staticfiles")

MODELS = ["workspace", "membership", "application", "page", "action", "publishedversion"]


@pytest.fixture
def objects(workspace, application, page, datasource, members):
    action = Action.objects.create(
        page=page, name="Fetch", datasource=datasource, config={"method": "POST"}
    )
    version = publish_application(application=application, user=members["admin"])
    return {
        "workspace": workspace,
        "membership": Membership.objects.filter(workspace=workspace).first(),
        "application": application,
        "page": page,
        "action": action,
        "publishedversion": version,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_the_changelist_renders_with_search(admin_client, objects, model):
    url = reverse(f"admin:builder_{model}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == (3 if model == "membership" else 1)
    searched = admin_client.get(url, {"q": "Acme"})
    assert searched.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_the_change_page_renders(admin_client, objects, model):
    response = admin_client.get(reverse(f"admin:builder_{model}_change", args=[objects[model].pk]))
    assert response.status_code == 200
    assert str(objects[model]) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("model", [m for m in MODELS if m != "publishedversion"])
def test_the_add_page_renders(admin_client, model):
    response = admin_client.get(reverse(f"admin:builder_{model}_add"))
    assert response.status_code == 200
    assert b"<form" in response.content


@pytest.mark.django_db
def test_list_columns_show_counts_and_the_method(admin_client, objects):
    apps = admin_client.get(reverse("admin:builder_application_changelist")).content.decode()
    assert "Portal" in apps and ">1<" in apps  # one page, published version 1
    pages = admin_client.get(reverse("admin:builder_page_changelist")).content.decode()
    assert "Page1" in pages
    actions = admin_client.get(reverse("admin:builder_action_changelist")).content.decode()
    assert "POST" in actions and "Dropbox" in actions
    workspaces = admin_client.get(reverse("admin:builder_workspace_changelist")).content.decode()
    assert ">3<" in workspaces  # members


@pytest.mark.django_db
def test_the_workspace_page_shows_its_members_inline(admin_client, objects):
    url = reverse("admin:builder_workspace_change", args=[objects["workspace"].pk])
    html = admin_client.get(url).content.decode()
    assert "memberships-TOTAL_FORMS" in html
    assert "alice_admin" in html


@pytest.mark.django_db
def test_filters_apply(admin_client, objects):
    url = reverse("admin:builder_membership_changelist")
    response = admin_client.get(url, {"role__exact": "viewer"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.django_db
def test_published_versions_are_read_only(admin_client, objects):
    version = objects["publishedversion"]
    url = reverse("admin:builder_publishedversion_change", args=[version.pk])
    response = admin_client.post(url, {"number": 9})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.number == 1
    assert admin_client.get(reverse("admin:builder_publishedversion_add")).status_code == 403


@pytest.mark.django_db
def test_saving_a_page_validates_its_layout(admin_client, objects):
    page = objects["page"]
    url = reverse("admin:builder_page_change", args=[page.pk])
    bad = {**default_layout(), "type": "Nope"}
    response = admin_client.post(
        url,
        {
            "application": page.application_id,
            "name": page.name,
            "slug": page.slug,
            "order": 0,
            "layout": json.dumps(bad),
        },
    )
    assert response.status_code == 200
    assert "layout.type" in response.content.decode()
    page.refresh_from_db()
    assert page.layout == default_layout()


@pytest.mark.django_db
def test_saving_a_valid_page_layout_works(admin_client, objects, dropbox_portal):
    page = objects["page"]
    url = reverse("admin:builder_page_change", args=[page.pk])
    response = admin_client.post(
        url,
        {
            "application": page.application_id,
            "name": page.name,
            "slug": page.slug,
            "order": 0,
            "layout": json.dumps(dropbox_portal["page"]["layout"]),
        },
    )
    assert response.status_code == 302
    assert Page.objects.get(pk=page.pk).layout == dropbox_portal["page"]["layout"]
    assert PublishedVersion.objects.count() == 1
