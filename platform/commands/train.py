"""``platform train``: export the graph (cached), train a KGE model with optional LLaDR text, evaluate."""

from __future__ import annotations

import time

import click

from repurpose.cli_support import emit, graph_options, json_option, warn
from repurpose.config import Settings
from repurpose.devices import DEVICES
from repurpose.registry import LazyChoice

TEXT_MASKS = ("none", "partners")
SPLITS = ("random", "disease-holdout")


@click.command("train")
@click.option("--preset", type=LazyChoice("repurpose.trainers.presets:PRESETS"), default="cpu", show_default=True,
              help="Defaults for every setting below not given: 'cpu' is the measured best within minutes on "
                   "2 cores (TransE, dim 200, lr 0.01, 64 negatives, batch 1024, treats x20, at most 20 epochs, "
                   "early stop after 3 validations without gain); 'paper' is the LLaDR paper's GPU setting "
                   "(RotatE, dim 400, lr 1e-4, 128 negatives, batch 512, 50 epochs, no early stop), hours on a CPU.")
@click.option("--model", type=LazyChoice("repurpose.trainers.baselines:MODELS"), default=None,
              help="[default: the preset's] Score function, or a trivial peer to compare with (no training): "
                   "degree (pairs ranked by how many treatments both sides already have) or text-cosine "
                   "(cosine of the two text vectors, no graph; needs --text).")
@click.option("--text", type=LazyChoice("repurpose.trainers.representations:TEXT_MODES"), default="none",
              show_default=True,
              help="LLaDR text guidance: LLM descriptions, curated (DrugBank/DO/Entrez) ones, or none.")
@click.option("--text-mask", type=click.Choice(TEXT_MASKS), default="none", show_default=True,
              help="Leak control: 'partners' removes every name of the target's other side from each "
                   "description before encoding (disease names from compound text and back; names only, "
                   "never the split). Runs `platform embed --text-mask partners` first when needed.")
@click.option("--text-kinds", default=None, metavar="LABELS",
              help="Comma-separated node labels that get the text mix (e.g. Compound,Disease); the others "
                   "train a plain embedding. Text on every node costs time: on Hetionet, names on all 47k "
                   "nodes halved TransE's speed.  [default: every node with vectors]")
@click.option("--blend", default=None, metavar="PEERS",
              help="Blend the trained model with trivial peers (comma-separated: degree, text-cosine): a "
                   "weighted sum of standardized scores, weights chosen on the validation split. On Hetionet it "
                   "lifted unseen-indication AUROC (see README, Benchmarks).")
@click.option("--encoder", type=LazyChoice("repurpose.trainers.gnn:ENCODERS"), default="none",
              show_default=True,
              help="Optional R-GCN encoder over the training graph under the score function (every batch "
                   "runs the whole graph: large batches, see --batch-size).")
@click.option("--target", default="TREATS_CtD", show_default=True, help="Relationship type to split and evaluate.")
@click.option("--known-relations", default=None, metavar="TYPES",
              help="Comma-separated relationship types whose pairs are known treatments besides --target: "
                   "never written back as novel, and their edges between held-out pairs leave training.  "
                   "[default: the types the loaders declare as treatments that the graph has: Hetionet "
                   "TREATS_CtD; DRKG's DrugBank treats, GNBR T and Hetionet CtD; PrimeKG INDICATION]")
@click.option("--split", "split_kind", type=click.Choice(SPLITS), default="random", show_default=True,
              help="random 80/10/10 of the target, or every target edge of 10% of diseases held out.")
@click.option("--dim", type=click.IntRange(min=2), default=None, help="Entity width (reals).  [default: the preset's]")
@click.option("--epochs", type=click.IntRange(min=1), default=None,
              help="At most this many epochs (early stopping may end sooner).  [default: the preset's]")
@click.option("--patience", type=click.IntRange(min=0), default=None,
              help="Stop after this many validations (one an epoch) without a better validation MRR; 0 never "
                   "stops early. The best validation checkpoint is kept either way.  [default: the preset's]")
@click.option("--negatives", type=click.IntRange(min=1), default=None,
              help="Negatives shared by each chunk of positives.  [default: the preset's]")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Positive triples a batch.  [default: the preset's; 32768 with --encoder rgcn]")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Learning rate.  [default: the preset's]")
@click.option("--target-weight", type=click.IntRange(min=1), default=None,
              help="Repeat the target's training edges this many times an epoch (1: no focus). The target "
                   "is a sliver of the graph; on Hetionet 20 lifted DistMult's tail MRR from 0.45 to 0.61.  "
                   "[default: the preset's]")
@click.option("--rho", type=click.FloatRange(0, 1), default=0.6, show_default=True,
              help="LLaDR mix: e = rho * E + (1 - rho) * P(text).")
@click.option("--max-minutes", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Stop the training loop after this long (evaluation still runs).")
@click.option("--device", type=click.Choice(DEVICES), default="auto", show_default=True,
              help="Where training runs: auto takes a CUDA GPU when there is one.")
@click.option("--seed", type=int, default=0, show_default=True)
@graph_options
@json_option
def command(preset: str, model: str | None, text: str, text_mask: str, text_kinds: str | None, blend: str | None,
            encoder: str, target: str, known_relations: str | None, split_kind: str, dim: int | None,
            epochs: int | None, patience: int | None, negatives: int | None, batch_size: int | None, lr: float | None,
            target_weight: int | None, rho: float, max_minutes: float | None, device: str, seed: int,
            settings: Settings, as_json: bool) -> None:
    """Train a knowledge-graph embedding on the graph and evaluate it on held-out treatments.

    Exports the graph once (cached under <data-dir>/exports by a fingerprint of the graph),
    trains, and writes <data-dir>/runs/<run_id>/ with config, split, checkpoint, metrics and
    loss / validation-MRR plots. Metrics: filtered MRR and Hits@k over all diseases (tail) and
    all compounds (head), AUROC/AUPRC against sampled non-edges, and the LLaDR paper's
    50-candidate protocol for comparison only.

    Compare every model with the trivial peers on the same split and seed (--model degree,
    --model text-cosine), and text runs with --text-mask partners, so descriptions cannot name
    the answer; `platform validate` then checks a run on indications it never saw.

    Settings not given come from --preset: 'cpu' (default) gives a result worth having in minutes
    on 2 cores; 'paper' reproduces the LLaDR paper's setting and wants a GPU.

    \b
    Examples:
      platform train --text llm                     # the cpu preset: minutes on 2 cores
      platform train --text llm --preset paper --device cuda
      platform train --model rotate --text llm --epochs 20 --lr 0.001
      platform train --model distmult --text curated --split disease-holdout --seed 1 --json
      platform train --model transe --text llm --text-mask partners --text-kinds Compound,Disease
      platform train --model degree
      platform train --model text-cosine --text llm --text-mask partners
      platform train --model distmult --text llm --text-mask partners --blend degree,text-cosine
    """
    from repurpose.devices import resolve_device
    from repurpose.enrich.embed import graph_encoder
    from repurpose.store import open_store
    from repurpose.trainers.baselines import BASELINES
    from repurpose.trainers.export import cached_export
    from repurpose.trainers.gnn import ENCODERS
    from repurpose.trainers.presets import PRESETS
    from repurpose.trainers.train import metrics_table, train

    chosen = PRESETS[preset].fill({"model": model, "dim": dim, "epochs": epochs, "patience": patience,
                                   "negatives": negatives, "lr": lr, "target_weight": target_weight,
                                   "batch_size": batch_size or (ENCODERS[encoder].batch_size if encoder != "none"
                                                                else None)})
    chosen["patience"] = chosen["patience"] or None  # 0: never stop early
    if text_mask != "none" and text == "none":
        raise click.UsageError("--text-mask needs a text mode: add --text llm or --text curated")
    resolve_device(device)  # refuse a missing GPU before the export, not after it
    if chosen["model"] in BASELINES:
        warn(f"exporting the graph (cached by its fingerprint); then scoring with the {chosen['model']} baseline")
    else:
        warn(f"exporting the graph (cached by its fingerprint); then training {chosen['model']} "
             f"(preset {preset}: dim {chosen['dim']}, lr {chosen['lr']:g}, at most {chosen['epochs']} epochs)")
    with open_store(settings) as store:
        if text_mask != "none":
            masked_embed(store, target)
        started = time.perf_counter()
        data, from_cache = cached_export(store, settings.exports_dir, text, text_mask)
        export_seconds = time.perf_counter() - started
        text_encoder = graph_encoder(store) if text != "none" else None
    warn(f"graph export {data.fingerprint}: {data.num_entities} entities, {len(data.triples)} edges"
         f"{' (cached)' if from_cache else ''}")
    if target not in data.relation_types:
        raise click.UsageError(f"--target {target!r} is not a relationship type of the graph; "
                               f"found: {', '.join(data.relation_types) or 'none'}")
    if known_relations is None:
        from repurpose.loaders import treatment_types

        known = sorted(treatment_types() & set(data.relation_types))
    else:
        known = [k.strip() for k in known_relations.split(",") if k.strip()]
        unknown = sorted(set(known) - set(data.relation_types))
        if unknown:
            raise click.UsageError(f"--known-relations: {', '.join(unknown)} not relationship types of the graph")
    kinds = [k.strip() for k in text_kinds.split(",") if k.strip()] if text_kinds else None
    if kinds and text == "none":
        warn("--text-kinds has no effect with --text none")
    peers = [p.strip() for p in blend.split(",") if p.strip()] if blend else None
    result = train(data, **chosen, text=text, text_mask=text_mask, blend=peers, encoder=encoder,
                   target=target, split=split_kind, rho=rho, device=device, text_kinds=kinds, seed=seed,
                   known_relations=known, extra_config={"text_encoder": text_encoder}, runs_root=settings.runs_dir,
                   progress=True, max_seconds=max_minutes * 60 if max_minutes else None)
    out = {"run_id": result.run_id, "run_dir": str(result.run_dir), "triples_per_second": result.triples_per_second,
           "peak_memory_mb": result.peak_memory_mb, "train_seconds": result.train_seconds,
           "export_seconds": export_seconds, "evaluate_seconds": result.evaluate_seconds,
           "epochs_trained": result.epochs_trained, "stopped_early": result.stopped_early,
           "export_cached": from_cache, "fingerprint": data.fingerprint, "metrics": result.metrics,
           "blend": result.blend.get("weights")}

    def human() -> None:
        stop = " (early stop: validation MRR stopped improving)" if result.stopped_early else ""
        click.echo(f"run {result.run_id}  ({result.epochs_trained} epochs{stop}, {result.triples_per_second:,.0f} "
                   f"triples/s, peak {result.peak_memory_mb:,.0f} MiB; export {export_seconds:.1f} s, "
                   f"evaluation {result.evaluate_seconds:.1f} s)\n{result.run_dir}")
        if result.blend:
            weights = ", ".join(f"{k} {v:g}" for k, v in result.blend["weights"].items())
            click.echo(f"blend weights (chosen on validation MRR): {weights}")
        click.echo(metrics_table(result.metrics))

    emit(out, as_json, human)


def masked_embed(store, target: str) -> None:  # noqa: ANN001
    """Encode the partner-masked descriptions with the encoder that made the graph's vectors
    (incremental: unchanged texts are skipped)."""
    from repurpose.enrich.embed import embed, graph_encoder
    from repurpose.text_encoder import load_encoder

    name = graph_encoder(store)
    if name is None:
        raise click.UsageError("--text-mask needs text vectors in the graph; run `platform embed` first")
    stats = embed(store, load_encoder(name), name, mask_target=target)
    warn(f"partner-masked descriptions: {stats.updated} nodes encoded, {stats.unchanged} unchanged ({name})")
