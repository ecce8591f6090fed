"""The one training entry, ``train()``: seeded, recorded in a run directory, returns a TrainResult.

Defaults follow the LLaDR paper (rho 0.6, zeta2 0.5, zeta3 1.8; 128 negatives, batch 512,
dim 400, Adam 1e-4); loss = zeta3 * (L_pos + L_neg) / 2 + anchor, with
self-adversarial negative sampling over chunk-shared negatives and sparse embedding gradients
(updated row-wise by ``optim.RowAdam``).
The run directory holds config.json, vocab.json, split.npz, model.pt, metrics.json,
results.json, loss.png and validation_mrr.png; the model kept is the one of the best
validation MRR (checked every ``eval_every`` epochs). Baselines (``baselines.BASELINES``) skip
the training loop and are saved alike.
"""

from __future__ import annotations

import copy
import json
import resource
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from repurpose.trainers.baselines import BASELINES
from repurpose.trainers.blend import Blend, Component, choose_weights, standardization
from repurpose.trainers.data import TripleData
from repurpose.trainers.evaluate import evaluate
from repurpose.trainers.gnn import RGCNEncoder
from repurpose.trainers.model import Embeddings, KGEModel
from repurpose.trainers.optim import RowAdam
from repurpose.trainers.representations import Embedding, EntityRepresentation, TextMix
from repurpose.trainers.sampling import ChunkedSampler, self_adversarial_loss
from repurpose.trainers.scores import make_interaction
from repurpose.trainers.split import Split, make_split, oversample
from repurpose.trainers.text_mask import MASKS

TEXT_MODES = ("none", "curated", "llm")
ENCODERS = ("none", "rgcn")


@dataclass
class TrainResult:
    """What a run produced; ``to_dict()`` is ``results.json`` and the CLI's ``--json``."""

    run_id: str
    run_dir: Path
    config: dict
    metrics: dict
    history: dict = field(default_factory=dict)
    triples_per_second: float = 0.0
    peak_memory_mb: float = 0.0
    train_seconds: float = 0.0
    blend: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["run_dir"] = str(self.run_dir)
        return out

    def save(self) -> Path:
        path = self.run_dir / "results.json"
        path.write_text(json.dumps(self.to_dict(), indent=2, default=str))
        return path


def resolve_device(device: str) -> torch.device:
    """'auto' picks CUDA when present, else CPU; 'cuda' without a GPU raises ValueError."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda was asked for but no CUDA device is available; use --device auto or cpu")
    return torch.device(device)


def new_run_id(model: str, text: str) -> str:
    """``20261123-131500-rotate-llm-3f2a``: time, model, text mode, random suffix."""
    return f"{datetime.now():%Y%m%d-%H%M%S}-{model}-{text}-{secrets.token_hex(2)}"


def peak_memory_mb(device: torch.device) -> float:
    """Peak resident memory of this process (CPU), or peak allocated GPU memory (CUDA), in MiB."""
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def build_model(data: TripleData, train_rows: np.ndarray, model: str, text: str, encoder: str, dim: int,
                margin: float, rho: float, zeta2: float, projection: str, num_layers: int,
                num_bases: int, text_kinds: set[str] | None = None) -> KGEModel:
    """Compose entity representation (plain / LLaDR text mix, optionally under R-GCN) and score.

    ``text_kinds`` limits the text mix to entities of those kinds (None: every entity with text).
    """
    if text not in TEXT_MODES:
        raise ValueError(f"unknown text mode {text!r}; choose from {', '.join(TEXT_MODES)}")
    if encoder not in ENCODERS:
        raise ValueError(f"unknown encoder {encoder!r}; choose from {', '.join(ENCODERS)}")
    entity: EntityRepresentation = Embedding(data.num_entities, dim, sparse=encoder == "none")
    if text != "none":
        features = data.text_features(text_kinds)
        if features is None:
            raise ValueError(f"--text {text} needs text vectors, but the data has none; run the embed step "
                             "or use --text none")
        entity = TextMix(entity, features[0], features[1], rho=rho, zeta2=zeta2, projection=projection)
    if encoder == "rgcn":
        entity = RGCNEncoder(entity, train_rows, data.num_relations, num_layers=num_layers, num_bases=num_bases)
    return KGEModel(entity, data.num_relations, make_interaction(model), margin=margin)


def _optimizers(model: nn.Module, lr: float) -> list[torch.optim.Optimizer]:
    """Lazy row-wise Adam for sparse embedding tables, Adam for everything else."""
    sparse_ids = {id(m.weight) for m in model.modules() if isinstance(m, nn.Embedding) and m.sparse}
    sparse = [p for p in model.parameters() if id(p) in sparse_ids]
    dense = [p for p in model.parameters() if id(p) not in sparse_ids]
    out: list[torch.optim.Optimizer] = []
    if sparse:
        out.append(RowAdam(sparse, lr=lr))
    if dense:
        out.append(torch.optim.Adam(dense, lr=lr))
    return out


def _step_loss(model: KGEModel, batch, device: torch.device, temperature: float, zeta3: float) -> torch.Tensor:
    """Loss of one chunked batch: zeta3 * (L_pos + L_neg) / 2 + the representation's anchor loss."""
    heads, rels, tails = batch.heads.to(device), batch.relations.to(device), batch.tails.to(device)
    negatives, weights = batch.negatives.to(device), batch.weights.to(device)
    chunks, size = heads.shape
    idx = torch.cat([heads.reshape(-1), tails.reshape(-1), negatives.reshape(-1)])
    vectors, auxiliary = model.entity.forward_with_loss(idx)
    h = vectors[: chunks * size].view(chunks, size, -1)
    t = vectors[chunks * size: 2 * chunks * size].view(chunks, size, -1)
    neg = vectors[2 * chunks * size:].view(chunks, negatives.shape[1], -1)
    r = model.relation(rels)
    inter = model.interaction
    positive = inter(h, r, t)
    negative = inter.score_tails(h, r, neg) if batch.corrupt_tail else inter.score_heads(neg, r, t)
    margin = model.margin if inter.distance else 0.0
    l_pos, l_neg = self_adversarial_loss(positive, negative, weights, margin, temperature)
    return zeta3 * (l_pos + l_neg) / 2.0 + auxiliary


def _plot(history: dict, run_dir: Path) -> None:
    """loss.png and validation_mrr.png (matplotlib, Agg backend: no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    for key, ylabel, name in (("loss", "training loss", "loss.png"),
                              ("validation_mrr", "validation filtered MRR", "validation_mrr.png")):
        fig, ax = plt.subplots(figsize=(5, 3.2))
        xs = history["eval_epochs"] if key == "validation_mrr" else list(range(1, len(history[key]) + 1))
        ax.plot(xs, history[key], marker="o" if len(xs) < 30 else None)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(run_dir / name, dpi=100)
        plt.close(fig)


def train(data: TripleData, *, model: str = "rotate", text: str = "none", encoder: str = "none",
          target: str | None = "TREATS_CtD", split: str | Split = "random", dim: int = 400, epochs: int = 100,
          negatives: int = 128, batch_size: int = 512, chunk_size: int = 128, lr: float = 1e-4,
          margin: float = 9.0, adversarial_temperature: float = 1.0, rho: float = 0.6, zeta2: float = 0.5,
          zeta3: float = 1.8, target_weight: int = 1, projection: str = "linear", num_layers: int = 2,
          num_bases: int = 8, text_kinds: list[str] | None = None, text_mask: str = "none",
          blend: list[str] | None = None, known_relations: list[str] | None = None, device: str = "auto",
          seed: int = 0, runs_root: Path | str = Path("platform-data/runs"),
          eval_every: int = 1, max_seconds: float | None = None, num_threads: int | None = None,
          progress: bool = False, extra_config: dict | None = None) -> TrainResult:
    """Train one KGE model (or build a baseline) on ``data`` and record it under ``runs_root/<run_id>/``.

    ``model`` is a trainable score (rotate, transe, distmult, complex) or a baseline of
    ``baselines.BASELINES`` (degree, text-cosine), which skips training but is evaluated and
    saved alike. ``split`` is 'random' or 'disease-holdout' (of relation ``target``), or a ready
    ``Split`` (e.g. UMLS's given train/valid/test, with ``target=None`` to evaluate every relation).
    ``text`` names which text vectors ``data`` carries ('none' ignores them); ``text_kinds`` limits
    them to entities of those kinds (e.g. ``["Compound", "Disease"]``); ``text_mask`` records how
    the caller masked the descriptions before encoding (``text_mask.MASKS``). ``blend`` names
    baselines to add to the trained model's score with weights chosen on validation MRR
    (``blend.choose_weights``). ``known_relations`` are relationship types whose pairs count as
    known treatments besides the target (never written back as novel; their edges between a
    held-out pair leave training). ``max_seconds``
    caps the training loop's time (checked after every batch). ``target_weight`` repeats the target's
    training edges that many times per epoch (see ``split.oversample``). Example::

        result = train(data, model="rotate", text="llm", split="disease-holdout", seed=1)
        result.metrics["test"]["filtered"]["mrr"]
    """
    if num_threads:
        torch.set_num_threads(num_threads)
    torch.manual_seed(seed)
    np.random.seed(seed)
    dev = resolve_device(device)
    if text_mask not in MASKS:
        raise ValueError(f"unknown text mask {text_mask!r}; choose from {', '.join(MASKS)}")
    target_idx = data.relation_index(target) if target else None
    if isinstance(split, Split):
        parts = split
    elif target_idx is None:
        raise ValueError("a split by name needs a target relation; pass target= or a ready Split")
    else:
        others = tuple(data.relation_index(r) for r in known_relations or () if r != target)
        parts = make_split(split, data.triples, target_idx, data.num_entities, seed, known_relations=others)
    kinds = set(text_kinds) if text_kinds else None
    baseline = BASELINES.get(model)
    if baseline is None:
        kge = build_model(data, parts.train, model, text, encoder, dim, margin, rho, zeta2, projection,
                          num_layers, num_bases, kinds).to(dev)
    for name in blend or ():
        if target_idx is None:
            raise ValueError("a blend needs a target relation (its baselines count and rank the target's pairs)")
        if baseline is not None or name not in BASELINES:
            raise ValueError(f"blend {name!r}: only a trained model blends, with baselines "
                             f"({', '.join(BASELINES)})")
    for name in [model] if baseline is not None else blend or ():
        if BASELINES[name].needs_text and (text == "none" or data.text_features(kinds) is None):
            raise ValueError(f"the {name} baseline needs text vectors: pick a text mode (curated or llm) whose "
                             "vectors the graph has")
    model_label = f"rgcn_{model}" if encoder == "rgcn" and baseline is None else model
    run_id = new_run_id(model_label, text if text_mask == "none" else f"{text}-masked")
    run_dir = Path(runs_root) / run_id
    run_dir.mkdir(parents=True, exist_ok=False)
    head_pools, tail_pools = data.relation_candidates()
    config = {"run_id": run_id, "model": model, "interaction": baseline.interaction if baseline else model,
              "text": text, "text_mask": text_mask, "encoder": encoder if baseline is None else "none",
              "target": target, "split": parts.kind, "dim": dim, "epochs": epochs, "negatives": negatives,
              "batch_size": batch_size, "chunk_size": chunk_size, "lr": lr, "margin": margin,
              "adversarial_temperature": adversarial_temperature, "rho": rho, "zeta2": zeta2, "zeta3": zeta3,
              "target_weight": target_weight, "text_kinds": sorted(text_kinds) if text_kinds else None,
              "blend": sorted(blend) if blend else None,
              "known_relations": sorted({target, *(known_relations or ())}) if target else None,
              "projection": projection, "num_layers": num_layers, "num_bases": num_bases,
              "device": str(dev), "seed": seed, "eval_every": eval_every, "max_seconds": max_seconds,
              "fingerprint": data.fingerprint, "num_entities": data.num_entities,
              "num_relations": data.num_relations, "num_train": int(len(parts.train)),
              "num_valid": int(len(parts.valid)), "num_test": int(len(parts.test)),
              "torch": torch.__version__, **(extra_config or {})}
    (run_dir / "config.json").write_text(json.dumps(config, indent=2))
    parts.save(run_dir / "split.npz")
    (run_dir / "vocab.json").write_text(json.dumps({"entity_ids": data.entity_ids, "entity_kinds": data.entity_kinds,
                                                    "relation_types": data.relation_types}))
    blend_info: dict = {}
    if baseline is not None:
        emb, fit = baseline.embeddings(data, parts, kinds), Fit()
    else:
        def validate(emb: Embeddings | Blend) -> float:
            return evaluate(emb, parts.valid, data.triples, head_pools, tail_pools, seed,
                            paper=False)["filtered"]["mrr"]

        sampler = ChunkedSampler(oversample(parts.train, target_idx, target_weight), head_pools, tail_pools,
                                 batch_size, chunk_size, negatives, seed)
        fit = _fit(kge, sampler, dev, epochs=epochs, lr=lr, temperature=adversarial_temperature, zeta3=zeta3,
                   eval_every=eval_every, max_seconds=max_seconds, validate=validate,
                   desc=f"train {run_id}" if progress else None)
        emb = _cpu(kge.embeddings())
        if blend:
            emb, blend_info = _blend(emb, model, sorted(blend), data, parts, kinds, head_pools[target_idx],
                                     tail_pools[target_idx], target_idx, validate)
    metrics = {part: evaluate(emb, rows, data.triples, head_pools, tail_pools, seed,
                              negative_pairs=parts.negatives.get(part), relation=target_idx)
               for part, rows in (("valid", parts.valid), ("test", parts.test))}
    own = emb.components[0].embeddings if isinstance(emb, Blend) else emb
    torch.save({"model": model, "dim": int(own.entities.shape[1]),
                "state_dict": kge.state_dict() if baseline is None else {}, "entities": own.entities,
                "relations": own.relations, "best_validation_mrr": fit.best_mrr,
                **({"components": emb.to_checkpoint()} if isinstance(emb, Blend) else {})}, run_dir / "model.pt")
    result = TrainResult(run_id, run_dir, config, metrics, fit.history,
                         triples_per_second=fit.seen / fit.seconds if fit.seconds else 0.0,
                         peak_memory_mb=peak_memory_mb(dev), train_seconds=fit.seconds, blend=blend_info)
    (run_dir / "metrics.json").write_text(json.dumps(metrics, indent=2))
    result.save()
    if fit.history["loss"]:
        _plot(fit.history, run_dir)
    return result


def _blend(emb: Embeddings, model: str, names: list[str], data: TripleData, parts: Split, kinds: set[str] | None,
           heads: np.ndarray, tails: np.ndarray, target: int,
           validate: Callable[[Embeddings | Blend], float]) -> tuple[Blend, dict]:
    """The trained model blended with the named baselines, weights chosen on validation MRR."""
    def component(name: str, interaction: str, vectors: Embeddings) -> Component:
        mean, std = standardization(vectors, heads, tails, target)
        return Component(name, interaction, vectors, 1.0, mean, std)

    own = component(model, model, emb)
    peers = [component(n, BASELINES[n].interaction, BASELINES[n].embeddings(data, parts, kinds)) for n in names]
    blended, tried = choose_weights(own, peers, validate)
    return blended, {"weights": blended.weights(), "tried": tried,
                     "model_alone_validation_mrr": validate(Blend([own]))}


@dataclass
class Fit:
    """What the training loop returns: history, positives seen, loop seconds, best validation MRR."""

    history: dict = field(default_factory=lambda: {"loss": [], "validation_mrr": [], "eval_epochs": []})
    seen: int = 0
    seconds: float = 0.0
    best_mrr: float | None = None


def _cpu(emb: Embeddings) -> Embeddings:
    emb.entities, emb.relations = emb.entities.cpu(), emb.relations.cpu()
    return emb


def _fit(kge: KGEModel, sampler: ChunkedSampler, dev: torch.device, *, epochs: int, lr: float,
         temperature: float, zeta3: float, eval_every: int, max_seconds: float | None,
         validate: Callable[[Embeddings], float], desc: str | None) -> Fit:
    """The training loop: epochs of chunked batches, validation MRR every ``eval_every`` epochs; the
    model is left at its best validation state (early-stopping by checkpoint, not by time)."""
    optimizers = _optimizers(kge, lr)
    fit = Fit()
    history = fit.history
    best_mrr, best_state = -1.0, None
    bar = None
    if desc is not None:
        from repurpose.progress import progress as progress_bar

        bar = progress_bar(total=epochs, desc=desc, unit="epoch")
    for epoch in range(1, epochs + 1):
        kge.train()
        start, total, batches = time.perf_counter(), 0.0, 0
        for batch in sampler:
            for opt in optimizers:
                opt.zero_grad(set_to_none=True)
            loss = _step_loss(kge, batch, dev, temperature, zeta3)
            loss.backward()
            for opt in optimizers:
                opt.step()
            total += float(loss.detach())
            batches += 1
            fit.seen += batch.num_positives
            if max_seconds is not None and fit.seconds + time.perf_counter() - start >= max_seconds:
                break
        fit.seconds += time.perf_counter() - start
        history["loss"].append(total / max(batches, 1))
        last = epoch == epochs or (max_seconds is not None and fit.seconds >= max_seconds)
        if epoch % eval_every == 0 or last:
            mrr = validate(_cpu(kge.embeddings()))
            history["validation_mrr"].append(mrr)
            history["eval_epochs"].append(epoch)
            if mrr > best_mrr:
                best_mrr, best_state = mrr, copy.deepcopy(kge.state_dict())
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{history['loss'][-1]:.4f}", val_mrr=f"{best_mrr:.3f}")
        if last:
            break
    if bar is not None:
        bar.close()
    if best_state is not None:
        kge.load_state_dict(best_state)
    fit.best_mrr = best_mrr
    return fit


def metrics_table(metrics: dict) -> str:
    """The headline metrics of each split part as a plain text table."""
    rows = []
    for part, m in metrics.items():
        for protocol, block in (("filtered", m["filtered"]), ("filtered tail", m["filtered"]["tail"]),
                                ("filtered head", m["filtered"]["head"]), ("paper50", m.get("paper50", {}))):
            if block:
                rows.append(f"{part:<6} {protocol:<14} {block['mrr']:>7.4f} {block['hits_at_1']:>7.4f} "
                            f"{block['hits_at_3']:>7.4f} {block['hits_at_10']:>7.4f}")
        if "auroc" in m:
            rows.append(f"{part:<6} {'auroc/auprc':<14} {m['auroc']:>7.4f} {m['auprc']:>7.4f}")
    header = f"{'part':<6} {'protocol':<14} {'mrr':>7} {'hits@1':>7} {'hits@3':>7} {'hits@10':>7}"
    return "\n".join([header, "-" * len(header), *rows])
