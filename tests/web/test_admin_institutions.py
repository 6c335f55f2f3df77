"""The letterhead settings page (mokmin/web/routes/admin_institutions.py) on both databases: admins only, CSRF,
messages beside the refused field, an audited save, the logo, and the studio's notice until it is filled in."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.models import Institution
from mokmin.drafting.writers import FactOnlyWriter
from mokmin.guard.models import AuditEvent
from tests.conftest import csrf_of, engine_fixture, sign_in
from tests.fixtures.drafting import PRESS_RELEASE
from tests.fixtures.drafting_extras import png
from tests.fixtures.drafting_studio import form_fields, ndjson

HTML = {"accept": "text/html"}


engine = engine_fixture("mokmin_test_drafting")


@pytest.fixture(autouse=True)
def offline_writer(app: FastAPI) -> None:
    app.state.section_writer = lambda user, model, doc_type: FactOnlyWriter()


def city(db: Session) -> Institution:
    return db.scalars(select(Institution).where(Institution.code == "mokmin-city")).one()


GOOD = {"address": "목민시 목민로 1", "postcode": "30100", "phone": "044-000-3121", "fax": "", "homepage": ""}


def save(client: TestClient, institution_id: int, fields: dict[str, str], **files: Any) -> Any:
    token = csrf_of(client, "/admin/institutions")
    return client.post(
        f"/admin/institutions/{institution_id}",
        data={"csrf_token": token, **fields},
        files=files or {"logo": ("", b"", "application/octet-stream")},
        headers=HTML,
        follow_redirects=False,
    )


def test_only_admins_and_only_with_csrf(client: TestClient, demo: Session) -> None:
    sign_in(client, "press1")
    assert client.get("/admin/institutions", headers=HTML).status_code == 403
    client.cookies.clear()
    sign_in(client, "admin")
    page = client.get("/admin/institutions", headers=HTML)
    assert page.status_code == 200 and "목민시청" in page.text and "목민시설관리공단" in page.text
    assert "missing-letterhead" in page.text
    assert 'href="/admin/institutions"' in client.get("/admin/users", headers=HTML).text
    refused = client.post(f"/admin/institutions/{city(demo).id}", data=GOOD, headers=HTML)
    assert refused.status_code == 403 and city(demo).address is None


def test_refused_fields_are_explained_beside_their_input(admin_client: TestClient, demo: Session) -> None:
    inst = city(demo)
    response = save(admin_client, inst.id, {**GOOD, "phone": "3121", "postcode": "301"})
    assert response.status_code == 422
    for name, words in (("phone", "전화번호 형식"), ("postcode", "다섯 자리")):
        error = re.search(rf'id="lh-{inst.id}-{name}-error" role="alert">([^<]+)</p>', response.text)
        assert error is not None and words in error.group(1), name
    assert 'value="3121"' in response.text  # what the admin typed stays in the form
    demo.expire_all()
    assert city(demo).address is None
    logo = save(admin_client, inst.id, GOOD, logo=("logo.gif", b"GIF89a123", "image/gif"))
    assert logo.status_code == 422 and "PNG 또는 JPEG" in logo.text


def test_saved_settings_are_audited_and_printed_on_exports(client: TestClient, demo: Session) -> None:
    sign_in(client, "press1")
    token = csrf_of(client, "/drafts/new/press_release")
    data = {"csrf_token": token, **form_fields(PRESS_RELEASE), "tone": "formal", "length": "normal"}
    events = ndjson(
        client.post("/drafts/new/press_release", data=data, headers={"accept": "application/x-ndjson"}).text
    )
    draft_id = events[-1]["draft"]
    studio = client.get(f"/drafts/{draft_id}", headers=HTML).text
    assert 'id="letterhead-notice"' in studio and "관리자에게 입력을 요청하세요" in studio
    plain = docx.Document(io.BytesIO(client.get(f"/drafts/{draft_id}/export/docx").content))
    assert "목민시청" in [p.text for p in plain.paragraphs] and len(plain.inline_shapes) == 0

    client.cookies.clear()
    sign_in(client, "admin")
    inst = city(demo)
    response = save(client, inst.id, GOOD, logo=("logo.png", png(8, 8), "image/png"))
    assert response.status_code == 303, response.text
    assert "저장했습니다" in client.get(response.headers["location"], headers=HTML).text
    assert client.get(f"/admin/institutions/{inst.id}/logo").content == png(8, 8)
    event = demo.scalars(select(AuditEvent).where(AuditEvent.action == "admin.letterhead")).one()
    assert event.details["fields"] == ["address", "postcode", "phone"] and event.details["logo_bytes"] > 0

    client.cookies.clear()
    sign_in(client, "press1")
    assert 'id="letterhead-notice"' not in client.get(f"/drafts/{draft_id}", headers=HTML).text
    exported = docx.Document(io.BytesIO(client.get(f"/drafts/{draft_id}/export/docx").content))
    texts = [p.text for p in exported.paragraphs]
    assert "(30100) 목민시 목민로 1 · 전화 044-000-3121" in texts and len(exported.inline_shapes) == 1
