"""Confirm before a draft's prompts leave (mokmin/web/routes/drafts_preview.py), on both databases: what the
guard finds in the section prompts, what an external model would receive instead, and when no confirmation
is needed or the gateway would refuse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.settings import Settings
from mokmin.gateway import catalog
from mokmin.knowledge import DataLevel as KbLevel
from mokmin.knowledge.models import KnowledgeChunk
from tests.conftest import csrf_of, engine_fixture, sign_in
from tests.fixtures.drafting import LETTER
from tests.fixtures.drafting_extras import passage
from tests.fixtures.drafting_studio import form_fields, user
from tests.fixtures.fake_upstreams import FakeUpstream, fake_upstream, provider_config

NOTES = "민원인 김민수 님 연락처 010-3456-7890으로 처리 결과를 알려 드림"
FORM = {**form_fields(LETTER), "notes": NOTES, "tone": "formal", "length": "normal"}


engine = engine_fixture("mokmin_test_drafting")


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    with fake_upstream() as server:
        yield server


def _register(client: TestClient, demo: Session, settings: Settings, config: Any) -> TestClient:
    catalog.save(demo, config, settings.secret_key.get_secret_value())
    demo.commit()
    client.app.state.gateway.forget_catalog()  # type: ignore[attr-defined]
    return client


@pytest.fixture
def external(
    staff_client: TestClient, demo: Session, settings: Settings, upstream: FakeUpstream
) -> TestClient:
    config = provider_config(upstream, "openai", name="external-gpt", max_data_level="S")
    return _register(staff_client, demo, settings, config)


@pytest.fixture
def local(staff_client: TestClient, demo: Session, settings: Settings, upstream: FakeUpstream) -> TestClient:
    config = provider_config(upstream, "openai-compatible", name="local-llm", max_data_level="C")
    return _register(staff_client, demo, settings, config)


def _preview(client: TestClient, url: str, data: dict[str, str], csrf: bool = True) -> Any:
    token = csrf_of(client, "/drafts/new/letter") if csrf else ""
    return client.post(url, data={"csrf_token": token, **data} if csrf else data)


def _new_draft(client: TestClient) -> int:
    token = csrf_of(client, "/drafts/new/letter")
    created = client.post("/drafts/new/letter", data={"csrf_token": token, **FORM}, follow_redirects=False)
    assert created.status_code == 303, created.text
    return int(created.headers["location"].rsplit("/", 1)[1])


def test_new_letter_shows_what_an_external_model_would_receive(external: TestClient) -> None:
    preview = _preview(external, "/drafts/new/letter/preview", FORM).json()
    assert preview["confirm"] is True and preview["model"] == "fake-gpt" and preview["refused"] is None
    flagged = [s for s in preview["sections"] if s["confirm"]]
    assert flagged, preview
    section = flagged[0]
    assert section["locality"] == "external" and section["action"] == "pseudonymize"
    found = {section["prompt"][s["start"] : s["end"]] for s in section["spans"]}
    assert {"김민수", "010-3456-7890"} <= found
    assert "010-3456-7890" not in section["masked"] and "김민수" not in section["masked"]
    assert NOTES.split()[0] in section["prompt"]  # the notes reach the prompt, as generation sends them
    assert preview["findings"] == {"PERSON": 2, "PHONE": 2} and preview["level"] == "S"


def test_regenerating_previews_the_posted_facts(external: TestClient) -> None:
    draft_id = _new_draft(external)
    changed = {**FORM, "notes": "민원인 이서연 님께 회신"}
    preview = _preview(external, f"/drafts/{draft_id}/preview", changed).json()
    prompts = " ".join(s["prompt"] for s in preview["sections"])
    assert "이서연" in prompts and "김민수" not in prompts and preview["confirm"] is True


def test_rewriting_one_section_previews_only_its_prompt(external: TestClient) -> None:
    draft_id = _new_draft(external)
    data = {"section": "main", "instruction": "김민수 님 이름을 넣어 주세요"}
    preview = _preview(external, f"/drafts/{draft_id}/preview", data).json()
    assert [s["key"] for s in preview["sections"]] == ["main"] and preview["confirm"] is True
    assert "김민수 님 이름을 넣어 주세요" in preview["sections"][0]["prompt"]


def test_a_local_model_needs_no_confirmation(local: TestClient) -> None:
    preview = _preview(local, "/drafts/new/letter/preview", FORM).json()
    assert preview["confirm"] is False and preview["refused"] is None
    assert preview["sections"] and {s["locality"] for s in preview["sections"]} == {"local"}
    assert any(s["spans"] for s in preview["sections"])  # found, but nothing leaves the institution


def test_classified_sources_with_only_an_external_model_are_refused(
    external: TestClient, demo: Session
) -> None:
    info = passage(
        demo, user(demo, "press1"), "# 내부 검토\n\n보안등 교체 예산 검토 의견", level=KbLevel.CLASSIFIED
    )
    demo.commit()
    draft_id = _new_draft(external)
    chunk = demo.scalars(
        select(KnowledgeChunk.id).where(KnowledgeChunk.document_id == info.document_id)
    ).first()
    token = csrf_of(external, f"/drafts/{draft_id}")
    external.post(f"/drafts/{draft_id}/sources", data={"csrf_token": token, "chunk_id": str(chunk)})
    preview = _preview(external, f"/drafts/{draft_id}/preview", FORM).json()
    assert preview["confirm"] is False and preview["level"] == "C"
    assert "비공개(C)" in preview["refused"]


def test_csrf_is_required(external: TestClient) -> None:
    assert _preview(external, "/drafts/new/letter/preview", FORM, csrf=False).status_code == 403


def test_other_users_drafts_are_refused_as_in_the_studio(external: TestClient) -> None:
    draft_id = _new_draft(external)
    other = TestClient(external.app, base_url="http://127.0.0.1")
    sign_in(other, "welfare1")
    refused = _preview(other, f"/drafts/{draft_id}/preview", FORM)
    assert refused.status_code == 403 and "권한" in refused.json()["error"]
    assert other.get(f"/drafts/{draft_id}", headers={"Accept": "application/json"}).status_code == 403


def test_impossible_facts_are_left_to_generation(external: TestClient) -> None:
    preview = _preview(external, "/drafts/new/letter/preview", {**FORM, "enforce_date": "2026-13-45"}).json()
    assert preview["invalid"] is True and preview["confirm"] is False
