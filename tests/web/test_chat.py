"""The chat page: allowed models, guard preview, streamed answers, encrypted conversations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from mokmin.core.settings import Settings
from mokmin.gateway import catalog
from mokmin.guard.models import AuditEvent
from tests.conftest import csrf_of, sign_in
from tests.fixtures.fake_upstreams import DEFAULT_REPLY, FakeUpstream, fake_upstream, provider_config


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    with fake_upstream() as server:
        yield server


@pytest.fixture
def chat_client(
    staff_client: TestClient, demo: Session, settings: Settings, upstream: FakeUpstream
) -> TestClient:
    secret = settings.secret_key.get_secret_value()
    catalog.save(demo, provider_config(upstream, "openai", name="external-gpt", max_data_level="S"), secret)
    demo.commit()
    staff_client.app.state.gateway.forget_catalog()  # type: ignore[attr-defined]
    return staff_client


def _post(client: TestClient, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json=body, headers={"x-csrf-token": csrf_of(client, "/chat")})


def _events(response: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.text.splitlines() if line]


def test_page_lists_only_models_the_user_may_use(chat_client: TestClient) -> None:
    page = chat_client.get("/chat").text
    assert "fake-gpt — external-gpt" in page


def test_preview_shows_what_will_be_masked(chat_client: TestClient) -> None:
    message = "민원인 김민수 님 연락처는 010-3456-7890입니다."
    preview = _post(chat_client, "/chat/preview", {"model": "fake-gpt", "message": message}).json()
    assert (
        preview["action"] == "pseudonymize" and preview["locality"] == "external" and preview["level"] == "S"
    )
    assert {message[s["start"] : s["end"]] for s in preview["spans"]} == {"김민수", "010-3456-7890"}
    assert "010-3456-7890" not in preview["masked"]


def test_preview_refuses_classified_for_external(chat_client: TestClient) -> None:
    preview = _post(chat_client, "/chat/preview", {"model": "fake-gpt", "level": "C", "message": "x"}).json()
    assert "비공개(C)" in preview["refused"]


def test_send_streams_and_keeps_an_encrypted_conversation(chat_client: TestClient, demo: Session) -> None:
    first = _post(chat_client, "/chat/send", {"model": "fake-gpt", "message": "김민수 님께 보낼 안내문 초안"})
    events = _events(first)
    assert events[0]["type"] == "meta" and events[-1]["type"] == "done"
    assert "".join(e["text"] for e in events if e["type"] == "delta").split() == DEFAULT_REPLY.split()
    assert events[0]["provider"] == "external-gpt" and events[0]["guard"] == "pseudonymize"
    conversation_id = events[-1]["conversation_id"]
    second = _events(
        _post(
            chat_client,
            "/chat/send",
            {"model": "fake-gpt", "message": "더 짧게", "conversation_id": conversation_id},
        )
    )
    assert second[-1]["conversation_id"] == conversation_id
    page = chat_client.get(f"/chat?c={conversation_id}").text
    assert "김민수 님께 보낼 안내문 초안" in page and "더 짧게" in page
    stored = demo.execute(text("SELECT content FROM gateway_messages")).scalars().all()
    titles = demo.execute(text("SELECT title FROM gateway_conversations")).scalars().all()
    assert len(stored) == 4 and not any("김민수" in value for value in [*stored, *titles])


def test_other_users_cannot_open_my_conversation(chat_client: TestClient) -> None:
    events = _events(_post(chat_client, "/chat/send", {"model": "fake-gpt", "message": "비밀 대화"}))
    conversation_id = events[-1]["conversation_id"]
    other = TestClient(chat_client.app, base_url="http://127.0.0.1")
    sign_in(other, "press2")
    assert other.get(f"/chat?c={conversation_id}").status_code == 404
    response = _post(
        other, "/chat/send", {"model": "fake-gpt", "message": "x", "conversation_id": conversation_id}
    )
    assert response.status_code == 404


def test_false_positive_is_recorded_without_the_text(chat_client: TestClient, demo: Session) -> None:
    assert _post(chat_client, "/chat/false-positive", {"type": "PERSON"}).json() == {"recorded": True}
    event = demo.query(AuditEvent).filter_by(action="guard.false_positive").one()
    assert event.target == "PERSON" and event.actor == "press1"


def test_send_without_csrf_is_refused(chat_client: TestClient) -> None:
    assert chat_client.post("/chat/send", json={"model": "fake-gpt", "message": "x"}).status_code == 403


def test_unknown_model_is_a_clear_404(chat_client: TestClient) -> None:
    response = _post(chat_client, "/chat/send", {"model": "nope", "message": "x"})
    assert response.status_code == 404 and "nope" in response.json()["error"]


def test_conversations_past_retention_are_deleted(chat_client: TestClient, demo: Session) -> None:
    from datetime import timedelta

    from mokmin.core.db import utcnow
    from mokmin.gateway.models import Conversation

    events = _events(_post(chat_client, "/chat/send", {"model": "fake-gpt", "message": "오래된 대화"}))
    conversation = demo.get(Conversation, events[-1]["conversation_id"])
    assert conversation is not None
    conversation.updated_at = utcnow() - timedelta(days=31)
    demo.commit()
    chat_client.get("/chat")
    demo.expire_all()
    assert demo.get(Conversation, events[-1]["conversation_id"]) is None
