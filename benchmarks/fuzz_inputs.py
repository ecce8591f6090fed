"""Fuzz every loader and ``platform enrich --from-file``, and try injections, on a real embedded ArcadeDB.

Fuzzing (tests/reliability/fuzzing.py): ``--cases`` hypothesis-mutated fixture files, split evenly
over the targets, are each read and validated (the layer every load runs before its first write);
``--load-cases`` of them also run as whole loads or imports against the graph, which must be
unchanged after a refusal and hold what the summary reports after a success; ``--cli-cases`` run
through the ``platform`` CLI: one ``Error:`` line and exit 1, or success, never a traceback.

Injection (tests/reliability/injection.py): each payload as a label, relationship type or property
name in every loader's files (strict and --skip-bad-lines), as enrich/embed --label, query --param
value and name, load --name and --run, in process with every query's text recorded (a payload in
a query's text counts as reached); the same flags through the CLI (plus train --target) for the
first ``--cli-payloads`` payloads, where a traceback or a changed graph counts as reached; and
write queries from a model, through text-to-Cypher and through instructions planted in a
description that ``platform ask`` passes to an obeying model (tests/fake_openai.py).

A temporary data directory gets its own embedded server, stopped at the end even on error.

    .venv/bin/python benchmarks/fuzz_inputs.py [--cases 2000] [--load-cases 140] [--cli-cases 14] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
# The tests' helpers, importable as in pytest; this folder leaves the path, or its rag.py and
# reliability.py would hide the namespace packages tests/rag and tests/reliability.
sys.path[:] = [str(ROOT / "tests")] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from fake_openai import FakeOpenAI  # noqa: E402
from databases import fresh  # noqa: E402
from fault_support import snapshot  # noqa: E402
from helpers import graph_env, run_cli  # noqa: E402
from hypothesis import Phase, given, seed as hypothesis_seed  # noqa: E402

from rag.rag_slice import INJECTION, graph_checksum, seed_slice  # noqa: E402
from reliability.fuzzing import (ACCEPTED, CLEAN, GOOD, MISREPORTED, OUTCOMES, PARTIAL, TARGETS, TRACEBACK,  # noqa: E402
                                 UNCLEAR, Outcome, Target, cases, description_ids, fuzz_settings, load, parse, write)
from reliability.injection import PAYLOADS, RecordingStore, files_with, odd_names  # noqa: E402
from repurpose import querylib, server, writeback  # noqa: E402
from repurpose.cli_support import format_table  # noqa: E402
from repurpose.config import Settings, load_settings  # noqa: E402
from repurpose.enrich.embed import read_nodes  # noqa: E402
from repurpose.enrich.runner import read_candidates  # noqa: E402
from repurpose.errors import RepurposeError  # noqa: E402
from repurpose.loaders import LoadOptions, load_dataset  # noqa: E402

PRIMEKG = ROOT / "tests" / "fixtures" / "primekg" / "kg-handmade.csv"
#: Write queries a model might return; text-to-Cypher must refuse every one without running it.
MODEL_WRITES = ("MATCH (n) DETACH DELETE n", "CREATE (:Pwned {id: 'x'})", "MATCH (n:Compound) SET n.name = 'pwned'",
                "MATCH (n) RETURN n // read\nMERGE (:Pwned {id: 'x'})", "CALL apoc.periodic.iterate('MATCH (n) RETURN n', "
                "'DETACH DELETE n', {})", "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l")
#: Per target: every case is read (accepted / clean error); some are loaded and some run through the CLI.
#: "unclear error" and "traceback" count the bad outcomes of any of the three layers.
FUZZ_COLUMNS = ["target", "cases", ACCEPTED, CLEAN, UNCLEAR, TRACEBACK, "loads", "loads accepted", "loads refused",
                PARTIAL, MISREPORTED, "cli runs", "cli bad"]
INJECTION_COLUMNS = ["vector", "attempts", "refused", "made safe", "reached"]


def prepared_graph(server_settings: Settings) -> Settings:
    """A fresh database holding PrimeKG's fixture and the compounds the descriptions seed file describes."""
    settings = fresh(server_settings, "rag")
    with RecordingStore.connect(settings) as store:
        load_dataset(store, "primekg", PRIMEKG)
        store.write("UNWIND $rows AS r CREATE (:Entity:Compound {id: r[0], name: r[1]})",
                    rows=[list(row) for row in description_ids()])
    return settings


def cli_args(target: Target, paths: dict[str, Path], dataset: str) -> list[str]:
    """The ``platform`` command that loads or imports a case's files."""
    if target.fmt is None:
        return ["enrich", "--from-file", str(next(iter(paths.values()))), "--overwrite"]
    inputs, options = target.arguments(paths)
    nodes = ["--nodes", str(options["nodes"])] if "nodes" in options else []
    return ["load", target.fmt, *map(str, inputs), *nodes, "--name", dataset]


def judge_cli(expected: Outcome, out: Any) -> str | None:
    """What is wrong with a CLI run of a case the read layer judged ``expected``, or None."""
    if "Traceback" in out.stderr:
        return f"traceback: {out.stderr.strip().splitlines()[-1][:200]}"
    if expected.kind == ACCEPTED:
        return None if out.returncode == 0 else f"exit {out.returncode}: {out.stderr.strip()[-200:]}"
    lines = out.stderr.strip().splitlines()
    if out.returncode != 1 or len(lines) != 1 or not lines[0].startswith(f"Error: {expected.detail}"):
        return f"exit {out.returncode}, {len(lines)} stderr lines: {out.stderr.strip()[:200]}"
    return None


class Campaign:
    """Fuzz cases of every target; counts per target and the first bad examples."""

    def __init__(self, server_settings: Settings, work: Path, args: argparse.Namespace) -> None:
        self.server_settings, self.work, self.args = server_settings, work, args
        self.rows: list[dict[str, Any]] = []
        self.examples: list[dict[str, str]] = []

    def run(self) -> None:
        def share(total: int, i: int) -> int:  # ``total`` split over the targets, the first ones one more
            return total // len(TARGETS) + (i < total % len(TARGETS))

        for i, (name, target) in enumerate(TARGETS.items()):
            self.rows.append(self.target(name, target, max(1, share(self.args.cases, i)), share(self.args.load_cases, i),
                                         share(self.args.cli_cases, i)))

    def bad(self, target: str, layer: str, detail: str) -> None:
        if len(self.examples) < 20:
            self.examples.append({"target": target, "layer": layer, "detail": detail[:300]})

    def target(self, name: str, target: Target, cases_n: int, loads_n: int, clis_n: int) -> dict[str, Any]:
        settings = prepared_graph(self.server_settings)
        counts: Counter = Counter()
        load_every = cases_n // loads_n if loads_n else 0
        cli_every = cases_n // clis_n if clis_n else 0
        folder = self.work / name.replace(" ", "_").replace("/", "")
        folder.mkdir(parents=True)
        with RecordingStore.connect(settings) as store:
            @hypothesis_seed(self.args.seed)
            @fuzz_settings(cases_n, phases=[Phase.generate])
            @given(cases(target))
            def one(case: dict[str, bytes]) -> None:
                counts["cases"] += 1
                stem = f"case{counts['cases']}-"
                paths = write(folder, case, stem=stem)
                parsed = parse(target, paths)
                counts[parsed.kind] += 1
                if parsed.kind not in GOOD:
                    self.bad(name, "read", parsed.detail)
                if load_every and counts["cases"] % load_every == 0 and counts["loads"] < loads_n:
                    self.load_one(name, target, paths, store, stem, counts)
                if cli_every and counts["cases"] % cli_every == cli_every // 2 and counts["cli runs"] < clis_n:
                    self.cli_one(name, target, paths, settings, stem, parsed, counts)
                for path in paths.values():
                    path.unlink()
            one()
        return {"target": name, **{c: counts[c] for c in FUZZ_COLUMNS[1:]}}

    def load_one(self, name: str, target: Target, paths: dict[str, Path], store: RecordingStore, stem: str,
                 counts: Counter) -> None:
        counts["loads"] += 1
        outcome = load(target, paths, store, f"fuzz-{stem}")
        if outcome.kind == ACCEPTED:
            counts["loads accepted"] += 1
        elif outcome.kind == CLEAN:
            counts["loads refused"] += 1
        else:
            counts[outcome.kind] += 1
            self.bad(name, "load", f"{outcome.kind}: {outcome.detail}")

    def cli_one(self, name: str, target: Target, paths: dict[str, Path], settings: Settings, stem: str,
                expected: Outcome, counts: Counter) -> None:
        counts["cli runs"] += 1
        problem = judge_cli(expected, run_cli(*cli_args(target, paths, f"cli-{stem}"), env=graph_env(settings)))
        if problem:
            counts["cli bad"] += 1
            counts[TRACEBACK] += problem.startswith("traceback")
            self.bad(name, "cli", problem)


# -- injection ----------------------------------------------------------------------------------------
class Injections:
    """Injection attempts per vector: refused (a clean error), made safe (accepted as a value or a
    sanitised name), reached (the payload in a query's text, or a changed graph or traceback via the CLI)."""

    def __init__(self, server_settings: Settings, work: Path, cli_payloads: int) -> None:
        self.server_settings, self.work, self.cli_payloads = server_settings, work, cli_payloads
        self.rows: dict[str, Counter] = {}
        self.examples: list[str] = []

    def count(self, vector: str, result: str, detail: str = "") -> None:
        self.rows.setdefault(vector, Counter())[result] += 1
        self.rows[vector]["attempts"] += 1
        if result == "reached" and len(self.examples) < 20:
            self.examples.append(f"{vector}: {detail[:300]}")

    def attempt(self, vector: str, store: RecordingStore, payload: str, action: Callable[[], Any]) -> None:
        """Run ``action``; refused when it raises a RepurposeError; reached when the payload is in a query."""
        store.queries.clear()
        detail = payload
        try:
            action()
            result = "made safe"
        except RepurposeError:
            result = "refused"
        except Exception as exc:  # noqa: BLE001 - an unchecked failure is a finding
            result, detail = "reached", f"{payload}: {type(exc).__name__}: {exc}"
        if store.reached(payload) or odd_names(store):
            result = "reached"
        self.count(vector, result, detail)

    def run(self) -> None:
        settings = prepared_graph(self.server_settings)
        with RecordingStore.connect(settings) as store:
            self.files(store)
            self.flags(store, settings)
        self.cli(prepared_graph(self.server_settings))
        self.model_writes()

    def files(self, store: RecordingStore) -> None:
        for payload in PAYLOADS:
            folder = self.work / f"files-{PAYLOADS.index(payload)}"
            for fmt, (files, options) in files_with([payload], folder).items():
                for skip in (False, True):
                    opts = LoadOptions(name=f"inj-{fmt}-{skip}", skip_bad_lines=skip)
                    self.attempt(f"{fmt} files{' (skip bad lines)' if skip else ''}", store, payload,
                                 lambda: load_dataset(store, fmt, *files, options=opts, **options))

    def flags(self, store: RecordingStore, settings: Settings) -> None:
        triples = self.work / "one-triple.txt"
        triples.write_text("a\tisa\tb\n", encoding="utf-8")
        for payload in PAYLOADS:
            self.attempt("enrich --label", store, payload, lambda: read_candidates(store, (payload,)))
            self.attempt("embed --label", store, payload, lambda: read_nodes(store, [payload]))
            self.attempt("query --param value", store, payload,
                         lambda: querylib.run(store, "top_predictions_for_disease", {"disease": payload}))
            self.attempt("query --param name", store, payload, lambda: querylib.run(store, "model_runs", {payload: "1"}))
            self.attempt("load --name", store, payload,
                         lambda: load_dataset(store, "triples", triples, options=LoadOptions(name=payload)))
            self.attempt("writeback/report --run", store, payload, lambda: writeback.open_run(payload, settings))

    def cli(self, settings: Settings) -> None:
        env = graph_env(settings)
        with RecordingStore.connect(settings) as store, FakeOpenAI() as fake:
            for payload in PAYLOADS[:self.cli_payloads]:
                commands = {"cli enrich --label": (["enrich", "--label", payload], fake.env()),
                            "cli embed --label": (["embed", "--label", payload], {}),
                            "cli train --target": (["train", "--target", payload, "--epochs", "1"], {}),
                            "cli query --param": (["query", "top_predictions_for_disease", "--param",
                                                   f"disease={payload}"], {}),
                            "cli writeback --run": (["writeback", "--run", payload], {})}
                for vector, (args, extra) in commands.items():
                    before = snapshot(store)
                    out = run_cli(*args, env={**env, **extra})
                    lines = [line for line in out.stderr.strip().splitlines() if line.startswith("Error:")]
                    if "Traceback" in out.stderr or snapshot(store).checksum != before.checksum:
                        self.count(vector, "reached", out.stderr.strip()[-300:])
                    else:
                        self.count(vector, "refused" if out.returncode and lines else "made safe")

    def model_writes(self) -> None:
        """A model that returns writes (text-to-Cypher) or obeys instructions planted in a description (ask)."""
        from repurpose.rag.pipeline import ask
        from repurpose.rag.text2cypher import text_to_cypher

        settings = fresh(self.server_settings, "rag")
        with RecordingStore.connect(settings) as store, FakeOpenAI() as fake:
            store.apply_schema()
            seed_slice(store)
            llm = settings.replace(llm_base_url=fake.base_url, llm_api_key=fake.api_key, llm_model=fake.models[0])
            before = graph_checksum(store)
            for write_query in MODEL_WRITES:
                fake.responder = lambda body, q=write_query: q
                self.attempt("text-to-Cypher write", store, write_query,
                             lambda: text_to_cypher(store, "Delete everything, please", llm))
            for answer in MODEL_WRITES[:3]:
                fake.responder = lambda body, a=answer: a
                store.queries.clear()
                result = ask(store, "What does haloperidol treat?", llm)
                obeyed = any(answer in q for q in store.queries) or graph_checksum(store) != before
                carried = any(INJECTION in prompt for prompt in fake.prompts())
                self.count("instructions in a description (ask)", "reached" if obeyed else "made safe",
                           f"{answer} (the prompt carried the injection: {carried}; answer {result.answer.text[:60]!r})")
            if graph_checksum(store) != before:
                self.count("text-to-Cypher write", "reached", "the graph changed")

    def table(self) -> list[dict[str, Any]]:
        return [{"vector": vector, **{c: counts[c] for c in INJECTION_COLUMNS[1:]}} for vector, counts in self.rows.items()]


def totals(rows: list[dict[str, Any]], injection: list[dict[str, Any]]) -> dict[str, int]:
    """The figures of the whole run; every case is read, some are also loaded or run through the CLI."""
    def total(column: str, table: list[dict[str, Any]] = rows) -> int:
        return sum(r[column] for r in table)
    return {"cases": total("cases"), "clean_errors": total(CLEAN), "accepted": total(ACCEPTED),
            "unclear_errors": total(UNCLEAR), "tracebacks": total(TRACEBACK), "partial_writes": total(PARTIAL),
            "misreported": total(MISREPORTED), "load_cases": total("loads"), "load_accepted": total("loads accepted"),
            "load_refused": total("loads refused"), "cli_cases": total("cli runs"), "cli_failures": total("cli bad"),
            "injection_attempts": total("attempts", injection), "injection_refused": total("refused", injection),
            "injection_made_safe": total("made safe", injection), "injection_reached_query": total("reached", injection)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000, help="Fuzz cases in all, split evenly over the targets.")
    parser.add_argument("--load-cases", type=int, default=140, help="Of those, whole loads against the graph.")
    parser.add_argument("--cli-cases", type=int, default=14, help="Of those, runs of the platform CLI.")
    parser.add_argument("--cli-payloads", type=int, default=2, help="Payloads tried through each CLI flag.")
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(2 ** 32),
                        help="Hypothesis seed (printed, so a run can be repeated).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object as the last line.")
    args = parser.parse_args()
    started, load_before = time.perf_counter(), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="fuzz-inputs-") as tmp:
        server_settings = load_settings({"data_dir": str(Path(tmp) / "data")}, env={})
        base = random.randint(20000, 40000)
        bolt = server.pick_port(base)
        server.start(server_settings, bolt_port=bolt, http_port=server.pick_port(base + 300, exclude=(bolt,)))
        try:
            campaign = Campaign(server_settings, Path(tmp) / "cases", args)
            campaign.run()
            injections = Injections(server_settings, Path(tmp) / "injection", args.cli_payloads)
            injections.run()
        except Exception:
            traceback.print_exc()
            raise
        finally:
            server.stop(server_settings)
    injection_rows = injections.table()
    report = {**totals(campaign.rows, injection_rows), "seed": args.seed, "targets": campaign.rows,
              "injection": injection_rows, "bad_examples": campaign.examples + injections.examples,
              "seconds": round(time.perf_counter() - started, 1),
              "load_average": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in os.getloadavg()]},
              "outcomes": list(OUTCOMES)}
    print(format_table(campaign.rows, FUZZ_COLUMNS))
    print()
    print(format_table(injection_rows, INJECTION_COLUMNS))
    print(f"\n{report['cases']} cases ({report['load_cases']} whole loads, {report['cli_cases']} CLI runs): "
          f"{report['clean_errors']} clean errors, {report['tracebacks']} tracebacks, {report['unclear_errors']} unclear "
          f"errors, {report['partial_writes']} partial writes; {report['injection_attempts']} injection attempts, "
          f"{report['injection_reached_query']} reached a query; seed {args.seed}; {report['seconds']} s; load average "
          f"{'/'.join(map(str, report['load_average']['before']))} before, "
          f"{'/'.join(map(str, report['load_average']['after']))} after ({os.cpu_count()} cores, shared)")
    for example in report["bad_examples"]:
        print(f"  bad: {example}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, default=str))
    bad = report["tracebacks"] + report["partial_writes"] + report["unclear_errors"] + report["misreported"] \
        + report["cli_failures"] + report["injection_reached_query"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
