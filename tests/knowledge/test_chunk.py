from mokmin.knowledge.chunk import chunk_document, split_sentences
from mokmin.knowledge.ingest.base import Block, BlockKind, DocumentFormat, ParsedDocument, heading, paragraph


def _document(*blocks: Block) -> ParsedDocument:
    return ParsedDocument("문서", DocumentFormat.TEXT, list(blocks))


def test_chunks_never_cross_a_heading_and_carry_the_section_path():
    chunks = chunk_document(
        _document(
            heading("제2장 요금", 2, page=3),
            heading("제7조(감면)", 5, page=3),
            paragraph("경차는 50퍼센트를 감면한다.", page=3),
            heading("제8조(환불)", 5, page=4),
            paragraph("미사용 정기권은 환불한다.", page=4),
        )
    )
    assert [(c.section, c.text, c.page_start) for c in chunks] == [
        ("제2장 요금 > 제7조(감면)", "경차는 50퍼센트를 감면한다.", 3),
        ("제2장 요금 > 제8조(환불)", "미사용 정기권은 환불한다.", 4),
    ]


def test_a_higher_heading_closes_the_lower_ones():
    chunks = chunk_document(
        _document(heading("제1장", 2), heading("제1조", 5), heading("제2장", 2), paragraph("본문이다."))
    )
    assert chunks[0].section == "제2장"


def test_chunks_hold_whole_sentences_and_span_pages():
    sentence = "공영주차장은 시민 누구나 이용할 수 있으며 요금은 조례로 정한다."
    blocks = [paragraph(f"{sentence} {sentence}", page=page) for page in (1, 2, 3, 4, 5, 6, 7, 8)]
    chunks = chunk_document(_document(*blocks), target_chars=300, max_chars=500)
    assert len(chunks) > 1
    for chunk in chunks:
        assert len(chunk.text) <= 500
        assert chunk.text.startswith("공영주차장은") and chunk.text.endswith("정한다.")
    assert chunks[0].page_start == 1 and chunks[0].page_end >= 2
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))


def test_overlong_sentence_is_cut_at_spaces():
    pieces = split_sentences("가나다 " * 100, max_chars=50)
    assert all(len(piece) <= 50 for piece in pieces)
    assert " ".join(pieces).split() == ["가나다"] * 100


def test_tables_are_chunked_by_whole_rows():
    rows = "\n".join(f"{n}구역 | {n * 100}면" for n in range(60))
    chunks = chunk_document(_document(Block(BlockKind.TABLE, rows)), target_chars=200, max_chars=400)
    assert len(chunks) > 1
    assert "\n".join(c.text for c in chunks) == rows


def test_empty_document_has_no_chunks():
    assert chunk_document(_document(heading("제목만", 1))) == []
