"""Ask the documents: retrieve passages the user may read, answer from them only, cite them inline.

The steps are split so that the web layer can keep database work off the event loop: :func:`sources_for`
(database) picks the relevant passages, :func:`answer` (gateway) asks the model. When no passage is relevant
the model is never called: the answer says nothing was found, instead of letting a model answer from memory.

A passage counts as relevant when it holds at least half of the question's content terms (nouns, stems …,
the same analysis as the index); a passage sharing one common word with the question is not a source. The
request's data level is the highest of the user's choice and every source sent to the model, so a classified
source can only reach a provider allowed to receive classified data (or the call is refused).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.levels import DataLevel as GatewayLevel
from mokmin.gateway.routing import Caller
from mokmin.gateway.service import Gateway
from mokmin.gateway.types import ChatMessage, ChatRequest
from mokmin.knowledge.models import KnowledgeChunk
from mokmin.knowledge.retrieval import QueryVector, hybrid_search
from mokmin.knowledge.search import Reader, SearchHit
from mokmin.knowledge.tokenize import DEFAULT_ANALYZER, Analyzer

MAX_SOURCES = 5
MIN_COVERAGE = 0.5
SOURCE_CHARS = 1500
ANSWER_MAX_TOKENS = 700
NOTHING_FOUND = "질문과 관련된 문서를 찾지 못했습니다. 검색어를 바꾸거나 관련 문서를 먼저 등록해 주세요."
SYSTEM_PROMPT = (
    "당신은 지방자치단체 직원의 질문에 기관 내부 문서만으로 답하는 보조자입니다. 아래에 번호가 붙은 출처의 "
    "내용만 사용하고, 근거로 쓴 문장 끝에 [1], [2]처럼 출처 번호를 붙이세요. 출처에 없는 사실·숫자·이름을 "
    "지어내지 마세요. 출처로 답할 수 없으면 '제공된 문서에서 답을 찾을 수 없습니다.'라고만 답하세요."
)
_CITATION = re.compile(r"\[(\d{1,2})\]")


@dataclass(frozen=True)
class Source:
    """One numbered passage given to the model; ``number`` is what ``[n]`` in the answer points to."""

    number: int
    hit: SearchHit

    @property
    def url(self) -> str:
        return source_url(self.hit.document_id, self.hit.chunk_id)


@dataclass
class AskResult:
    answered: bool
    text: str
    sources: list[Source]
    cited: list[int] = field(default_factory=list)
    data_level: GatewayLevel = GatewayLevel.OPEN
    provider: str | None = None
    model: str | None = None


def source_url(document_id: int, chunk_id: int) -> str:
    """Where a citation opens: the document page scrolled to the cited passage."""
    return f"/knowledge/documents/{document_id}?chunk={chunk_id}#chunk-{chunk_id}"


def coverage(question_terms: Sequence[str], chunk_tokens: str) -> float:
    """The share of the question's distinct terms that the passage contains."""
    terms = set(question_terms)
    if not terms:
        return 0.0
    return len(terms & set(chunk_tokens.split())) / len(terms)


def sources_for(
    session: Session,
    reader: Reader,
    question: str,
    *,
    query_vector: QueryVector | None = None,
    limit: int = MAX_SOURCES,
    analyzer: Analyzer = DEFAULT_ANALYZER,
) -> list[Source]:
    """The relevant passages the reader may read, numbered from 1 in rank order."""
    hits = hybrid_search(session, reader, question, limit=limit, query_vector=query_vector, analyzer=analyzer)
    terms = analyzer.query_terms(question)
    if not hits or not terms:
        return []
    rows = session.execute(
        select(KnowledgeChunk.id, KnowledgeChunk.tokens).where(
            KnowledgeChunk.id.in_([hit.chunk_id for hit in hits])
        )
    )
    tokens = {chunk_id: text for chunk_id, text in rows}
    relevant = [hit for hit in hits if coverage(terms, tokens.get(hit.chunk_id, "")) >= MIN_COVERAGE]
    return [Source(number, hit) for number, hit in enumerate(relevant, start=1)]


def request_level(chosen: GatewayLevel, sources: Sequence[Source]) -> GatewayLevel:
    """The level the model call must be treated at: the user's choice raised to its most protected source."""
    return GatewayLevel.highest(chosen, *(GatewayLevel(s.hit.data_level.value) for s in sources))


def prompt(question: str, sources: Sequence[Source]) -> list[ChatMessage]:
    blocks = [f"[{s.number}] {s.hit.reference}\n{s.hit.text[:SOURCE_CHARS]}" for s in sources]
    user = "출처:\n\n" + "\n\n".join(blocks) + f"\n\n질문: {question}"
    return [ChatMessage(role="system", content=SYSTEM_PROMPT), ChatMessage(role="user", content=user)]


def cited_numbers(text: str, count: int) -> list[int]:
    """Source numbers the answer cites, in first-cited order, ignoring numbers that name no source."""
    numbers = (int(match.group(1)) for match in _CITATION.finditer(text))
    return list(dict.fromkeys(n for n in numbers if 1 <= n <= count))


async def answer(
    gateway: Gateway,
    caller: Caller,
    question: str,
    sources: list[Source],
    *,
    model: str,
    level: GatewayLevel = GatewayLevel.OPEN,
) -> AskResult:
    """Ask ``model`` through the governed path; without sources, say so and call nothing."""
    if not sources:
        return AskResult(False, NOTHING_FOUND, [], data_level=level)
    raised = request_level(level, sources)
    request = ChatRequest(model=model, messages=prompt(question, sources), max_tokens=ANSWER_MAX_TOKENS)
    reply = await gateway.chat(caller, request, level=raised, purpose="kb:ask")
    text = reply.result.text
    return AskResult(
        True,
        text,
        sources,
        cited_numbers(text, len(sources)),
        reply.data_level,
        reply.result.provider,
        reply.result.model,
    )
