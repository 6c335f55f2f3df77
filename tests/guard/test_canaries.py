"""Canary identifiers through a whole workflow must never reach logs, the database (outside the vault),
error messages, or the external provider.

A made-up citizen (name, resident registration number with a valid check digit, mobile number, e-mail)
goes through sign-in, the chat page (preview, false-positive report, streamed answer) and the OpenAI-
compatible ``/v1`` API (plain and streamed) to an external fake provider, plus the error paths (refused
level, malformed request, failing upstream, bad scan request), then writes a 민원 회신 in the drafting studio
(refused facts, streamed generation through the same provider, autosave, save, submit for review). Every logger
runs at DEBUG, so SQL statements with their parameters and the OpenAI SDK's request dumps are captured too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from mokmin.core import auth
from mokmin.core.models import User
from mokmin.core.settings import Settings
from mokmin.gateway import catalog
from tests.conftest import csrf_of, sign_in
from tests.fixtures.drafting import LETTER
from tests.fixtures.drafting_studio import form_fields, ndjson
from tests.fixtures.fake_upstreams import FakeUpstream, fake_upstream, provider_config
from tests.guard.ids import rrn

NAME = "탁윤서"
RRN = rrn("850315223456")
PHONE = "010-2718-2818"
EMAIL = "yunseo.tak@canary-mail.kr"
CANARIES = (NAME, RRN, RRN.replace("-", ""), PHONE, PHONE.replace("-", ""), EMAIL)
PROMPT = (
    f"민원인 {NAME} 님(주민등록번호 {RRN}, 연락처 {PHONE}, 이메일 {EMAIL})의 전입 신고 민원에 대한 "
    f"회신문을 작성해 주세요. {NAME} 님은 3월 2일 방문 예정입니다."
)
VAULT_TABLES = {"guard_vault"}
REPLY = "[개인_1] 님께 드리는 회신문 초안입니다."
COMPLAINT = {
    **LETTER,
    "recipients": [f"{NAME} 님"],
    "title": f"{NAME} 님 전입 신고 민원 처리 결과 알림",
    "complaint_summary": f"{NAME} 님(주민등록번호 {RRN}, 연락처 {PHONE})의 전입 신고 처리 요청",
}
DRAFT_TABLES = {"drafts", "draft_versions", "draft_reviews"}


def _leaks(value: str) -> list[str]:
    return [canary for canary in CANARIES if canary in value]


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Root and every known logger at DEBUG; loggers that do not propagate get the capture handler too.

    Requested before the database fixtures, so SQLAlchemy's connections are opened with logging on.
    """
    caplog.set_level(logging.DEBUG)
    attached: list[logging.Logger] = []
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
            if not logger.propagate:
                logger.addHandler(caplog.handler)
                attached.append(logger)
    yield caplog
    for logger in attached:
        logger.removeHandler(caplog.handler)


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    with fake_upstream() as server:
        yield server


def _unescaped(value: str) -> str:
    """JSON stored as text (SQLite) may spell Korean as ``\\uXXXX``: compare it as the characters it holds."""
    try:
        return json.dumps(json.loads(value), ensure_ascii=False)
    except ValueError:
        return value


def _dump_database(db: Session) -> dict[str, list[str]]:
    """Every text-like value of every table (the vault excepted), as strings, by table."""
    connection = db.connection()
    quote = connection.dialect.identifier_preparer.quote
    values: dict[str, list[str]] = {}
    for table in inspect(connection).get_table_names():
        if table in VAULT_TABLES:
            continue
        cells: list[str] = []
        for row in connection.execute(text(f"SELECT * FROM {quote(table)}")):
            for value in row:
                if isinstance(value, bytes | bytearray | memoryview):
                    cells.append(bytes(value).decode("utf-8", "ignore"))
                elif isinstance(value, dict | list):
                    cells.append(json.dumps(value, ensure_ascii=False))
                elif isinstance(value, str) and value[:1] in ("{", "["):
                    cells.append(_unescaped(value))
                elif value is not None:
                    cells.append(str(value))
        values[table] = cells
    return values


class Workflow:
    """Runs the user's steps and keeps every error body it saw."""

    def __init__(self, client: TestClient, api_key: str) -> None:
        self.client = client
        self.key = api_key
        self.errors: list[str] = []
        self.answers: list[str] = []

    def _keep(self, response: Any) -> Any:
        if response.status_code >= 400:
            self.errors.append(response.text)
        return response

    def page(self, url: str, body: dict[str, Any]) -> Any:
        token = csrf_of(self.client, "/chat")
        return self._keep(self.client.post(url, json=body, headers={"x-csrf-token": token}))

    def v1(self, body: dict[str, Any], **headers: str) -> Any:
        headers = {"authorization": f"Bearer {self.key}", **headers}
        return self._keep(self.client.post("/v1/chat/completions", json=body, headers=headers))

    def chat(self, level: str = "O") -> None:
        response = self.page("/chat/send", {"model": "fake-gpt", "message": PROMPT, "level": level})
        if response.status_code >= 400:
            return  # kept by page()
        for line in response.text.splitlines():
            event = json.loads(line)
            if event["type"] == "error":
                self.errors.append(event["message"])
            elif event["type"] == "delta":
                self.answers.append(event["text"])

    def studio(self, path: str, data: dict[str, Any]) -> Any:
        """A studio form posted as the page's script posts it (NDJSON answers for generation)."""
        token = csrf_of(self.client, path if path.startswith("/drafts/new/") else path.rsplit("/", 1)[0])
        headers = {"accept": "application/x-ndjson"}
        return self._keep(
            self.client.post(
                path, data={"csrf_token": token, **data}, headers=headers, follow_redirects=False
            )
        )

    def draft(self) -> int:
        """Write, edit and submit a reply to the citizen in the studio; the id of the draft."""
        options = {"tone": "formal", "length": "normal", "notes": f"{NAME} 님 연락처 {PHONE}, {EMAIL}"}
        refused = self.studio(
            "/drafts/new/letter", {**form_fields({**COMPLAINT, "postcode": RRN}), **options}
        )
        assert refused.status_code == 422  # kept by _keep(): the error must not echo the canaries
        events = ndjson(self.studio("/drafts/new/letter", {**form_fields(COMPLAINT), **options}).text)
        self.errors.extend(event["message"] for event in events if event["type"] == "error")
        assert events[-1]["type"] == "done", events[-1]
        draft_id: int = events[-1]["draft"]
        token = csrf_of(self.client, f"/drafts/{draft_id}")
        typed = f"{NAME} 님(주민등록번호 {RRN})께 연락처 {PHONE}로 처리 결과를 알려 드립니다."
        autosaved = self.client.post(
            f"/drafts/{draft_id}/autosave",
            json={"sections": {"main": typed}},
            headers={"x-csrf-token": token},
        )
        assert self._keep(autosaved).status_code == 200
        saved = self.studio(
            f"/drafts/{draft_id}/save", {"section.main": typed, "note": f"{NAME} 님 요청 반영"}
        )
        submitted = self.studio(f"/drafts/{draft_id}/submit", {"comment": f"{NAME} 님 건 검토 바랍니다"})
        assert saved.status_code == submitted.status_code == 303
        return draft_id


def _run(flow: Workflow, upstream: FakeUpstream) -> None:
    preview = flow.page("/chat/preview", {"model": "fake-gpt", "message": PROMPT}).json()
    assert preview["action"] == "pseudonymize" and not _leaks(preview["masked"])
    assert {"PERSON", "RRN", "PHONE", "EMAIL"} <= set(preview["findings"])
    flow.page("/chat/false-positive", {"type": "PERSON"})
    flow.chat()
    messages = [{"role": "user", "content": PROMPT}]
    answer = flow.v1({"model": "fake-gpt", "messages": messages}).json()
    flow.answers.append(answer["choices"][0]["message"]["content"])
    streamed = flow.v1({"model": "fake-gpt", "messages": messages, "stream": True})
    assert streamed.status_code == 200 and "data: [DONE]" in streamed.text
    # Error paths: a refused level, a malformed request, a failing upstream, a bad scan request.
    flow.chat(level="C")
    assert (
        flow.v1({"model": "fake-gpt", "messages": messages}, **{"x-mokmin-data-level": "C"}).status_code
        == 403
    )
    assert (
        flow.v1({"model": "fake-gpt", "messages": [{"role": "wizard", "content": PROMPT}]}).status_code == 400
    )
    upstream.fail_next(500, times=10)
    assert flow.v1({"model": "fake-gpt", "messages": messages}).status_code >= 500
    scan = flow.client.post("/api/guard/scan", json={"text": PROMPT, "types": [NAME]},
                            headers={"authorization": f"Bearer {flow.key}"})  # fmt: skip
    flow._keep(scan)
    assert scan.status_code == 422


def test_canaries_never_leak(
    every_log: pytest.LogCaptureFixture,
    client: TestClient,
    demo: Session,
    settings: Settings,
    upstream: FakeUpstream,
) -> None:
    upstream.reset()
    upstream.reply = REPLY
    catalog.save(demo, provider_config(upstream, "openai", name="external-gpt", max_data_level="S"),
                 settings.secret_key.get_secret_value())  # fmt: skip
    user = demo.query(User).filter_by(username="press1").one()
    _, key = auth.create_api_key(demo, user, "canary", 30)
    demo.commit()
    sign_in(client, "press1")
    client.app.state.gateway.forget_catalog()  # type: ignore[attr-defined]
    flow = Workflow(client, key)
    try:
        _run(flow, upstream)
        sent = [json.dumps(r.body, ensure_ascii=False) for r in upstream.chat_requests()]
        upstream.reset()  # the failures queued by _run's last steps
        upstream.reply = REPLY
        draft_id = flow.draft()
        drafted = [json.dumps(r.body, ensure_ascii=False) for r in upstream.chat_requests()]
    finally:
        upstream.reset()

    # The provider got placeholders only, and the user got the name back.
    assert len(sent) >= 3 and all("[개인_1]" in body and not _leaks(body) for body in sent)
    assert sum(NAME in answer for answer in ["".join(flow.answers), *flow.answers]) >= 2
    # The studio's prose came through the same provider, pseudonymised; the author sees the real text.
    assert drafted and any("[개인_1]" in body for body in drafted) and not [b for b in drafted if _leaks(b)]
    studio = client.get(f"/drafts/{draft_id}", headers={"accept": "text/html"}).text
    assert NAME in studio and RRN in studio and PHONE in studio
    # Logs: SQL with parameters and the SDK's request dumps were captured, none with a canary.
    assert {r.name.split(".")[0] for r in every_log.records} >= {"sqlalchemy", "openai"}
    logged = [(r.name, r.getMessage() + (r.exc_text or "")) for r in every_log.records]
    assert [(name, _leaks(message)) for name, message in logged if _leaks(message)] == []
    # Errors shown to the user.
    assert len(flow.errors) >= 5
    assert [error for error in flow.errors if _leaks(error)] == []
    # The database outside the vault.
    demo.expire_all()
    dump = _dump_database(demo)
    assert {"audit_events", "gateway_messages", "gateway_usage_events", "guard_policy_overrides"} <= set(dump)
    assert all(dump[table] for table in DRAFT_TABLES)  # the draft, its versions and its review are there
    assert {table: _leaks(" ".join(cells)) for table, cells in dump.items() if _leaks(" ".join(cells))} == {}
