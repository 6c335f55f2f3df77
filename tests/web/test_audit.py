"""The audit pages: who may see them, filters and pages, chain status, signed export, audited vault reveals."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mokmin.core.db import utcnow
from mokmin.guard import audit, vault
from mokmin.guard.audit_query import KST
from mokmin.guard.models import AuditEvent
from tests.conftest import csrf_of, sign_in

PRESS1 = audit.Actor(None, "press1")
SECRET_OF_TESTS = "test-secret-" + "x" * 40  # conftest's settings.secret_key
HTML = {"accept": "text/html"}


def _seqs(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/audit/events/(\d+)"', page)]


@pytest.fixture
def auditor(client: TestClient, demo: Session) -> TestClient:
    sign_in(client, "auditor")
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/audit"), ("get", "/audit/verify"), ("get", "/audit/events/1"), ("post", "/audit/export"),
     ("post", "/audit/events/1/reveal")],
)  # fmt: skip
def test_staff_are_refused(staff_client: TestClient, method: str, path: str) -> None:
    token = csrf_of(staff_client, "/")
    response = getattr(staff_client, method)(path, headers={"x-csrf-token": token})
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/audit", headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.mark.parametrize("username", ["auditor", "privacy", "admin"])
def test_auditors_privacy_officers_and_admins_may_browse(
    client: TestClient, demo: Session, username: str
) -> None:
    sign_in(client, username)
    page = client.get("/audit", headers=HTML)
    assert page.status_code == 200 and 'href="/audit"' in page.text
    assert "auth.sign_in" in page.text  # their own sign-in is the newest event


def test_filters_by_action_actor_outcome_and_level(auditor: TestClient, demo: Session) -> None:
    call = audit.append(demo, "model.call", PRESS1, data_level="S", outcome="ok", findings={"PHONE": 1})
    refused = audit.append(demo, "model.call", PRESS1, data_level="C", outcome="refused")
    other = audit.append(demo, "model.call", audit.Actor(None, "press2"), data_level="S")
    demo.commit()
    assert _seqs(auditor.get("/audit?action=model.call").text) == [other.seq, refused.seq, call.seq]
    assert _seqs(auditor.get("/audit?action=model.call&actor=press1").text) == [refused.seq, call.seq]
    assert _seqs(auditor.get("/audit?outcome=refused").text) == [refused.seq]
    assert _seqs(auditor.get("/audit?level=s&actor=press1").text) == [call.seq]
    assert "PHONE 1" in auditor.get("/audit?level=S&actor=press1").text


def test_filters_by_day_in_korean_time(auditor: TestClient, demo: Session) -> None:
    event = audit.append(demo, "model.call", PRESS1)
    demo.commit()
    today = utcnow().astimezone(KST).date()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    assert event.seq in _seqs(auditor.get(f"/audit?date_from={today}&date_to={today}").text)
    assert _seqs(auditor.get(f"/audit?date_from={tomorrow}").text) == []
    assert _seqs(auditor.get(f"/audit?date_to={yesterday}").text) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [("date_from=2026-13-01", "날짜 형식"), ("level=X", "데이터 등급"), ("date_from=2026-03-02&date_to=2026-03-01", "시작일")],
)  # fmt: skip
def test_bad_filters_get_a_clear_422(auditor: TestClient, query: str, message: str) -> None:
    response = auditor.get(f"/audit?{query}", headers=HTML)
    assert response.status_code == 422 and message in response.text


def test_pages_of_fifty_keep_the_filter(auditor: TestClient, demo: Session) -> None:
    for i in range(55):
        audit.append(demo, "guard.false_positive", PRESS1, target=f"T{i}")
    demo.commit()
    first = auditor.get("/audit?action=guard.false_positive").text
    assert len(_seqs(first)) == 50 and "55" in first
    assert 'href="/audit?action=guard.false_positive&amp;page=2"' in first
    second = auditor.get("/audit?action=guard.false_positive&page=2").text
    assert len(_seqs(second)) == 5 and not set(_seqs(first)) & set(_seqs(second))
    assert len(_seqs(auditor.get("/audit?action=guard.false_positive&page=99").text)) == 5  # clamped


def test_chain_status_reports_intact_then_the_first_tampered_event(
    auditor: TestClient, demo: Session
) -> None:
    event = audit.append(demo, "model.call", PRESS1)
    demo.commit()
    page = auditor.get("/audit/verify").text
    assert "체인이 온전합니다" in page and audit.public_key_b64(audit.signing_key(SECRET_OF_TESTS)) in page
    demo.execute(update(AuditEvent).where(AuditEvent.seq == event.seq).values(target="edited"))
    demo.commit()
    page = auditor.get("/audit/verify").text
    assert "체인이 손상되었습니다" in page and f"{event.seq}번 기록" in page


def test_signed_export_verifies_and_records_itself(auditor: TestClient, demo: Session) -> None:
    audit.append(demo, "model.call", PRESS1, findings={"RRN": 1})
    demo.commit()
    response = auditor.post("/audit/export", data={"csrf_token": csrf_of(auditor, "/audit")})
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="mokmin-audit-')
    lines = response.text.splitlines()
    count, problem = audit.verify_export(lines, audit.public_key_b64(audit.signing_key(SECRET_OF_TESTS)))
    assert problem is None and count == len(lines) - 1
    assert '"action": "audit.export"' in lines[-2] and '"actor": "auditor"' in lines[-2]


def test_export_needs_csrf(auditor: TestClient) -> None:
    assert auditor.post("/audit/export").status_code == 403


def _pseudonymised_call(demo: Session) -> AuditEvent:
    event = audit.append(demo, "model.call", PRESS1, data_level="S", provider="external-gpt",
                         request_digest=audit.text_digest("x"), findings={"PERSON": 1, "PHONE": 1})  # fmt: skip
    vault.store_mapping(demo, {"[개인_1]": "김민수", "[전화_1]": "010-3456-7890"}, event.seq, 30,
                        secret=SECRET_OF_TESTS)  # fmt: skip
    demo.commit()
    return event


def test_event_page_shows_no_raw_content_until_revealed(auditor: TestClient, demo: Session) -> None:
    event = _pseudonymised_call(demo)
    page = auditor.get(f"/audit/events/{event.seq}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "김민수" not in page.text and "010-3456-7890" not in page.text
    assert 'id="vault-reveal"' in page.text and audit.text_digest("x") in page.text
    assert auditor.get("/audit/events/999999", headers=HTML).status_code == 404


@pytest.mark.parametrize("reason", ["", "궁금해서"])
def test_reveal_without_a_reason_is_refused_and_shows_nothing(
    auditor: TestClient, demo: Session, reason: str
) -> None:
    event = _pseudonymised_call(demo)
    token = csrf_of(auditor, f"/audit/events/{event.seq}")
    response = auditor.post(f"/audit/events/{event.seq}/reveal", data={"csrf_token": token, "reason": reason})
    assert response.status_code == 422 and "10자 이상" in response.text
    assert "김민수" not in response.text
    demo.expire_all()
    assert demo.scalar(select(AuditEvent).where(AuditEvent.action == "vault.read")) is None


def test_reveal_with_a_reason_shows_the_originals_and_is_audited(auditor: TestClient, demo: Session) -> None:
    event = _pseudonymised_call(demo)
    token = csrf_of(auditor, f"/audit/events/{event.seq}")
    reason = "정보공개 청구 2026-77호 처리 확인"
    response = auditor.post(f"/audit/events/{event.seq}/reveal", data={"csrf_token": token, "reason": reason})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert "김민수" in response.text and "010-3456-7890" in response.text
    demo.expire_all()
    read = demo.scalars(select(AuditEvent).where(AuditEvent.action == "vault.read")).one()
    assert (read.actor, read.target, read.reason) == ("auditor", f"audit:{event.seq}", reason)
    assert audit.verify(demo)[1] is None
    listing = auditor.get("/audit?action=vault.read").text
    assert _seqs(listing) == [read.seq] and "김민수" not in listing
    assert reason in auditor.get(f"/audit/events/{read.seq}").text


def test_reveal_of_an_expired_entry_is_a_404(auditor: TestClient, demo: Session) -> None:
    from mokmin.guard.models import VaultEntry

    event = _pseudonymised_call(demo)
    demo.execute(update(VaultEntry).values(expires_at=utcnow() - timedelta(seconds=1)))
    demo.commit()
    token = csrf_of(auditor, f"/audit/events/{event.seq}")
    response = auditor.post(
        f"/audit/events/{event.seq}/reveal", data={"csrf_token": token, "reason": "x" * 20}, headers=HTML
    )
    assert response.status_code == 404 and "김민수" not in response.text
