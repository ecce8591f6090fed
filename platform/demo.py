"""The main job in one call: load Hetionet, import descriptions, embed, train LLaDR, write back, show.

Each stage first asks whether its work is already done (same files loaded, same texts embedded,
same run trained on the same graph, predictions written) and skips it if so, so a second
``platform demo`` after an interruption resumes where the first stopped.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from repurpose import atomic, cypher
from repurpose.config import Settings
from repurpose.errors import InputError
from repurpose.store import GraphStore

#: The repository's data folder (the README's install is an editable checkout).
DATA = Path(__file__).resolve().parents[1] / "data"
DEFAULT_DISEASES = ("Disease::DOID:10652", "Disease::DOID:14330", "Disease::DOID:2377")  # AD, PD, MS
STATE_FILE = "demo.json"


@dataclass(frozen=True)
class DemoConfig:
    """What the demo loads and how it trains; ``quick`` trades accuracy for a first look in minutes."""

    nodes: Path = DATA / "hetionet" / "hetionet-v1.0-nodes.tsv.gz"
    edges: Path = DATA / "hetionet" / "hetionet-v1.0-edges-19of24.sif.gz"
    descriptions: tuple[Path, ...] = (DATA / "descriptions" / "compounds-llm.jsonl.gz",
                                      DATA / "descriptions" / "diseases-llm.jsonl.gz")
    diseases: tuple[str, ...] = DEFAULT_DISEASES
    labels: tuple[str, ...] = ("Compound", "Disease")
    # DistMult, lr 0.01, 64 negatives, batch 1024: the best of benchmarks/hetionet_ctd.py on CPU
    # (the paper's lr 1e-4 learns too slowly for a time-boxed run). The treats edges repeated 20
    # times an epoch: tail MRR 0.453 -> 0.605 in 10 epochs (DistMult + LLM text, seed 0).
    model: str = "distmult"
    text: str = "llm"
    dim: int = 200
    epochs: int = 20
    lr: float = 0.01
    negatives: int = 64
    target_weight: int = 20
    batch_size: int = 1024
    train_seconds: float = 420.0
    top_k: int = 50
    seed: int = 0
    quick: bool = False

    @classmethod
    def for_mode(cls, quick: bool, **changes: Any) -> "DemoConfig":
        """Defaults for the full demo or ``--quick`` (smaller model, fewer epochs, top 10)."""
        base = {"quick": quick}
        if quick:
            base.update(dim=64, epochs=3, train_seconds=45.0, top_k=10)
        base.update({k: v for k, v in changes.items() if v is not None})
        return cls(**base)

    def train_key(self, fingerprint: str) -> str:
        """Identifies a training run: same key means the stored run can be reused."""
        spec = {k: v for k, v in asdict(self).items()
                if k in ("model", "text", "dim", "epochs", "lr", "negatives", "batch_size", "target_weight",
                         "train_seconds", "seed")}
        return hashlib.sha256(json.dumps([spec, fingerprint], sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class StageResult:
    name: str
    skipped: bool
    seconds: float
    detail: dict[str, Any] = field(default_factory=dict)


class Demo:
    """Runs the stages in order against one store; ``log`` receives one line per stage."""

    def __init__(self, store: GraphStore, settings: Settings, config: DemoConfig,
                 log: Callable[[str], None] = print) -> None:
        self.store, self.settings, self.config, self.log = store, settings, config, log
        self.state_path = Path(settings.data_dir) / STATE_FILE
        self.state: dict[str, Any] = self._read_state()
        self.results: list[StageResult] = []

    # -- bookkeeping ------------------------------------------------------------------------
    def _read_state(self) -> dict[str, Any]:
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def _save_state(self) -> None:
        atomic.write_text(self.state_path, json.dumps(self.state, indent=2))

    def _stage(self, index: int, total: int, name: str, work: Callable[[], tuple[bool, dict[str, Any]]]) -> None:
        self.log(f"[{index}/{total}] {name} ...")
        started = time.perf_counter()
        skipped, detail = work()
        result = StageResult(name, skipped, time.perf_counter() - started, detail)
        self.results.append(result)
        note = "already done, skipped" if skipped else "done"
        self.log(f"[{index}/{total}] {name}: {note} in {result.seconds:.1f}s {_short(detail)}")

    def run(self) -> dict[str, Any]:
        """All stages; returns the summary (stage results, run id, top predictions)."""
        for path in (self.config.nodes, self.config.edges, *self.config.descriptions):
            if not Path(path).is_file():
                raise InputError("demo data file is missing; pass --nodes/--edges or reinstall the repository",
                                 path=path)
        stages = [("load Hetionet", self.load), ("import LLM descriptions", self.descriptions),
                  ("embed names and descriptions", self.embed), ("train LLaDR", self.train),
                  ("write back predictions", self.writeback)]
        for i, (name, work) in enumerate(stages, 1):
            self._stage(i, len(stages), name, work)
        return {"run_id": self.state.get("run_id"), "quick": self.config.quick,
                "stages": [asdict(r) for r in self.results], "metrics": self.state.get("metrics"),
                "predictions": self.predictions()}

    # -- stages -----------------------------------------------------------------------------
    def load(self) -> tuple[bool, dict[str, Any]]:
        from repurpose.loaders.api import load_dataset, sha256_of

        wanted = {sha256_of(Path(p)) for p in (self.config.nodes, self.config.edges)}
        found = self.store.read(cypher.get("demo", "dataset_sha256"), dataset="hetionet")
        if found and wanted <= set(found[0]["sha"] or []):
            return True, {}
        summary = load_dataset(self.store, "hetionet", self.config.nodes, self.config.edges)
        return False, {"nodes": summary.node_count, "edges": summary.edge_count,
                       "edges_per_second": round(summary.edges_per_second)}

    def descriptions(self) -> tuple[bool, dict[str, Any]]:
        from repurpose.enrich.importer import check_import, import_file

        done = skipped = 0
        for path in self.config.descriptions:
            stats = import_file(self.store, Path(path))
            check_import(stats, Path(path))
            done, skipped = done + stats.done, skipped + stats.skipped
        return done == 0, {"written": done, "already_present": skipped}

    def embed(self) -> tuple[bool, dict[str, Any]]:
        from repurpose.enrich.embed import embed
        from repurpose.text_encoder import load_encoder

        encoder = load_encoder(self.settings.encoder)
        stats = embed(self.store, encoder, self.settings.encoder, labels=self.config.labels)
        return stats.updated == 0, {"encoded_nodes": stats.updated, "unchanged": stats.unchanged}

    def train(self) -> tuple[bool, dict[str, Any]]:
        from repurpose.trainers.export import cached_export
        from repurpose.trainers.runs import Headline, RunDir
        from repurpose.trainers.train import train

        data, _ = cached_export(self.store, self.settings.exports_dir, text=self.config.text)
        key = self.config.train_key(data.fingerprint)
        if self.state.get("train_key") == key and RunDir(self.settings.runs_dir / str(self.state["run_id"])).complete:
            return True, {"run_id": self.state["run_id"]}
        result = train(data, model=self.config.model, text=self.config.text, dim=self.config.dim,
                       epochs=self.config.epochs, lr=self.config.lr, negatives=self.config.negatives,
                       target_weight=self.config.target_weight, batch_size=self.config.batch_size,
                       max_seconds=self.config.train_seconds,
                       seed=self.config.seed, target="TREATS_CtD", split="random",
                       runs_root=self.settings.runs_dir, progress=True)
        headline = Headline.of(result.metrics)
        self.state.update(run_id=result.run_id, train_key=key, written=None,
                          metrics={"test_filtered_mrr": headline.mrr, "test_filtered_hits_at_10": headline.hits_at_10,
                                   "test_auroc": headline.auroc})
        self._save_state()
        return False, {"run_id": result.run_id, "triples_per_second": round(result.triples_per_second),
                       **self.state["metrics"]}

    def writeback(self) -> tuple[bool, dict[str, Any]]:
        from repurpose import writeback

        run_id = self.state["run_id"]
        current = self.store.read(cypher.get("runs", "current_write"), run_id=run_id)
        if self.state.get("written") == run_id and current and current[0]["w"]:
            return True, {}
        run = writeback.open_run(run_id, self.settings)
        plan = writeback.plan(run, self.store, top_k=self.config.top_k, per="both")
        result = writeback.write(run, self.store, plan)
        self.state["written"] = run_id
        self._save_state()
        return False, {"edges": result["edges"]}

    # -- results ----------------------------------------------------------------------------
    def chosen_diseases(self) -> list[str]:
        """The configured diseases present in the graph, topped up with the most-predicted ones."""
        present = [r["id"] for r in self.store.read(cypher.get("demo", "diseases_present"),
                                                      ids=list(self.config.diseases))]
        chosen = [d for d in self.config.diseases if d in present]
        if len(chosen) < 3:
            extra = self.store.read(cypher.get("runs", "run_diseases"), run_id=self.state["run_id"], limit=10)
            chosen += [r["id"] for r in extra if r["id"] not in chosen][:3 - len(chosen)]
        return chosen

    def predictions(self, top: int = 10) -> list[dict[str, Any]]:
        """Top predictions for each chosen disease, known vs novel, with the best explanation."""
        from repurpose import evidence

        out = []
        for disease in self.chosen_diseases():
            found = evidence.top_predictions(self.store, str(self.state["run_id"]), disease, top)
            name = self.store.read(cypher.get("demo", "disease_name"), id=disease)[0]["n"]
            rows = [{**row, "explanation": evidence.best_line(pair)} for row, pair in found]
            out.append({"disease_id": disease, "disease": name, "predictions": rows})
        return out


def _short(detail: dict[str, Any]) -> str:
    return "(" + ", ".join(f"{k} {v}" for k, v in detail.items()) + ")" if detail else ""
