"""Single sign-on through a real OIDC provider running on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from mokmin.core.models import User
from mokmin.core.settings import Settings
from tests.fixtures.live_server import free_port, serve
from tests.fixtures.oidc_provider import OidcProvider


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    idp = OidcProvider()
    port = free_port()
    idp.issuer = f"http://127.0.0.1:{port}"
    with serve(idp.app(), port):  # the issuer URL must be known before the provider starts
        yield idp


@pytest.fixture
def sso_client(provider: OidcProvider, settings: Settings, app: object, demo: Session) -> TestClient:
    settings.oidc_issuer = provider.issuer
    settings.oidc_client_id = provider.client_id
    settings.oidc_client_secret = SecretStr(provider.client_secret)
    return TestClient(app, base_url="http://127.0.0.1")  # type: ignore[arg-type]


def _sso_round_trip(client: TestClient) -> httpx.Response:
    """Follow the redirects by hand: the test client only talks to mokmin, httpx to the provider."""
    start = client.get("/auth/oidc/login", params={"next": "/profile"}, follow_redirects=False)
    assert start.status_code == 302
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302
    callback = at_provider.headers["location"].replace("http://127.0.0.1", "")
    return client.get(callback, follow_redirects=False)


def test_sso_signs_in_a_linked_user(sso_client: TestClient, provider: OidcProvider, demo: Session) -> None:
    provider.claims = {"sub": "city-sso-0001", "email": "press1@mokmin.example", "name": "보도 담당"}
    response = _sso_round_trip(sso_client)
    assert response.status_code == 303 and response.headers["location"] == "/profile"
    assert "press1" in sso_client.get("/profile").text
    assert demo.query(User).filter_by(username="press1").one().oidc_subject == "city-sso-0001"


def test_sso_refuses_unknown_person(sso_client: TestClient, provider: OidcProvider) -> None:
    provider.claims = {"sub": "stranger", "email": "nobody@elsewhere.example"}
    response = _sso_round_trip(sso_client)
    assert response.status_code == 401
    assert "연결된 사용자가 없습니다" in response.text


def test_sso_rejects_a_forged_state(sso_client: TestClient, provider: OidcProvider) -> None:
    provider.claims = {"sub": "city-sso-0001", "email": "press1@mokmin.example"}
    sso_client.get("/auth/oidc/login", follow_redirects=False)
    response = sso_client.get("/auth/oidc/callback?code=made-up&state=forged", follow_redirects=False)
    assert response.status_code == 401


def test_sso_disabled_is_a_clear_404(client: TestClient) -> None:
    response = client.get("/auth/oidc/login")
    assert response.status_code == 404
    assert "설정되어 있지 않습니다" in response.json()["error"]


def test_login_page_offers_sso_when_configured(sso_client: TestClient) -> None:
    assert 'id="sso-login"' in sso_client.get("/login").text
