"""The drafting studio in a real browser: staff drafts a press release (a refused phone number first), rewrites a
section, edits with autosave and submits; the department head approves; both downloads open; the audit chain
holds an event for every step. Every request stays on 127.0.0.1."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, select

from mokmin.core.db import make_engine, make_sessionmaker, transaction
from mokmin.core.demo import DEMO_PASSWORD, load_demo
from mokmin.core.migrate import upgrade
from mokmin.core.settings import Settings
from mokmin.gateway import catalog
from mokmin.gateway.embedded_engine import DEFAULT_MODEL_NAME
from mokmin.guard import audit
from mokmin.guard.models import AuditEvent
from tests.fixtures.live_server import serve
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="needs Debian's chromium"
    ),
]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    from mokmin.web.app import create_app

    url = f"sqlite:///{tmp_path / 'studio.db'}"
    upgrade(url)
    settings = Settings(
        env="test",
        database_url=url,
        secret_key=SecretStr("s" * 40),
        data_dir=tmp_path,
        draft_section_max_tokens=24,  # the tiny CPU model writes every section; keep the test quick
        _env_file=None,
    )  # type: ignore[call-arg]
    engine = make_engine(url)
    with transaction(make_sessionmaker(engine)) as db:
        load_demo(db, settings)
        catalog.ensure_default(db, settings.secret_key.get_secret_value())
    # The real path: prose from the bundled embedded model, through the gateway, guard, usage and audit.
    app = create_app(settings, engine)
    with serve(app) as base:
        yield base, engine
    engine.dispose()


FACTS = {
    "#f-head_title": "시장",
    "#f-head_name": "윤서진",
    "#f-title": "한빛시립도서관 12월 3일 개관",
    "#f-distributed_at": "2026-12-01T14:00",
    "#f-responsible-title": "과장",
    "#f-responsible-name": "오민석",
    "#f-responsible-phone": "044-000-2510",
    "#f-staff-0-title": "주무관",
    "#f-staff-0-name": "한지유",
    "#f-staff-0-phone": "2514",  # wrong on purpose: refused beside the field, then corrected
    "#f-event": "한빛시립도서관 개관",
    "#f-event_start": "2026-12-03T14:00",
    "#f-place": "한빛시립도서관",
}


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/")


def download(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    path = info.value.path()
    return Path(path).read_bytes()


def test_draft_review_approve_export_audited(live: tuple[str, Engine]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, engine = live
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(120_000)  # the embedded model writes every section on this CPU
        page.on(
            "request",
            lambda r: (
                outside.append(r.url)
                if r.url.startswith(("http:", "https:")) and urlsplit(r.url).hostname != "127.0.0.1"
                else None
            ),
        )
        sign_in(page, base, "press1")
        page.goto(f"{base}/drafts")
        page.click("#new-press_release")
        for selector, value in FACTS.items():
            page.fill(selector, value)
        page.click("#generate")
        error = page.locator("#f-staff-0-phone-error")
        expect(error).to_contain_text("전화번호 형식")
        expect(page.locator("#form-summary")).to_be_visible()

        page.fill("#f-staff-0-phone", "044-000-2514")
        page.click("#generate")
        page.wait_for_url(re.compile(r".*/drafts/\d+$"))
        draft_id = int(page.url.rsplit("/", 1)[1])
        expect(page.locator("#ai-label")).to_contain_text(DEFAULT_MODEL_NAME)
        expect(page.locator("#check-report")).to_be_visible()

        page.fill("#instr-lead", "더 짧게")
        page.click("#regen-lead")
        page.wait_for_url(re.compile(r".*regenerated=1.*"))
        page.fill("#text-body", "한빛시립도서관은 평일 22:00까지 문을 연다.")
        expect(page.locator("#autosave-status")).to_contain_text("자동 저장됨", timeout=10000)
        page.click("#submit-review")
        page.wait_for_url(re.compile(r".*reviewed=submitted"))
        expect(page.locator("#draft-status")).to_have_text("검토 요청됨")
        page.click("#signout")

        sign_in(page, base, "head.press")
        page.goto(f"{base}/drafts")
        page.locator("#awaiting").get_by_role("link", name="한빛시립도서관 12월 3일 개관").click()
        page.fill("#approve-comment", "좋습니다")
        page.click("#approve")
        expect(page.locator("#locked-note")).to_be_visible()
        assert page.locator("#text-body").count() == 0  # locked: nothing to edit

        hwpx = download(page, "#export-hwpx")
        docx = download(page, "#export-docx")
        browser.close()

    for data, part in ((hwpx, "Contents/section0.xml"), (docx, "word/document.xml")):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert part in archive.namelist()
            assert "22:00" in archive.read(part).decode()  # the autosaved edit is in the approved document
    assert outside == [], f"requests left 127.0.0.1: {outside}"

    with transaction(make_sessionmaker(engine)) as db:
        checked, problem = audit.verify(db)
        assert problem is None and checked > 0
        steps = list(
            db.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.target == f"draft:{draft_id}")
                .order_by(AuditEvent.seq)
            )
        )
    assert steps == [
        "draft.create",
        "draft.generate",
        "draft.regenerate",
        "draft.autosave",
        "draft.submit",
        "draft.approve",
        "draft.export",
        "draft.export",
    ]
