"""Pages as a signed-in person uses them: sign-in, language, API keys, admin."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import csrf_of, sign_in


def test_anonymous_page_visit_redirects_to_sign_in(client: TestClient) -> None:
    response = client.get("/profile", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/profile"


def test_sign_in_page_is_korean_by_default_and_accessible(client: TestClient) -> None:
    page = client.get("/login").text
    assert '<html lang="ko">' in page
    assert '<label for="username">아이디</label>' in page
    assert '<label for="password">비밀번호</label>' in page


def test_sign_in_sets_hardened_cookies(client: TestClient, demo: object) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": "press1", "password": "mokmin-demo-2026"},
        follow_redirects=False,
    )
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "mokmin_session" in v)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_language_switch(staff_client: TestClient) -> None:
    token = csrf_of(staff_client, "/")
    staff_client.post("/language", data={"csrf_token": token, "language": "en", "next": "/profile"})
    page = staff_client.get("/profile").text
    assert '<html lang="en">' in page and "API keys" in page


def test_create_use_and_revoke_api_key(staff_client: TestClient) -> None:
    token = csrf_of(staff_client, "/profile")
    created = staff_client.post("/profile/keys", data={"csrf_token": token, "name": "laptop", "days": "30"})
    assert created.status_code == 201
    key = re.search(r'<code id="new-key">([^<]+)</code>', created.text)
    assert key
    # The key is shown once: the next visit shows only its prefix.
    assert key.group(1) not in staff_client.get("/profile").text
    key_id = re.search(r"/profile/keys/(\d+)/revoke", created.text)
    assert key_id
    staff_client.post(f"/profile/keys/{key_id.group(1)}/revoke", data={"csrf_token": token})
    assert "폐기됨" in staff_client.get("/profile").text


def test_admin_adds_user_and_disables_them(admin_client: TestClient) -> None:
    token = csrf_of(admin_client, "/admin/users")
    added = admin_client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "newbie",
            "display_name": "신규 주무관",
            "password": "long enough pw",
            "role": "staff",
        },
    )
    assert added.status_code == 201 and "newbie" in added.text
    admin_client.post("/admin/users/newbie/active", data={"csrf_token": token, "active": "0"})
    fresh = TestClient(admin_client.app, base_url="http://127.0.0.1")
    login_token = csrf_of(fresh)
    refused = fresh.post(
        "/login", data={"csrf_token": login_token, "username": "newbie", "password": "long enough pw"}
    )
    assert refused.status_code == 401


def test_admin_add_user_with_bad_input_gets_clear_message(admin_client: TestClient) -> None:
    token = csrf_of(admin_client, "/admin/users")
    response = admin_client.post(
        "/admin/users",
        data={"csrf_token": token, "username": "x", "display_name": "n", "password": "long enough pw"},
    )
    assert response.status_code == 422
    assert "아이디는 영문 소문자" in response.text


def test_admin_departments_page(admin_client: TestClient) -> None:
    page = admin_client.get("/admin/departments").text
    token = csrf_of(admin_client, "/admin/departments")
    city = re.search(r'<option value="(\d+)">목민시청</option>', page)
    assert city
    response = admin_client.post(
        "/admin/departments",
        data={"csrf_token": token, "institution_id": city.group(1), "name": "스마트도시과"},
        follow_redirects=True,
    )
    assert "스마트도시과" in response.text


def test_sign_out_ends_the_session(staff_client: TestClient) -> None:
    token = csrf_of(staff_client, "/")
    staff_client.post("/logout", data={"csrf_token": token})
    response = staff_client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303


def test_second_user_cannot_sign_in_with_first_users_password(client: TestClient, demo: object) -> None:
    sign_in(client, "press1")
    assert "보도 담당 주무관" in client.get("/").text


def test_sign_in_sign_out_and_admin_changes_are_audited(client: TestClient, demo: Session) -> None:
    from mokmin.guard import audit
    from mokmin.guard.models import AuditEvent

    token = csrf_of(client)
    client.post("/login", data={"csrf_token": token, "username": "admin", "password": "wrong one"})
    client.post("/login", data={"csrf_token": token, "username": "my-password-typed-here", "password": "x"})
    sign_in(client, "admin")
    token = csrf_of(client, "/admin/users")
    client.post("/admin/users/press2/active", data={"csrf_token": token, "active": "0"})
    client.post("/logout", data={"csrf_token": token})
    demo.expire_all()
    events = [
        (e.action, e.actor, e.target, e.outcome) for e in demo.query(AuditEvent).order_by(AuditEvent.seq)
    ]
    assert events == [
        ("auth.sign_in", "system", "admin", "refused"),
        ("auth.sign_in", "system", "(unknown)", "refused"),
        ("auth.sign_in", "admin", "admin", "ok"),
        ("admin.user_active", "admin", "press2", "ok"),
        ("auth.sign_out", "admin", "admin", "ok"),
    ]
    assert audit.verify(demo) == (5, None)
