"""builder.execution.queries.run_action against a real API on loopback, real datasources, files."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from builder.execution.evaluation import evaluate_page
from builder.execution.files import RuntimeFileResolver
from builder.execution.queries import action_snapshot, action_state, evaluate_config, run_action
from builder.execution.state import RuntimeState
from builder.services.applications import create_application
from datasources.models import AuthType, Datasource, OAuthToken, TokenSharing, TokenStatus
from runtime.http import ExecutionResult, InvalidActionConfigError
from tests.builder.helpers import file_json, layout, store_bytes, widget

pytestmark = pytest.mark.django_db

ACTION = "UploadFileToDropbox"


@pytest.fixture
def developer(members):
    return members["developer"]


def make_datasource(workspace, url, **fields):
    return Datasource.objects.create(
        workspace=workspace, name=fields.pop("name", "Api"), url=url, **fields
    )


def dropbox_scope(dropbox_portal, files):
    state = RuntimeState(widgets={"FilePicker1": {"files": files}})
    return evaluate_page(dropbox_portal["page"]["layout"], [ACTION], state).scope


def run(config, *, scope=None, datasource=None, user=None, params=None, files=None):
    action = {"name": "Api1", "config": config}
    return run_action(
        action, datasource=datasource, user=user, scope=scope or {}, params=params, files=files
    ).to_dict()


class TestTheDropboxUpload:
    def test_the_picked_file_is_streamed_with_the_dropbox_arg(
        self, dropbox_portal, upstream, media, workspace, application, developer
    ):
        content = os.urandom(300_000)  # several executor chunks
        picked = store_bytes(
            developer, application, content, name="Résumé.pdf", content_type="application/pdf"
        )
        source = dropbox_portal["datasource"]
        datasource = make_datasource(
            workspace,
            upstream.url,
            name="Dropbox",
            headers=source["headers"],
            auth_type=AuthType.BEARER,
            bearer_token="sl.secret-token",
        )
        result = run_action(
            dropbox_portal["actions"][0],
            datasource=datasource,
            user=developer,
            scope=dropbox_scope(dropbox_portal, [file_json(picked)]),
            files=RuntimeFileResolver(developer, application),
        ).to_dict()

        sent = upstream.last
        assert (sent.method, sent.path) == ("POST", "/2/files/upload")
        assert hashlib.sha256(sent.body).digest() == hashlib.sha256(content).digest()
        assert sent.headers["content-type"] == "application/octet-stream"
        assert sent.headers["content-length"] == str(len(content))
        assert json.loads(sent.headers["dropbox-api-arg"]) == {
            "path": "/Résumé.pdf",
            "mode": "add",
            "autorename": True,
            "mute": False,
            "strict_conflict": False,
        }
        assert sent.headers["authorization"] == "Bearer sl.secret-token"

        assert result["error"] is None
        assert result["response_meta"]["status_code"] == 200
        assert result["response_meta"]["is_execution_success"] is True
        assert result["data"] == {"path_display": "/Résumé.pdf", "size": len(content)}
        assert isinstance(result["duration_ms"], int)
        shown = result["request"]
        assert shown["headers"]["authorization"] == "[REDACTED]"
        assert "sl.secret-token" not in json.dumps(result)
        assert shown["body"]["file"]["reference"] == f"blob:{picked.id}"

    @pytest.mark.parametrize(
        "name",
        [
            'Ann "final" CV.txt',
            "C:\\temp\\notes.txt",
            "two\nlines.txt",
            "Résumé ☃ 日本.pdf",
            'all "of\\ them"\n\té.txt',
            "{{ not a binding }}.txt",
        ],
        ids=["quotes", "backslashes", "newline", "non-ascii", "mixed", "braces"],
    )
    def test_any_picked_name_keeps_the_dropbox_arg_valid_json(
        self, name, dropbox_portal, upstream, media, workspace, application, developer
    ):
        picked = store_bytes(developer, application, b"CV", name=name)
        datasource = make_datasource(workspace, upstream.url, name="Dropbox")
        result = run_action(
            dropbox_portal["actions"][0],
            datasource=datasource,
            user=developer,
            scope=dropbox_scope(dropbox_portal, [file_json(picked)]),
            files=RuntimeFileResolver(developer, application),
        ).to_dict()

        assert result["error"] is None, result["error"]
        raw = upstream.last.headers["dropbox-api-arg"]
        assert raw.isascii()  # non-ASCII goes as JSON \uXXXX escapes
        assert json.loads(raw) == {
            "path": "/" + name,
            "mode": "add",
            "autorename": True,
            "mute": False,
            "strict_conflict": False,
        }
        assert upstream.last.body == b"CV"
        assert result["data"] == {"path_display": "/" + name, "size": 2}

    def test_the_result_feeds_the_page(self, dropbox_portal):
        result = ExecutionResult(
            data={"path_display": "/a.txt"},
            status_code=200,
            headers={},
            is_execution_success=True,
            duration_ms=3,
            request=None,
        )
        state = RuntimeState(actions={ACTION: action_state(result)})
        page = evaluate_page(dropbox_portal["page"]["layout"], [ACTION], state)
        assert page.widgets["Result"]["text"] == "Stored as /a.txt"
        assert page.actions[ACTION]["responseMeta"] == {
            "statusCode": 200,
            "headers": {},
            "isExecutionSuccess": True,
        }

    def test_without_a_picked_file_nothing_is_sent(self, dropbox_portal, upstream, workspace):
        datasource = make_datasource(workspace, upstream.url)
        result = run_action(
            dropbox_portal["actions"][0],
            datasource=datasource,
            user=None,
            scope=dropbox_scope(dropbox_portal, []),
        ).to_dict()
        # FilePicker1.files[0] is undefined: the header binding fails first.
        assert result["error"]["code"] == "binding_error"
        assert result["error"]["field"] == "config.headers[0].value"
        assert "TypeError" in result["error"]["message"]
        assert upstream.received == []

    def test_a_binary_body_needs_a_file_reference(self, upstream):
        with pytest.raises(InvalidActionConfigError) as caught:
            run(
                {
                    "method": "POST",
                    "path": upstream.url,
                    "body_type": "binary",
                    "body": "{{ 'text' }}",
                }
            )
        assert caught.value.field == "config.body"
        assert upstream.received == []


class TestBindings:
    def test_a_json_body_google_docs_style(self, upstream, workspace):
        datasource = make_datasource(workspace, upstream.url, name="Google Docs")
        body = '{"title": "{{Input1.text}}", "tags": {{ Input1.tags }}, "n": {{this.params.n}}}'
        config = {"method": "POST", "path": "v1/documents", "body_type": "json", "body": body}
        scope = {"Input1": {"text": 'My "doc"', "tags": ["a", "b"]}}
        result = run(config, scope=scope, datasource=datasource, params={"n": 3})
        assert result["response_meta"]["is_execution_success"] is True
        assert (upstream.last.method, upstream.last.path) == ("POST", "/v1/documents")
        assert upstream.last.headers["content-type"] == "application/json"
        assert upstream.last.json() == {"title": 'My "doc"', "tags": ["a", "b"], "n": 3}

    def test_path_headers_and_query_params(self, upstream, workspace):
        datasource = make_datasource(workspace, upstream.url)
        config = {
            "path": "items/{{ this.params.id }}",
            "headers": [
                {"key": "X-{{ Kind.text }}", "value": "{{ [1, 2].map(x => x * this.params.id) }}"}
            ],
            "query_params": [
                {"key": "q", "value": "{{ Kind.text.toLowerCase() }}"},
                {"key": "", "value": ""},
            ],
        }
        run(config, scope={"Kind": {"text": "Tag"}}, datasource=datasource, params={"id": 7})
        assert upstream.last.path == "/items/7"
        assert upstream.last.headers["x-tag"] == "[7,14]"
        assert upstream.last.query == [("q", "tag")]

    def test_a_json_header_value_is_filled_in_as_json(self):
        scope = {"F": {"name": 'a "b" \\ c', "n": 3, "tags": ["x"]}}
        headers = [
            # Inside a JSON string: escaped as string content.
            {"key": "A", "value": ' {"path": "/{{ F.name }}", "n": {{ F.n }}}'},
            # Outside one: written as a JSON value.
            {"key": "B", "value": "[{{ F.name }}, {{ F.tags }}]"},
            # Not a JSON document: plain text, as typed.
            {"key": "C", "value": 'Name {{ F.name }} "{{ F.n }}"'},
            # Opens with a binding: plain text too (one binding keeps its value).
            {"key": "D", "value": "{{ JSON.stringify({path: '/' + F.name}) }}"},
        ]
        config, failures = evaluate_config({"headers": headers}, scope)
        assert failures == []
        values = {row["key"]: row["value"] for row in config["headers"]}
        assert json.loads(values["A"]) == {"path": '/a "b" \\ c', "n": 3}
        assert json.loads(values["B"]) == ['a "b" \\ c', ["x"]]
        assert values["C"] == 'Name a "b" \\ c "3"'
        assert json.loads(values["D"]) == {"path": '/a "b" \\ c'}

    def test_a_failed_binding_in_a_json_header_names_the_field(self, upstream):
        header = {"key": "Dropbox-API-Arg", "value": '{"path": "/{{ nope.name }}"}'}
        result = run({"path": upstream.url, "headers": [header]})
        assert result["error"]["code"] == "binding_error"
        assert result["error"]["field"] == "config.headers[0].value"
        assert upstream.received == []

    def test_this_params_defaults_to_an_empty_object(self, upstream):
        result = run(
            {
                "path": upstream.url + "x",
                "query_params": [{"key": "p", "value": "{{ this.params.id ?? 'none' }}"}],
            }
        )
        assert result["error"] is None
        assert upstream.last.query == [("p", "none")]

    def test_key_value_and_raw_bodies(self, upstream):
        form = {
            "method": "POST",
            "path": upstream.url + "form",
            "body_type": "form_urlencoded",
            "body": [
                {"key": "name", "value": "{{ Who.text }}"},
                {"key": "n", "value": "{{ 1 + 1 }}"},
            ],
        }
        run(form, scope={"Who": {"text": "Ann Lee"}})
        assert upstream.last.body == b"name=Ann+Lee&n=2"
        raw = {
            "method": "POST",
            "path": upstream.url + "raw",
            "body_type": "raw",
            "body": "Hi {{ Who.text }}",
        }
        run(raw, scope={"Who": {"text": "Ann"}})
        assert upstream.last.body == b"Hi Ann"

    def test_a_body_that_is_not_sent_is_not_evaluated(self, upstream):
        result = run({"path": upstream.url, "body_type": "none", "body": "{{ nope.x }}"})
        assert result["error"] is None

    @pytest.mark.parametrize(
        ("config", "field"),
        [
            ({"path": "{{ nope.x }}"}, "config.path"),
            ({"headers": [{"key": "A", "value": "{{ nope.x }}"}]}, "config.headers[0].value"),
            ({"headers": [{"key": "{{ nope }}", "value": "1"}]}, "config.headers[0].key"),
            (
                {"query_params": [{"key": "", "value": ""}, {"key": "q", "value": "{{ nope }}"}]},
                "config.query_params[1].value",
            ),
            ({"body_type": "json", "body": '{"a": {{ nope }}}'}, "config.body"),
            ({"body_type": "raw", "body": "{{ 1 + }}"}, "config.body"),
            (
                {"body_type": "multipart", "body": [{"key": "f", "value": "{{ nope }}"}]},
                "config.body[0].value",
            ),
        ],
    )
    def test_a_binding_error_is_a_failed_result_naming_the_field(self, upstream, config, field):
        result = run({"method": "POST", **config, "path": config.get("path", upstream.url)})
        assert result["response_meta"] == {
            "status_code": None,
            "headers": {},
            "is_execution_success": False,
        }
        assert result["data"] is None and result["request"] is None
        error = result["error"]
        assert error["code"] == "binding_error"
        assert error["field"] == field
        assert error["message"].startswith(f"{field}: ")
        assert error["errors"][0]["field"] == field
        assert upstream.received == []

    def test_reference_error_message(self, upstream):
        result = run({"path": upstream.url, "headers": [{"key": "A", "value": "{{ nope.x }}"}]})
        assert result["error"]["message"].startswith("config.headers[0].value: ReferenceError: ")

    def test_evaluate_config_keeps_file_references(self):
        picked = {"id": "f_1", "name": "a", "size": 1, "type": "t", "data": "blob:f_1"}
        config, failures = evaluate_config(
            {"body_type": "binary", "body": "{{ P.files[0].data }}"}, {"P": {"files": [picked]}}
        )
        assert failures == [] and config["body"] == "blob:f_1"
        config, _ = evaluate_config(
            {"body_type": "binary", "body": "{{ P.files[0] }}"}, {"P": {"files": [picked]}}
        )
        assert config["body"] == picked


class TestBoundValuesInTheUrl:
    """An end user's value in the path or a form body is data, never URL structure."""

    ATTACK = "../../admin?x=1#frag"

    def bearer_datasource(self, workspace, url):
        return make_datasource(
            workspace, url, auth_type=AuthType.BEARER, bearer_token="sl.secret-token"
        )

    def test_a_bound_path_segment_cannot_climb_out_or_add_a_query(self, upstream, workspace):
        datasource = self.bearer_datasource(workspace, upstream.url + "api/v1/")
        scope = {"Input1": {"text": self.ATTACK}}
        result = run({"path": "p/{{Input1.text}}"}, scope=scope, datasource=datasource)
        assert result["error"] is None
        assert upstream.last.path == "/api/v1/p/..%2F..%2Fadmin%3Fx%3D1%23frag"
        assert upstream.last.query == []
        assert upstream.last.headers["authorization"] == "Bearer sl.secret-token"

    def test_a_bound_query_value_cannot_add_a_parameter(self, upstream, workspace):
        datasource = self.bearer_datasource(workspace, upstream.url)
        scope = {"Input1": {"text": "a&admin=1#x"}}
        run({"path": "search?q={{Input1.text}}"}, scope=scope, datasource=datasource)
        assert upstream.last.query == [("q", "a&admin=1#x")]

    @pytest.mark.parametrize(
        ("value", "path"),
        [
            ("//evil.test/", "/evil.test%2F"),
            ("@evil.test", "/%40evil.test"),
            ("https://evil.test/", "/https%3A%2F%2Fevil.test%2F"),
        ],
    )
    def test_a_binding_cannot_change_the_host(self, upstream, workspace, value, path):
        datasource = self.bearer_datasource(workspace, upstream.url)
        result = run({"path": "{{x}}"}, scope={"x": value}, datasource=datasource)
        assert result["error"] is None
        assert upstream.last.path == path

    def test_a_binding_in_the_host_of_a_full_url_is_refused(self, upstream, workspace):
        datasource = self.bearer_datasource(workspace, upstream.url)
        result = run({"path": "http://{{x}}/p"}, scope={"x": "evil.test"}, datasource=datasource)
        assert result["error"]["code"] == "binding_error"
        assert result["error"]["field"] == "config.path"
        assert "scheme, host or port" in result["error"]["message"]
        assert upstream.received == []

    def test_a_bound_value_in_a_form_body_typed_as_text_is_one_value(self, upstream):
        form = {
            "method": "POST",
            "path": upstream.url + "form",
            "body_type": "form_urlencoded",
            "body": "name={{ Who.text }}&n=2",
        }
        run(form, scope={"Who": {"text": "Ann&role=admin"}})
        assert upstream.last.body == b"name=Ann%26role%3Dadmin&n=2"


class TestUpstreamAnswers:
    def test_a_4xx_is_a_result(self, upstream, workspace):
        datasource = make_datasource(workspace, upstream.url)
        result = run({"path": "status/409"}, datasource=datasource)
        assert result["response_meta"]["status_code"] == 409
        assert result["response_meta"]["is_execution_success"] is False
        assert result["data"] == {"error_summary": "status 409"}
        assert result["error"]["code"] == "http_status"

    def test_a_bad_config_raises_naming_the_field(self, upstream):
        with pytest.raises(InvalidActionConfigError) as caught:
            run({"path": upstream.url, "headers": [{"key": "Bad Name", "value": "1"}]})
        assert caught.value.field == "config.headers[0].key"


class TestFiles:
    def run_binary(self, upstream, reference, resolver):
        config = {"method": "POST", "path": upstream.url, "body_type": "binary", "body": reference}
        return run(config, files=resolver)

    def test_another_users_file_is_refused(self, upstream, media, application, members):
        picked = store_bytes(members["viewer"], application, b"secret")
        with pytest.raises(InvalidActionConfigError) as caught:
            self.run_binary(
                upstream, picked.reference, RuntimeFileResolver(members["developer"], application)
            )
        assert caught.value.field == "config.body"
        assert upstream.received == []

    def test_another_applications_file_is_refused(
        self, upstream, media, workspace, application, members
    ):
        other = create_application(user=None, workspace=workspace, name="Other")
        picked = store_bytes(members["developer"], other, b"x")
        with pytest.raises(InvalidActionConfigError):
            self.run_binary(
                upstream, picked.reference, RuntimeFileResolver(members["developer"], application)
            )

    def test_an_expired_file_is_refused(self, upstream, media, application, members):
        picked = store_bytes(
            members["developer"], application, b"x", expires_in=timedelta(seconds=-1)
        )
        with pytest.raises(InvalidActionConfigError):
            self.run_binary(
                upstream, picked.reference, RuntimeFileResolver(members["developer"], application)
            )

    def test_an_anonymous_resolver_resolves_nothing(self, media, application, members):
        picked = store_bytes(members["developer"], application, b"x")
        with pytest.raises(LookupError):
            RuntimeFileResolver(None, application).resolve(picked.reference)

    def test_the_owner_streams_it(self, upstream, media, application, members):
        picked = store_bytes(members["developer"], application, b"mine")
        result = self.run_binary(
            upstream, picked.reference, RuntimeFileResolver(members["developer"], application)
        )
        assert result["response_meta"]["is_execution_success"] is True
        assert upstream.last.body == b"mine"


class TestTokens:
    def oauth_datasource(self, workspace, url, **fields):
        return make_datasource(
            workspace,
            url,
            auth_type=AuthType.OAUTH2,
            client_id="brace",
            client_secret="s3cret",
            access_token_url=url + "status/503",
            **fields,
        )

    def test_not_authorized(self, upstream, workspace, members):
        datasource = self.oauth_datasource(workspace, upstream.url, name="Docs")
        result = run({"path": "v1"}, datasource=datasource, user=members["developer"])
        assert result["error"]["code"] == "not_authorized"
        assert "Docs" in result["error"]["message"]
        assert result["error"]["retryable"] is False
        assert result["response_meta"]["is_execution_success"] is False
        assert upstream.received == []

    def test_needs_reauthorization(self, upstream, workspace, members):
        datasource = self.oauth_datasource(workspace, upstream.url, name="Dropbox")
        OAuthToken.objects.create(
            datasource=datasource, access_token="old", status=TokenStatus.NEEDS_REAUTHORIZATION
        )
        result = run({"path": "v1"}, datasource=datasource, user=members["developer"])
        assert result["error"]["code"] == "needs_reauthorization"
        assert result["error"]["message"] == "Datasource 'Dropbox' needs to be authorized again."

    def test_a_failed_refresh_is_retryable(self, upstream, workspace, members):
        datasource = self.oauth_datasource(workspace, upstream.url)
        OAuthToken.objects.create(
            datasource=datasource,
            access_token="old",
            refresh_token="r1",
            status=TokenStatus.AUTHORIZED,
            expires_at=timezone.now() - timedelta(minutes=1),
        )
        result = run({"path": "v1"}, datasource=datasource, user=members["developer"])
        assert result["error"]["code"] == "token_refresh_failed"
        assert result["error"]["retryable"] is True
        assert [r.path for r in upstream.received] == ["/status/503"]  # the token call only

    def test_per_user_tokens_use_the_running_user(self, upstream, workspace, members):
        datasource = self.oauth_datasource(
            workspace, upstream.url, token_sharing=TokenSharing.PER_USER
        )
        for role in ("developer", "viewer"):
            OAuthToken.objects.create(
                datasource=datasource,
                user=members[role],
                access_token=f"token-of-{role}",
                status=TokenStatus.AUTHORIZED,
            )
        result = run({"path": "v1"}, datasource=datasource, user=members["viewer"])
        assert result["error"] is None
        assert upstream.last.headers["authorization"] == "Bearer token-of-viewer"
        assert result["request"]["headers"]["authorization"] == "[REDACTED]"

    def test_per_user_tokens_without_a_user(self, upstream, workspace):
        datasource = self.oauth_datasource(
            workspace, upstream.url, token_sharing=TokenSharing.PER_USER
        )
        result = run({"path": "v1"}, datasource=datasource, user=None)
        assert result["error"]["code"] == "invalid_datasource"
        assert result["error"]["field"] == "user"


def test_action_snapshot_matches_the_published_shape(page, workspace):
    from builder.models import Action

    action = Action.objects.create(page=page, name="Api1", config={"path": "x"})
    assert action_snapshot(action) == {
        "id": action.pk,
        "page": page.pk,
        "name": "Api1",
        "datasource": None,
        "config": {"path": "x"},
    }


def test_widget_helper_layouts_validate():
    assert evaluate_page(layout(widget("T", "Text", {"text": "x"})), []).widgets["T"]["text"] == "x"
