"""``platform enrich``: LLM-written descriptions on concept nodes, or descriptions from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import click

from repurpose.cli_support import emit, graph_options, json_option, warn
from repurpose.config import Settings
from repurpose.enrich.prompts import CONTEXTS, prompt_names
from repurpose.store import open_store


def _summary(result: dict) -> str:
    keys = ("entities", "done", "cached", "skipped", "failed", "unknown", "requests", "retried", "tokens")
    parts = [f"{k} {result[k]}" for k in keys if k in result and (result[k] or k in ("done", "failed"))]
    rate = f" ({result['rate']}/s)" if result.get("rate") else ""
    return f"{result['mode']}: " + ", ".join(parts) + f" in {result['seconds']}s{rate}"


def _warn_details(result: dict) -> None:
    for reason, count in result.get("failures", {}).items():
        warn(f"  failed {count}x: {reason}")
    if result.get("failed_ids"):
        warn(f"  first failed: {', '.join(result['failed_ids'])} (re-run to retry them)")
    if result.get("unknown"):
        warn(f"  {result['unknown']} ids not in the graph, first: {', '.join(result['unknown_ids'])}")


@click.command("enrich")
@click.option("--label", "labels", multiple=True, metavar="LABEL",
              help="Node label to describe; repeat for more [default: Compound and Disease].")
@click.option("--prompt", type=click.Choice(prompt_names()), default="concise", show_default=True,
              help="LLaDR prompt template (platform/prompts/*.txt); mechanism asks for targets, pathways "
                   "and physiology and names no treatment or indication (leak control).")
@click.option("--context", type=click.Choice(CONTEXTS), default="none", show_default=True,
              help="'neighbors' adds a few graph facts (targets, classes...) to each prompt.")
@click.option("--model", default=None, help="Chat model name [PLATFORM_LLM_MODEL; default gpt-4o-mini].")
@click.option("--base-url", default=None, metavar="URL",
              help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 [PLATFORM_LLM_BASE_URL; "
                   "default OpenAI]. Key: PLATFORM_LLM_API_KEY or OPENAI_API_KEY.")
@click.option("--concurrency", type=click.IntRange(1, 512), default=8, show_default=True,
              help="Requests in flight at once.")
@click.option("--limit", type=click.IntRange(0), default=None, help="Describe at most this many entities.")
@click.option("--overwrite", is_flag=True, help="Replace descriptions that exist (from another prompt, model or file).")
@click.option("--timeout", type=click.FloatRange(0.1), default=60.0, show_default=True, help="Seconds per request.")
@click.option("--max-retries", type=click.IntRange(0), default=4, show_default=True,
              help="Retries per entity on 429, 5xx, timeouts and bad answers.")
@click.option("--backoff", type=click.FloatRange(0), default=0.5, show_default=True,
              help="First retry delay in seconds; doubles each retry, with jitter (a 429's Retry-After wins).")
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Answer cache (SQLite) [default: <data-dir>/enrich-cache.sqlite].")
@click.option("--from-file", "from_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help='Import {"id","name","description"} JSON lines (.jsonl or .jsonl.gz) instead of asking an LLM.')
@click.option("--as", "target", type=click.Choice(["description", "curated"]), default="description",
              show_default=True, help="With --from-file: write `description`, or `curatedDescription` "
                                      "for curated (non-LLM) text.")
@graph_options
@json_option
def command(labels: tuple[str, ...], prompt: str, context: str, model: str | None, base_url: str | None,
            concurrency: int, limit: int | None, overwrite: bool, timeout: float, max_retries: int,
            backoff: float, cache_path: Path | None, from_file: Path | None, target: str, settings: Settings,
            as_json: bool) -> None:
    """Write LLM descriptions (description, descriptionModel, descriptionPrompt, descriptionAt) on nodes.

    Answers are cached in <data-dir>/enrich-cache.sqlite by entity, prompt and model: a re-run,
    or a run after Ctrl-C, only asks for what is missing. Nodes that already have a description
    are kept unless --overwrite.

    \b
    Examples:
      export OPENAI_API_KEY=...            # or PLATFORM_LLM_BASE_URL=http://localhost:11434/v1 (Ollama)
      platform enrich --label Compound --label Disease --prompt concise --concurrency 16
      platform enrich --model llama3.1 --base-url http://localhost:11434/v1 --context neighbors --limit 20
      platform enrich --from-file data/descriptions/compounds-llm.jsonl.gz
      platform enrich --from-file drugbank.jsonl --as curated
    """
    settings = settings.replace(llm_model=model, llm_base_url=base_url)
    if from_file is not None:
        result, check = _import(from_file, target, overwrite, settings)
    elif target != "description":
        raise click.UsageError("--as curated only applies to --from-file (curated text is not LLM-written)")
    else:
        options = dict(labels=labels, prompt=prompt, context=context, concurrency=concurrency, limit=limit,
                       overwrite=overwrite)
        result, check = _ask(settings, options, timeout, max_retries, backoff, cache_path)
    emit(result, as_json, lambda: (click.echo(_summary(result)), _warn_details(result)))
    check()


def _ask(settings: Settings, options: dict, timeout: float, max_retries: int, backoff: float,
         cache_path: Path | None) -> tuple[dict, Callable[[], None]]:
    """Ask the LLM; the result and the check that fails the command when nothing could be done."""
    from repurpose.enrich.cache import CACHE_FILE, AnswerCache
    from repurpose.enrich.llm import ChatLLM, RetryPolicy
    from repurpose.enrich.runner import DEFAULT_LABELS, EnrichOptions, check_progress, enrich

    llm = ChatLLM(settings, timeout=timeout)
    run = EnrichOptions(**{**options, "labels": options["labels"] or DEFAULT_LABELS},
                        retry=RetryPolicy(max_retries=max_retries, base=backoff))
    with open_store(settings) as store, AnswerCache(cache_path or settings.data_dir / CACHE_FILE) as cache:
        stats = enrich(store, llm, cache, run)
    result = {"mode": "enrich", "model": settings.llm_model, "prompt": run.prompt, "context": run.context,
              **stats.to_dict()}
    return result, lambda: check_progress(stats)


def _import(path: Path, target: str, overwrite: bool, settings: Settings) -> tuple[dict, Callable[[], None]]:
    """Import a descriptions file; the result and its check."""
    from repurpose.enrich.importer import check_import, import_file

    with open_store(settings) as store:
        stats = import_file(store, path, target=target, overwrite=overwrite)
    result = {"mode": f"import ({target})", "file": str(path), **stats.to_dict()}
    return result, lambda: check_import(stats, path)
