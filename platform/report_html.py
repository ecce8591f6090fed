"""The HTML pieces of ``platform report``, pure text in and out: figures for people, tables, the page, charts.

Nothing here reads a file or the graph. Every table cell goes through ``number`` (measured figures:
rounded, thousands separated) or ``setting`` (configured values: exact), so no raw float reaches
a page. Charts are matplotlib SVG, inline, so a page fetches nothing.
"""

from __future__ import annotations

import html
import io
import json
from typing import Any, Callable, Collection, Mapping, Sequence

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:72rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{padding:.25rem .6rem;border-bottom:1px solid #eee;
text-align:left;font-variant-numeric:tabular-nums;vertical-align:top}th{background:#f6f6f6}.num{text-align:right}
.novel{color:#0a6}.known{color:#888}.charts{display:flex;flex-wrap:wrap;gap:1rem}.muted{color:#777}
td.best{font-weight:700;background:#e6f4ea}
"""
#: What a missing figure shows.
MISSING = "—"
#: Short names of the evidence kinds of ``evidence.of_pair`` (cypher/explain_prediction.cypher), in table order.
Formatter = Callable[[Any], str]


def number(v: float | int | None) -> str:
    """A measured figure for people: ints whole, thousands separated from 1,000, 3 decimals below 10, 2 significant
    places below 0.001, None and NaN as a dash."""
    if v is None or v != v:  # NaN
        return MISSING
    if isinstance(v, int):
        return f"{v:,}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:,.1f}"
    if v and abs(v) < 0.001:
        return f"{v:.2g}"
    return f"{v:.3f}"


def setting(v: Any) -> str:
    """A configured value as it was set (0.0001 stays 0.0001), ints thousands separated, lists as JSON; None and
    the empty string (not recorded) as a dash."""
    if v is None or v == "":
        return MISSING
    if isinstance(v, (dict, list, tuple, bool)):
        return json.dumps(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,g}"
    return str(v)


def _cell(value: Any, fmt: Formatter, marked: bool) -> str:
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    classes = " ".join(c for c, on in (("num", numeric), ("best", marked)) if on)
    attribute = f' class="{classes}"' if classes else ""
    text = fmt(value) if numeric or value is None else setting(value)
    return f"<td{attribute}>{html.escape(text)}</td>"


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, fmt: Formatter = number,
          classes: Sequence[str] | None = None, marked: Sequence[Collection[str]] | None = None) -> str:
    """An HTML table of ``rows`` under a header of ``columns``; numbers through ``fmt``, a CSS class per row
    (``classes``), and cells to highlight per row (``marked``: column names)."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes else ""
        best = marked[i] if marked else ()
        body.append(f"<tr{cls}>" + "".join(_cell(row.get(c), fmt, c in best) for c in columns) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def note(text: str) -> str:
    """A muted explanatory paragraph (``text`` is escaped)."""
    return f"<p class='muted'>{html.escape(text)}</p>"


def page(title: str, body: Sequence[str]) -> str:
    """The whole document: ``title`` as title and heading, the ``body`` parts, the inline style."""
    name = html.escape(title)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{name}</title><style>{CSS}</style></head>"
            f"<body><h1>{name}</h1>{''.join(body)}</body></html>")


def _figure() -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt.subplots(figsize=(5, 3))


def _svg(fig: Any) -> str:
    from matplotlib import pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def line_chart(series: Mapping[str, Sequence[float]], title: str, ylabel: str) -> str:
    """An SVG line chart of one or more per-epoch series (a legend names them when there are several)."""
    fig, ax = _figure()
    for label, values in series.items():
        ax.plot(range(1, len(values) + 1), values, marker="o", markersize=3, label=label)
    ax.set(title=title, xlabel="epoch", ylabel=ylabel)
    ax.grid(alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize="x-small")
    return _svg(fig)


def histogram(values: Sequence[float], title: str, xlabel: str) -> str:
    """An SVG histogram of predicted edges' values."""
    fig, ax = _figure()
    ax.hist(values, bins=40, color="#4a7ab5")
    ax.set(title=title, xlabel=xlabel, ylabel="predicted edges")
    ax.grid(alpha=0.3)
    return _svg(fig)
