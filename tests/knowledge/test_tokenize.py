from mokmin.knowledge.tokenize import KoreanAnalyzer, WhitespaceAnalyzer

korean = KoreanAnalyzer()


def test_particles_and_endings_are_dropped_so_forms_meet():
    assert korean.query_terms("주차장에서") == korean.query_terms("주차장은") == ["주차장"]


def test_content_morphemes_are_kept():
    terms = korean.query_terms("장애인은 주차요금을 감면받을 수 있습니까?")
    assert {"장애인", "주차", "요금", "감면"} <= set(terms)
    assert not {"수", "을", "있"} & set(terms)  # bound noun, particle, near-universal verb stem


def test_index_terms_keep_frequency_and_batch_matches_single():
    text = "주차장 주차장을 주차장에서"
    assert korean.index_terms(text) == "주차장 주차장 주차장"
    assert korean.index_terms_many([text, "요금"]) == [korean.index_terms(text), korean.index_terms("요금")]


def test_latin_and_numbers_are_lowercased_terms():
    assert {"covid", "19", "2026"} <= set(korean.query_terms("COVID-19 대응 2026년"))


def test_whitespace_baseline_keeps_eojeol():
    whitespace = WhitespaceAnalyzer()
    assert whitespace.query_terms("주차장에서, 주차장은!") == ["주차장에서", "주차장은"]
