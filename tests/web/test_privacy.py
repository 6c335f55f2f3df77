"""The privacy officer's pages and the scan API: roles, stricter-only policy, false positives, scanning."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core import auth
from mokmin.core.levels import DataLevel, Locality
from mokmin.core.models import User
from mokmin.guard import audit, policy_store
from mokmin.guard.models import AuditEvent
from mokmin.guard.policy import Action
from tests.conftest import csrf_of, sign_in
from tests.guard.ids import rrn

HTML = {"accept": "text/html"}
TEXT = "민원인 김민수 님(연락처 010-3456-7890)의 2026. 3. 2. 민원입니다."


@pytest.fixture
def officer(client: TestClient, demo: Session) -> TestClient:
    sign_in(client, "privacy")
    return client


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/privacy"), ("get", "/privacy/scan"), ("post", "/privacy/policy"),
                         ("post", "/privacy/scan")],
)  # fmt: skip
def test_staff_and_auditors_are_refused(client: TestClient, demo: Session, method: str, path: str) -> None:
    for username in ("press1", "auditor"):
        sign_in(client, username)
        token = csrf_of(client, "/")
        assert getattr(client, method)(path, headers={"x-csrf-token": token}).status_code == 403


def test_matrix_shows_defaults_and_fixes_classified_external(officer: TestClient) -> None:
    page = officer.get("/privacy")
    assert page.status_code == 200 and 'id="policy-matrix"' in page.text
    cells = re.findall(r'<tr id="cell-([OSC])-(local|external)">', page.text)
    assert len(cells) == 6
    assert 'id="action-C-external"' not in page.text and "변경 불가" in page.text
    options = re.search(r'<select id="action-S-external".*?</select>', page.text, re.S)
    assert options and 'value="pass"' not in options.group(0) and 'value="block"' in options.group(0)


def _set(client: TestClient, level: str, locality: str, action: str) -> Any:
    token = csrf_of(client, "/privacy")
    data = {"csrf_token": token, "level": level, "locality": locality, "action": action}
    return client.post("/privacy/policy", data=data, headers=HTML, follow_redirects=False)


def test_tightening_is_saved_and_audited(officer: TestClient, demo: Session) -> None:
    response = _set(officer, "O", "external", "pseudonymize")
    assert response.status_code == 303 and response.headers["location"] == "/privacy?saved=1"
    demo.expire_all()
    assert policy_store.load_overrides(demo) == {(DataLevel.OPEN, Locality.EXTERNAL): Action.PSEUDONYMIZE}
    event = demo.scalars(select(AuditEvent).where(AuditEvent.action == "admin.policy_change")).one()
    assert event.actor == "privacy" and event.details["to"] == "pseudonymize"
    assert "강화됨" in officer.get("/privacy").text


@pytest.mark.parametrize(
    ("level", "locality", "action"), [("S", "external", "pass"), ("C", "external", "pseudonymize")]
)
def test_loosening_is_refused(
    officer: TestClient, demo: Session, level: str, locality: str, action: str
) -> None:
    response = _set(officer, level, locality, action)
    assert response.status_code == 422 and "완화할 수 없습니다" in response.text
    demo.expire_all()
    assert policy_store.load_overrides(demo) == {}
    assert demo.scalar(select(AuditEvent).where(AuditEvent.action == "admin.policy_change")) is None


def test_unknown_cell_is_a_clear_422(officer: TestClient) -> None:
    response = _set(officer, "X", "external", "block")
    assert response.status_code == 422 and "올바르지 않습니다" in response.text


def test_policy_change_needs_csrf(officer: TestClient) -> None:
    data = {"level": "O", "locality": "local", "action": "block"}
    assert officer.post("/privacy/policy", data=data).status_code == 403


def test_false_positives_are_grouped_by_type(officer: TestClient, demo: Session) -> None:
    press1 = audit.Actor(None, "press1")
    for kind in ("PERSON", "PERSON", "ADDRESS", "PERSON"):
        audit.append(demo, "guard.false_positive", press1, target=kind)
    demo.commit()
    page = officer.get("/privacy").text
    rows = re.findall(r"<tr><td>([A-Z_]+)</td><td>(\d+)</td></tr>", page)
    assert rows == [("PERSON", "3"), ("ADDRESS", "1")]


def test_scan_page_highlights_pasted_text(officer: TestClient) -> None:
    token = csrf_of(officer, "/privacy/scan")
    response = officer.post("/privacy/scan", data={"csrf_token": token, "text": TEXT})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    marks = re.findall(r'<mark title="([A-Z_]+) [0-9.]+" data-type="[A-Z_]+">([^<]+)</mark>', response.text)
    assert ("PERSON", "김민수") in marks and ("PHONE", "010-3456-7890") in marks
    assert "2026. 3. 2." not in [value for _, value in marks]


def test_scan_page_reads_an_uploaded_text_file_in_cp949(officer: TestClient) -> None:
    token = csrf_of(officer, "/privacy/scan")
    files = {"file": ("memo.txt", TEXT.encode("cp949"), "text/plain")}
    response = officer.post("/privacy/scan", data={"csrf_token": token}, files=files)
    assert response.status_code == 200 and "memo.txt" in response.text
    assert 'data-type="PHONE">010-3456-7890</mark>' in response.text


@pytest.mark.parametrize(
    ("data", "files", "status", "message"),
    [({"text": "   "}, None, 422, "입력하거나"),
     ({}, {"file": ("memo.pdf", b"%PDF-1.7", "application/pdf")}, 422, ".txt"),
     ({}, {"file": ("bin.txt", b"\x00\x01\xff\xfe", "text/plain")}, 422, "UTF-8"),
     ({}, {"file": ("big.txt", b"a" * (2 * 1024 * 1024 + 1), "text/plain")}, 413, "2MB")],
)  # fmt: skip
def test_scan_page_refuses_bad_input_clearly(
    officer: TestClient, data: dict[str, str], files: Any, status: int, message: str
) -> None:
    token = csrf_of(officer, "/privacy/scan")
    response = officer.post("/privacy/scan", data={"csrf_token": token, **data}, files=files)
    assert response.status_code == status and message in response.text


def _api(client: TestClient, body: Any, **headers: str) -> Any:
    return client.post("/api/guard/scan", json=body, headers=headers)


def test_api_with_session_and_csrf_returns_python_offsets(staff_client: TestClient) -> None:
    token = csrf_of(staff_client, "/")
    number = rrn("900101123456")
    text = f"😀 주민등록번호 {number}, 전화 010-3456-7890"
    spans = _api(staff_client, {"text": text}, **{"x-csrf-token": token}).json()["spans"]
    assert {(s["type"], text[s["start"] : s["end"]]) for s in spans} == {
        ("RRN", number),
        ("PHONE", "010-3456-7890"),
    }
    assert all(set(s) == {"start", "end", "type", "score"} for s in spans)


def test_api_items_keep_ids_and_order_and_honour_types(staff_client: TestClient) -> None:
    token = csrf_of(staff_client, "/")
    body = {"items": [{"id": "b", "text": TEXT}, {"id": 7, "text": "개인정보 없음"}], "types": ["phone"]}
    result = _api(staff_client, body, **{"x-csrf-token": token}).json()
    assert [item["id"] for item in result["items"]] == ["b", 7] and "spans" not in result
    assert [s["type"] for s in result["items"][0]["spans"]] == ["PHONE"] and result["items"][1]["spans"] == []


def test_api_with_a_personal_key_needs_no_csrf(client: TestClient, demo: Session) -> None:
    user = demo.scalars(select(User).where(User.username == "press1")).one()
    _, key = auth.create_api_key(demo, user, "scanner", 30)
    demo.commit()
    response = _api(client, {"text": TEXT}, authorization=f"Bearer {key}")
    assert response.status_code == 200 and len(response.json()["spans"]) == 2
    assert _api(client, {"text": TEXT}, authorization="Bearer mk-wrong").status_code == 401


def test_api_refuses_missing_auth_and_missing_csrf(client: TestClient, demo: Session) -> None:
    assert _api(client, {"text": TEXT}).status_code == 401
    sign_in(client, "press1")
    assert _api(client, {"text": TEXT}).status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [({}, 422, "text"), ({"text": "a", "items": []}, 422, "items"), ({"text": 5}, 422, "text"),
     ({"text": "a", "types": ["NAME"]}, 422, "PERSON"), ({"items": [{"id": 1}]}, 422, "items"),
     ({"text": "a", "threshold": 2}, 422, "threshold"), ({"text": "a", "extra": 1}, 422, "extra"),
     ([1, 2], 422, "body")],
)  # fmt: skip
def test_api_bad_input_is_a_clear_4xx(
    staff_client: TestClient, body: Any, status: int, fragment: str
) -> None:
    token = csrf_of(staff_client, "/")
    response = _api(staff_client, body, **{"x-csrf-token": token})
    assert response.status_code == status and fragment in response.json()["error"]


def test_api_refuses_malformed_json(staff_client: TestClient) -> None:
    token = csrf_of(staff_client, "/")
    response = staff_client.post(
        "/api/guard/scan",
        content=b"{not json",
        headers={"x-csrf-token": token, "content-type": "application/json"},
    )
    assert response.status_code == 422 and "error" in response.json()
