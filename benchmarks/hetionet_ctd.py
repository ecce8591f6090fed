"""Quality on Hetionet's Compound-treats-Disease: models x texts x splits x seeds, with the peers.

Reads ../shared/data directly (allowed for benchmarks; SHARED_DATA overrides): the graph from
hetionet/, the descriptions from text/ (LLM: compounds-llm.jsonl, diseases-llm.jsonl; curated:
DrugBank and Disease Ontology) and DrugCentral's indications from indications/. Text vectors are
all-MiniLM-L6-v2 of [name ; description] for compounds and diseases, loaded offline from the
bundled package and cached under --cache-dir. Entities without a description in a mode (a few
compounds and 28 diseases for curated) keep their name vector only. Texts ``llm-masked`` and
``curated-masked`` remove every disease name from compound descriptions and every compound name
from disease descriptions before encoding (``trainers/text_mask.py``: names only, no split).

Models: the KGE scores (transe, distmult, rotate, complex, rgcn_rotate) and the trivial peers
``degree`` (training treatments of each side; run once per split and seed, text ignored) and
``text-cosine`` (cosine of the text vectors; no training). Every run is also validated on
DrugCentral's indications it never trained on (``trainers/external.py``, Rephetio's protocol).

--quick: edges touching a Compound or Disease only (~95k of 854k), DistMult and RotatE, seed 0,
60 s of training per run. Full: every edge type, the peers and RotatE/TransE/DistMult/R-GCN+RotatE,
seeds 0/1/2, up to 10 minutes per run, batches of 1,024 positives (32,768 for R-GCN+RotatE, which
runs the whole graph every batch). --blend adds a row per trained run: the model blended with its
peers (``trainers/blend.py``). --rho and --zeta2 set LLaDR's mix and anchor weight;
--name-kinds all gives every node a name vector, as `platform embed` does by default. Each run
prints one JSON line (with the validation MRR of every epoch; --out appends it to a JSONL file);
--json prints one summary object last; the table reports mean +/- std over seeds, then the
per-seed change of mean MRR against no text.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/hetionet_ctd.py --quick
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SHARED = Path(os.environ.get("SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
KEPT_KINDS = ("Compound", "Disease")
SETTINGS = {  # per model: (dim, lr, margin, batch size); the R-GCN runs the whole graph every batch
    "distmult": (200, 0.01, 9.0, 1024),
    "rotate": (200, 0.01, 9.0, 1024),
    "transe": (200, 0.01, 9.0, 1024),
    "complex": (200, 0.01, 9.0, 1024),
    "rgcn_rotate": (200, 0.01, 9.0, 32768),
    "degree": (1, 0.0, 0.0, 1),
    "text-cosine": (1, 0.0, 0.0, 1),
}
PEERS = ("degree", "text-cosine")
MASKED = "-masked"


def _descriptions(mode: str) -> dict[str, str]:
    text = SHARED / "text"
    out: dict[str, str] = {}
    if mode == "llm":
        for name in ("compounds-llm.jsonl", "diseases-llm.jsonl"):
            for line in (text / name).read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                out[row["id"]] = row["description"]
    else:
        for name in ("compounds-drugbank.tsv", "diseases-do.tsv"):
            lines = (text / name).read_text(encoding="utf-8").splitlines()
            header = lines[0].split("\t")
            col = header.index("description")
            for line in lines[1:]:
                fields = line.split("\t")
                if len(fields) > col and fields[col].strip():
                    out[fields[0]] = fields[col]
    return out


def text_vectors(data, names: dict[str, str], mode: str, cache_dir: Path,
                 name_kinds: str = "treatment") -> tuple[np.ndarray, np.ndarray]:
    """(name vectors, description vectors): descriptions for compounds and diseases, names for
    them too ("treatment") or for every node ("all"); zero rows elsewhere."""
    suffix = "" if name_kinds == "treatment" else f"-names-{name_kinds}"
    path = cache_dir / f"hetionet-minilm-{mode}{suffix}.npz"
    if path.is_file():
        with np.load(path) as z:
            return z["names"], z["descriptions"]
    from repurpose.text_encoder import encoder_dimension, load_encoder

    encoder = load_encoder()
    rows = [i for i, k in enumerate(data.entity_kinds) if k in KEPT_KINDS]
    described = described_texts(data, names, mode)
    dim = encoder_dimension(encoder)
    name_vecs = np.zeros((data.num_entities, dim), dtype=np.float32)
    desc_vecs = np.zeros((data.num_entities, dim), dtype=np.float32)
    named = rows if name_kinds == "treatment" else list(range(data.num_entities))
    name_vecs[named] = encoder.encode([names[data.entity_ids[i]] for i in named], batch_size=64,
                                      normalize_embeddings=True, show_progress_bar=True)
    with_desc = [i for i in rows if data.entity_ids[i] in described]
    desc_vecs[with_desc] = encoder.encode([described[data.entity_ids[i]] for i in with_desc], batch_size=32,
                                          normalize_embeddings=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(path, names=name_vecs, descriptions=desc_vecs)
    return name_vecs, desc_vecs


def described_texts(data, names: dict[str, str], mode: str) -> dict[str, str]:
    """Descriptions of ``mode`` (``llm``, ``curated``, or either + ``-masked``) by entity id."""
    described = _descriptions(mode.removesuffix(MASKED))
    if not mode.endswith(MASKED):
        return described
    from repurpose.trainers.text_mask import mask_partners

    kinds = dict(zip(data.entity_ids, data.entity_kinds))
    return mask_partners(described, kinds, {e: [n] for e, n in names.items() if kinds.get(e) in KEPT_KINDS},
                         ["Compound"], ["Disease"])


def leak_count(data, names: dict[str, str], described: dict[str, str]) -> int:
    """CtD pairs where one side's exact name (as a whole word) appears in the other's description."""
    from repurpose.trainers.text_mask import name_pattern

    ctd = data.relation_index("CtD")
    count = 0
    for h, _, t in data.triples[data.triples[:, 1] == ctd].tolist():
        c, d = data.entity_ids[h], data.entity_ids[t]
        if (name_pattern([names[d]]).search(described.get(c, "")) or
                name_pattern([names[c]]).search(described.get(d, ""))):
            count += 1
    return count


def load_graph(quick: bool):
    from repurpose.trainers.data import TripleData, read_nodes_and_edges

    het = SHARED / "hetionet"
    data = read_nodes_and_edges(het / "hetionet-v1.0-nodes.tsv", het / "hetionet-v1.0-edges-19of24.sif.gz")
    names = {}
    for line in (het / "hetionet-v1.0-nodes.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        node_id, name, _ = line.split("\t")
        names[node_id] = name
    if quick:
        kinds = np.array(data.entity_kinds)
        keep = np.isin(kinds[data.triples[:, 0]], KEPT_KINDS) | np.isin(kinds[data.triples[:, 2]], KEPT_KINDS)
        data = TripleData(data.entity_ids, data.relation_types, data.triples[keep], entity_kinds=data.entity_kinds)
    return data, names


def drugcentral(data):
    """DrugCentral's indications that PharmacotherapyDB lacks (no DM, SYM or NOT row): pairs that
    Hetionet never curated, as a PairFile of the graph's compounds and diseases."""
    from dataclasses import replace

    from repurpose.trainers.external import read_pairs

    kinds = np.array(data.entity_kinds)
    sides = (data.entity_ids, np.flatnonzero(kinds == "Compound"), np.flatnonzero(kinds == "Disease"),
             ("drugbank_id", "doid_id"))
    dc = read_pairs(SHARED / "indications" / "drugcentral-indications.tsv", *sides)
    curated = read_pairs(SHARED / "indications" / "pharmacotherapydb-indications.tsv", *sides).pairs
    n = data.num_entities
    novel = ~np.isin(dc.pairs[:, 0] * n + dc.pairs[:, 1], curated[:, 0] * n + curated[:, 1])
    return replace(dc, pairs=dc.pairs[novel])


def external_figures(run, pairs) -> dict:
    """DrugCentral validation of a loaded run (and its degree prior), flattened for a row."""
    from repurpose.trainers.external import validate_run

    got = validate_run(run, pairs, *run.candidates())
    out = {}
    for who, prefix in (("model", "dc"), ("degree_prior", "dc_prior")):
        m = got[who]
        out.update({f"{prefix}_auroc": m["auroc"], f"{prefix}_within_disease_auroc": m["within_disease_auroc"],
                    f"{prefix}_within_compound_auroc": m["within_compound_auroc"], f"{prefix}_auprc": m["auprc"],
                    f"{prefix}_top1pct_fold": m["top_fraction"]["fold"],
                    f"{prefix}_top50_hits": m["top_per_disease"]["positives"],
                    f"{prefix}_top50_fold": m["top_per_disease"]["fold"],
                    f"{prefix}_top50_untreated_share": m["top_per_disease"]["untreated_share"],
                    f"{prefix}_top50_distinct_compounds": m["top_per_disease"]["distinct_compounds"]})
    out["dc_positives"] = got["model"]["positives"]
    return out


def internal_figures(emb, run, data, seed: int) -> dict:
    """Filtered test metrics of ``emb`` on the run's split (what ``train`` reports)."""
    from repurpose.trainers.evaluate import evaluate

    heads, tails = data.relation_candidates()
    target = data.relation_index("CtD")
    test = evaluate(emb, run.split.test, data.triples, heads, tails, seed,
                    negative_pairs=run.split.negatives.get("test"), relation=target)
    return {"tail_mrr": test["filtered"]["tail"]["mrr"], "head_mrr": test["filtered"]["head"]["mrr"],
            "mean_mrr": test["filtered"]["mrr"], "hits_at_10": test["filtered"]["hits_at_10"],
            "tail_hits_at_10": test["filtered"]["tail"]["hits_at_10"], "auroc": test["auroc"],
            "auprc": test["auprc"], "paper50_mrr": test["paper50"]["mrr"]}


def blend_with(model: str, text: str) -> list[str]:
    """The peers a trained model is blended with: the degree prior, and text-cosine of its own text."""
    if model in PEERS:
        return []
    return ["degree"] if text == "none" else ["degree", "text-cosine"]


def one_run(data, model: str, text: str, split: str, seed: int, seconds: float, epochs: int,
            target_weight: int, rho: float, zeta2: float, threads: int, pairs=None, blend: bool = False) -> list[dict]:
    """The run's row, plus (``blend``) the row of the same trained model blended with its peers."""
    from dataclasses import replace

    from repurpose.trainers.blend import Blend
    from repurpose.trainers.runs import load_run
    from repurpose.trainers.train import train

    dim, lr, margin, batch_size = SETTINGS[model]
    peers = blend_with(model, text) if blend else []
    with tempfile.TemporaryDirectory() as runs:
        result = train(data, model=model.removeprefix("rgcn_"), encoder="rgcn" if model.startswith("rgcn_") else "none",
                       text=text.removesuffix(MASKED), text_mask="partners" if text.endswith(MASKED) else "none",
                       target="CtD", split=split, dim=dim, epochs=epochs, negatives=64,
                       batch_size=batch_size, chunk_size=128, lr=lr, margin=margin, target_weight=target_weight,
                       rho=rho, zeta2=zeta2, device="cpu", seed=seed, runs_root=runs, eval_every=1,
                       max_seconds=seconds, num_threads=threads, blend=peers or None)
        run = load_run(result.run_dir)
    common = {"text": text, "split": split, "seed": seed, "rho": rho, "zeta2": zeta2,
              "epochs": len(result.history["loss"]), "train_seconds": result.train_seconds,
              "triples_per_second": result.triples_per_second,
              "best_validation_mrr": max(result.history["validation_mrr"], default=None),
              "validation_mrr": result.history["validation_mrr"]}
    variants = [(model, run)]
    if isinstance(run.embeddings, Blend):
        plain = replace(run, embeddings=run.embeddings.components[0].embeddings)
        variants = [(model, plain), (f"{model}+blend", run)]
    rows = []
    for name, variant in variants:
        row = {"model": name, **common, **internal_figures(variant.embeddings, variant, data, seed)}
        if pairs is not None:
            row.update(external_figures(variant, pairs))
        if variant is run and peers:
            row["blend_weights"] = result.blend["weights"]
            row["blend_validation_mrr"] = result.metrics["valid"]["filtered"]["mrr"]
        rows.append(row)
    return rows


def _fmt(values: list[float]) -> str:
    digits = 0 if all(float(v).is_integer() for v in values) else 3
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def table(rows: list[dict]) -> str:
    """Markdown table: one line per (split, model, text), mean ± std over seeds."""
    keys = ("tail_mrr", "head_mrr", "mean_mrr", "hits_at_10", "auroc", "dc_auroc", "dc_within_disease_auroc",
            "dc_top50_hits")
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["split"], row["model"], row["text"]), []).append(row)
    lines = ["| split | model | text | seeds | tail MRR | head MRR | mean MRR | Hits@10 | AUROC | DrugCentral AUROC "
             "| within-disease AUROC | top-50 hits |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for (split, model, text), group in sorted(groups.items()):
        cells = [_fmt([g[k] for g in group if g.get(k) is not None]) if any(g.get(k) is not None for g in group)
                 else "—" for k in keys]
        lines.append(f"| {split} | {model} | {text} | {len(group)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def paired_gains(rows: list[dict], base: str = "none") -> str:
    """Per (split, model, text), the per-seed relative change of mean MRR against ``base`` text."""
    by_key = {(r["split"], r["model"], r["text"], r["seed"]): r["mean_mrr"] for r in rows}
    lines = []
    for split, model, text in sorted({(r["split"], r["model"], r["text"]) for r in rows}):
        if text == base:
            continue
        seeds = sorted(s for (sp, m, t, s) in by_key if (sp, m, t) == (split, model, text)
                       and (split, model, base, s) in by_key)
        if seeds:
            gains = [by_key[(split, model, text, s)] / by_key[(split, model, base, s)] - 1 for s in seeds]
            per_seed = ", ".join(f"seed {s} {g:+.0%}" for s, g in zip(seeds, gains))
            lines.append(f"{split} {model} {text} vs {base}: {per_seed} (mean {statistics.mean(gains):+.0%})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small graph, 2 models, 1 seed, 60 s per run")
    parser.add_argument("--models",
                        help="comma-separated (degree, text-cosine, rotate, transe, distmult, complex, rgcn_rotate)")
    parser.add_argument("--texts", default="none,curated,llm,llm-masked")
    parser.add_argument("--splits", default="random,disease-holdout")
    parser.add_argument("--seeds", help="comma-separated seeds")
    parser.add_argument("--seconds", type=float, help="training seconds per run")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--target-weight", type=int, default=20, help="CtD training edges repeated per epoch")
    parser.add_argument("--rho", type=float, default=0.6, help="LLaDR: weight of the structural embedding")
    parser.add_argument("--zeta2", type=float, default=0.5, help="LLaDR: anchor loss weight")
    parser.add_argument("--name-kinds", choices=("treatment", "all"), default="treatment",
                        help="which nodes get name vectors: compounds and diseases, or every node")
    parser.add_argument("--threads", type=int, default=2,
                        help="torch threads per run (1 lets two benchmark processes share 2 cores)")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "repurpose-bench")
    parser.add_argument("--json", action="store_true", help="print one summary JSON object last")
    parser.add_argument("--out", type=Path, help="append each run's row to this JSONL file as it finishes")
    parser.add_argument("--no-external", action="store_true", help="skip the DrugCentral validation of each run")
    parser.add_argument("--blend", action="store_true",
                        help="also report each trained model blended with its peers (weights chosen on validation)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    full = "degree,text-cosine,rotate,transe,distmult,rgcn_rotate"
    models = (args.models or ("distmult,rotate" if args.quick else full)).split(",")
    seeds = [int(s) for s in (args.seeds or ("0" if args.quick else "0,1,2")).split(",")]
    seconds = args.seconds or (60.0 if args.quick else 600.0)
    data, names = load_graph(args.quick)
    print(f"graph: {data.num_entities} entities, {len(data.triples)} edges", file=sys.stderr)
    texts = args.texts.split(",")
    for text in texts:
        if text != "none":
            leaks = leak_count(data, names, described_texts(data, names, text))
            print(f"text {text}: {leaks} CtD pairs name one side in the other's description", file=sys.stderr)
    vectors = {t: text_vectors(data, names, t, args.cache_dir, args.name_kinds) for t in texts if t != "none"}
    pairs = None if args.no_external else drugcentral(data)
    rows = []
    start = time.time()
    for split in args.splits.split(","):
        for model in models:
            # The degree prior ignores text: one run per split and seed; text-cosine needs text.
            model_texts = ["none"] if model == "degree" else [t for t in texts if t != "none" or model not in PEERS]
            for text in model_texts:
                if text != "none":
                    data.name_vectors, data.description_vectors = vectors[text]
                else:
                    data.name_vectors = data.description_vectors = None
                for seed in seeds:
                    for row in one_run(data, model, text, split, seed, seconds, args.epochs, args.target_weight,
                                       args.rho, args.zeta2, args.threads, pairs, args.blend):
                        rows.append(row)
                        print(json.dumps(row), file=sys.stderr, flush=True)
                        if args.out:
                            with open(args.out, "a", encoding="utf-8") as handle:
                                handle.write(json.dumps(row) + "\n")
    print(table(rows))
    print(paired_gains(rows))
    print(f"\n{len(rows)} runs in {time.time() - start:.0f} s", file=sys.stderr)
    if args.json:
        print(json.dumps({"rows": rows, "quick": args.quick, "seconds_per_run": seconds,
                          "epochs": args.epochs, "target_weight": args.target_weight, "rho": args.rho,
                          "zeta2": args.zeta2, "name_kinds": args.name_kinds}))


if __name__ == "__main__":
    main()
