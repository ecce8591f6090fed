"""``platform ask --no-llm`` as a user runs it: one whole process per question, on a loaded graph.

Times each question from process start to exit (Python start-up, imports, connecting, the name
index read from the data directory's cache, linking, retrieval, printing) over the README's and
docs' example questions and 50 more phrasings: names, brand names in brackets, alternatives with
a slash, misspellings and questions in sentences. One untimed call first builds the name index
cache, as a user's first question does.

Usage (after `platform demo` has filled the data directory with Hetionet; the `platform` beside
this Python is timed, so run it with the environment to measure):
    .venv/bin/python benchmarks/ask_process.py --data-dir platform-data [--repeat 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from repurpose.cli_support import format_table

PLATFORM = Path(sys.executable).with_name("platform")
#: The example questions of README.md, docs/rag.md and `platform ask --help`.
EXAMPLES = [
    "Which drugs could be repurposed for Alzheimer's disease, and why?",
    "What does donepezil treat?",
    "Does metformin treat diabetes?",
    "Can memantyl help?",
]
#: Written by hand for this benchmark: none of them is in benchmarks/rag.py.
PHRASINGS = [
    "sildenafil (viagra)", "paracetamol / acetaminophen", "atorvastatin (lipitor)", "fluoxetine (prozac)",
    "What else could metformin treat?", "ibuprofen (advil, motrin)", "omeprazole (prilosec) uses",
    "aspirin / acetylsalicylic acid", "What could treat Parkinson's disease?", "drugs for multiple sclerosis",
    "Is there a new use for thalidomide?", "Could lithium help with Alzheimer's disease?",
    "warfarin (coumadin)", "sertraline (zoloft) for depression", "What treats epilepsy?",
    "methotrexate and rheumatoid arthritis", "Why might donepezil work for Parkinson's disease?",
    "What is known about imatinib (gleevec)?", "Which compounds bind APP?", "genes associated with asthma",
    "prednisone (deltasone) for lupus", "What could be repurposed for glaucoma?", "tamoxifen / nolvadex",
    "Can simvastatin treat multiple sclerosis?", "hypertension treatments", "drugs for type 2 diabetes",
    "What might treat idiopathic pulmonary fibrosis?", "levodopa (sinemet)", "clozapine for schizophrenia",
    "valproate / valproic acid for bipolar disorder", "What else could hydroxychloroquine (plaquenil) treat?",
    "galantamine (razadyne)", "Can metformin help with cancer?", "celecoxib (celebrex) for osteoarthritis",
    "What treats migraine?", "gabapentin (neurontin) nerve pain", "Which drugs target ACHE?",
    "breast cancer new treatments", "zoledronate for osteoporosis", "losartan (cozaar) and hypertension",
    "What does riluzole treat?", "Could minocycline help with ALS?", "dexamethasone / decadron",
    "COPD treatment options", "Which drugs could treat Crohn's disease and why?", "allopurinol for gout",
    "budesonide (pulmicort) for asthma", "How could memantine work for Parkinson's disease?",
    "tacrolimus (prograf) for psoriasis", "What could treat ulcerative colitis?",
]


def ask_seconds(question: str, env: dict[str, str]) -> float:
    """Wall seconds of one ``platform ask --no-llm --json`` process; RuntimeError when it fails."""
    t0 = time.perf_counter()
    done = subprocess.run([str(PLATFORM), "ask", "--no-llm", "--json", question], env=env, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{question!r} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("platform-data"),
                        help="A data directory whose embedded server holds Hetionet (after `platform demo`).")
    parser.add_argument("--repeat", type=int, default=2, help="Times each question is asked.")
    parser.add_argument("--json", action="store_true", help="Print one JSON object last.")
    args = parser.parse_args()
    env = {**os.environ, "PLATFORM_DATA_DIR": str(args.data_dir.resolve())}
    questions = EXAMPLES + PHRASINGS
    ask_seconds(questions[0], env)  # untimed: builds the name index cache, as a first question does
    runs = [(ask_seconds(q, env), q) for _ in range(args.repeat) for q in questions]
    times = [s for s, _ in runs]
    cuts = statistics.quantiles(times, n=20, method="inclusive")  # 5% steps: cuts[9] p50, cuts[18] p95
    report = {"questions": len(questions), "runs": len(runs), "p50_s": cuts[9], "p95_s": cuts[18], "max_s": max(times),
              "slowest": [{"question": q, "seconds": s} for s, q in sorted(runs, reverse=True)[:5]],
              "load_average_1min": os.getloadavg()[0], "cores": os.cpu_count()}
    rows = [{"figure": "questions x repeats", "value": f"{len(questions)} x {args.repeat}"},
            {"figure": "p50 (whole process)", "value": f"{report['p50_s']:.2f} s"},
            {"figure": "p95 (whole process)", "value": f"{report['p95_s']:.2f} s"},
            {"figure": "max", "value": f"{report['max_s']:.2f} s"},
            *({"figure": f"slow: {r['question']}", "value": f"{r['seconds']:.2f} s"} for r in report["slowest"]),
            {"figure": "1-minute load average at the end", "value": f"{report['load_average_1min']:.1f} "
                                                                     f"on {report['cores']} cores"}]
    print(format_table(rows, ["figure", "value"]), file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
