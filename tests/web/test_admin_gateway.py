"""Admin pages for providers and budgets."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mokmin.gateway.models import BudgetRule, ProviderRecord, UsageEvent
from mokmin.guard.models import AuditEvent
from tests.conftest import csrf_of


def test_admin_registers_a_provider_with_a_sealed_secret(admin_client: TestClient, demo: Session) -> None:
    token = csrf_of(admin_client, "/admin/providers")
    response = admin_client.post(
        "/admin/providers",
        data={"csrf_token": token, "name": "city-vllm", "kind": "openai-compatible", "locality": "local",
              "max_level": "S", "base_url": "http://127.0.0.1:9/v1", "api_key": "sk-very-secret",
              "models": "qwen-7b:32768:0:0\nqwen-14b", "roles": ["staff", "department_head"]},
        follow_redirects=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert (
        "city-vllm" in response.text and "qwen-14b" in response.text and "sk-very-secret" not in response.text
    )
    record = demo.query(ProviderRecord).filter_by(name="city-vllm").one()
    assert record.sealed_api_key and "sk-very-secret" not in record.sealed_api_key
    assert record.allowed_roles == ["staff", "department_head"]
    assert demo.query(AuditEvent).filter_by(action="admin.provider_add", target="city-vllm").count() == 1


def test_bad_provider_input_is_explained(admin_client: TestClient) -> None:
    token = csrf_of(admin_client, "/admin/providers")
    response = admin_client.post(
        "/admin/providers",
        data={"csrf_token": token, "name": "x", "kind": "openai", "locality": "external", "max_level": "C",
              "models": "m"},
    )  # fmt: skip
    assert response.status_code == 422 and "classified" in response.text


def test_disable_and_remove_provider(admin_client: TestClient, demo: Session) -> None:
    token = csrf_of(admin_client, "/admin/providers")
    admin_client.post("/admin/providers", data={"csrf_token": token, "name": "tmp", "kind": "openai-compatible",
                                                "locality": "local", "base_url": "http://127.0.0.1:9/v1",
                                                "models": "m"})  # fmt: skip
    admin_client.post("/admin/providers/tmp/enabled", data={"csrf_token": token, "enabled": "0"})
    demo.expire_all()
    assert demo.query(ProviderRecord).filter_by(name="tmp").one().enabled is False
    admin_client.post("/admin/providers/tmp/remove", data={"csrf_token": token})
    assert demo.query(ProviderRecord).filter_by(name="tmp").count() == 0


def test_budget_page_sets_limits_and_charts_usage(admin_client: TestClient, demo: Session) -> None:
    from mokmin.core import org

    press1 = org.find_user(demo, "press1")
    demo.add(UsageEvent(user_id=press1.id, department_id=press1.department_id, provider="p", model="m",
                        data_level="O", input_tokens=1200, output_tokens=300))  # fmt: skip
    demo.commit()
    page = admin_client.get("/admin/budgets").text
    assert "<svg" in page and "홍보담당관" in page and "1,500" in page
    token = csrf_of(admin_client, "/admin/budgets")
    ok = admin_client.post("/admin/budgets", data={"csrf_token": token, "target": f"user:{press1.id}",
                                                   "monthly_tokens": "50000", "rpm": "20"})  # fmt: skip
    assert ok.status_code == 200
    rule = demo.query(BudgetRule).one()
    assert (rule.scope, rule.monthly_tokens, rule.requests_per_minute) == ("user", 50000, 20)
    bad = admin_client.post("/admin/budgets", data={"csrf_token": token, "target": "user:999999", "rpm": "5"})
    assert bad.status_code == 422
    negative = admin_client.post(
        "/admin/budgets", data={"csrf_token": token, "target": f"user:{press1.id}", "rpm": "-5"}
    )
    assert negative.status_code == 422


def test_staff_cannot_open_gateway_admin(staff_client: TestClient) -> None:
    assert staff_client.get("/admin/providers").status_code == 403
    assert staff_client.get("/admin/budgets").status_code == 403
