from mokmin.guard.recognizers import kiwi


def test_cached_analysis_equals_a_fresh_one() -> None:
    kiwi.clear_cache()
    first = kiwi.tokenize("민원인 홍길동 씨가")
    assert kiwi._tokens.cache_info().misses == 1
    again = kiwi.tokenize("민원인 홍길동 씨가")
    assert kiwi._tokens.cache_info().hits == 1
    assert first == again and any(t.form == "홍길동" for t in first)
    kiwi.clear_cache()
    assert kiwi._tokens.cache_info().currsize == 0
    assert kiwi.tokenize("민원인 홍길동 씨가") == first
