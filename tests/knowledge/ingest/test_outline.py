import pytest

from mokmin.knowledge.ingest.base import BlockKind
from mokmin.knowledge.ingest.outline import classify_line, classify_lines


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("제2장 주차요금", 2),
        ("제1편 총칙", 1),
        ("Ⅱ. 추진 계획", 1),
        ("1. 추진 배경", 2),
        ("가. 현황", 3),
        ("□ 사업 개요", 2),
    ],
)
def test_visible_numbering_makes_headings(line, level):
    [block] = classify_line(line)
    assert (block.kind, block.level) == (BlockKind.HEADING, level)


def test_article_line_splits_into_heading_and_text():
    heading, body = classify_line("제7조의2(감면) 경차는 요금의 50퍼센트를 감면한다.")
    assert (heading.kind, heading.text, heading.level) == (BlockKind.HEADING, "제7조의2(감면)", 5)
    assert (body.kind, body.text) == (BlockKind.PARAGRAPH, "경차는 요금의 50퍼센트를 감면한다.")


def test_numbered_full_sentence_stays_a_paragraph():
    [block] = classify_line("1. 시민 여러분께서는 주차장 이용 시 안전에 유의하여 주시기 바랍니다.")
    assert block.kind == BlockKind.PARAGRAPH


def test_wrapped_lines_are_joined_until_the_sentence_ends():
    blocks = classify_lines(["공영주차장은 시민 누구나", "이용할 수 있다.", "다음 문단이다."])
    assert [b.text for b in blocks] == ["공영주차장은 시민 누구나 이용할 수 있다.", "다음 문단이다."]
