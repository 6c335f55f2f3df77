"""Distractor text that shares the gold passages' vocabulary, generated deterministically from templates.

The same generator fills the 1,000-chunk retrieval corpus, the 100,000-chunk latency corpus and the
1,000-page ingestion document, so every figure is reproducible from a seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

# fmt: off
NOUNS = (
    "주차장", "주차요금", "공영주차장", "과태료", "감면", "수수료", "지원금", "보조금", "교통비", "교통카드",
    "전입신고", "여권", "출산", "월세", "도서관", "체육관", "테니스장", "가로등", "보안등", "도로", "상수도",
    "하수도", "누수", "재산세", "자동차세", "건축허가", "현수막", "음식점", "위생교육", "반려동물", "유기견",
    "예방접종", "금연", "치매", "활동지원", "기초연금", "생계지원", "정보공개", "민원", "무더위 쉼터", "제설",
    "자전거", "전기차", "충전기", "태양광", "어린이집", "평생학습", "재난문자", "행동강령", "경조사비",
    "쓰레기", "음식물", "대형폐기물", "스티커", "장애인", "어르신", "청년", "다자녀", "임신부", "시민",
)
PLACES = ("동 행정복지센터", "시청 민원실", "구청", "보건소", "시립도서관", "평생학습관", "시민회관", "주민센터")
DEPARTMENTS = ("교통정책과", "자원순환과", "복지정책과", "세정과", "건축과", "보건위생과", "도로관리과", "시민소통과")
# fmt: on
TEMPLATES = (
    "{place}에서는 {a} {b} 관련 설명회를 {m}월 {d}일에 연다.",
    "{dept}는 {a}의 {b} 기준을 새로 정비하였다고 밝혔다.",
    "{a}을 신청한 시민은 {b} 결과를 {n}일 안에 문자로 안내받는다.",
    "올해 {a} 예산은 {n}억 원으로 지난해보다 {p}퍼센트 늘었다.",
    "{a}와 {b}에 관한 자주 묻는 질문은 시 누리집에서 볼 수 있다.",
    "{dept} 담당자는 {a} 이용 시민의 만족도가 {p}퍼센트로 높아졌다고 말했다.",
    "{a} 업무는 {m}월부터 {place}에서 {dept}로 옮겨 처리한다.",
    "시는 {a} 현장 점검을 실시하여 {b} 위반 사례 {n}건을 적발하였다.",
    "{a}에 대한 시민 의견을 {m}월 {d}일까지 받아 {b} 개선에 반영할 계획이다.",
    "{place} 누리집에서 {a} 신청서와 {b} 안내 자료를 내려받을 수 있다.",
    "{a} 담당 창구는 평일 9시부터 18시까지 운영하며 점심시간에도 {b} 상담을 한다.",
    "지난해 {a} 처리 건수는 {n}천 건이며 그중 {b} 관련이 {p}퍼센트였다.",
)


def sentence(rng: random.Random) -> str:
    a, b = rng.sample(NOUNS, 2)
    return rng.choice(TEMPLATES).format(
        a=a, b=b, place=rng.choice(PLACES), dept=rng.choice(DEPARTMENTS),
        m=rng.randint(1, 12), d=rng.randint(1, 28), n=rng.randint(2, 90), p=rng.randint(2, 60),
    )  # fmt: skip


def paragraph(rng: random.Random, sentences: int, pool: list[str] | None = None) -> str:
    """Fresh sentences, or sentences drawn from ``pool`` (a large corpus from a finite set analyses fast)."""
    if pool:
        return " ".join(rng.choice(pool) for _ in range(sentences))
    return " ".join(sentence(rng) for _ in range(sentences))


def sections(rng: random.Random, count: int, pool: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """``count`` (heading, paragraph) pairs, each paragraph one chunk of about 250–400 characters."""
    for number in range(1, count + 1):
        title = f"{number}. {rng.choice(NOUNS)} {rng.choice(('현황', '계획', '안내', '결과', '개선'))}"
        yield title, paragraph(rng, rng.randint(5, 7), pool)


def pages_text(rng: random.Random, pages: int, chars_per_page: int = 1500) -> str:
    """A long plain-text report: pages split by form feeds, a numbered heading every third page."""
    out: list[str] = []
    for number in range(pages):
        lines: list[str] = []
        if number % 3 == 0:
            lines.append(f"제{number // 3 + 1}장 {rng.choice(NOUNS)} 추진 현황")
        size = 0
        while size < chars_per_page:
            text = paragraph(rng, 4)
            lines.append(text)
            size += len(text)
        out.append("\n\n".join(lines))
    return "\f".join(out)
