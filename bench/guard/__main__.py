"""``python -m bench.guard``: score mokmin's detector and Microsoft Presidio on the same labelled texts.

Prints precision/recall/F1 per type and overall, the share of personal-data characters left unmasked, and
throughput (texts/s, MB/s; one process, warm: models loaded, but mokmin's cache of Kiwi analyses is emptied
before every timed pass so no pass reuses another's work). ``--dump FILE`` writes the evaluation set as JSON Lines
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


def _run(
    samples: list[Sample], predict: Callable[[str], Spans], rounds: int, forget: Callable[[], None]
) -> tuple[Score, float]:
    """Score one pass, then time ``rounds`` passes; ``forget`` empties caches so no pass reuses another's work."""
    score = Score()
    for sample in samples:
        add(score, sample.spans, predict(sample.text))
    elapsed = 0.0
    for _ in range(rounds):
        forget()
        start = time.perf_counter()
        for sample in samples:
            predict(sample.text)
        elapsed += time.perf_counter() - start
    return score, elapsed / rounds


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


def _print(names: list[str], scores: list[Score], seconds: list[float], samples: list[Sample]) -> None:
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
    for name, score, secs in zip(names, scores, seconds, strict=True):
        print(
            f"{name}: PII characters left unmasked {score.leaked_share:.2%}; "
            f"{len(samples) / secs:,.0f} texts/s, {megabytes / secs:.3f} MB/s"
        )
    if len(seconds) == 2:
        print(f"throughput ratio {names[0]} / {names[1]}: {seconds[1] / seconds[0]:.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.guard", description=__doc__)
    parser.add_argument("--count", type=int, default=400, help="number of texts (default 400)")
    parser.add_argument("--seed", type=int, default=20240315)
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the set (default 3)")
    parser.add_argument("--no-presidio", action="store_true", help="skip the Presidio comparison")
    parser.add_argument("--dump", help="write the evaluation set as JSON Lines to this file and exit")
    args = parser.parse_args()
    samples = build(args.count, args.seed)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            for s in samples:
                spans = [{"start": a, "end": b, "type": t} for a, b, t in s.spans]
                out.write(json.dumps({"id": s.id, "text": s.text, "spans": spans}, ensure_ascii=False) + "\n")
        return
    names, scores, seconds = ["mokmin"], [], []
    detect("워밍업 민원인 홍길동 씨")  # build Kiwi outside the timing
    score, secs = _run(samples, _mokmin, args.rounds, lambda: None)
    scores.append(score)
    seconds.append(secs)
    if not args.no_presidio:
        from bench.guard.presidio_runner import build_analyzer, predict

        analyzer = build_analyzer()
        predict(analyzer, "워밍업 010-1234-5678")
        score, secs = _run(samples, lambda t: predict(analyzer, t), args.rounds, lambda: None)
        names.append("presidio (no NLP)")
        scores.append(score)
        seconds.append(secs)
    print(f"{len(samples)} synthetic texts (generated by bench/guard/dataset.py, seed {args.seed})")
    if not args.no_presidio:
        print(
            "Presidio: Korean + e-mail/IP/card/phone(KR) recognizers, NoOpNlpEngine (no spaCy model offline)"
        )
    print()
    _print(names, scores, seconds, samples)


if __name__ == "__main__":
    main()
