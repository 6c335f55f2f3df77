"""``python -m bench.drafting``: for 10 sample tasks per type, the convention-check pass rate of the code-rendered
parts and the invented figures the check catches (offline writer, and the same writer with one invented figure
injected). Model timings are added when a model writer is connected.
"""

from __future__ import annotations

import time

from bench.drafting.tasks import TASKS, tasks
from mokmin.drafting import FactOnlyWriter, InjectingWriter, check_draft, get_doc_type, render


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
        figure = f"{7_000 + 131 * i:,}"
        writer = InjectingWriter(FactOnlyWriter(), f"참여 인원은 {figure}명으로 집계됐다.")
        injected = check_draft(render(kind, facts, writer), facts)
        caught += any(f.text == figure for f in injected.inventions)
    return kind, len(samples), code_clean, faithful_quiet, caught, len(samples), seconds / len(samples)


def main() -> None:
    """Print the table."""
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


if __name__ == "__main__":
    main()
