from mokmin.knowledge.ingest.base import BlockKind
from mokmin.knowledge.ingest.html import parse_html
from mokmin.knowledge.safety import Deadline, Limits

PAGE = """<!doctype html><html><head><title>보도자료 | 한빛시</title><script>var x = "숨김";</script></head>
<body><nav>메뉴 메뉴</nav><h1>공영주차장 요금 감면 확대</h1>
<p>한빛시는 12월부터 경차 주차요금을 &amp; 50% 감면한다.</p>
<h2>감면 대상</h2><table><tr><th>구분</th><th>감면율</th></tr><tr><td>경차</td><td>50%</td></tr></table>
</body></html>"""


def test_title_headings_paragraphs_tables_without_scripts_or_navigation():
    document = parse_html(PAGE.encode(), Limits(), Deadline(10))
    assert document.title == "보도자료 | 한빛시"
    assert [(b.kind, b.level, b.text) for b in document.blocks] == [
        (BlockKind.HEADING, 1, "공영주차장 요금 감면 확대"),
        (BlockKind.PARAGRAPH, 0, "한빛시는 12월부터 경차 주차요금을 & 50% 감면한다."),
        (BlockKind.HEADING, 2, "감면 대상"),
        (BlockKind.TABLE, 0, "구분 | 감면율\n경차 | 50%"),
    ]
