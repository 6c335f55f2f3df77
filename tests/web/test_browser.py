"""A person in a real browser (Debian's chromium driven by Playwright): sign in, switch language, create an
API key, sign out. Any request for something outside 127.0.0.1 fails the test: every asset is local."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pydantic import SecretStr

from mokmin.core.db import make_engine, make_sessionmaker, transaction
from mokmin.core.demo import DEMO_PASSWORD, load_demo
from mokmin.core.migrate import upgrade
from mokmin.core.settings import Settings
from tests.fixtures.live_server import serve

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="needs Debian's chromium"
    ),
]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_url(tmp_path: Path) -> Iterator[str]:
    from mokmin.web.app import create_app

    url = f"sqlite:///{tmp_path / 'browser.db'}"
    upgrade(url)
    settings = Settings(env="test", database_url=url, secret_key=SecretStr("b" * 40), _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(url)
    with transaction(make_sessionmaker(engine)) as db:
        load_demo(db, settings)
    with serve(create_app(settings, engine)) as base:
        yield base
    engine.dispose()


def test_sign_in_switch_language_create_key_sign_out(live_url: str) -> None:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()

        def watch(request: object) -> None:
            url = request.url  # type: ignore[attr-defined]
            host = urlsplit(url).hostname
            if url.startswith(("http:", "https:", "ws:", "wss:")) and host != "127.0.0.1":
                outside.append(url)

        page.on("request", watch)
        page.goto(f"{live_url}/")
        assert page.url.endswith("/login?next=/")
        page.get_by_label("아이디").fill("press1")
        page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="로그인").click()
        page.wait_for_url(f"{live_url}/")
        assert "보도 담당 주무관" in page.content()

        page.select_option("#language-select", "en")
        page.click("#language-submit")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("button", name="Sign out").is_visible()

        page.click("#profile-link")
        page.get_by_label("Key name").fill("my laptop")
        page.click("#create-key")
        key = page.locator("#new-key").inner_text()
        assert key.startswith("mk-") and len(key) > 30
        page.reload()
        assert key not in page.content()

        page.click("#signout")
        page.wait_for_url("**/login?signed_out=1")
        page.goto(f"{live_url}/profile")
        assert "/login" in page.url
        browser.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
