"""The standalone checker page (mokmin/web/routes/drafts_check.py) on both databases: paste or upload, pick a
type, give facts as JSON, read the report; refused input is explained; each check is audited as a digest."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.drafting import FactOnlyWriter, InjectingWriter, export, render
from mokmin.guard.models import AuditEvent
from tests.conftest import csrf_of, engine_fixture
from tests.fixtures.drafting import PRESS_RELEASE

HTML = {"accept": "text/html"}
WRONG_WEEKDAY = "한빛시\n수신  시민 여러분\n제목  보안등 수리 결과 알림\n1. 2026. 11. 25.(목) 14:00에 수리하였습니다.  끝."


engine = engine_fixture("mokmin_test_drafting")


def check(client: TestClient, files: dict[str, Any] | None = None, **fields: str) -> Any:
    token = csrf_of(client, "/drafts/check")
    return client.post(
        "/drafts/check",
        data={"csrf_token": token, **fields},
        files=files or {"file": ("", b"", "application/octet-stream")},
        headers=HTML,
    )


def test_pasted_letter_shows_the_broken_convention_on_its_line(
    staff_client: TestClient, demo: Session
) -> None:
    page = staff_client.get("/drafts/check", headers=HTML)
    assert page.status_code == 200 and 'name="facts"' in page.text and 'type="file"' in page.text
    assert 'href="/drafts/check"' in staff_client.get("/drafts", headers=HTML).text
    response = check(staff_client, text=WRONG_WEEKDAY, doc_type="letter")
    assert response.status_code == 200
    assert re.search(r'href="#line-4">4행</a> \[weekday\]', response.text)
    assert "2026. 11. 25.(수)" in response.text and 'id="line-4" class="flagged"' in response.text
    assert 'id="not-checked"' in response.text  # no facts given: inventions were not checked
    event = demo.scalars(select(AuditEvent).where(AuditEvent.action == "draft.check")).one()
    assert event.request_digest and "수리" not in json.dumps(event.details, ensure_ascii=False)


def test_uploaded_hwpx_with_facts_finds_the_invented_figure(staff_client: TestClient) -> None:
    writer = InjectingWriter(FactOnlyWriter(), "시민 1,500명이 참석했다.", section_key="body")
    data = export(render("press_release", PRESS_RELEASE, writer), None, "hwpx")
    facts = json.dumps(PRESS_RELEASE, ensure_ascii=False)
    response = check(
        staff_client,
        {"file": ("보도자료.hwpx", data, "application/hwp+zip")},
        doc_type="press_release",
        facts=facts,
    )
    assert response.status_code == 200
    report = response.text.split('id="check-report"')[1].split("</section>")[0]
    assert "1,500" in report and "사실·자료에 없는 수치" in report
    assert "<h3>관례 위반 0건</h3>" in report and "<h3>사실에 없는 내용(확인 필요) 1건</h3>" in report


@pytest.mark.parametrize(
    ("fields", "files", "status", "words"),
    [
        ({"text": "  "}, None, 422, "점검할 글을 붙여 넣거나"),
        ({"text": WRONG_WEEKDAY, "facts": "{oops"}, None, 422, "사실(JSON)을 읽지 못했습니다"),
        (
            {"text": "", "doc_type": "letter"},
            {"file": ("보고서.pdf", b"%PDF-1.7", "application/pdf")},
            422,
            ".hwpx",
        ),
        (
            {
                "text": WRONG_WEEKDAY,
                "doc_type": "press_release",
                "facts": '{"distributed_at": "2026-02-31T14:00"}',
            },
            None,
            422,
            "배포 일시",
        ),
    ],
    ids=["empty", "bad-json", "pdf", "impossible-fact"],
)
def test_refused_input_is_explained_and_kept(
    staff_client: TestClient, fields: dict[str, str], files: dict[str, Any] | None, status: int, words: str
) -> None:
    response = check(staff_client, files, **fields)
    assert response.status_code == status
    error = re.search(r'id="check-error">([^<]+)</p>', response.text)
    assert error is not None and words in error.group(1)
    if fields.get("facts"):
        assert "2026-02-31" in response.text or "{oops" in response.text


def test_the_page_needs_a_signed_in_user(client: TestClient) -> None:
    response = client.get("/drafts/check", headers=HTML, follow_redirects=False)
    assert response.status_code in (303, 401)
