"""The one training entry, ``train()``: validate the request, fit, save; seeded, recorded in a run directory.

Defaults follow the LLaDR paper (rho 0.6, zeta2 0.5, zeta3 1.8; 128 negatives, batch 512,
dim 400, Adam 1e-4); loss = zeta3 * (L_pos + L_neg) / 2 + anchor, with
self-adversarial negative sampling over chunk-shared negatives and sparse embedding gradients
(updated row-wise by ``optim.RowAdam``).
``validate_request`` refuses a bad value or combination (``ParameterError``, naming the parameter)
before anything is built or written; ``fit_model`` keeps the model of the best validation MRR
(checked every ``eval_every`` epochs); ``save_run`` records the run through ``runs.RunDir``
(settings, split, vocabulary, weights, metrics, results, plots). Baselines
(``baselines.BASELINES``) skip the training loop and are saved alike.
"""

from __future__ import annotations

import copy
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

from repurpose.config import Settings
from repurpose.devices import resolve_device
from repurpose.errors import ParameterError
from repurpose.trainers.baselines import BASELINES, Baseline
from repurpose.trainers.blend import Blend, Component, choose_weights, standardization
from repurpose.trainers.data import TripleData
from repurpose.trainers.evaluate import evaluate
from repurpose.trainers.gnn import ENCODERS
from repurpose.trainers.model import Embeddings, KGEModel
from repurpose.trainers.optim import RowAdam
from repurpose.trainers.representations import TEXT_MODES, Embedding
from repurpose.trainers.runs import Headline, RunDir, ranking_blocks
from repurpose.trainers.sampling import ChunkedSampler, self_adversarial_loss
from repurpose.trainers.scores import make_interaction
from repurpose.trainers.split import Split, make_split, oversample
from repurpose.trainers.text_mask import MASKS

#: Row labels of ``metrics_table`` for each ranking protocol of ``runs.ranking_blocks``.
TABLE_PROTOCOLS = {"filtered": "filtered", "tail": "filtered tail", "head": "filtered head", "paper50": "paper50"}


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
    evaluate_seconds: float = 0.0  # the final ranking of the validation and test edges
    blend: dict = field(default_factory=dict)
    epochs_trained: int = 0
    stopped_early: bool = False  # validation MRR stopped improving before the epoch cap (``patience``)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["run_dir"] = str(self.run_dir)
        return out


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
    """Compose entity representation (the table, wrapped by the text mode, then the encoder) and score.

    Each part comes from its registry (``TEXT_MODES``, ``ENCODERS``, ``INTERACTIONS``), so a new
    one is a new class. ``text_kinds`` limits the text mix to entities of those kinds (None: every
    entity with text).
    """
    text_mode, wrapper = TEXT_MODES.lookup(text), ENCODERS.lookup(encoder)
    entity = text_mode.wrap(Embedding(data.num_entities, dim, sparse=wrapper.sparse_table), data, text_kinds,
                            rho=rho, zeta2=zeta2, projection=projection)
    entity = wrapper.wrap(entity, train_rows, data.num_relations, num_layers=num_layers, num_bases=num_bases)
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


def _plot(history: dict, run: RunDir) -> None:
    """Plots of the training loss and the validation MRR (matplotlib, Agg backend: no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    for key, ylabel in (("loss", "training loss"), ("validation_mrr", "validation filtered MRR")):
        fig, ax = plt.subplots(figsize=(5, 3.2))
        xs = history["eval_epochs"] if key == "validation_mrr" else list(range(1, len(history[key]) + 1))
        ax.plot(xs, history[key], marker="o" if len(xs) < 30 else None)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(run.plot_path(key), dpi=100)
        plt.close(fig)


def train(data: TripleData, *, model: str = "rotate", text: str = "none", encoder: str = "none",
          target: str | None = "TREATS_CtD", split: str | Split = "random", dim: int = 400, epochs: int = 100,
          negatives: int = 128, batch_size: int = 512, chunk_size: int = 128, lr: float = 1e-4,
          margin: float = 9.0, adversarial_temperature: float = 1.0, rho: float = 0.6, zeta2: float = 0.5,
          zeta3: float = 1.8, target_weight: int = 1, projection: str = "linear", num_layers: int = 2,
          num_bases: int = 8, text_kinds: list[str] | None = None, text_mask: str = "none",
          blend: list[str] | None = None, known_relations: list[str] | None = None, device: str = "auto",
          seed: int = 0, runs_root: Path | str = Settings().runs_dir,
          eval_every: int = 1, patience: int | None = None, max_seconds: float | None = None,
          num_threads: int | None = None, progress: bool = False, extra_config: dict | None = None) -> TrainResult:
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
    held-out pair leave training). ``patience`` stops training after that many validations
    without a better validation MRR (None: run every epoch). ``max_seconds`` caps the training loop's
    time (checked after every batch). ``target_weight`` repeats the target's training edges that many
    times per epoch (see ``split.oversample``). A bad value or combination
    raises ``ParameterError`` (a ``ConfigError``) before anything is written. Example::

        result = train(data, model="rotate", text="llm", split="disease-holdout", seed=1)
        Headline.of(result.metrics).mrr
    """
    if patience is not None and patience < 1:
        raise ParameterError("patience", f"must be at least 1 validation (or None: no early stop), got {patience}")
    if num_threads:
        torch.set_num_threads(num_threads)
    torch.manual_seed(seed)
    np.random.seed(seed)
    if progress:
        from repurpose.progress import note

        note(f"preparing: {split if isinstance(split, str) else 'given'} split of {target or 'every relation'}, "
             f"candidates, the {model} model{' with text vectors' if text != 'none' else ''}")
    prepared = validate_request(data, model=model, text=text, text_mask=text_mask, text_kinds=text_kinds,
                                blend=blend, encoder=encoder, target=target, split=split,
                                known_relations=known_relations, dim=dim, device=device, seed=seed)
    parts, baseline = prepared.parts, prepared.baseline
    kge = None if baseline is not None else build_model(
        data, parts.train, model, text, encoder, dim, margin, rho, zeta2, projection, num_layers, num_bases,
        prepared.kinds).to(prepared.device)
    model_label = f"rgcn_{model}" if encoder == "rgcn" and baseline is None else model
    run = RunDir.create(Path(runs_root), new_run_id(model_label, text if text_mask == "none" else f"{text}-masked"))
    run_id = run.path.name
    config = {"run_id": run_id, "model": model, "interaction": baseline.interaction if baseline else model,
              "text": text, "text_mask": text_mask, "encoder": encoder if baseline is None else "none",
              "target": target, "split": parts.kind, "dim": dim, "epochs": epochs, "negatives": negatives,
              "batch_size": batch_size, "chunk_size": chunk_size, "lr": lr, "margin": margin,
              "adversarial_temperature": adversarial_temperature, "rho": rho, "zeta2": zeta2, "zeta3": zeta3,
              "target_weight": target_weight, "text_kinds": sorted(text_kinds) if text_kinds else None,
              "blend": sorted(blend) if blend else None,
              "known_relations": sorted({target, *(known_relations or ())}) if target else None,
              "projection": projection, "num_layers": num_layers, "num_bases": num_bases,
              "device": str(prepared.device), "seed": seed, "eval_every": eval_every, "patience": patience,
              "max_seconds": max_seconds,
              "fingerprint": data.fingerprint, "num_entities": data.num_entities,
              "num_relations": data.num_relations, "num_train": int(len(parts.train)),
              "num_valid": int(len(parts.valid)), "num_test": int(len(parts.test)),
              "torch": torch.__version__, **(extra_config or {})}
    run.save_inputs(config, parts, data)
    schedule = Schedule(epochs, negatives, batch_size, chunk_size, lr, adversarial_temperature, zeta3, target_weight,
                        eval_every, max_seconds, patience)
    fitted = fit_model(data, prepared, kge, schedule, model=model, blend=sorted(blend or ()), seed=seed,
                       desc=f"train {run_id}" if progress else None)
    started = time.perf_counter()
    metrics = _evaluate_parts(data, prepared, fitted.embeddings, seed)
    fitted.embeddings = fitted.embeddings.to("cpu")
    return save_run(run, config, prepared, kge, fitted, metrics, time.perf_counter() - started)


@dataclass(frozen=True)
class Prepared:
    """A request that passed ``validate_request``, with what it settled on the way."""

    device: torch.device
    target: int | None
    parts: Split
    kinds: set[str] | None
    baseline: Baseline | None
    candidates: tuple[list[np.ndarray], list[np.ndarray]]  # per relation: candidate heads, candidate tails


def validate_request(data: TripleData, *, model: str, text: str, text_mask: str, text_kinds: list[str] | None,
                     blend: list[str] | None, encoder: str, target: str | None, split: str | Split,
                     known_relations: list[str] | None, dim: int, device: str, seed: int) -> Prepared:
    """Refuse a bad value or combination of ``train()``'s parameters up front (ParameterError naming it);
    settle the device, target, split, text kinds and candidates on the way."""
    baseline = BASELINES.get(model)
    kinds = set(text_kinds) if text_kinds else None
    _check_parts(model, text, text_mask, encoder, dim, baseline)
    target_index = _checked("target", data.relation_index, target) if target else None
    _check_blend(blend or [], baseline, target_index)
    _check_text(data, text, kinds, model, baseline, blend or [])
    parts = _split(data, split, target, target_index, known_relations, seed)
    return Prepared(resolve_device(device), target_index, parts, kinds, baseline, data.relation_candidates())


def _checked(parameter: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``; the ValueError by which it refuses a value becomes a ParameterError."""
    try:
        return function(*args, **kwargs)
    except ValueError as exc:
        raise ParameterError(parameter, str(exc)) from None


def _check_parts(model: str, text: str, text_mask: str, encoder: str, dim: int, baseline: Baseline | None) -> None:
    """Every part is a registered name, and ``dim`` suits the model's score."""
    if text_mask not in MASKS:
        raise ParameterError("text_mask", f"unknown text mask {text_mask!r}; choose from {', '.join(MASKS)}")
    _checked("text", TEXT_MODES.lookup, text)
    if baseline is None:
        _checked("encoder", ENCODERS.lookup, encoder)
        _checked("dim", _checked("model", make_interaction, model).check_dim, dim)


def _check_blend(blend: list[str], baseline: Baseline | None, target: int | None) -> None:
    """A blend adds baselines to a trained model's score of the target relation."""
    if blend and target is None:
        raise ParameterError("blend", "needs a target relation (its baselines count and rank the target's pairs)")
    for name in blend:
        if baseline is not None or name not in BASELINES:
            raise ParameterError("blend", f"cannot blend {name!r}: only a trained model blends, with baselines "
                                          f"({', '.join(BASELINES)})")


def _check_text(data: TripleData, text: str, kinds: set[str] | None, model: str, baseline: Baseline | None,
                blend: list[str]) -> None:
    """Text vectors are there for whatever reads them (a text mode, a text baseline), of kinds the graph has."""
    features = None if text == "none" else _checked("text_kinds", data.text_features, kinds)
    if features is not None:
        return
    if text != "none" and baseline is None:
        raise ParameterError("text", f"{text!r} needs text vectors, but the data has none; run the embed step or "
                                     "use 'none'")
    readers = [("model", model)] if baseline is not None else [("blend", name) for name in blend]
    for parameter, name in readers:
        if BASELINES[name].needs_text:
            raise ParameterError(parameter, f"the {name} baseline needs text vectors: pick a text mode (curated or "
                                            "llm) whose vectors the graph has")


def _split(data: TripleData, split: str | Split, target: str | None, target_index: int | None,
           known_relations: list[str] | None, seed: int) -> Split:
    """``split`` when it is a ready Split, else that split of the target (``known_relations`` also mark pairs known)."""
    if isinstance(split, Split):
        return split
    if target_index is None:
        raise ParameterError("target", "a split by name needs a target relation; pass target= or a ready Split")
    others = tuple(_checked("known_relations", data.relation_index, r) for r in known_relations or () if r != target)
    return _checked("split", make_split, split, data.triples, target_index, data.num_entities, seed,
                    known_relations=others)


@dataclass(frozen=True)
class Schedule:
    """How the training loop runs: epochs, batches, negatives, optimizer, loss and checkpoint settings."""

    epochs: int
    negatives: int
    batch_size: int
    chunk_size: int
    lr: float
    temperature: float
    zeta3: float
    target_weight: int
    eval_every: int
    max_seconds: float | None
    patience: int | None = None


@dataclass
class Fit:
    """What the training loop returns: history, positives seen, loop seconds, best validation MRR."""

    history: dict = field(default_factory=lambda: {"loss": [], "validation_mrr": [], "eval_epochs": []})
    seen: int = 0
    seconds: float = 0.0
    best_mrr: float | None = None
    stopped_early: bool = False  # patience ended the loop before the epoch cap


@dataclass
class Fitted:
    """What ``fit_model`` returns: the final vectors (a Blend when blended), the loop's record, the blend's."""

    embeddings: Embeddings | Blend
    loop: Fit
    blend: dict = field(default_factory=dict)


def fit_model(data: TripleData, prepared: Prepared, kge: KGEModel | None, schedule: Schedule, *, model: str,
              blend: list[str], seed: int, desc: str | None) -> Fitted:
    """The final vectors: the baseline's, or ``kge`` trained (best validation checkpoint) and blended with ``blend``."""
    if prepared.baseline is not None:
        return Fitted(prepared.baseline.embeddings(data, prepared.parts, prepared.kinds), Fit())
    parts, target, (heads, tails) = prepared.parts, prepared.target, prepared.candidates

    def validation_mrr(emb: Embeddings | Blend) -> float:
        """Filtered MRR of the validation edges: what chooses the checkpoint and the blend weights."""
        return Headline.of_part(evaluate(emb, parts.valid, data.triples, heads, tails, seed, paper=False)).mrr

    sampler = ChunkedSampler(oversample(parts.train, target, schedule.target_weight), heads, tails,
                             schedule.batch_size, schedule.chunk_size, schedule.negatives, seed)
    loop = _train_loop(kge, sampler, prepared.device, schedule, validation_mrr, desc)
    emb = kge.embeddings()  # on the training device: the final evaluation runs there too
    if not blend:
        return Fitted(emb, loop)
    blended, info = _blend(emb.to("cpu"), model, blend, data, parts, prepared.kinds, heads[target], tails[target],
                           target, validation_mrr)
    return Fitted(blended, loop, info)


def _evaluate_parts(data: TripleData, prepared: Prepared, emb: Embeddings | Blend, seed: int) -> dict:
    """Every metric of the validation and test parts (AUROC/AUPRC against the split's non-edges of the target)."""
    parts, (heads, tails) = prepared.parts, prepared.candidates
    return {part: evaluate(emb, rows, data.triples, heads, tails, seed, negative_pairs=parts.negatives.get(part),
                           relation=prepared.target)
            for part, rows in (("valid", parts.valid), ("test", parts.test))}


def save_run(run: RunDir, config: dict, prepared: Prepared, kge: KGEModel | None, fitted: Fitted,
             metrics: dict, evaluate_seconds: float) -> TrainResult:
    """Record the fitted model, then its metrics and results, then the training curves, in ``run``."""
    run.save_model(_checkpoint(config["model"], kge, fitted))
    loop = fitted.loop
    result = TrainResult(config["run_id"], run.path, config, metrics, loop.history,
                         triples_per_second=loop.seen / loop.seconds if loop.seconds else 0.0,
                         peak_memory_mb=peak_memory_mb(prepared.device), train_seconds=loop.seconds,
                         evaluate_seconds=evaluate_seconds, blend=fitted.blend,
                         epochs_trained=len(loop.history["loss"]),
                         stopped_early=loop.stopped_early)
    run.save_results(metrics, result.to_dict())
    if loop.history["loss"]:
        _plot(loop.history, run)
    return result


def _checkpoint(model: str, kge: KGEModel | None, fitted: Fitted) -> dict:
    """model.pt's content: the model's own final vectors and weights, and the blend's components when blended."""
    emb = fitted.embeddings
    own = emb.components[0].embeddings if isinstance(emb, Blend) else emb
    return {"model": model, "dim": int(own.entities.shape[1]),
            "state_dict": kge.state_dict() if kge is not None else {},
            "entities": own.entities, "relations": own.relations, "best_validation_mrr": fitted.loop.best_mrr,
            **({"components": emb.to_checkpoint()} if isinstance(emb, Blend) else {})}


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


def _train_loop(kge: KGEModel, sampler: ChunkedSampler, dev: torch.device, schedule: Schedule,
                validate: Callable[[Embeddings], float], desc: str | None) -> Fit:
    """The training loop: epochs of chunked batches, validation MRR every ``eval_every`` epochs; the
    model is left at its best validation state. With ``patience``, it stops after that many
    validations without a better MRR, so ``epochs`` is a cap."""
    optimizers = _optimizers(kge, schedule.lr)
    epochs, max_seconds = schedule.epochs, schedule.max_seconds
    fit = Fit()
    history = fit.history
    best_mrr, best_state, stale = -1.0, None, 0
    bar = _triples_bar(desc, epochs * len(sampler.triples))
    for epoch in range(1, epochs + 1):
        kge.train()
        start, total, batches = time.perf_counter(), 0.0, 0
        for batch in sampler:
            for opt in optimizers:
                opt.zero_grad(set_to_none=True)
            loss = _step_loss(kge, batch, dev, schedule.temperature, schedule.zeta3)
            loss.backward()
            for opt in optimizers:
                opt.step()
            total += float(loss.detach())
            batches += 1
            fit.seen += batch.num_positives
            if bar is not None:
                bar.update(batch.num_positives)
            if max_seconds is not None and fit.seconds + time.perf_counter() - start >= max_seconds:
                break
        fit.seconds += time.perf_counter() - start
        history["loss"].append(total / max(batches, 1))
        last = epoch == epochs or (max_seconds is not None and fit.seconds >= max_seconds)
        if epoch % schedule.eval_every == 0 or last:
            if bar is not None:
                bar.set_postfix(epoch=epoch, loss=f"{history['loss'][-1]:.4f}", val_mrr="scoring")
            mrr = validate(kge.embeddings())
            history["validation_mrr"].append(mrr)
            history["eval_epochs"].append(epoch)
            best_mrr, stale = (mrr, 0) if mrr > best_mrr else (best_mrr, stale + 1)
            if stale == 0:
                best_state = copy.deepcopy(kge.state_dict())
            if schedule.patience is not None and stale >= schedule.patience and not last:
                fit.stopped_early = True
                last = True
        if bar is not None:
            bar.set_postfix(epoch=epoch, loss=f"{history['loss'][-1]:.4f}", best_val_mrr=f"{best_mrr:.3f}")
        if last:
            break
    if bar is not None:
        bar.close()
    if best_state is not None:
        kge.load_state_dict(best_state)
    fit.best_mrr = best_mrr
    return fit


def _triples_bar(desc: str | None, total: int) -> Any:
    """A bar over the positive triples of all epochs (rate and ETA to the epoch cap), or None when quiet."""
    if desc is None:
        return None
    from repurpose.progress import progress as progress_bar

    return progress_bar(total=total, desc=desc, unit="triple")


def metrics_table(metrics: dict) -> str:
    """The headline metrics of each split part as a plain text table."""
    rows = []
    for part, m in metrics.items():
        for protocol, block in ranking_blocks(m):
            rows.append(f"{part:<6} {TABLE_PROTOCOLS[protocol]:<14} {block['mrr']:>7.4f} "
                        f"{block['hits_at_1']:>7.4f} {block['hits_at_3']:>7.4f} {block['hits_at_10']:>7.4f}")
        if "auroc" in m:
            rows.append(f"{part:<6} {'auroc/auprc':<14} {m['auroc']:>7.4f} {m['auprc']:>7.4f}")
    header = f"{'part':<6} {'protocol':<14} {'mrr':>7} {'hits@1':>7} {'hits@3':>7} {'hits@10':>7}"
    return "\n".join([header, "-" * len(header), *rows])
