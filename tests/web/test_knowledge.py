"""Knowledge pages and /api/kb: uploads as jobs, rights on every path, cited answers, data levels (both DBs)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core import auth
from mokmin.core.models import User
from mokmin.core.settings import Settings
from mokmin.gateway import catalog
from mokmin.guard.models import AuditEvent
from mokmin.knowledge.models import ChunkVector, KnowledgeDocument
from tests.conftest import csrf_of, engine_fixture, sign_in
from tests.fixtures.fake_upstreams import FakeUpstream, fake_upstream, provider_config
from tests.knowledge.files import rezip, sample_docx

PG_SCHEMA = "mokmin_test_kb_web"
PLAN = (
    "# 공영주차장 운영 계획\n\n"
    "## 요금 감면\n\n장애인 차량은 공영주차장 주차요금의 50%를 감면한다. 경차는 30%를 감면한다.\n\n"
    "## 운영 시간\n\n공영주차장은 오전 7시부터 오후 10시까지 운영한다.\n"
).encode()
SECRET = "은밀한 청사 이전 후보지는 북부 물류단지 부지로 정했다. 암호명 가람누리."


engine = engine_fixture(PG_SCHEMA, sqlite_key="sqlite-kb-web")


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    with fake_upstream() as server:
        yield server


@pytest.fixture
def external(
    staff_client: TestClient, demo: Session, settings: Settings, upstream: FakeUpstream
) -> FakeUpstream:
    """One external provider allowed up to S (so C sources must be refused)."""
    upstream.reset()
    secret = settings.secret_key.get_secret_value()
    catalog.save(demo, provider_config(upstream, "openai", name="external-gpt", max_data_level="S"), secret)
    demo.commit()
    staff_client.app.state.gateway.forget_catalog()  # type: ignore[attr-defined]
    return upstream


def _client(staff_client: TestClient, username: str) -> TestClient:
    """The same client signed in as someone else (one client keeps one event loop for provider clients)."""
    sign_in(staff_client, username)
    return staff_client


def _upload(
    client: TestClient,
    files: dict[str, bytes],
    level: str = "O",
    audience: str = "department",
    readers: str = "",
) -> list[dict[str, Any]]:
    response = client.post(
        "/api/kb/upload",
        files=[("files", (name, data)) for name, data in files.items()],
        data={"level": level, "audience": audience, "readers": readers},
        headers={"x-csrf-token": csrf_of(client, "/knowledge")},
    )
    assert response.status_code == 202, response.text
    jobs: list[dict[str, Any]] = response.json()["jobs"]
    return jobs


def _ask(client: TestClient, question: str, **body: Any) -> Any:
    return client.post(
        "/api/kb/ask",
        json={"question": question, **body},
        headers={"x-csrf-token": csrf_of(client, "/knowledge")},
    )


def _events(db: Session, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


# -- upload and jobs ---------------------------------------------------------------------------------------


def test_upload_page_queues_a_job_per_file_and_shows_the_result(staff_client: TestClient, demo: Session):
    response = staff_client.post(
        "/knowledge/upload",
        files=[("files", ("plan.md", PLAN))],
        data={"csrf_token": csrf_of(staff_client, "/knowledge"), "level": "O", "audience": "institution"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/knowledge?jobs=")
    page = staff_client.get(response.headers["location"]).text
    assert "plan.md" in page and "완료" in page and "공영주차장 운영 계획" in page
    [event] = _events(demo, "knowledge.upload")
    assert event.actor == "press1" and event.outcome == "queued" and event.data_level == "O"


def test_a_hostile_file_fails_its_job_with_the_reason_and_others_go_on(
    staff_client: TestClient, demo: Session
):
    bomb = rezip(sample_docx(), {}, extra={"word/bomb.bin": b"\x00" * (8 * 1024 * 1024)})
    hostile, good = _upload(staff_client, {"폭탄.docx": bomb, "plan.md": PLAN})
    assert hostile["status"] == "failed" and hostile["error_code"] == "archive_bomb"
    assert "압축 폭탄" in hostile["error"] and hostile["document_id"] is None
    assert good["status"] == "done" and good["progress"] == 100
    titles = [d["title"] for d in staff_client.get("/api/kb/documents").json()["documents"]]
    assert titles == ["공영주차장 운영 계획"]
    assert "압축 폭탄" in staff_client.get("/knowledge").text
    retried = staff_client.post(
        f"/api/kb/jobs/{hostile['id']}/retry", headers={"x-csrf-token": csrf_of(staff_client, "/knowledge")}
    ).json()
    assert retried["status"] == "failed" and retried["attempts"] == 2


def test_same_file_twice_is_one_document_and_a_new_content_a_new_version(staff_client: TestClient):
    [first] = _upload(staff_client, {"plan.md": PLAN})
    [again] = _upload(staff_client, {"plan.md": PLAN})
    assert again["outcome"] == "unchanged" and again["document_id"] == first["document_id"]
    [changed] = _upload(
        staff_client, {"plan.md": PLAN + "## 부칙\n\n이 계획은 공포한 날부터 시행한다.\n".encode()}
    )
    assert changed["outcome"] == "new_version" and changed["version"] == 2
    assert len(staff_client.get("/api/kb/documents").json()["documents"]) == 1
    page = staff_client.get(f"/knowledge/documents/{first['document_id']}").text
    assert "1판" in page and "2판" in page and "부칙" in page


def test_jobs_belong_to_their_uploader(staff_client: TestClient):
    [job] = _upload(staff_client, {"plan.md": PLAN})
    assert staff_client.get(f"/api/kb/jobs?ids={job['id']}").json()["jobs"][0]["id"] == job["id"]
    other = _client(staff_client, "press2")
    assert other.get(f"/api/kb/jobs/{job['id']}").status_code == 404
    assert other.get(f"/api/kb/jobs?ids={job['id']}").json()["jobs"] == []


# -- rights on every path ------------------------------------------------------------------------------------


def _every_path(client: TestClient, document_id: int, chunk_id: int) -> list[str]:
    """Everything a user can reach that might show a passage: pages, API, citations."""
    texts = [
        client.get("/knowledge").text,
        client.get("/knowledge/search", params={"q": "청사 이전 후보지 물류단지"}).text,
        client.get("/api/kb/search", params={"q": "청사 이전 후보지 물류단지"}).text,
        client.get("/api/kb/documents").text,
        _ask(client, "청사 이전 후보지는 어디인가요?").text,
    ]
    view = client.get(f"/knowledge/documents/{document_id}?chunk={chunk_id}", headers={"accept": "text/html"})
    assert view.status_code == 404
    return [*texts, view.text]


def test_a_user_never_sees_a_passage_they_may_not_read(
    staff_client: TestClient, demo: Session, external: FakeUpstream
):
    external.reply = "후보지는 북부 물류단지입니다 [1]."
    [department_only] = _upload(
        staff_client, {"secret.md": f"# 청사 이전 검토\n\n{SECRET}\n".encode()}, level="S"
    )
    named = _upload(
        staff_client, {"named.md": f"# 청사 이전 지정 열람\n\n{SECRET} 지정본.\n".encode()}, audience="users",
        readers="welfare1",
    )[0]  # fmt: skip
    chunk_id = (
        demo.scalars(select(KnowledgeDocument).where(KnowledgeDocument.id == department_only["document_id"]))
        .one()
        .chunks[0]
        .id
    )
    for username in ("welfare1", "facility1", "admin1"):
        outsider = _client(staff_client, username)
        reachable = _every_path(outsider, department_only["document_id"], chunk_id)
        if username == "welfare1":  # a named reader of the second document sees that one, not the first
            assert any("지정본" in text for text in reachable)
            assert all("청사 이전 검토" not in text for text in reachable)
            continue
        assert all("가람누리" not in text and "북부 물류단지 부지" not in text for text in reachable), (
            username
        )
        outsider_named = outsider.get(f"/knowledge/documents/{named['document_id']}")
        assert outsider_named.status_code == 404
    # No model ever saw the department-only passage on behalf of an outsider.
    prompts = [json.dumps(r.body, ensure_ascii=False) for r in external.chat_requests()]
    assert all("청사 이전 검토" not in prompt for prompt in prompts)
    # The owner's colleague in the same department reads it, and its citation opens it.
    colleague = _client(staff_client, "press2")
    answer = _ask(colleague, "청사 이전 후보지는 어디인가요?").json()
    assert answer["answered"] and answer["sources"][0]["document_id"] == department_only["document_id"]
    assert colleague.get(answer["sources"][0]["url"]).status_code == 200


def test_an_api_key_reads_with_its_owners_rights(staff_client: TestClient, demo: Session):
    _upload(staff_client, {"plan.md": PLAN})
    welfare = demo.scalars(select(User).where(User.username == "welfare1")).one()
    _, key = auth.create_api_key(demo, welfare, "kb", 30)
    demo.commit()
    bare = TestClient(staff_client.app, base_url="http://127.0.0.1")
    headers = {"authorization": f"Bearer {key}"}
    assert bare.get("/api/kb/search", params={"q": "주차요금 감면"}, headers=headers).json()["results"] == []
    assert bare.get("/api/kb/search", params={"q": "주차요금 감면"}).status_code == 401
    owner = demo.scalars(select(User).where(User.username == "press1")).one()
    _, owner_key = auth.create_api_key(demo, owner, "kb", 30)
    demo.commit()
    found = bare.get(
        "/api/kb/search", params={"q": "주차요금 감면"}, headers={"authorization": f"Bearer {owner_key}"}
    )
    assert found.json()["results"][0]["title"] == "공영주차장 운영 계획"


def test_writes_by_session_need_the_csrf_token(staff_client: TestClient):
    assert staff_client.post("/api/kb/ask", json={"question": "주차요금"}).status_code == 403
    response = staff_client.post("/api/kb/upload", files=[("files", ("plan.md", PLAN))])
    assert response.status_code == 403


# -- search and ask ------------------------------------------------------------------------------------------


def test_search_page_links_to_the_passage_and_audits_a_digest(staff_client: TestClient, demo: Session):
    _upload(staff_client, {"plan.md": PLAN})
    page = staff_client.get("/knowledge/search", params={"q": "경차 주차요금 감면"}).text
    assert "공영주차장 운영 계획, 공영주차장 운영 계획 &gt; 요금 감면" in page or "요금 감면" in page
    assert "/knowledge/documents/" in page and "#chunk-" in page
    [event] = _events(demo, "knowledge.search")
    assert event.request_digest and "경차" not in json.dumps(event.details, ensure_ascii=False)


def test_ask_with_nothing_relevant_says_so_without_a_model_call(
    staff_client: TestClient, demo: Session, external: FakeUpstream
):
    _upload(staff_client, {"plan.md": PLAN})
    answer = _ask(staff_client, "올해 벚꽃 축제 일정은 언제인가요?").json()
    assert answer["answered"] is False and "찾지 못했습니다" in answer["answer"] and answer["sources"] == []
    assert external.chat_requests() == []
    [event] = _events(demo, "knowledge.ask")
    assert event.outcome == "nothing_found"


def test_ask_cites_the_right_section_and_the_citation_opens_it(
    staff_client: TestClient, demo: Session, external: FakeUpstream
):
    external.reply = "장애인 차량은 주차요금의 50%를 감면받습니다 [1]."
    _upload(staff_client, {"plan.md": PLAN}, audience="institution")
    answer = _ask(staff_client, "장애인 차량 주차요금 감면 비율은?").json()
    assert answer["answered"] and answer["provider"] == "external-gpt"
    first = answer["sources"][0]
    assert first["number"] == 1 and first["cited"] and "요금 감면" in first["section"]
    assert "50%를 감면한다" in first["text"]
    [request] = external.chat_requests()
    prompt = json.dumps(request.body, ensure_ascii=False)
    assert "[1]" in prompt and "50%를 감면한다" in prompt
    page = staff_client.get(first["url"]).text
    assert f'id="chunk-{first["chunk_id"]}" class="passage cited"' in page
    [event] = _events(demo, "knowledge.ask")
    assert event.outcome == "answered" and event.details["cited"] == [first["chunk_id"]]
    assert _events(demo, "knowledge.view")[-1].target == f"document:{first['document_id']}"


def test_sensitive_sources_raise_the_request_level(staff_client: TestClient, external: FakeUpstream):
    _upload(staff_client, {"plan.md": PLAN}, level="S")
    answer = _ask(staff_client, "장애인 차량 주차요금 감면 비율은?", level="O").json()
    assert answer["answered"] and answer["data_level"] == "S"


def test_a_classified_source_with_only_an_external_provider_is_refused(
    staff_client: TestClient, demo: Session, external: FakeUpstream
):
    _upload(staff_client, {"plan.md": PLAN}, level="C")
    response = _ask(staff_client, "장애인 차량 주차요금 감면 비율은?")
    assert response.status_code == 403 and "비공개(C)" in response.json()["error"]
    assert external.chat_requests() == []
    assert _events(demo, "knowledge.ask")[-1].outcome == "refused"


def test_with_an_embedding_provider_chunks_and_queries_get_vectors(
    staff_client: TestClient, demo: Session, settings: Settings, upstream: FakeUpstream
):
    upstream.reset()
    config = provider_config(
        upstream,
        "openai-compatible",
        name="local-embed",
        max_data_level="C",
        capabilities={"embeddings": True},
    )
    catalog.save(demo, config, settings.secret_key.get_secret_value())
    demo.commit()
    staff_client.app.state.gateway.forget_catalog()  # type: ignore[attr-defined]
    [job] = _upload(staff_client, {"plan.md": PLAN}, level="C")
    assert job["vector_count"] == job["chunk_count"] > 0
    assert demo.scalar(select(ChunkVector.model).limit(1)) == "fake-gpt"
    results = staff_client.get("/api/kb/search", params={"q": "경차 감면"}).json()["results"]
    assert results and results[0]["title"] == "공영주차장 운영 계획"
    assert [r.path for r in upstream.requests].count("/v1/embeddings") == 2  # the chunks, then the query
    assert _events(demo, "knowledge.search")[-1].details["hybrid"] is True


def test_pages_render_in_both_languages(staff_client: TestClient, external: FakeUpstream):
    for path in ("/knowledge", "/knowledge/search", "/knowledge/ask"):
        assert staff_client.get(path).status_code == 200
    token = csrf_of(staff_client, "/knowledge")
    staff_client.post("/language", data={"csrf_token": token, "language": "en", "next": "/knowledge"})
    assert "Ask the documents" in staff_client.get("/knowledge/ask").text
