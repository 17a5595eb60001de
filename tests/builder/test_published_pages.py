"""Publishing compiles each page once; builder.published_pages serves them to viewers."""

from __future__ import annotations

import pytest

from builder.errors import NotFound
from builder.execution.evaluation import load_compiled
from builder.execution.state import RuntimeState
from builder.models import Action, Page
from builder.published_pages import published_page
from builder.services.applications import publish_application
from workspaces.errors import NotAMember, RoleTooLow
from workspaces.models import Role

pytestmark = pytest.mark.django_db

ACTION = "UploadFileToDropbox"


@pytest.fixture
def dropbox_page(page, dropbox_portal):
    page.layout = dropbox_portal["page"]["layout"]
    page.save()
    Action.objects.create(page=page, name=ACTION, config=dropbox_portal["actions"][0]["config"])
    return page


def test_publishing_fills_compiled_per_page(dropbox_page, members):
    second = Page.objects.create(
        application=dropbox_page.application, name="Page2", slug="page2", order=1,
        layout={**dropbox_page.layout, "children": []},
    )  # fmt: skip
    version = publish_application(application=dropbox_page.application, user=members["admin"])
    version.refresh_from_db()  # as stored: JSON keys are strings
    assert set(version.compiled) == {str(dropbox_page.pk), str(second.pk)}
    compiled = load_compiled(version.compiled[str(dropbox_page.pk)])
    paths = {unit.path for unit in compiled.units}
    assert {"Result.text", "FilePicker1.isValid"} <= paths
    # The action is an entity of its page only.
    assert ACTION in compiled.static
    assert ACTION not in load_compiled(version.compiled[str(second.pk)]).static


def test_a_page_that_cannot_compile_is_left_out(page, members):
    broken = Page.objects.create(application=page.application, name="Raw", slug="raw", order=1)
    version = publish_application(application=page.application, user=members["admin"])
    assert set(version.compiled) == {str(page.pk)}  # `{}` is no layout
    assert [p["id"] for p in version.snapshot["pages"]] == [page.pk, broken.pk]


class TestPublishedPage:
    def test_a_viewer_gets_the_published_form(self, dropbox_page, members):
        publish_application(application=dropbox_page.application, user=members["admin"])
        dropbox_page.layout = {**dropbox_page.layout, "children": []}  # a later draft edit
        dropbox_page.save()
        published = published_page(members["viewer"], dropbox_page.pk)
        assert published.action_names == [ACTION]
        assert published.compiled() is not None
        evaluated = published.evaluate(RuntimeState())
        assert evaluated.widgets["Result"]["text"] == "Nothing uploaded yet"
        assert evaluated.appsmith["mode"] == "PUBLISHED"

    def test_a_version_without_compiled_pages_still_evaluates(self, dropbox_page, members):
        version = publish_application(application=dropbox_page.application, user=members["admin"])
        version.compiled = {}
        version.save()
        published = published_page(members["viewer"], dropbox_page.pk)
        assert published.compiled() is None
        assert published.evaluate(RuntimeState()).widgets["Title"]["text"] == "Upload your profile"

    def test_who_and_what_is_refused(self, dropbox_page, members):
        with pytest.raises(NotFound) as caught:
            published_page(members["viewer"], dropbox_page.pk)
        assert caught.value.code == "not_published"
        publish_application(application=dropbox_page.application, user=members["admin"])
        with pytest.raises(NotAMember):
            published_page(members["outsider"], dropbox_page.pk)
        with pytest.raises(NotFound):
            published_page(members["viewer"], 999999)
        with pytest.raises(RoleTooLow):
            published_page(members["viewer"], dropbox_page.pk, Role.DEVELOPER)


def test_a_page_stored_in_an_older_format_is_compiled_on_request(dropbox_page, members, caplog):
    version = publish_application(application=dropbox_page.application, user=members["admin"])
    stored = version.compiled[str(dropbox_page.pk)]
    version.compiled = {str(dropbox_page.pk): {**stored, "version": 2}}
    version.save(update_fields=["compiled"])

    published = published_page(members["viewer"], dropbox_page.pk)
    with caplog.at_level("WARNING", logger="builder.published_versions"):
        assert published.compiled() is None
    assert "compiled in an older format" in caplog.text
    evaluated = published.evaluate(RuntimeState())
    assert evaluated.widgets["Result"]["text"] == "Nothing uploaded yet"
