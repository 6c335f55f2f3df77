"""The benchmark's scoring and data generation (bench/guard), so reported figures rest on tested code."""

from bench.guard.dataset import TEMPLATES, build
from bench.guard.metrics import Score, add
from mokmin.guard.recognizers.brn import brn_valid
from mokmin.guard.recognizers.card import luhn_ok
from mokmin.guard.recognizers.crn import crn_checksum_ok
from mokmin.guard.recognizers.normalize import digits


def test_metrics_count_overlap_matches_once() -> None:
    score = Score()
    gold = [(0, 10, "PHONE"), (20, 30, "PERSON")]
    predicted = [(1, 10, "PHONE"), (1, 10, "PHONE"), (20, 22, "PERSON"), (40, 45, "EMAIL")]
    add(score, gold, predicted)
    assert (score.by_type["PHONE"].tp, score.by_type["PHONE"].fp) == (1, 1)
    assert (score.by_type["PERSON"].tp, score.by_type["PERSON"].fn, score.by_type["PERSON"].fp) == (0, 1, 1)
    assert score.by_type["EMAIL"].fp == 1
    assert score.pii_chars == 20 and score.leaked_chars == 1 + 8


def test_generated_labels_are_valid_identifiers() -> None:
    samples = build(len(TEMPLATES) + 20, seed=1)
    assert {s.category for s in samples} >= {"complaint", "hr", "meeting", "email", "english", "negative"}
    for sample in samples:
        for start, end, kind in sample.spans:
            value = sample.text[start:end]
            assert value == value.strip() and value
            if kind == "BRN":
                assert brn_valid(digits(value))
            elif kind == "CRN":
                assert crn_checksum_ok(digits(value))
            elif kind == "CARD":
                assert luhn_ok(digits(value))
    assert all(not s.spans for s in samples if s.category == "negative")


def test_the_stage_clock_runs_the_same_detection() -> None:
    from collections import defaultdict

    from bench.guard.stages import stage_times, timed_detect
    from mokmin.guard import detect

    texts = [s.text for s in build(60, seed=4)]
    texts.append("\n\n".join(texts))  # a long text: located, not only prefiltered
    clock: dict[str, float] = defaultdict(float)
    for text in texts:
        assert timed_detect(text, clock) == detect(text)
    assert {"fold", "Hyperscan pass", "person", "overlaps", "name mentions"} <= set(clock)
    assert all(value >= 0 for value in stage_times(texts[:5], rounds=1).values())


def test_matching_alone_runs_every_pattern_that_matches_and_finds_what_re_finds() -> None:
    from bench.guard.stages import matched
    from mokmin.guard.recognizers import registry
    from mokmin.guard.recognizers.normalize import fold

    patterns = {id(p.regex): p for r in registry.recognizers() for p in r.patterns}.values()

    texts = [s.text for s in build(40, seed=7)]
    texts.append("\n\n".join(texts))  # long enough for the located (windowed) path
    for text in texts:
        folded, found = fold(text), matched(text)
        for pattern in patterns:
            expected = [m.span() for m in pattern.regex.finditer(folded)]
            got = [m.span() for m in found.get(id(pattern.regex), [])]
            assert got == expected, (pattern.name, text[:40])
        assert len(found) < len(patterns)  # the Hyperscan pass did rule patterns out
