"""``python -m bench.guard``: score mokmin's detector and Microsoft Presidio on the same labelled texts.

Prints precision/recall/F1 per type and overall, the share of personal-data characters left unmasked, and
throughput (texts/s, MB/s; one process, warm: word list and prefilter built before timing; best of ``--rounds``
passes, each detector timed in turn so both see the same machine). Throughput is measured twice: on the texts
as they are (about 100 characters each), and on "documents" of ten texts joined by blank lines (about 1 KB),
since per-text overheads and per-character costs weigh differently in the two. ``--dump FILE`` writes the evaluation set as JSON Lines
(``{"id", "text", "spans"}``) so it can be fed to ``mokmin guard scan --jsonl``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from bench.guard.dataset import Sample, build
from bench.guard.metrics import Score, Spans, add
from mokmin.guard import detect

TYPES = ["RRN", "FRN", "BRN", "CRN", "PASSPORT", "DRIVER_LICENSE", "HEALTH_INSURANCE", "PHONE", "BANK_ACCOUNT",
         "CARD", "VEHICLE_PLATE", "EMAIL", "IP", "ADDRESS", "PERSON"]  # fmt: skip
CHECKSUM_TYPES = {"RRN", "FRN", "BRN", "CRN", "CARD"}


def _mokmin(text: str) -> Spans:
    return [(s.start, s.end, s.type.value) for s in detect(text)]


def _score(samples: list[Sample], predict: Callable[[str], Spans]) -> Score:
    score = Score()
    for sample in samples:
        add(score, sample.spans, predict(sample.text))
    return score


def _best_time(texts: list[str], predict: Callable[[str], object], rounds: int) -> float:
    """Best wall time of ``rounds`` passes: other work on the machine only ever adds time."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            predict(text)
        best = min(best, time.perf_counter() - start)
    return best


def _documents(samples: list[Sample], size: int = 10) -> list[str]:
    return ["\n\n".join(s.text for s in samples[i : i + size]) for i in range(0, len(samples), size)]


def _subset(score: Score, types: set[str]) -> Score:
    sub = Score()
    for kind in types:
        if kind in score.by_type:
            sub.by_type[kind] = score.by_type[kind]
    return sub


def _row(name: str, scores: list[Score], kind: str | None) -> str:
    cells = [f"{name:<17}"]
    for score in scores:
        counts = score.overall if kind is None else score.by_type.get(kind)
        if counts is None or counts.tp + counts.fp + counts.fn == 0:
            cells.append(f"{'-':>6}{'-':>7}{'-':>7}{'':>6}")
            continue
        support = counts.tp + counts.fn
        cells.append(f"{counts.precision:6.3f}{counts.recall:7.3f}{counts.f1:7.3f}{support:6d}")
    return " │ ".join(cells)


def _print(
    names: list[str],
    scores: list[Score],
    seconds: list[float],
    doc_seconds: list[float],
    samples: list[Sample],
) -> None:
    header = " │ ".join([f"{'type':<17}"] + [f"{n:^26}" for n in names])
    sub = " │ ".join([" " * 17] + [f"{'P':>6}{'R':>7}{'F1':>7}{'n':>6}" for _ in names])
    print(header)
    print(sub)
    print("─" * len(header))
    for kind in TYPES:
        print(_row(kind, scores, kind))
    print("─" * len(header))
    print(_row("overall", scores, None))
    print(_row("checksum types", [_subset(s, CHECKSUM_TYPES) for s in scores], None))
    from bench.guard.presidio_runner import SUPPORTED

    print(_row("Presidio's types", [_subset(s, SUPPORTED) for s in scores], None))
    print()
    megabytes = sum(len(s.text.encode("utf-8")) for s in samples) / 1_000_000
    documents = len(_documents(samples))
    for name, score, secs, doc_secs in zip(names, scores, seconds, doc_seconds, strict=True):
        print(
            f"{name}: PII characters left unmasked {score.leaked_share:.2%}; "
            f"{len(samples) / secs:,.0f} texts/s, {megabytes / secs:.3f} MB/s; "
            f"{documents / doc_secs:,.0f} documents/s, {megabytes / doc_secs:.3f} MB/s"
        )
    if len(seconds) == 2:
        print(
            f"throughput ratio {names[0]} / {names[1]}: texts {seconds[1] / seconds[0]:.1f}×, "
            f"documents {doc_seconds[1] / doc_seconds[0]:.1f}×"
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.guard", description=__doc__)
    parser.add_argument("--count", type=int, default=400, help="number of texts (default 400)")
    parser.add_argument("--seed", type=int, default=20240315)
    parser.add_argument(
        "--rounds", type=int, default=5, help="timed passes over the set; the best counts (default 5)"
    )
    parser.add_argument("--no-presidio", action="store_true", help="skip the Presidio comparison")
    parser.add_argument("--dump", help="write the evaluation set as JSON Lines to this file and exit")
    parser.add_argument(
        "--stages", action="store_true", help="also print where detection spends its time, stage by stage"
    )
    args = parser.parse_args()
    samples = build(args.count, args.seed)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            for s in samples:
                spans = [{"start": a, "end": b, "type": t} for a, b, t in s.spans]
                out.write(json.dumps({"id": s.id, "text": s.text, "spans": spans}, ensure_ascii=False) + "\n")
        return
    detect("워밍업 민원인 홍길동 씨")  # build the word list and the prefilter outside the timing
    detectors: dict[str, Callable[[str], Spans]] = {"mokmin": _mokmin}
    if not args.no_presidio:
        from bench.guard.presidio_runner import build_analyzer, predict

        analyzer = build_analyzer()
        predict(analyzer, "워밍업 010-1234-5678")
        detectors["presidio (no NLP)"] = lambda t: predict(analyzer, t)
    names = list(detectors)
    scores = [_score(samples, fn) for fn in detectors.values()]
    texts, documents = [s.text for s in samples], _documents(samples)
    seconds = [_best_time(texts, fn, args.rounds) for fn in detectors.values()]
    doc_seconds = [_best_time(documents, fn, args.rounds) for fn in detectors.values()]
    print(f"{len(samples)} synthetic texts (generated by bench/guard/dataset.py, seed {args.seed})")
    if not args.no_presidio:
        print(
            "Presidio: Korean + e-mail/IP/card/phone(KR) recognizers, NoOpNlpEngine (no spaCy model offline)"
        )
    print()
    _print(names, scores, seconds, doc_seconds, samples)
    if args.stages:
        baseline = (seconds[1], doc_seconds[1]) if len(seconds) == 2 else None
        _print_stages(texts, documents, args.rounds, baseline)


def _print_stages(
    texts: list[str], documents: list[str], rounds: int, baseline: tuple[float, float] | None
) -> None:
    from bench.guard.stages import matched, stage_times

    per_text, per_document = stage_times(texts, rounds), stage_times(documents, rounds)
    print()
    print(f"{'stage (mokmin)':<22} │ {'µs per text':>12} │ {'µs per document':>16}")
    print("─" * 58)
    for stage in sorted(per_text, key=lambda s: -per_document.get(s, 0.0)):
        print(f"{stage:<22} │ {per_text[stage]:12.1f} │ {per_document.get(stage, 0.0):16.1f}")
    print("─" * 58)
    print(f"{'sum':<22} │ {sum(per_text.values()):12.1f} │ {sum(per_document.values()):16.1f}")
    floor_text = _best_time(texts, matched, rounds) * 1e6 / len(texts)
    floor_document = _best_time(documents, matched, rounds) * 1e6 / len(documents)
    print(f"{'matching alone':<22} │ {floor_text:12.1f} │ {floor_document:16.1f}")
    if baseline is not None:
        # What Presidio takes per text, over what the matching alone takes: no design that runs these
        # expressions from Python and then looks at their matches can beat this ratio.
        text_ceiling = baseline[0] * 1e6 / len(texts) / floor_text
        document_ceiling = baseline[1] * 1e6 / len(documents) / floor_document
        print(
            f"ceiling set by matching alone (presidio ÷ matching): texts {text_ceiling:.1f}×, "
            f"documents {document_ceiling:.1f}×"
        )


if __name__ == "__main__":
    main()
