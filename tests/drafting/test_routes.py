"""The studio's pages over HTTP on both databases (mokmin/web/routes/drafts.py): refused facts named at the form,
streamed generation, autosave across app instances, review permissions, the lock, downloads."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.settings import Settings
from mokmin.drafting.writers import FactOnlyWriter
from tests.conftest import csrf_of, sign_in
from tests.fixtures.drafting import PRESS_RELEASE, REPORT
from tests.fixtures.drafting_studio import form_fields, ndjson

HTML = {"accept": "text/html"}
STREAM = {"accept": "application/x-ndjson"}


@pytest.fixture(autouse=True)
def offline_writer(app: FastAPI) -> list[tuple[str, str | None, str]]:
    """The studio asks the app for a writer; here an offline one (the governed gateway has its own tests)."""
    calls: list[tuple[str, str | None, str]] = []

    def factory(user: Any, model: str | None, doc_type: str) -> FactOnlyWriter:
        calls.append((user.username, model, doc_type))
        return FactOnlyWriter()

    app.state.section_writer = factory
    return calls


def post_facts(
    client: TestClient, doc_type: str, facts: dict[str, Any], headers: dict[str, str] | None = None
) -> Any:
    token = csrf_of(client, f"/drafts/new/{doc_type}")
    data = {"csrf_token": token, **form_fields(facts), "tone": "formal", "length": "normal"}
    return client.post(
        f"/drafts/new/{doc_type}", data=data, headers=headers or STREAM, follow_redirects=False
    )


def new_draft(client: TestClient) -> int:
    events = ndjson(post_facts(client, "press_release", PRESS_RELEASE).text)
    assert events[-1]["type"] == "done", events[-1]
    draft_id: int = events[-1]["draft"]
    return draft_id


def test_the_form_is_generated_from_the_schema_with_labels(staff_client: TestClient) -> None:
    page = staff_client.get("/drafts/new/press_release", headers=HTML)
    assert page.status_code == 200
    for name in ("title", "distributed_at", "staff.0.phone", "responsible.name", "subtitles"):
        dom_id = "f-" + name.replace(".", "-")
        assert f'id="{dom_id}"' in page.text and f'for="{dom_id}"' in page.text, name
    assert 'type="datetime-local" id="f-distributed_at"' in page.text
    assert 'value="목민시청"' in page.text and 'value="홍보담당관"' in page.text  # prefilled from the user
    assert "/static/drafts.js" in page.text
    assert staff_client.get("/drafts", headers=HTML).status_code == 200


@pytest.mark.parametrize(
    ("doc_type", "change", "dom_id", "words"),
    [
        ("press_release", {"event_end": "2026-12-03T10:00"}, "f-event_start", "행사 일시"),
        ("press_release", {"distributed_at": "2026-02-31T14:00"}, "f-distributed_at", "2월은 28일까지"),
        (
            "press_release",
            {"staff": [{"title": "주무관", "name": "한지유", "phone": "2514"}]},
            "f-staff-0-phone",
            "전화번호 형식",
        ),
        (
            "report",
            {"budget": [{"label": "인건비", "amount": "팔백만"}]},
            "f-budget-0-amount",
            "숫자가 아닙니다",
        ),
    ],
    ids=["end-before-start", "31-february", "bad-phone", "amount-not-number"],
)
def test_impossible_facts_are_refused_at_the_form(
    staff_client: TestClient, doc_type: str, change: dict[str, Any], dom_id: str, words: str
) -> None:
    facts = {**(PRESS_RELEASE if doc_type == "press_release" else REPORT), **change}
    streamed = post_facts(staff_client, doc_type, facts)
    assert streamed.status_code == 422
    body = streamed.json()
    assert [field["id"] for field in body["fields"]] == [dom_id]
    assert words in body["fields"][0]["message"]
    assert body["summary"][0]["id"] == dom_id

    page = post_facts(staff_client, doc_type, facts, headers=HTML)  # without JavaScript
    assert page.status_code == 422
    error = re.search(rf'<p class="field-error" id="{dom_id}-error" role="alert">([^<]+)</p>', page.text)
    assert error is not None and words in error.group(1)
    listing = staff_client.get("/drafts", headers=HTML).text
    assert not re.search(r'href="/drafts/\d', listing)  # no draft was stored, only the new-type tiles


def test_generation_streams_chunks_then_the_stored_draft(
    staff_client: TestClient, offline_writer: list[tuple[str, str | None, str]]
) -> None:
    response = post_facts(staff_client, "press_release", PRESS_RELEASE)
    assert offline_writer == [("press1", None, "press_release")]
    assert response.headers["content-type"].startswith("application/x-ndjson")
    events = ndjson(response.text)
    assert events[0]["type"] == "start" and [s["key"] for s in events[0]["sections"]] == ["lead", "body"]
    assert {e["section"] for e in events if e["type"] == "chunk"} == {"lead", "body"}
    assert events[-1] == {"type": "done", "draft": events[0]["draft"], "version": 1, "url": events[-1]["url"]}
    page = staff_client.get(events[-1]["url"], headers=HTML)
    assert "AI 활용 표시" in page.text and "FactOnlyWriter" in page.text
    assert 'id="text-lead"' in page.text and 'id="check-report"' in page.text
    assert "제1판" in page.text


def test_without_javascript_the_form_posts_and_redirects(staff_client: TestClient) -> None:
    response = post_facts(staff_client, "press_release", PRESS_RELEASE, headers=HTML)
    assert response.status_code == 303 and re.fullmatch(r"/drafts/\d+", response.headers["location"])


def test_edit_regenerate_diff_and_downloads(staff_client: TestClient) -> None:
    draft_id = new_draft(staff_client)
    token = csrf_of(staff_client, f"/drafts/{draft_id}")
    saved = staff_client.post(
        f"/drafts/{draft_id}/save",
        data={"csrf_token": token, "section.body": "개관식은 12월 3일에 열린다.", "note": "본문 줄임"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    regenerated = staff_client.post(
        f"/drafts/{draft_id}/regenerate",
        data={"csrf_token": token, "section": "lead", "instruction": "시민 눈높이로"},
        follow_redirects=False,
    )
    assert regenerated.status_code == 303 and regenerated.headers["location"].endswith("#sec-lead")
    diff = staff_client.get(f"/drafts/{draft_id}/diff?old=1&new=2", headers=HTML)
    assert "개관식은 12월 3일에 열린다." in diff.text and "diff-add" in diff.text
    hwpx = staff_client.get(f"/drafts/{draft_id}/export/hwpx")
    assert hwpx.status_code == 200 and "attachment" in hwpx.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(hwpx.content)) as archive:
        assert any(name.endswith(".xml") for name in archive.namelist())
    docx = staff_client.get(f"/drafts/{draft_id}/export/docx")
    assert docx.content[:2] == b"PK"
    assert staff_client.get(f"/drafts/{draft_id}/export/exe").status_code == 422


def test_autosave_survives_a_new_app_instance(
    staff_client: TestClient, settings: Settings, app: FastAPI, session_factory: sessionmaker[Session]
) -> None:
    draft_id = new_draft(staff_client)
    token = csrf_of(staff_client, f"/drafts/{draft_id}")
    saved = staff_client.post(
        f"/drafts/{draft_id}/autosave",
        json={"sections": {"body": "자동 저장된 문단입니다."}},
        headers={"x-csrf-token": token},
    )
    assert saved.status_code == 200 and saved.json()["version"] == 2
    refused = staff_client.post(f"/drafts/{draft_id}/autosave", json={"sections": {"body": "x"}})
    assert refused.status_code == 403  # no CSRF header

    from mokmin.web.app import create_app

    restarted = create_app(settings, app.state.engine, session_factory)  # a fresh process, same database
    with TestClient(restarted, base_url="http://127.0.0.1") as fresh:
        sign_in(fresh, "press1")
        page = fresh.get(f"/drafts/{draft_id}", headers=HTML)
    assert "자동 저장된 문단입니다." in page.text and "자동 저장" in page.text


def test_review_permissions_and_the_lock_over_http(client: TestClient, demo: Session) -> None:
    sign_in(client, "press1")
    draft_id = new_draft(client)
    token = csrf_of(client, f"/drafts/{draft_id}")
    assert client.post(f"/drafts/{draft_id}/submit", data={"csrf_token": token}).status_code == 200

    sign_in(client, "press2")  # staff of the same department: may not approve or even see it
    token = csrf_of(client, "/drafts")
    denied = client.post(f"/drafts/{draft_id}/approve", data={"csrf_token": token})
    assert denied.status_code == 403

    sign_in(client, "head.welfare")  # a head of another department
    token = csrf_of(client, "/drafts")
    denied = client.post(f"/drafts/{draft_id}/approve", data={"csrf_token": token})
    assert denied.status_code == 403 and "권한" in denied.json()["error"]

    sign_in(client, "head.press")
    listing = client.get("/drafts", headers=HTML)
    assert f'href="/drafts/{draft_id}"' in listing.text
    token = csrf_of(client, f"/drafts/{draft_id}")
    approved = client.post(f"/drafts/{draft_id}/approve", data={"csrf_token": token}, follow_redirects=False)
    assert approved.status_code == 303

    sign_in(client, "press1")
    token = csrf_of(client, f"/drafts/{draft_id}")
    page = client.get(f"/drafts/{draft_id}", headers=HTML)
    assert 'id="locked-note"' in page.text and 'id="text-lead"' not in page.text
    for path, data in [
        ("save", {"section.body": "승인 뒤 고침"}),
        ("regenerate", {"section": "lead", "instruction": "더 짧게"}),
        ("generate", form_fields(PRESS_RELEASE)),
        ("submit", {}),
    ]:
        response = client.post(f"/drafts/{draft_id}/{path}", data={"csrf_token": token, **data})
        assert response.status_code == 423, path
        assert "승인된 초안은 잠겨" in response.json()["error"]
    autosave = client.post(
        f"/drafts/{draft_id}/autosave", json={"sections": {"body": "x"}}, headers={"x-csrf-token": token}
    )
    assert autosave.status_code == 423
