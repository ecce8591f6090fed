"""``platform validate``: how well a run ranks indications it never trained on (Rephetio's protocol)."""

from __future__ import annotations

import click

from repurpose.cli_support import emit, graph_options, json_option
from repurpose.config import Settings


def _columns(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise click.BadParameter("give two column names, compound first: COMPOUND_COL,DISEASE_COL")
    return parts[0], parts[1]


@click.command("validate")
@click.option("--run", "run_id", required=True, help="Run id (see `platform runs`) or run directory.")
@click.option("--pairs", "pairs_path", required=True, type=click.Path(dir_okay=False),
              help="Tab-separated file with a header and one compound/disease pair a row; ids as in the graph "
                   "(Compound::DB00316) or bare source ids (DB00316).")
@click.option("--id-columns", default=None, metavar="COMPOUND_COL,DISEASE_COL",
              help="The two id columns [default: the columns whose values match the most compounds and diseases].")
@click.option("--top-fraction", type=click.FloatRange(0, 1, min_open=True), default=0.01, show_default=True,
              help="Share of all unseen pairs whose enrichment is reported.")
@click.option("--top-k", type=click.IntRange(min=1), default=50, show_default=True,
              help="Compounds per disease whose enrichment is reported (as write-back's --top-k).")
@graph_options
@json_option
def command(run_id: str, pairs_path: str, id_columns: str | None, top_fraction: float, top_k: int,
            settings: Settings, as_json: bool) -> None:
    """Validate a run (--run) on external compound-disease pairs it never trained on.

    Every compound x disease pair without a training edge between the two is scored; the file's
    pairs are the positives, all other unseen pairs the negatives. Reports AUROC, AUROC within
    each disease and within each compound (averaged), AUPRC, and the fold enrichment and
    hypergeometric p of the top share of pairs and of each disease's top k, for the run and,
    beside it, the degree prior of the same training edges. Saved as <run dir>/validation.json,
    which `platform report` shows. Reads only the run directory, not the graph.

    \b
    Examples:
      platform validate --run 20261203-101500-distmult-llm-1a2b --pairs drugcentral-indications.tsv
      platform validate --run RUN --pairs trials.tsv --id-columns drugbank_id,doid_id --json
    """
    from pathlib import Path

    from repurpose.trainers.external import read_pairs, validate_run
    from repurpose.trainers.runs import RunDir

    found = RunDir.find(run_id, settings.runs_dir)
    run = found.load()
    heads, tails = run.candidates()
    pair_file = read_pairs(Path(pairs_path), run.entity_ids, heads, tails, _columns(id_columns))
    result = validate_run(run, pair_file, heads, tails, top_fraction, top_k)
    found.save_validation(result)

    def human() -> None:
        f = result["pairs_file"]
        click.echo(f"run {run.run_id}: {f['pairs']} pairs of {f['path']} (columns {', '.join(f['columns'])}; "
                   f"{f['unmatched_rows']} rows unmatched), {result['file_pairs_trained_on']} trained on and left out")
        click.echo(validation_table(result))

    emit(result, as_json, human)


def validation_table(result: dict) -> str:
    """The run's and the degree prior's figures as a plain text table."""
    rows = [("AUROC", "auroc"), ("AUROC within disease", "within_disease_auroc"),
            ("AUROC within compound", "within_compound_auroc"), ("AUPRC", "auprc")]
    model, prior = result["model"], result["degree_prior"]
    lines = [f"{'':<26} {'run':>10} {'degree prior':>13}",
             f"{'unseen pairs (positives)':<26} {model['pairs']:>10,} {model['positives']:>13,}"]
    lines += [f"{label:<26} {model[key]:>10.3f} {prior[key]:>13.3f}" for label, key in rows]
    for key, label in (("top_fraction", f"top {model['top_fraction']['fraction']:.0%} of pairs"),
                       ("top_per_disease", f"top {model['top_per_disease']['k']} per disease")):
        for who, block in (("run", model[key]), ("degree prior", prior[key])):
            spread = (f"; {block['untreated_share']:.0%} to compounds that treat nothing, "
                      f"{block['distinct_compounds']} compounds") if "untreated_share" in block else ""
            lines.append(f"{label + ', ' + who:<26} {block['positives']:>5} of {block['selected']:<7,} "
                         f"fold {block['fold']:.1f}, p {block['p_value']:.2g}{spread}")
    return "\n".join(lines)
