import json

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mokmin.core.models import Department, Institution, User
from mokmin.knowledge.cli import app
from tests.fixtures.databases import migrated_sqlite
from tests.knowledge.files import BILLION_LAUGHS, rezip, sample_docx

runner = CliRunner()


@pytest.fixture
def database(tmp_path):
    engine = migrated_sqlite(tmp_path)
    with Session(engine) as session:
        city = Institution(code="hanbit", name="한빛시")
        session.add(city)
        session.flush()
        traffic = Department(institution_id=city.id, name="교통과")
        welfare = Department(institution_id=city.id, name="복지과")
        session.add_all([traffic, welfare])
        session.flush()
        session.add_all(
            [
                User(username="t", display_name="교통", department_id=traffic.id),
                User(username="w", display_name="복지", department_id=welfare.id),
            ]
        )
        session.commit()
        ids = {"traffic": traffic.id, "t": 1, "w": 2}
    engine.dispose()
    return f"sqlite:///{tmp_path / 'mokmin-test.db'}", ids


def test_add_indexes_good_files_and_reports_bad_ones(tmp_path, database):
    url, ids = database
    good = tmp_path / "주차장 안내.md"
    good.write_text("# 주차장 안내\n\n공영주차장은 경차 요금을 50% 감면합니다.\n", encoding="utf-8")
    bad = tmp_path / "bomb.docx"
    bad.write_bytes(rezip(sample_docx(), {"word/document.xml": BILLION_LAUGHS}))
    result = runner.invoke(
        app, ["add", str(good), str(bad), "--department", str(ids["traffic"]), "--database-url", url]
    )
    assert result.exit_code == 1
    assert "주차장 안내.md: 등록" in result.output
    assert "bomb.docx: 문서 안의 XML에 DTD나 엔티티 선언이 있어" in result.output

    again = runner.invoke(app, ["add", str(good), "--department", str(ids["traffic"]), "--database-url", url])
    assert again.exit_code == 0 and "변경 없음" in again.output

    found = runner.invoke(app, ["search", "경차 감면", "--user", str(ids["t"]), "--database-url", url])
    assert found.exit_code == 0 and "주차장 안내" in found.output
    hidden = runner.invoke(app, ["search", "경차 감면", "--user", str(ids["w"]), "--database-url", url])
    assert "찾은 내용이 없습니다" in hidden.output  # department-only by default


def test_batch_search_writes_one_line_per_question(tmp_path, database):
    url, ids = database
    doc = tmp_path / "a.txt"
    doc.write_text("공영주차장 요금은 시간당 1,000원이다.", encoding="utf-8")
    assert (
        runner.invoke(
            app,
            [
                "add",
                str(doc),
                "--department",
                str(ids["traffic"]),
                "--audience",
                "institution",
                "--database-url",
                url,
            ],
        ).exit_code
        == 0
    )
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"qid": "q1", "question": "주차장 요금은 얼마인가요?"}\n\n{"qid": 2, "question": "도서관 휴관일"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app,
        [
            "search",
            "--batch",
            str(questions),
            "--output",
            str(out),
            "--user",
            str(ids["w"]),
            "--database-url",
            url,
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["qid"] for line in lines] == ["q1", 2]
    assert len(lines[0]["results"]) == 1 and set(lines[0]["results"][0]) == {"doc", "chunk", "score"}
    assert lines[1]["results"] == []


def test_search_needs_a_query_or_a_batch(database):
    url, ids = database
    result = runner.invoke(app, ["search", "--user", str(ids["t"]), "--database-url", url])
    assert result.exit_code == 1


def test_unknown_department_fails_clearly(tmp_path, database):
    url, _ = database
    doc = tmp_path / "a.txt"
    doc.write_text("내용", encoding="utf-8")
    result = runner.invoke(app, ["add", str(doc), "--department", "999", "--database-url", url])
    assert result.exit_code == 1 and "부서 999" in result.output
