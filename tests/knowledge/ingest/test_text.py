from mokmin.knowledge.ingest.base import BlockKind
from mokmin.knowledge.ingest.text import decode_text, parse_markdown, parse_text
from mokmin.knowledge.safety import Deadline, Limits

MARKDOWN = """# 주차장 안내

공영주차장은 24시간 운영합니다.
주말에도 운영합니다.

## 요금

| 구분 | 요금 |
| --- | --- |
| 소형 | 1,000원 |

- 경차는 50% 감면
"""


def test_markdown_headings_paragraphs_and_tables():
    document = parse_markdown(MARKDOWN.encode(), Limits(), Deadline(10))
    assert document.title == "주차장 안내"
    assert [(b.kind, b.level, b.text) for b in document.blocks] == [
        (BlockKind.HEADING, 1, "주차장 안내"),
        (BlockKind.PARAGRAPH, 0, "공영주차장은 24시간 운영합니다. 주말에도 운영합니다."),
        (BlockKind.HEADING, 2, "요금"),
        (BlockKind.TABLE, 0, "구분 | 요금\n소형 | 1,000원"),
        (BlockKind.PARAGRAPH, 0, "경차는 50% 감면"),
    ]


def test_plain_text_pages_and_ordinance_structure():
    text = "제1장 총칙\n\n제1조(목적) 이 조례는 주차장에 관한 사항을 정한다.\f제2장 요금\n\n제5조(요금) 요금은 규칙으로 정한다."
    document = parse_text(text.encode(), Limits(), Deadline(10))
    assert document.page_count == 2
    assert [(b.kind, b.page, b.text) for b in document.blocks] == [
        (BlockKind.HEADING, 1, "제1장 총칙"),
        (BlockKind.HEADING, 1, "제1조(목적)"),
        (BlockKind.PARAGRAPH, 1, "이 조례는 주차장에 관한 사항을 정한다."),
        (BlockKind.HEADING, 2, "제2장 요금"),
        (BlockKind.HEADING, 2, "제5조(요금)"),
        (BlockKind.PARAGRAPH, 2, "요금은 규칙으로 정한다."),
    ]


def test_cp949_text_is_decoded():
    assert decode_text("공영주차장 안내".encode("cp949")) == "공영주차장 안내"
    assert decode_text("\ufeff안내".encode()) == "안내"
