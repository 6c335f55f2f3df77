"""Sources in the studio over HTTP (mokmin/web/routes/drafts_sources.py) on both databases: the search box uses
the author's rights, attached passages are shown with their citation and level, and the draft's level reaches
the writer factory (or an unsuitable writer is refused)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mokmin.core.levels import DataLevel
from mokmin.drafting.writers import FactOnlyWriter
from mokmin.knowledge import DataLevel as KbLevel
from tests.conftest import csrf_of, engine_fixture
from tests.fixtures.drafting import PRESS_RELEASE
from tests.fixtures.drafting_extras import passage
from tests.fixtures.drafting_studio import form_fields, ndjson, user

HTML = {"accept": "text/html"}
STREAM = {"accept": "application/x-ndjson"}
REPORT_TEXT = "# 2025년 도서관 이용 통계\n\n작년 한빛시립도서관 방문객은 1,284명으로 집계되었다."


engine = engine_fixture("mokmin_test_drafting")


class LeveledWriter(FactOnlyWriter):
    """An offline writer that reports the level it was asked to carry, as the gateway writer would."""

    offline = False

    def __init__(self, level: DataLevel) -> None:
        self.level = level


@pytest.fixture
def levels(app: FastAPI) -> list[DataLevel]:
    """A writer factory that accepts the draft's level (the change proposed for mokmin/web/writers.py)."""
    seen: list[DataLevel] = []

    def factory(
        user: Any, model: str | None, doc_type: str, level: DataLevel = DataLevel.OPEN
    ) -> LeveledWriter:
        seen.append(level)
        return LeveledWriter(level)

    app.state.section_writer = factory
    return seen


def new_draft(client: TestClient) -> int:
    token = csrf_of(client, "/drafts/new/press_release")
    data = {"csrf_token": token, **form_fields(PRESS_RELEASE), "tone": "formal", "length": "normal"}
    events = ndjson(client.post("/drafts/new/press_release", data=data, headers=STREAM).text)
    assert events[-1]["type"] == "done", events[-1]
    draft_id: int = events[-1]["draft"]
    return draft_id


def regenerate_all(client: TestClient, draft_id: int) -> list[dict[str, Any]]:
    token = csrf_of(client, f"/drafts/{draft_id}")
    data = {"csrf_token": token, **form_fields(PRESS_RELEASE), "tone": "formal", "length": "normal"}
    return ndjson(client.post(f"/drafts/{draft_id}/generate", data=data, headers=STREAM).text)


def test_search_attach_and_the_level_reaching_the_writer(
    staff_client: TestClient, demo: Session, levels: list[DataLevel]
) -> None:
    passage(demo, user(demo, "press1"), REPORT_TEXT, level=KbLevel.SENSITIVE, name="통계.md")
    passage(demo, user(demo, "welfare1"), "복지과 내부 자료: 도서관 방문객 9,999명", name="복지.txt")
    demo.commit()
    draft_id = new_draft(staff_client)
    assert levels == [DataLevel.OPEN]
    page = staff_client.get(f"/drafts/{draft_id}", headers=HTML).text
    assert 'id="sources"' in page and "공개(O)" in page

    found = staff_client.get(f"/drafts/{draft_id}?q=도서관 방문객", headers=HTML).text
    hits = found.split('id="source-hits"')[1].split("</ul>")[0]
    assert (
        "2025년 도서관 이용 통계" in hits and "9,999" not in hits
    )  # another department's passage stays hidden
    chunk = re.search(r'name="chunk_id" value="(\d+)"', hits)
    assert chunk is not None
    token = csrf_of(staff_client, f"/drafts/{draft_id}")
    attached = staff_client.post(
        f"/drafts/{draft_id}/sources",
        data={"csrf_token": token, "chunk_id": chunk.group(1)},
        follow_redirects=False,
    )
    assert attached.status_code == 303
    page = staff_client.get(attached.headers["location"], headers=HTML).text
    listed = page.split('id="attached-sources"')[1].split("</ol>")[0]
    assert '<strong class="citation">2025년 도서관 이용 통계' in listed and "1,284명" in listed
    assert "민감(S)" in page

    events = regenerate_all(staff_client, draft_id)
    assert events[-1]["type"] == "done" and levels[-1] is DataLevel.SENSITIVE

    source_id = re.search(rf"/drafts/{draft_id}/sources/(\d+)/remove", page)
    assert source_id is not None
    removed = staff_client.post(
        f"/drafts/{draft_id}/sources/{source_id.group(1)}/remove",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert 'id="attached-sources"' not in staff_client.get(f"/drafts/{draft_id}", headers=HTML).text


def test_a_writer_that_cannot_carry_the_level_is_refused(
    app: FastAPI, staff_client: TestClient, demo: Session
) -> None:
    class Unknown:
        model_name = "unknown"

        def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
            yield "문장."

    app.state.section_writer = lambda user, model, doc_type: Unknown()
    info = passage(demo, user(demo, "press1"), REPORT_TEXT, level=KbLevel.CLASSIFIED, name="기밀.md")
    demo.commit()
    draft_id = new_draft(staff_client)  # open data: any writer may write
    from sqlalchemy import select

    from mokmin.knowledge.models import KnowledgeChunk

    chunk = demo.scalars(
        select(KnowledgeChunk.id).where(KnowledgeChunk.document_id == info.document_id)
    ).first()
    token = csrf_of(staff_client, f"/drafts/{draft_id}")
    staff_client.post(f"/drafts/{draft_id}/sources", data={"csrf_token": token, "chunk_id": str(chunk)})
    response = staff_client.post(
        f"/drafts/{draft_id}/generate",
        data={"csrf_token": token, **form_fields(PRESS_RELEASE)},
        headers=STREAM,
    )
    assert response.status_code == 409 and "데이터 등급" in response.json()["error"]
