"""The workflow as an inline SVG (no JavaScript, no fonts fetched): states top to bottom in source order, blocks
indented inside a dashed frame (a Parallel's branches one after the other, each labelled), `next` edges between
neighbours as short arrows, every other edge (goto, choice, catch) an arc on the right with its label in a
tooltip. Long names wrap onto more lines and the box grows: nothing is clipped. Deterministic."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

EDGE_COLORS = {"next": "#555", "choice": "#1f6feb", "default": "#1f6feb", "catch": "#b91c1c"}
KIND_FILL = {"task": "#eef4ff", "choice": "#fff7e6", "pass": "#f4f4f5", "wait": "#f4f4f5", "succeed": "#ecfdf5",
             "fail": "#fef2f2", "map": "#faf5ff", "parallel": "#faf5ff"}
GAP, LINE, PAD_Y, BOX_W, INDENT, LEFT, TOP = 12, 14, 8, 300, 28, 16, 16
NAME_CHARS, DETAIL_CHARS = 34, 44  # what fits in a box line at 12 px and 10 px


def _t(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _lines(n: Any) -> tuple[list[str], list[str]]:
    name = textwrap.wrap(n.label, NAME_CHARS, break_long_words=True, break_on_hyphens=False) or [""]
    kind = f"{n.kind}: {n.detail}" if n.detail else n.kind
    if getattr(n, "branch", None) is not None and n.parent is not None:
        kind = f"branch {n.branch + 1} · {kind}"
    detail = textwrap.wrap(kind, DETAIL_CHARS, break_long_words=True, break_on_hyphens=False) or [""]
    return name, detail


def graph(nodes: Sequence[Any], edges: Sequence[Any], title: str) -> str:
    if not nodes:
        return ""
    row = {n.id: i for i, n in enumerate(nodes)}
    x_of = {n.id: LEFT + n.depth * INDENT for n in nodes}
    text = {n.id: _lines(n) for n in nodes}
    height = {n.id: PAD_Y * 2 + LINE * (len(text[n.id][0]) + len(text[n.id][1])) for n in nodes}
    y_of: dict[str, float] = {}
    y = float(TOP)
    for n in nodes:
        y_of[n.id] = y
        y += height[n.id] + GAP
    last: dict[str, str] = {}
    parents = {n.id: n.parent for n in nodes}
    for n in nodes:  # the last node inside each block, for its frame
        parent = n.parent
        while parent is not None and parent in row:
            last[parent] = n.id
            parent = parents.get(parent)
    right = max(x_of[n.id] for n in nodes) + BOX_W
    edges = [e for e in edges if e.kind != "start"]  # the frame shows what a block holds
    arcs = [e for e in edges if e.target in row and not _adjacent(e, row, nodes)]
    width = right + 40 + 18 * min(len(arcs), 12)
    total = y + TOP
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="{width}" height="{_f(total)}" '
           f'viewBox="0 0 {width} {_f(total)}" role="img" aria-label="{_t(title)}">',
           f"<title>{_t(title)}</title>",
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    for n in nodes:  # block frames first, so boxes draw over them
        if n.id in last and n.kind in ("map", "parallel"):
            y0 = y_of[n.id] - 6
            y1 = y_of[last[n.id]] + height[last[n.id]] + 6
            x0 = x_of[n.id] - 6
            out.append(f'<rect x="{x0}" y="{_f(y0)}" width="{right - x0 + 6}" height="{_f(y1 - y0)}" rx="8" '
                       f'fill="none" stroke="#a78bfa" stroke-dasharray="5 4"/>')
    for n in nodes:
        x, top = x_of[n.id], y_of[n.id]
        name, detail = text[n.id]
        parts = [f'<g class="state {n.kind}"><rect x="{x}" y="{_f(top)}" width="{right - x}" '
                 f'height="{height[n.id]}" rx="6" fill="{KIND_FILL.get(n.kind, "#fff")}" stroke="#444"/>']
        line_y = top + PAD_Y + 11
        for part in name:
            parts.append(f'<text x="{x + 8}" y="{_f(line_y)}" font-size="12" font-weight="600">{_t(part)}</text>')
            line_y += LINE
        for part in detail:
            parts.append(f'<text x="{x + 8}" y="{_f(line_y)}" font-size="10" fill="#555">{_t(part)}</text>')
            line_y += LINE
        out.append("".join(parts) + "</g>")
    for e in edges:
        if e.target not in row:
            continue
        color = EDGE_COLORS.get(e.kind, "#555")
        label = getattr(e, "label", "") or e.kind
        if _adjacent(e, row, nodes):
            x = x_of[e.source] + 20
            y0 = y_of[e.source] + height[e.source]
            y1 = y_of[e.target]
            out.append(f'<line x1="{x}" y1="{_f(y0)}" x2="{x}" y2="{_f(y1 - 1)}" stroke="{color}" '
                       f'marker-end="url(#arrow)"><title>{_t(label)}</title></line>')
            continue
        k = arcs.index(e) % 12
        y0 = y_of[e.source] + height[e.source] / 2
        y1 = y_of[e.target] + height[e.target] / 2
        bulge = right + 14 + 18 * k
        dash = ' stroke-dasharray="4 3"' if e.kind == "catch" else ""
        out.append(f'<path d="M{right},{_f(y0)} C{bulge},{_f(y0)} {bulge},{_f(y1)} {right + 2},{_f(y1)}" '
                   f'fill="none" stroke="{color}"{dash} marker-end="url(#arrow)">'
                   f"<title>{_t(f'{label}: {e.source} -> {e.target}')}</title></path>")
    out.append("</svg>")
    return "\n".join(out)


def _adjacent(e: Any, row: dict[str, int], nodes: Sequence[Any]) -> bool:
    if e.kind != "next" or e.target not in row:
        return False
    src, dst = row[e.source], row[e.target]
    if dst <= src:
        return False
    depth = nodes[src].depth
    return all(n.depth > depth for n in nodes[src + 1:dst])
