"""Attacks and mistakes: wrong passwords, lockout, CSRF, role checks, bad keys, hostile input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import csrf_of, sign_in


def _login(client: TestClient, username: str, password: str) -> int:
    token = csrf_of(client)
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password},
        follow_redirects=False,
    ).status_code


def test_wrong_password_gives_clear_401(client: TestClient, demo: object) -> None:
    token = csrf_of(client)
    response = client.post("/login", data={"csrf_token": token, "username": "press1", "password": "wrong"})
    assert response.status_code == 401
    assert "아이디 또는 비밀번호가 올바르지 않습니다" in response.text


def test_lockout_after_repeated_failures(client: TestClient, demo: object) -> None:
    for _ in range(3):  # settings fixture: login_max_failures=3
        assert _login(client, "press2", "wrong password") == 401
    assert _login(client, "press2", "mokmin-demo-2026") == 423


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_forms_without_the_right_csrf_token_are_refused(
    client: TestClient, demo: object, token: str | None
) -> None:
    csrf_of(client)  # the browser has a CSRF cookie, but the form does not carry its value
    data = {"username": "press1", "password": "mokmin-demo-2026"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 403
    assert response.json()["error"].startswith("보안 토큰")


def test_csrf_required_on_signed_in_forms(staff_client: TestClient) -> None:
    assert staff_client.post("/profile/keys", data={"name": "x"}).status_code == 403
    assert staff_client.post("/logout").status_code == 403


def test_staff_cannot_reach_admin_pages(staff_client: TestClient) -> None:
    assert staff_client.get("/admin/users").status_code == 403
    assert staff_client.get("/admin/departments", headers={"accept": "text/html"}).status_code == 403
    token = csrf_of(staff_client, "/")
    response = staff_client.post(
        "/admin/users",
        data={"csrf_token": token, "username": "evil", "display_name": "e", "password": "long enough pw"},
    )
    assert response.status_code == 403


def test_open_redirect_after_sign_in_is_blocked(client: TestClient, demo: object) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "press1",
            "password": "mokmin-demo-2026",
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


@pytest.mark.parametrize("username", ["' OR '1'='1", "admin'--", 'press1"; DROP TABLE users; --', "%00"])
def test_sql_injection_shaped_sign_in_is_just_a_wrong_password(
    client: TestClient, demo: object, username: str
) -> None:
    assert _login(client, username, "' OR '1'='1") == 401
    assert _login(client, "press1", "mokmin-demo-2026") == 303  # the users table is still there


def test_oversized_inputs_get_clear_4xx(staff_client: TestClient) -> None:
    token = csrf_of(staff_client, "/profile")
    response = staff_client.post("/profile/keys", data={"csrf_token": token, "name": "x" * 5000})
    assert response.status_code == 422
    huge = staff_client.post(
        "/profile/keys",
        content=b"x" * (11 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert huge.status_code == 413
    assert "너무 큽니다" in huge.json()["error"]


def test_bad_path_parameter_is_4xx_not_500(staff_client: TestClient) -> None:
    token = csrf_of(staff_client, "/profile")
    assert staff_client.post("/profile/keys/abc/revoke", data={"csrf_token": token}).status_code == 422
    assert staff_client.post("/profile/keys/99999/revoke", data={"csrf_token": token}).status_code == 404


def test_error_body_shape(client: TestClient) -> None:
    body = client.get("/no/such/page").json()
    assert set(body) == {"error", "detail"}


def test_revoking_someone_elses_key_is_not_found(client: TestClient, demo: object) -> None:
    sign_in(client, "press1")
    token = csrf_of(client, "/profile")
    created = client.post("/profile/keys", data={"csrf_token": token, "name": "mine"})
    assert created.status_code == 201
    other = TestClient(client.app, base_url="http://127.0.0.1")
    sign_in(other, "press2")
    other_token = csrf_of(other, "/profile")
    assert other.post("/profile/keys/1/revoke", data={"csrf_token": other_token}).status_code in (404, 422)
