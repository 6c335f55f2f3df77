"""The /v1 API through the official OpenAI SDK, against a running mokmin and a fake upstream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import openai
import pytest
from sqlalchemy import select

from mokmin.core.db import transaction
from mokmin.gateway import budgets
from mokmin.gateway.models import UsageEvent
from mokmin.guard import audit
from mokmin.guard.models import AuditEvent
from tests.fixtures.fake_upstreams import DEFAULT_REPLY, FakeUpstream, fake_upstream
from tests.fixtures.live_gateway import LiveGateway, live_gateway


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    with fake_upstream() as server:
        yield server


@pytest.fixture
def live(tmp_path: Path, upstream: FakeUpstream) -> Iterator[LiveGateway]:
    upstream.reset()
    with live_gateway(tmp_path, upstream) as gateway:
        yield gateway


@pytest.fixture
def client(live: LiveGateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=live.v1, api_key=live.api_key, max_retries=0) as sdk:
        yield sdk


def usage_events(live: LiveGateway) -> list[UsageEvent]:
    with transaction(live.factory) as db:
        return list(db.scalars(select(UsageEvent).order_by(UsageEvent.id)))


def test_list_models(client: openai.OpenAI) -> None:
    ids = [model.id for model in client.models.list()]
    assert "fake-gpt" in ids


def test_chat_records_usage_and_audit(client: openai.OpenAI, live: LiveGateway) -> None:
    reply = client.chat.completions.create(
        model="fake-gpt", messages=[{"role": "user", "content": "보도자료 제목을 지어 주세요"}]
    )
    assert reply.choices[0].message.content == DEFAULT_REPLY
    assert reply.usage is not None and reply.usage.completion_tokens == len(DEFAULT_REPLY.split())
    [event] = usage_events(live)
    assert (event.provider, event.model, event.outcome, event.purpose) == (
        "external-gpt",
        "fake-gpt",
        "ok",
        "chat",
    )
    assert event.output_tokens == reply.usage.completion_tokens and event.cost > 0
    with transaction(live.factory) as db:
        assert audit.verify(db)[1] is None
        assert db.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1)) == "model.call"


def test_stream_with_usage(client: openai.OpenAI, live: LiveGateway) -> None:
    stream = client.chat.completions.create(
        model="fake-gpt",
        messages=[{"role": "user", "content": "hello"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.split() == DEFAULT_REPLY.split()
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == len(DEFAULT_REPLY.split())
    [event] = usage_events(live)
    assert event.streamed and event.outcome == "ok" and event.first_token_ms is not None


def test_bad_key_is_authentication_error(live: LiveGateway) -> None:
    with (
        openai.OpenAI(base_url=live.v1, api_key="mk-wrong", max_retries=0) as bad,
        pytest.raises(openai.AuthenticationError) as info,
    ):
        bad.models.list()
    assert "API 키" in str(info.value)


def test_exhausted_budget_is_rate_limit_error(client: openai.OpenAI, live: LiveGateway) -> None:
    with transaction(live.factory) as db:
        from mokmin.core import org

        budgets.set_rule(db, "user", org.find_user(db, "press1").id, monthly_tokens=60)
    client.chat.completions.create(
        model="fake-gpt", messages=[{"role": "user", "content": "one"}], max_tokens=20
    )
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(
            model="fake-gpt", messages=[{"role": "user", "content": "two"}], max_tokens=50
        )
    assert "예산" in str(info.value)


def test_personal_data_reaches_the_provider_pseudonymised_and_comes_back_restored(
    client: openai.OpenAI, live: LiveGateway, upstream: FakeUpstream
) -> None:
    upstream.reply = "[개인_1]님께 [전화_1]로 연락드리겠습니다."
    prompt = "민원인 홍길동 님(주민등록번호 900101-1234568, 연락처 010-2345-6789)에게 회신 문안을 써 주세요."
    try:
        reply = client.chat.completions.create(
            model="fake-gpt", messages=[{"role": "user", "content": prompt}]
        )
    finally:
        upstream.reply = DEFAULT_REPLY
    sent = json.dumps(upstream.chat_requests()[-1].body, ensure_ascii=False)
    for canary in ("홍길동", "900101-1234568", "010-2345-6789"):
        assert canary not in sent
    assert "[개인_1]" in sent and "[주민번호_1]" in sent and "[전화_1]" in sent
    assert reply.choices[0].message.content == "홍길동님께 010-2345-6789로 연락드리겠습니다."
    with transaction(live.factory) as db:
        assert audit.verify(db)[1] is None
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "model.call")).one()
        assert event.data_level == "S" and event.details["guard"] == "pseudonymize"
        assert event.findings == {"PERSON": 1, "PHONE": 1, "RRN": 1}
        stored = json.dumps(audit.event_record(event), ensure_ascii=False)
        assert "홍길동" not in stored and "010-2345-6789" not in stored


def test_classified_request_is_refused_for_external_provider(
    client: openai.OpenAI, live: LiveGateway
) -> None:
    with pytest.raises(openai.PermissionDeniedError) as info:
        client.chat.completions.create(
            model="fake-gpt",
            messages=[{"role": "user", "content": "x"}],
            extra_headers={"X-Mokmin-Data-Level": "C"},
        )
    assert "비공개(C)" in str(info.value)
    assert usage_events(live) == []


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        (b"{not json", 400, "JSON"),
        (json.dumps({"model": "nope", "messages": [{"role": "user", "content": "x"}]}).encode(), 404, "nope"),
        (
            json.dumps(
                {"model": "fake-gpt", "messages": [{"role": "user", "content": "x"}], "max_tokens": -1}
            ).encode(),
            400,
            "max_tokens",
        ),
        (
            json.dumps(
                {"model": "fake-gpt", "messages": [{"role": "user", "content": "x"}], "max_tokens": 10**9}
            ).encode(),
            400,
            "max_tokens",
        ),
        (
            json.dumps(
                {"model": "fake-gpt", "messages": [{"role": "user", "content": "x"}], "max_tokens": 999_999}
            ).encode(),
            400,
            "문맥",
        ),
        (json.dumps({"model": "fake-gpt", "messages": "hello"}).encode(), 400, "messages"),
        (json.dumps({"model": 5, "messages": []}).encode(), 400, "model"),
        (
            json.dumps(
                {"model": "fake-gpt", "messages": [{"role": "user", "content": "단어 " * 5000}]}
            ).encode(),
            400,
            "문맥",
        ),
    ],
)
def test_bad_requests_get_openai_shaped_4xx(live: LiveGateway, body: bytes, status: int, needle: str) -> None:
    response = httpx.post(
        f"{live.v1}/chat/completions",
        content=body,
        headers={"authorization": f"Bearer {live.api_key}", "content-type": "application/json"},
    )
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert needle in error["message"]


def test_client_disconnect_mid_stream_still_records_usage(live: LiveGateway, upstream: FakeUpstream) -> None:
    upstream.chunk_delay = 0.05
    try:
        with httpx.stream(
            "POST",
            f"{live.v1}/chat/completions",
            json={"model": "fake-gpt", "messages": [{"role": "user", "content": "hi"}], "stream": True},
            headers={"authorization": f"Bearer {live.api_key}"},
        ) as response:
            for line in response.iter_lines():
                if "content" in line and '""' not in line:
                    break  # leave after the first words
    finally:
        upstream.chunk_delay = 0.0
    import time

    deadline = time.monotonic() + 5
    while not usage_events(live) and time.monotonic() < deadline:
        time.sleep(0.05)
    [event] = usage_events(live)
    assert event.outcome == "cancelled"


def test_cost_uses_model_prices(client: openai.OpenAI, live: LiveGateway) -> None:
    reply = client.chat.completions.with_raw_response.create(
        model="fake-gpt", messages=[{"role": "user", "content": "a b c"}]
    )
    cost = Decimal(reply.headers["x-mokmin-cost"])
    usage = reply.parse().usage
    assert usage is not None
    expected = (
        Decimal(usage.prompt_tokens) * Decimal("1.5") + Decimal(usage.completion_tokens) * 6
    ) / Decimal(1_000_000)
    assert cost == expected
    assert reply.headers["x-mokmin-provider"] == "external-gpt"


def test_pseudonym_mapping_is_sealed_in_the_vault_beside_its_audit_event(
    client: openai.OpenAI, live: LiveGateway
) -> None:
    from mokmin.guard import vault
    from mokmin.guard.models import VaultEntry

    client.chat.completions.create(
        model="fake-gpt", messages=[{"role": "user", "content": "민원인 홍길동 님 연락처 010-2345-6789"}]
    )
    with transaction(live.factory) as db:
        entry = db.scalars(select(VaultEntry)).one()
        assert "홍길동" not in json.dumps([str(v) for v in vars(entry).values()], ensure_ascii=False)
        seq = db.scalars(select(AuditEvent.seq).where(AuditEvent.action == "model.call")).one()
        actor = audit.Actor(None, "privacy")
        mapping = vault.read(
            db, seq, actor, "민원 처리 확인을 위한 열람", secret=live.settings.secret_key.get_secret_value()
        )
        assert set(mapping.values()) == {"홍길동", "010-2345-6789"}
        assert (
            db.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1)).one()
            == "vault.read"
        )


def test_privacy_officer_override_blocks_sensitive_data_to_external_models(
    client: openai.OpenAI, live: LiveGateway
) -> None:
    from mokmin.core.levels import DataLevel, Locality
    from mokmin.guard import policy_store
    from mokmin.guard.policy import Action

    with transaction(live.factory) as db:
        policy_store.set_action(
            db, DataLevel.SENSITIVE, Locality.EXTERNAL, Action.BLOCK, audit.Actor(None, "privacy")
        )
    import time

    time.sleep(5.1)  # the gateway re-reads policy overrides every few seconds
    with pytest.raises(openai.PermissionDeniedError):
        client.chat.completions.create(
            model="fake-gpt", messages=[{"role": "user", "content": "민원인 홍길동 님 연락처 010-2345-6789"}]
        )
    reply = client.chat.completions.create(
        model="fake-gpt", messages=[{"role": "user", "content": "공개 자료 요약"}]
    )
    assert reply.choices[0].message.content


def test_chat_completions_skip_the_router_but_keep_metrics_limits_and_error_shapes(
    client: openai.OpenAI, live: LiveGateway
) -> None:
    client.chat.completions.create(model="fake-gpt", messages=[{"role": "user", "content": "hi"}])
    metrics = httpx.get(f"{live.base_url}/metrics").text
    assert (
        'mokmin_http_requests_total{method="POST",route="/v1/chat/completions",status="200"} 1.0' in metrics
    )
    headers = {"authorization": f"Bearer {live.api_key}"}
    huge = httpx.post(f"{live.v1}/chat/completions", content=b"x" * (live.settings.max_request_bytes + 1),
                      headers=headers)  # fmt: skip
    assert huge.status_code == 413
    bad_key = httpx.post(f"{live.v1}/chat/completions", json={}, headers={"authorization": "Bearer mk-nope"})
    assert bad_key.status_code == 401 and bad_key.headers["www-authenticate"] == "Bearer"
    assert bad_key.json()["error"]["type"] == "authentication_error"
    # Other methods on the path take the usual way through the router.
    wrong_method = httpx.get(f"{live.v1}/chat/completions", headers=headers)
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "http"
