from __future__ import annotations

from fastapi.testclient import TestClient


def test_healthz_checks_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(settings: object) -> None:
    from mokmin.core.db import make_engine
    from mokmin.web.app import create_app

    app = create_app(settings, make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))  # type: ignore[arg-type]
    with TestClient(app) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_metrics_in_prometheus_format(client: TestClient) -> None:
    client.get("/healthz")
    text = client.get("/metrics").text
    assert "# TYPE mokmin_http_requests_total counter" in text
    assert 'mokmin_http_requests_total{method="GET",route="/healthz",status="200"}' in text
