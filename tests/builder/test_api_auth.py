"""Token login, session login with CSRF, and the API's generic input errors."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.builder.helpers import assert_error
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.django_db
class TestSignInRateLimit:
    """BRACE_LOGIN_RATE attempts per address, right or wrong: token, browser and admin login."""

    @pytest.fixture(autouse=True)
    def _rate(self, settings):
        settings.BRACE_LOGIN_RATE = "3/min"

    def token_login(self, client, password="wrong", **extra):
        body = {"username": "vera_viewer", "password": password}
        return client.post(TOKEN_URL, body, format="json", **extra)

    def test_the_token_login_answers_429_once_the_budget_is_spent(self, api_client, members):
        for _ in range(3):
            assert_error(self.token_login(api_client), 400, "invalid_credentials")
        response = self.token_login(api_client, PASSWORD)
        body = assert_error(response, 429, "throttled")
        assert "token" not in body
        assert 1 <= int(response["Retry-After"]) <= 60
        assert not Token.objects.exists()

    def test_right_attempts_count_too(self, api_client, members):
        for _ in range(3):
            assert self.token_login(api_client, PASSWORD).status_code == 200
        assert_error(self.token_login(api_client, PASSWORD), 429, "throttled")

    def test_another_address_has_its_own_budget(self, api_client, members):
        for _ in range(3):
            self.token_login(api_client)
        assert_error(self.token_login(api_client), 429, "throttled")
        response = self.token_login(api_client, PASSWORD, REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 200

    def test_a_forwarded_for_header_does_not_pick_the_address(self, api_client, members):
        for n in range(3):
            self.token_login(api_client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        response = self.token_login(api_client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.9")
        assert_error(response, 429, "throttled")

    def test_behind_a_proxy_the_address_it_saw_counts(self, api_client, members, settings):
        # The proxy appends the address it saw; entries before it are the client's to choose.
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        for n in range(3):
            self.token_login(api_client, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.1")
        throttled = self.token_login(api_client, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.1")
        assert_error(throttled, 429, "throttled")
        other = self.token_login(api_client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2")
        assert other.status_code == 200

    def test_the_browser_login_shares_the_budget_and_checks_nothing_when_throttled(
        self, api_client, members
    ):
        for _ in range(3):
            self.token_login(api_client)
        browser = Client()
        response = browser.post(
            "/accounts/login/?next=/editor/",
            {"username": "vera_viewer", "password": PASSWORD},
        )
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        page = response.content.decode()
        assert "Too many sign-in attempts" in page
        assert 'href="/accounts/login/?next=/editor/"' in page
        assert "_auth_user_id" not in browser.session
        assert browser.get("/editor/").status_code == 302  # still signed out

    def test_the_browser_login_counts_its_own_attempts(self, api_client, members):
        browser = Client()
        for _ in range(3):
            response = browser.post(
                "/accounts/login/", {"username": "vera_viewer", "password": "x"}
            )
            assert response.status_code == 200  # the form again, with its error
        assert_error(self.token_login(api_client, PASSWORD), 429, "throttled")

    def test_showing_the_login_page_is_not_an_attempt(self, api_client, members):
        browser = Client()
        for _ in range(5):
            assert browser.get("/accounts/login/").status_code == 200
        assert self.token_login(api_client, PASSWORD).status_code == 200

    def test_the_admin_login_shares_the_budget(self, api_client, make_user):
        make_user("root_user", is_staff=True, is_superuser=True)
        for _ in range(3):
            self.token_login(api_client)
        browser = Client()
        response = browser.post(
            "/admin/login/?next=/admin/", {"username": "root_user", "password": PASSWORD}
        )
        assert response.status_code == 429
        assert "_auth_user_id" not in browser.session


@pytest.mark.django_db
class TestTokenLogin:
    def test_good_credentials_answer_a_token_that_authenticates(self, api_client, members):
        response = api_client.post(
            TOKEN_URL, {"username": "vera_viewer", "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200
        token = response.json()["token"]
        assert token == Token.objects.get(user=members["viewer"]).key
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api_client.get("/api/v1/workspaces/").status_code == 200

    def test_the_same_token_comes_back_on_a_second_login(self, api_client, members):
        body = {"username": "vera_viewer", "password": PASSWORD}
        first = api_client.post(TOKEN_URL, body, format="json").json()["token"]
        second = api_client.post(TOKEN_URL, body, format="json").json()["token"]
        assert first == second

    @pytest.mark.parametrize(
        "body",
        [
            {"username": "vera_viewer", "password": "wrong"},
            {"username": "nobody", "password": PASSWORD},
        ],
    )
    def test_bad_credentials_are_a_field_less_400(self, api_client, members, body):
        response = api_client.post(TOKEN_URL, body, format="json")
        assert_error(response, 400, "invalid_credentials")

    def test_an_inactive_user_gets_no_token(self, api_client, make_user):
        make_user("gone", is_active=False)
        response = api_client.post(
            TOKEN_URL, {"username": "gone", "password": PASSWORD}, format="json"
        )
        assert_error(response, 400, "invalid_credentials")
        assert not Token.objects.exists()

    def test_a_missing_password_names_the_field(self, api_client):
        response = api_client.post(TOKEN_URL, {"username": "x"}, format="json")
        assert_error(response, 400, "required", "password")

    def test_an_unknown_key_names_the_field(self, api_client):
        body = {"username": "x", "password": "y", "remember": True}
        assert_error(
            api_client.post(TOKEN_URL, body, format="json"), 400, "unknown_field", "remember"
        )

    def test_a_number_is_not_a_username(self, api_client):
        body = {"username": 12, "password": "y"}
        assert_error(api_client.post(TOKEN_URL, body, format="json"), 400, "invalid", "username")

    def test_malformed_json_is_a_parse_error(self, api_client):
        response = api_client.post(TOKEN_URL, '{"username": ', content_type="application/json")
        assert_error(response, 400, "parse_error")


@pytest.mark.django_db
class TestAnonymousAndBadInput:
    def test_anonymous_requests_answer_401_asking_for_a_token(self, api_client):
        response = api_client.get("/api/v1/workspaces/")
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == "Token"

    def test_a_bad_token_answers_401(self, api_client):
        api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
        assert_error(api_client.get("/api/v1/workspaces/"), 401, "authentication_failed")

    def test_malformed_json_on_an_editor_route_is_a_parse_error(self, client_as):
        response = client_as("admin").post(
            "/api/v1/workspaces/", "{nope", content_type="application/json"
        )
        assert_error(response, 400, "parse_error")

    def test_a_body_that_is_not_an_object_is_refused(self, client_as):
        response = client_as("admin").post("/api/v1/workspaces/", [1, 2], format="json")
        body = assert_error(response, 400, "invalid")
        assert "dictionary" in body["message"]

    def test_a_form_encoded_body_is_refused(self, client_as):
        response = client_as("admin").post("/api/v1/workspaces/", {"name": "x"})
        assert_error(response, 415, "unsupported_media_type")

    def test_a_body_over_the_upload_limit_answers_413_before_parsing(self, client_as, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
        response = client_as("admin").post(
            "/api/v1/workspaces/", {"name": "x" * 200}, format="json"
        )
        assert_error(response, 413, "payload_too_large")


@pytest.mark.django_db
class TestSessionLogin:
    def test_the_login_page_renders_a_csrf_protected_form(self):
        response = Client().get("/accounts/login/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Sign in to Brace" in html
        assert 'name="csrfmiddlewaretoken"' in html

    def test_posting_without_the_csrf_token_is_refused(self, members):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            "/accounts/login/", {"username": "alice_admin", "password": PASSWORD}
        )
        assert response.status_code == 403
        assert "_auth_user_id" not in client.session

    def test_posting_with_the_csrf_token_signs_in(self, members):
        client = Client(enforce_csrf_checks=True)
        page = client.get("/accounts/login/").content.decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found is not None
        csrf = found.group(1)
        response = client.post(
            "/accounts/login/",
            {"username": "alice_admin", "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        )
        assert response.status_code == 302
        assert response["Location"] == "/editor/"
        assert client.session["_auth_user_id"] == str(members["admin"].pk)

    def test_a_wrong_password_shows_the_form_again_with_an_error(self, members):
        response = Client().post(
            "/accounts/login/", {"username": "alice_admin", "password": "wrong"}
        )
        assert response.status_code == 200
        assert 'class="error"' in response.content.decode()

    def test_next_is_kept_through_the_form(self, members):
        html = Client().get("/accounts/login/", {"next": "/admin/"}).content.decode()
        assert 'name="next" value="/admin/"' in html

    def test_signing_out_shows_the_signed_out_page(self, members):
        client = Client()
        client.force_login(members["admin"])
        response = client.post("/accounts/logout/")
        assert response.status_code == 200
        assert "Signed out" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_session_api_writes_need_the_csrf_token(self, members):
        client = Client(enforce_csrf_checks=True)
        client.force_login(members["admin"])
        assert client.get("/api/v1/workspaces/").status_code == 200
        response = client.post(
            "/api/v1/workspaces/", {"name": "X"}, content_type="application/json"
        )
        assert_error(response, 403, "permission_denied")
        assert "CSRF" in response.json()["message"]

    def test_session_api_writes_with_the_csrf_token_succeed(self, members):
        client = Client(enforce_csrf_checks=True)
        client.force_login(members["admin"])
        page = client.get("/accounts/login/")
        csrf = page.cookies["csrftoken"].value
        response = client.post(
            "/api/v1/workspaces/",
            {"name": "X"},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=csrf,
        )
        assert response.status_code == 201
        assert response.json()["role"] == "admin"
