"""A pair's evidence as a small SVG graph: the compound left, the disease right, example nodes between.

Each kind of evidence (repurpose.evidence, cypher/explain_prediction.cypher) is a group of middle
nodes under a heading, its edges in the kind's colour (explorer.css) and named by the two hops of
its path. Every text from the graph is escaped; long names are cut, with the whole name as a tooltip.
"""

from __future__ import annotations

import html

from repurpose.evidence import NO_PATH, Evidence

WIDTH = 820
MARGIN = 10
BOX_W = 170  # the compound's and the disease's box
MID_W = 200  # an example node
MID_X = (WIDTH - MID_W) // 2
ROW = 26  # one example node
HEAD = 20  # a kind's heading above its nodes
GAP = 8  # between two kinds
BOX_H = 34
CHARS = 28  # longest text kept whole in a box
#: Each kind: its CSS class, then the two hops of its path (compound -> example, example -> disease).
KINDS = {"shared gene": ("gene", "binds", "associated with"),
         "pharmacologic class shared with a treatment": ("class", "in a class with", "treats"),
         "similar compound that treats it": ("similar", "resembles", "treats"),
         "external indication": ("indication", "indicated in", "for")}
UNKNOWN_KIND = ("other", "", "")


def _text(x: float, y: float, text: str, cls: str) -> str:
    shown = text if len(text) <= CHARS else text[:CHARS - 1] + "…"
    tip = f"<title>{html.escape(text)}</title>" if shown != text else ""
    return f'<text x="{x:.0f}" y="{y:.0f}" class="{cls}">{tip}{html.escape(shown)}</text>'


def _box(x: float, y: float, width: float, height: float, text: str, cls: str) -> str:
    return (f'<rect x="{x:.0f}" y="{y:.0f}" width="{width:.0f}" height="{height:.0f}" rx="6" class="{cls}"/>'
            + _text(x + width / 2, y + height / 2 + 4, text, "ev-label"))


def _edge(x1: float, y1: float, x2: float, y2: float, cls: str, label: str) -> str:
    line = f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" class="ev-edge {cls}"/>'
    return line + (_text((x1 + x2) / 2, (y1 + y2) / 2 - 4, label, "ev-verb") if label else "")


def svg(compound: str, disease: str, found: list[Evidence]) -> str:
    """The drawing of ``found`` (the evidence of ``compound`` treating ``disease``, by name)."""
    groups = [e for e in found if e.count and e.examples]
    height = sum(HEAD + ROW * len(e.examples) + GAP for e in groups) + 2 * MARGIN
    height = max(height, BOX_H + 2 * MARGIN + HEAD)
    middle = height / 2
    left_x, right_x = MARGIN + BOX_W, WIDTH - MARGIN - BOX_W
    parts = [_box(MARGIN, middle - BOX_H / 2, BOX_W, BOX_H, compound, "ev-compound"),
             _box(right_x, middle - BOX_H / 2, BOX_W, BOX_H, disease, "ev-disease")]
    if not groups:
        parts.append(_edge(left_x, middle, right_x, middle, "ev-none", NO_PATH))
    y = MARGIN
    for e in groups:
        cls, left_verb, right_verb = KINDS.get(e.kind, UNKNOWN_KIND)
        parts.append(_text(MID_X + MID_W / 2, y + HEAD - 6, f"{e.kind} ×{e.count}", f"ev-head ev-{cls}"))
        y += HEAD
        for i, example in enumerate(e.examples):
            centre = y + ROW / 2
            parts.append(_edge(left_x, middle, MID_X, centre, f"ev-{cls}", left_verb if i == 0 else ""))
            parts.append(_edge(MID_X + MID_W, centre, right_x, middle, f"ev-{cls}", right_verb if i == 0 else ""))
            parts.append(_box(MID_X, y + 3, MID_W, ROW - 6, example, f"ev-node ev-{cls}"))
            y += ROW
        y += GAP
    return (f'<svg class="ev-drawing" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
            f'role="img" aria-label="{html.escape(f"graph evidence for {compound} treating {disease}")}">'
            + "".join(parts) + "</svg>")
