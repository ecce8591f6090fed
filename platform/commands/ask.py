"""``platform ask``: answer a plain-English question from the graph (graph-RAG or text-to-Cypher)."""

from __future__ import annotations

from typing import Any

import click

from repurpose.cli_support import emit, format_table, graph_options, json_option, warn
from repurpose.config import Settings
from repurpose.registry import LazyChoice
from repurpose.store import open_store


@click.command("ask")
@click.argument("question")
@click.option("--k", type=click.IntRange(1, 200), default=10, show_default=True,
              help="At most this many items per retriever.")
@click.option("--no-llm", is_flag=True, help="Print the structured evidence only; no model is called.")
@click.option("--mode", type=LazyChoice("repurpose.rag.pipeline:MODES"), default="graph", show_default=True,
              help="graph: link names, run fixed Cypher templates, answer from that evidence. "
                   "cypher: the model writes one read-only query from the schema.")
@click.option("--max-chars", type=click.IntRange(500, 100_000), default=6000, show_default=True,
              help="Size bound of the evidence text given to the model.")
@click.option("--by-meaning", is_flag=True,
              help="When no name matches, try the nodes whose name vectors are nearest (needs `platform embed`). "
                   "It loads the text encoder, 10-20 s a process on 2 cores, and found no name the other passes "
                   "missed among 75 benchmark phrasings; names that match nothing get close-name suggestions.")
@graph_options
@json_option
def command(question: str, k: int, no_llm: bool, mode: str, max_chars: int, by_meaning: bool, settings: Settings,
            as_json: bool) -> None:
    """Answer QUESTION from the knowledge graph, citing node ids.

    Known treatments (curated edges) and model predictions (PREDICTED_TREATS) are kept apart.
    Without a configured LLM, or with --no-llm, the structured evidence is printed instead
    (exit 0). Nothing is ever written to the graph.

    \b
    Examples:
      platform ask "Which drugs could be repurposed for Alzheimer's disease, and why?"
      platform ask "What does donepezil treat?" --no-llm
      platform ask "drugs for dementia" --no-llm --by-meaning
      platform ask "How many compounds bind ACHE?" --mode cypher --json
    \b
    LLM: PLATFORM_LLM_BASE_URL (any OpenAI-compatible server), PLATFORM_LLM_MODEL,
    PLATFORM_LLM_API_KEY or OPENAI_API_KEY.
    """
    from repurpose.rag.pipeline import ask

    with open_store(settings) as store:
        result = ask(store, question, settings, k=k, use_llm=not no_llm, mode=mode, max_chars=max_chars,
                     by_meaning=by_meaning)
    if result.llm_error and not as_json:
        warn(f"note: no model answer ({result.llm_error}); showing the evidence")
    emit(result.to_dict(), as_json, lambda: _show(result.to_dict()))


def _show(out: dict[str, Any]) -> None:
    """The result for people: what was linked, then the answer or the evidence."""
    if out["status"] == "no_match":
        names = "; ".join(f"{s['name']} [{s['id']}]" for s in out["suggestions"]) or "none close"
        click.echo(f"The question names nothing found in the graph. Close names: {names}.")
        return
    if out["status"] == "ambiguous":
        for mention in out["ambiguous"]:
            click.echo(f"{mention['text']!r} is ambiguous; name one of these (or give its id):")
            for c in mention["candidates"]:
                click.echo(f"  {c['name']} [{c['id']}] ({c['kind']})")
        return
    if out["linked"]:
        click.echo("Linked: " + "; ".join(f"{c['name']} [{c['id']}] ({c['method']})" for c in out["linked"]))
    if "rows" in out:
        click.echo(f"Cypher: {out['metadata']['cypher']}")
        click.echo(format_table(out["rows"], out["columns"]))
    if out["answer"]:
        click.echo("")
        click.echo(out["answer"])
        return
    for key, items in out["evidence"].items():
        click.echo(f"\n{key}:" + ("" if items else " (none)"))
        for item in items:
            click.echo(f"  - {item['text']}")
