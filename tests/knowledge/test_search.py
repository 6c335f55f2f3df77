import importlib
import itertools

import pytest

from mokmin.knowledge.index import Ownership, ingest_bytes
from mokmin.knowledge.models import Audience, DataLevel
from mokmin.knowledge.search import Reader, prune_terms, readable_chunks, search
from mokmin.knowledge.tokenize import WhitespaceAnalyzer

OPEN, SENS, CLAS = DataLevel.OPEN, DataLevel.SENSITIVE, DataLevel.CLASSIFIED


@pytest.fixture
def library(db, org):
    """Seven documents that all mention 주차장, each with different rights; returns name -> document id."""
    specs = {
        "traffic_dept": (org.traffic, Audience.DEPARTMENT, OPEN, ()),
        "traffic_all": (org.traffic, Audience.INSTITUTION, OPEN, ()),
        "traffic_sensitive": (org.traffic, Audience.DEPARTMENT, SENS, ()),
        "traffic_classified": (org.traffic, Audience.INSTITUTION, CLAS, ()),
        "welfare_dept": (org.welfare, Audience.DEPARTMENT, OPEN, ()),
        "listed_welfare": (org.traffic, Audience.USERS, OPEN, (org.users["welfare"].id,)),
        "other_city": (org.other_dept, Audience.INSTITUTION, OPEN, ()),
    }
    ids = {}
    for name, (department, audience, level, readers) in specs.items():
        text = f"{name} 문서: 공영주차장 운영 계획입니다. 주차장 요금은 조례로 정합니다.".encode()
        owner = Ownership(department.institution_id, department.id, level, audience, readers)
        ids[name] = ingest_bytes(db, text, f"{name}.txt", owner).document_id
    return ids


EXPECTED = {
    ("traffic1", OPEN): {"traffic_dept", "traffic_all"},
    ("traffic2", SENS): {"traffic_dept", "traffic_all", "traffic_sensitive"},
    ("traffic1", CLAS): {"traffic_dept", "traffic_all", "traffic_sensitive", "traffic_classified"},
    ("welfare", OPEN): {"traffic_all", "welfare_dept", "listed_welfare"},
    ("welfare", CLAS): {"traffic_all", "welfare_dept", "listed_welfare", "traffic_classified"},
    ("outsider", CLAS): {"other_city"},
    ("nodept", CLAS): set(),
}


@pytest.mark.parametrize(("user", "level"), list(EXPECTED))
def test_a_reader_sees_exactly_the_documents_they_may_read(db, org, library, user, level):
    hits = search(db, org.reader(user, level), "주차장 요금", limit=50)
    names = {name for name, doc in library.items() if doc in {hit.document_id for hit in hits}}
    assert names == EXPECTED[(user, level)]


def test_citations_obey_rights_too(db, org, library):
    everything = search(db, org.reader("traffic1", CLAS), "주차장", limit=50)
    chunk_ids = [hit.chunk_id for hit in everything]
    visible = readable_chunks(db, org.reader("welfare"), chunk_ids)
    assert {chunk.document_id for chunk in visible} == {library["traffic_all"]}


def test_unknown_user_in_a_known_department_sees_nothing_listed(db, org, library):
    stranger = Reader(
        user_id=999_999, department_id=org.welfare.id, institution_id=org.city.id, max_level=CLAS
    )
    docs = {hit.document_id for hit in search(db, stranger, "주차장", limit=50)}
    assert library["listed_welfare"] not in docs and library["welfare_dept"] in docs


def test_best_passage_first_with_citation_fields(db, org):
    owner = Ownership(org.city.id, org.traffic.id, audience=Audience.INSTITUTION)
    text = (
        "제1장 총칙\n\n제1조(목적) 이 조례는 공영주차장의 설치와 관리에 필요한 사항을 정한다.\n\n"
        "제2장 요금\n\n제7조(감면) 장애인과 국가유공자는 주차요금의 50퍼센트를 감면받는다.\n\n"
        "제8조(환불) 정기권의 남은 기간 요금은 환불한다.\n"
    )
    result = ingest_bytes(db, text.encode(), "한빛시 주차장 조례.txt", owner)
    hits = search(db, org.reader("welfare"), "장애인 주차요금 감면은 어떻게 되나요?")
    assert hits[0].document_id == result.document_id
    assert hits[0].section == "제2장 요금 > 제7조(감면)"
    assert "50퍼센트" in hits[0].text
    assert hits[0].reference == "제1장 총칙, 제2장 요금 > 제7조(감면)"
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))


def test_korean_terms_match_across_particles_where_whitespace_does_not(db, org):
    owner = Ownership(org.city.id, org.traffic.id, audience=Audience.INSTITUTION)
    ingest_bytes(db, "공영주차장은 경차 요금을 감면한다.".encode(), "a.txt", owner)
    assert search(db, org.reader("traffic1"), "공영주차장에서 감면을") != []
    baseline = WhitespaceAnalyzer()
    ingest_bytes(db, "공영주차장은 경차 요금을 감면한다. 기준".encode(), "b.txt", owner, analyzer=baseline)
    assert search(db, org.reader("traffic1"), "공영주차장에서 감면을", analyzer=baseline) == []


def test_queries_without_terms_or_with_fts_syntax_are_safe(db, org, library):
    reader = org.reader("traffic1")
    assert search(db, reader, "은는이가 ?!") == []
    assert search(db, reader, '주차장" OR "*" NEAR(') != []
    assert search(db, reader, "주차장", limit=0) == []


def test_pruning_keeps_rare_terms_within_the_postings_budget():
    frequencies = {"경차": 3, "요금": 9000, "주차장": 15000, "감면": 40}
    terms = ["주차장", "경차", "요금", "감면", "없는말"]
    assert prune_terms(terms, frequencies, budget=100_000) == ["경차", "감면", "요금", "주차장"]
    assert prune_terms(terms, frequencies, budget=10_000) == ["경차", "감면", "요금"]
    assert prune_terms(["주차장", "요금"], frequencies, budget=100) == ["요금"]  # the rarest always stays
    assert prune_terms(["없는말"], frequencies) == []


def test_readable_passages_below_the_candidate_cut_are_still_found(db, org, monkeypatch):
    search_module = importlib.import_module("mokmin.knowledge.search")  # the package re-exports search()
    monkeypatch.setattr(search_module, "CANDIDATES_PER_RESULT", 1)
    everyone = Ownership(org.city.id, org.traffic.id, audience=Audience.INSTITUTION)
    traffic_only = Ownership(org.city.id, org.traffic.id, audience=Audience.DEPARTMENT)
    for n in range(3):
        ingest_bytes(db, f"주차장 주차장 주차장 요금 {n}".encode(), f"t{n}.txt", traffic_only)
    weak = ingest_bytes(db, "주차장 안내와 그 밖의 여러 가지 긴 설명 문장입니다.".encode(), "w.txt", everyone)
    hits = search(db, org.reader("welfare"), "주차장", limit=2)
    assert [hit.document_id for hit in hits] == [weak.document_id]


def test_pruned_common_terms_do_not_hide_the_rare_match(db, org, monkeypatch):
    search_module = importlib.import_module("mokmin.knowledge.search")  # the package re-exports search()
    monkeypatch.setattr(search_module, "POSTINGS_BUDGET", 2)
    owner = Ownership(org.city.id, org.traffic.id, audience=Audience.INSTITUTION)
    for n in range(4):
        ingest_bytes(db, f"공영주차장 요금 안내 {n}".encode(), f"c{n}.txt", owner)
    rare = ingest_bytes(db, "경차 요금 감면".encode(), "rare.txt", owner)
    hits = search(db, org.reader("traffic1"), "경차 요금")
    assert hits[0].document_id == rare.document_id
