"""``python -m bench.drafting [--quick] [--offline] [--model GGUF] [--max-tokens N]``

1. Offline (no model), 10 sample tasks per type: the convention-check pass rate of the code-rendered parts and
   the invented figures the check catches (the offline writer, and the same writer with one figure injected).
2. With the embedded default model (SmolLM2-135M-Instruct through llama.cpp, the provider directly, with the
   studio's system prompt and section token limit): time to first visible text, total draft time per type,
   the code-parts pass rate again (it must stay 100% whatever the model writes), a planted invented figure in
   the model's prose that the check must catch, and how many of the model's own figures and names the check
   flags. ``--model`` adds the same run for another GGUF for comparison.

``--quick`` drafts one task per type with the model (about a minute); the default drafts three per type (``--tasks 10`` for all ten)
(under ten minutes on two CPU cores with the default model).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.drafting.models import EngineWriter
from bench.drafting.tasks import TASKS, tasks
from mokmin.drafting import FactOnlyWriter, InjectingWriter, check_draft, get_doc_type, render
from mokmin.web.writers import SECTION_MAX_TOKENS


def _row(kind: str) -> tuple[str, int, int, int, int, int, float]:
    code_clean = faithful_quiet = caught = 0
    seconds = 0.0
    samples = tasks(kind)
    for i, data in enumerate(samples):
        facts = get_doc_type(kind).parse(data)
        start = time.perf_counter()
        draft = render(kind, facts, FactOnlyWriter())
        report = check_draft(draft, facts)
        seconds += time.perf_counter() - start
        code_clean += not report.conventions_from("code")
        faithful_quiet += not report.inventions
        figure = _planted(i)
        writer = InjectingWriter(FactOnlyWriter(), f"참여 인원은 {figure}명으로 집계됐다.")
        injected = check_draft(render(kind, facts, writer), facts)
        caught += any(f.text == figure for f in injected.inventions)
    return kind, len(samples), code_clean, faithful_quiet, caught, len(samples), seconds / len(samples)


def _planted(i: int) -> str:
    return f"{7_000 + 131 * i:,}"


def offline_table() -> None:
    """Print the offline table."""
    header = ("type", "tasks", "code parts clean", "faithful quiet", "invented caught", "draft+check ms")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    totals = [0, 0, 0, 0]
    for kind in TASKS:
        name, n, clean, quiet, caught, injected, avg = _row(kind)
        totals = [totals[0] + n, totals[1] + clean, totals[2] + quiet, totals[3] + caught]
        print(f"{name} | {n} | {clean / n:.0%} | {quiet / n:.0%} | {caught}/{injected} | {avg * 1000:.0f}")
    n = totals[0]
    print(f"all | {n} | {totals[1] / n:.0%} | {totals[2] / n:.0%} | {totals[3]}/{n} | -")


def _model_row(kind: str, writer: EngineWriter, count: int) -> tuple[list[str], str]:
    firsts: list[float] = []
    totals: list[float] = []
    tokens = clean = caught = flagged = 0
    sample = ""
    for i, data in enumerate(tasks(kind)[:count]):
        facts = get_doc_type(kind).parse(data)
        figure = _planted(i)
        planted = InjectingWriter(writer, f"참여 인원은 {figure}명으로 집계됐다.")
        writer.timings.clear()
        start = time.perf_counter()
        draft = render(kind, facts, planted, model_name=writer.model_name)
        totals.append(time.perf_counter() - start)
        report = check_draft(draft, facts)
        first = writer.timings[0].first_text_s if writer.timings else None
        firsts.append(first if first is not None else totals[-1])
        tokens += sum(t.tokens for t in writer.timings)
        clean += not report.conventions_from("code")
        caught += any(f.text == figure for f in report.inventions)
        flagged += sum(1 for f in report.inventions if f.text != figure)
        sample = sample or draft.text_of("prose")[:160].replace("\n", " ")
    n = len(totals)
    row = [
        kind,
        str(n),
        f"{statistics.median(firsts):.1f}",
        f"{statistics.mean(totals):.1f}",
        f"{tokens / sum(totals):.0f}",
        f"{clean / n:.0%}",
        f"{caught}/{n}",
        f"{flagged / n:.1f}",
    ]
    return row, sample


def model_table(path: Path | None, count: int, max_tokens: int) -> None:
    """Draft *count* tasks per type with a GGUF model and print the timing table and a prose sample per type."""
    writer = EngineWriter(max_tokens=max_tokens) if path is None else EngineWriter(path, max_tokens)
    load = writer.warm_up()
    print(
        f"\nmodel {writer.model_name} ({writer.model_path.name}), loaded in {load:.1f} s, {max_tokens} tokens/section"
    )
    header = (
        "type",
        "drafts",
        "first text s (median)",
        "draft s (mean)",
        "tokens/s",
        "code parts clean",
        "planted figure caught",
        "other findings/draft",
    )
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    samples: dict[str, str] = {}
    for kind in TASKS:
        row, samples[kind] = _model_row(kind, writer, count)
        print(" | ".join(row), flush=True)
    print("\nprose samples (first 160 characters):")
    for kind, text in samples.items():
        print(f"- {kind}: {text}")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.drafting", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one model draft per type")
    parser.add_argument("--offline", action="store_true", help="only the offline table (no model)")
    parser.add_argument(
        "--model", type=Path, action="append", default=[], help="another GGUF file to compare"
    )
    parser.add_argument("--max-tokens", type=int, default=SECTION_MAX_TOKENS, help="token limit per section")
    parser.add_argument(
        "--tasks", type=int, default=3, help="model drafts per type (the issue's full run: 10)"
    )
    args = parser.parse_args(argv)
    offline_table()
    if args.offline:
        return
    count = 1 if args.quick else max(1, min(args.tasks, 10))
    for path in [None, *args.model]:
        model_table(path, count, args.max_tokens)


if __name__ == "__main__":
    main()
