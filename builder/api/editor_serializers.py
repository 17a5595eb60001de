"""Serializers of the editor API: strict inputs (`*In`) and plain outputs.

Inputs and outputs are separate classes: an input names exactly the keys a
client may send (anything else is refused by StrictSerializer), an output
names what comes back. Cross-object rules (unique names, roles, datasource in
the same workspace) are the services' business, not the serializers'.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from builder.action_config import (
    DEFAULT_SETTINGS,
    MAX_PATH_LENGTH,
    MAX_TIMEOUT_S,
    MIN_TIMEOUT_S,
    shown_config,
)
from builder.models import Action, Application, Page, PublishedVersion
from restapi.strict import (
    ParsedJSONField,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictIntegerField,
    StrictSerializer,
)
from runtime.http import BodyType
from runtime.http.action_config import DEFAULT_TIMEOUT_S, METHODS
from widgets import Control, Section, ValueType
from workspaces.models import Membership, Role, Workspace

NAME_MAX_LENGTH = 120


def name_field(**kwargs: Any) -> StrictCharField:
    return StrictCharField(max_length=NAME_MAX_LENGTH, **kwargs)


# Authentication


class TokenIn(StrictSerializer):
    username = StrictCharField(trim_whitespace=False)
    password = StrictCharField(trim_whitespace=False, style={"input_type": "password"})


class TokenOut(serializers.Serializer[Any]):
    token = serializers.CharField()


# Workspaces and members


class WorkspaceIn(StrictSerializer):
    name = name_field()


class WorkspaceUpdateIn(StrictSerializer):
    name = name_field(required=False)


class WorkspaceOut(serializers.ModelSerializer[Workspace]):
    role = serializers.ChoiceField(
        choices=Role.choices, source="my_role", read_only=True, help_text="Your role here."
    )

    class Meta:
        model = Workspace
        fields = ["id", "name", "role", "created_at", "updated_at"]


class MemberIn(StrictSerializer):
    username = StrictCharField(max_length=150)
    role = StrictChoiceField(choices=Role.choices)


class MemberRoleIn(StrictSerializer):
    role = StrictChoiceField(choices=Role.choices, required=False)


class MemberOut(serializers.ModelSerializer[Membership]):
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "username", "role", "created_at"]


# Applications and published versions


class PageSummaryOut(serializers.ModelSerializer[Page]):
    class Meta:
        model = Page
        fields = ["id", "name", "slug", "order"]


class ApplicationIn(StrictSerializer):
    workspace = StrictIntegerField(min_value=1)
    name = name_field()


class ApplicationUpdateIn(StrictSerializer):
    name = name_field(required=False)


class ApplicationOut(serializers.ModelSerializer[Application]):
    published_version = serializers.IntegerField(
        source="published_version.number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Number of the version portals serve; null before the first publish.",
    )
    pages = PageSummaryOut(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "workspace",
            "name",
            "slug",
            "published_version",
            "pages",
            "created_at",
            "updated_at",
        ]


class NoBodyIn(StrictSerializer):
    """A request that takes no input (publish, duplicate); any key is a mistake worth reporting."""


class PublishIn(NoBodyIn):
    """Publishing takes no input; any key is a mistake worth reporting."""


class PublishedVersionOut(serializers.ModelSerializer[PublishedVersion]):
    published_by = serializers.CharField(
        source="published_by.username", read_only=True, allow_null=True, default=None
    )
    is_current = serializers.SerializerMethodField()
    pages = serializers.SerializerMethodField()
    action_count = serializers.SerializerMethodField()

    class Meta:
        model = PublishedVersion
        fields = [
            "id",
            "application",
            "number",
            "is_current",
            "published_by",
            "created_at",
            "pages",
            "action_count",
        ]

    def get_is_current(self, version: PublishedVersion) -> bool:
        return version.application.published_version_id == version.pk

    @extend_schema_field(PageSummaryOut(many=True))
    def get_pages(self, version: PublishedVersion) -> list[dict[str, Any]]:
        keys = ("id", "name", "slug", "order")
        return [{key: page.get(key) for key in keys} for page in version.snapshot["pages"]]

    def get_action_count(self, version: PublishedVersion) -> int:
        return len(version.snapshot["actions"])


# Pages


class PageIn(StrictSerializer):
    application = StrictIntegerField(min_value=1)
    name = name_field()
    layout = ParsedJSONField(
        required=False, help_text="The widget tree; an empty root container when left out."
    )


def version_field() -> StrictIntegerField:
    return StrictIntegerField(
        min_value=1,
        required=False,
        help_text=(
            "The page version the change was made from; if the page is no longer at it, "
            "409 `version_conflict` and nothing is written."
        ),
    )


class PageUpdateIn(StrictSerializer):
    name = name_field(required=False)
    layout = ParsedJSONField(required=False, help_text="The widget tree.")
    version = version_field()


class PageOut(serializers.ModelSerializer[Page]):
    layout = serializers.JSONField(help_text="The widget tree.")
    version = serializers.IntegerField(
        read_only=True, help_text="1 when made, +1 on every save of its name or layout."
    )

    class Meta:
        model = Page
        fields = ["id", "application", "name", "slug", "order", "layout", "version", "updated_at"]


class PageListOut(serializers.ModelSerializer[Page]):
    class Meta:
        model = Page
        fields = ["id", "application", "name", "slug", "order", "updated_at"]


class RenameIn(StrictSerializer):
    old_name = name_field(help_text="A widget or an action of the page.")
    new_name = name_field(help_text="An identifier no other widget or action of the page uses.")
    version = version_field()


# Actions


class ActionKeyValueIn(StrictSerializer):
    key = StrictCharField(allow_blank=True, trim_whitespace=False, max_length=1000)
    value = StrictCharField(allow_blank=True, trim_whitespace=False, max_length=100_000)
    value_set = StrictBooleanField(
        required=False,
        help_text=(
            "Answered true, with an empty value, for a credential typed as a literal value "
            "under a name such as Authorization, Cookie or one holding key, token, secret or "
            "password: it is write-only. Sent back so, with an empty value, the stored value "
            "is kept; a value replaces it."
        ),
    )


class ActionConfigIn(StrictSerializer):
    """See builder.action_config for what each key means."""

    method = StrictChoiceField(choices=METHODS, default="GET")
    path = StrictCharField(
        allow_blank=True, trim_whitespace=False, max_length=MAX_PATH_LENGTH, default=""
    )
    headers = ActionKeyValueIn(many=True, default=list)
    query_params = ActionKeyValueIn(many=True, default=list)
    body_type = StrictChoiceField(
        choices=[body_type.value for body_type in BodyType],
        default=BodyType.NONE.value,
        help_text="none, json, form_urlencoded, multipart, raw or binary (a file's bytes).",
    )
    # The stubs allow only objects as a JSONField's default; any JSON value is one.
    body = serializers.JSONField(
        default="",  # type: ignore[arg-type]
        help_text="A string (bindings allowed) or JSON.",
    )
    timeout_s = StrictIntegerField(
        min_value=MIN_TIMEOUT_S, max_value=MAX_TIMEOUT_S, default=DEFAULT_TIMEOUT_S
    )
    run_on_page_load = StrictBooleanField(
        allow_null=True,
        default=DEFAULT_SETTINGS.run_on_page_load,
        help_text="Run when a portal page opens. null (default): automatic, a GET query "
        "whose data a widget binds (or another page-load query reads) runs.",
    )
    confirm_before_run = StrictBooleanField(
        default=DEFAULT_SETTINGS.confirm_before_run,
        help_text="The portal asks the end user to confirm each run; unconfirmed runs are refused.",
    )
    smart_json_substitution = StrictBooleanField(
        default=DEFAULT_SETTINGS.smart_json_substitution,
        help_text="Bindings in a JSON body (and JSON header values) go in as JSON values; "
        "false: as plain text.",
    )
    encode_query_params = StrictBooleanField(
        default=DEFAULT_SETTINGS.encode_query_params,
        help_text="Percent-encode the query's parameters; false: send them as typed.",
    )


class ActionIn(StrictSerializer):
    page = StrictIntegerField(min_value=1)
    name = name_field()
    datasource = StrictIntegerField(min_value=1, allow_null=True, default=None)
    config = ActionConfigIn(required=False, help_text="Every key defaults when left out.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "config" not in attrs:
            # A nested serializer's default skips validation; run it on {} for the defaults.
            attrs["config"] = ActionConfigIn().run_validation({})
        return attrs


class ActionUpdateIn(StrictSerializer):
    name = name_field(required=False)
    datasource = StrictIntegerField(min_value=1, allow_null=True, required=False)
    config = ActionConfigIn(required=False, help_text="Replaces the whole config.")


class ActionConfigOut(ActionConfigIn):
    """The stored config (same keys as the input)."""


class ActionOut(serializers.ModelSerializer[Action]):
    config = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = ["id", "page", "name", "datasource", "config", "created_at", "updated_at"]

    @extend_schema_field(ActionConfigOut)
    def get_config(self, action: Action) -> Any:
        return shown_config(action.config)


class RenameOut(serializers.Serializer[Any]):
    page = PageOut(help_text="The page, at its new version.")
    actions = ActionOut(many=True, help_text="Every action of the page, references rewritten.")


# Widget types (the registry's schemas, for the palette and the property pane)


class GridSizeOut(serializers.Serializer[Any]):
    w = serializers.IntegerField(help_text="Columns of the 64-column grid.")
    h = serializers.IntegerField(help_text="Rows of 10 px.")


# A declared field leaves the class (DRF's metaclass), so `label` does not
# replace `Field.label` as the stubs read it.


class PropertyInfoOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    section = serializers.ChoiceField(choices=[str(section) for section in Section])
    control = serializers.ChoiceField(
        choices=[str(control) for control in Control],
        help_text="The control that edits it; a bindable property can also switch to code.",
    )
    type = serializers.ChoiceField(choices=[str(value_type) for value_type in ValueType])
    default = serializers.JSONField(allow_null=True)
    bindable = serializers.BooleanField(help_text="Whether it may hold a {{ }} binding.")
    nullable = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    minimum = serializers.FloatField(required=False)
    exclusive_minimum = serializers.BooleanField(required=False)
    maximum = serializers.FloatField(required=False)
    help = serializers.CharField(required=False)


class MetaInfoOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    default = serializers.JSONField(allow_null=True)
    default_from = serializers.CharField(
        required=False, help_text="The property whose value it starts with."
    )
    help = serializers.CharField(required=False)
    shape = serializers.JSONField(
        required=False,
        help_text=(
            "What its values hold, where the type knows: {type, help?, items?, keys?}, "
            "an array's items and an object's keys shaped the same way."
        ),
    )


class EventInfoOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    help = serializers.CharField(allow_blank=True)


class WidgetTypeOut(serializers.Serializer[Any]):
    """A widget type as `widgets.WidgetType.to_dict` describes it."""

    name = serializers.CharField(help_text="The `type` of a layout widget.")
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The palette's name for it."
    )
    icon = serializers.CharField(help_text="SVG path `d` on a 24x24 view box.")
    help = serializers.CharField(allow_blank=True)
    is_container = serializers.BooleanField()
    default_size = GridSizeOut()
    default_props = serializers.DictField(
        child=serializers.JSONField(), help_text="The props a new widget of this type gets."
    )
    properties = PropertyInfoOut(many=True)
    meta = MetaInfoOut(many=True, help_text="Properties end users set in the portal.")
    derived = serializers.ListField(
        child=serializers.CharField(), help_text="Names of the properties computed from others."
    )
    events = EventInfoOut(many=True)
