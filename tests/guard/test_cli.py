import json

from typer.testing import CliRunner

from mokmin.guard.cli import app

runner = CliRunner()


def test_scan_jsonl_from_stdin() -> None:
    lines = [
        {"id": "a", "text": "연락처 010-1234-5678"},
        {"id": 2, "text": "없음"},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
    result = runner.invoke(app, ["scan", "--jsonl"], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out == [
        {"id": "a", "spans": [{"start": 4, "end": 17, "type": "PHONE", "score": 0.95}]},
        {"id": 2, "spans": []},
    ]


def test_scan_jsonl_reports_bad_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "text": "hong@korea.kr"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(app, ["scan", str(path), "--jsonl"])
    assert result.exit_code == 1
    assert json.loads(result.stdout.splitlines()[0])["spans"][0]["type"] == "EMAIL"


def test_scan_file_prints_findings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "memo.txt"
    path.write_text("민원인 홍길동 씨, 연락처 010-1234-5678", encoding="utf-8")
    result = runner.invoke(app, ["scan", str(path), "--types", "PHONE"])
    assert result.exit_code == 0, result.output
    assert "010-1234-5678" in result.stdout and "PHONE 1" in result.stdout
    assert "PERSON" not in result.stdout


def test_unknown_type_is_rejected() -> None:
    result = runner.invoke(app, ["scan", "--types", "FOO"], input="x")
    assert result.exit_code != 0
