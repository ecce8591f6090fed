"""``platform embed``: sentence-transformer vectors of names and descriptions on concept nodes."""

from __future__ import annotations

import click

from repurpose.cli_support import emit, graph_options, json_option
from repurpose.config import Settings
from repurpose.devices import DEVICES
from repurpose.store import open_store
from repurpose.text_encoder import PRECISIONS


@click.command("embed")
@click.option("--model", default=None, metavar="NAME_OR_PATH",
              help="sentence-transformers model: a local folder or a cached name, loaded offline "
                   "[PLATFORM_ENCODER; default all-MiniLM-L6-v2, shipped].")
@click.option("--label", "labels", multiple=True, metavar="LABEL",
              help="Node label to embed; repeat for more [default: every Entity node].")
@click.option("--overwrite", is_flag=True, help="Re-encode every text, changed or not.")
@click.option("--batch-size", type=click.IntRange(1), default=64, show_default=True, help="Texts per encoder batch.")
@click.option("--precision", type=click.Choice(PRECISIONS), default="auto", show_default=True,
              help="Encoder matmul precision: bf16 (outputs stay fp32; cosine 0.99997 to fp32 vectors) is "
                   "about 2.5x faster on CPUs with AMX; auto picks it there and fp32 elsewhere.")
@click.option("--text-mask", type=click.Choice(("none", "partners")), default="none", show_default=True,
              help="partners: also encode each description with every name of the --target's other side "
                   "removed (descriptionMaskedEmbedding, curatedDescriptionMaskedEmbedding), for leak-controlled "
                   "training (`platform train --text-mask partners`).")
@click.option("--target", default="TREATS_CtD", show_default=True,
              help="Relationship type whose two sides the partner mask separates.")
@click.option("--device", type=click.Choice(DEVICES), default="auto", show_default=True,
              help="Where the encoder runs: auto takes a CUDA GPU when there is one.")
@graph_options
@json_option
def command(model: str | None, labels: tuple[str, ...], overwrite: bool, batch_size: int, precision: str,
            text_mask: str, target: str, device: str, settings: Settings, as_json: bool) -> None:
    """Write nameEmbedding, descriptionEmbedding and curatedDescriptionEmbedding (where the texts exist).

    Also writes embeddingModel and embeddingHash (per-text hashes), so a re-run encodes only
    texts that changed. On Neo4j, cosine vector indexes are created per label and property.

    \b
    Examples:
      platform embed
      platform embed --label Compound --label Disease --model ./models/bge-small-en-v1.5 --json
      platform embed --text-mask partners --target TREATS_CtD
      platform embed --device cuda --batch-size 256
    """
    from repurpose.devices import resolve_device
    from repurpose.enrich.embed import DEFAULT_LABELS, embed
    from repurpose.text_encoder import load_encoder

    name = model or settings.encoder
    encoder = load_encoder(name, resolve_device(device).type)
    with open_store(settings) as store:
        stats = embed(store, encoder, name, labels or DEFAULT_LABELS, batch_size=batch_size, overwrite=overwrite,
                      precision=precision, mask_target=target if text_mask == "partners" else None)
    result = stats.to_dict()
    emit(result, as_json, f"embedded {result['updated']} nodes ({result['texts']} texts, {result['texts_per_s']}/s "
                          f"encoding), {result['unchanged']} unchanged, of {result['nodes']}; dimension "
                          f"{result['dimension']}, model {name}, {result['precision']}")
