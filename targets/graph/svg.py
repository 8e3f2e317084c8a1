"""The workflow as an inline SVG (no JavaScript, no fonts fetched): states top to bottom in source order; a Map's
body indented inside a dashed frame; a Parallel's branches side by side, each a column of its own; `next` edges
between neighbours as short arrows, every other edge (goto, choice, catch) an arc with its label in a tooltip.
Long names wrap onto more lines within their box and the box grows: nothing is clipped. Deterministic."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

EDGE_COLORS = {"next": "#555", "choice": "#1f6feb", "default": "#1f6feb", "catch": "#b91c1c"}
KIND_FILL = {"task": "#eef4ff", "choice": "#fff7e6", "pass": "#f4f4f5", "wait": "#f4f4f5", "succeed": "#ecfdf5",
             "fail": "#fef2f2", "map": "#faf5ff", "parallel": "#faf5ff"}
GAP, LINE, PAD_Y, BOX_W, INDENT, COLUMN_GAP, LEFT, TOP = 12, 14, 8, 300, 28, 16, 16, 16
NAME_PX, DETAIL_PX, LABEL_PX = 7.2, 6.0, 5.6
LABEL_CHARS = 36  # an arc label wraps at this many characters  # average advance of a character at 12 px bold / 10 px (generous, so text fits)
NAME_CHARS = int((BOX_W - 16) / NAME_PX)  # what fits on a line of a full-width box


def _t(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _wrap(text: str, width: float, px: float) -> list[str]:
    chars = max(4, int((width - 16) / px))
    return textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=False) or [""]


class _Layout:
    def __init__(self, nodes: Sequence[Any]):
        self.nodes = list(nodes)
        ids = {n.id for n in nodes}
        self.children: dict[str | None, list[Any]] = {}
        for n in nodes:
            self.children.setdefault(n.parent if n.parent in ids else None, []).append(n)
        self.box: dict[str, tuple[float, float, float, float]] = {}  # id -> x, y, w, h
        self.text: dict[str, tuple[list[str], list[str]]] = {}
        self.frames: list[tuple[float, float, float, float]] = []
        self.columns: list[tuple[float, float, float, float, str]] = []  # x, y, w, h, label
        self.sequence: dict[str, tuple[Any, int]] = {}  # id -> (its sequence key, position)

    def branches(self, node: Any) -> list[list[Any]]:
        body = self.children.get(node.id, [])
        keys = sorted({c.branch for c in body if getattr(c, "branch", None) is not None})
        return [[c for c in body if c.branch == b] for b in keys]

    def width(self, seq: list[Any]) -> float:
        out = BOX_W
        for n in seq:
            if n.kind == "parallel" and self.branches(n):
                cols = [self.width(b) for b in self.branches(n)]
                out = max(out, INDENT + sum(cols) + COLUMN_GAP * (len(cols) - 1))
            elif n.kind == "map" and self.children.get(n.id):
                out = max(out, INDENT + self.width(self.children[n.id]))
        return out

    def place(self, seq: list[Any], x: float, y: float, width: float, key: Any) -> float:
        for position, n in enumerate(seq):
            self.sequence[n.id] = (key, position)
            kind = f"{n.kind}: {n.detail}" if n.detail else n.kind
            name, detail = _wrap(n.label, width, NAME_PX), _wrap(kind, width, DETAIL_PX)
            h = PAD_Y * 2 + LINE * (len(name) + len(detail))
            self.text[n.id] = (name, detail)
            self.box[n.id] = (x, y, width, h)
            top, y = y, y + h + GAP
            if n.kind == "parallel" and self.branches(n):
                cx, bottom = x + INDENT, y
                for b, members in enumerate(self.branches(n)):
                    w = self.width(members)
                    label_h = LINE + 4
                    end = self.place(members, cx, y + label_h, w, (n.id, b))
                    self.columns.append((cx - 4, y - 4, w + 8, end - y + 4, f"branch {b + 1}"))
                    bottom = max(bottom, end)
                    cx += w + COLUMN_GAP
                y = bottom + GAP
                self.frames.append((x - 6, top - 6, width + 12, y - top))
            elif n.kind == "map" and self.children.get(n.id):
                y = self.place(self.children[n.id], x + INDENT, y, width - INDENT, (n.id, None)) + GAP
                self.frames.append((x - 6, top - 6, width + 12, y - top))
        return y - GAP


def graph(nodes: Sequence[Any], edges: Sequence[Any], title: str) -> str:
    if not nodes:
        return ""
    lay = _Layout(nodes)
    roots = lay.children.get(None, [])
    total_w = lay.width(roots)
    bottom = lay.place(roots, LEFT, TOP, total_w, None)
    right = LEFT + total_w
    edges = [e for e in edges if e.kind != "start" and e.source in lay.box and e.target in lay.box]
    arcs = [e for e in edges if not _adjacent(e, lay)]
    labels = {id(e): textwrap.wrap(e.label, LABEL_CHARS, break_long_words=True) or [""]
              for e in arcs if getattr(e, "label", "") and e.kind in ("choice", "default", "catch")}
    label_w = max((len(line) * LABEL_PX for lines in labels.values() for line in lines), default=0.0)
    width = right + 40 + 18 * min(len(arcs), 12) + label_w
    height = bottom + TOP + 8
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="{_f(width)}" height="{_f(height)}" '
           f'viewBox="0 0 {_f(width)} {_f(height)}" role="img" aria-label="{_t(title)}">',
           f"<title>{_t(title)}</title>",
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    for x, y, w, h in lay.frames:  # frames first, so boxes draw over them
        out.append(f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" rx="8" fill="none" '
                   f'stroke="#a78bfa" stroke-dasharray="5 4"/>')
    for x, y, w, h, label in lay.columns:
        out.append(f'<g class="branch"><rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" rx="6" '
                   f'fill="none" stroke="#c4b5fd" stroke-dasharray="2 3"/><text x="{_f(x + 6)}" y="{_f(y + 12)}" '
                   f'font-size="10" fill="#6d28d9">{_t(label)}</text></g>')
    for n in nodes:
        x, top, w, h = lay.box[n.id]
        name, detail = lay.text[n.id]
        parts = [f'<g class="state {n.kind}"><rect x="{_f(x)}" y="{_f(top)}" width="{_f(w)}" height="{_f(h)}" '
                 f'rx="6" fill="{KIND_FILL.get(n.kind, "#fff")}" stroke="#444"/>']
        line_y = top + PAD_Y + 11
        for part in name:
            parts.append(f'<text x="{_f(x + 8)}" y="{_f(line_y)}" font-size="12" font-weight="600">{_t(part)}</text>')
            line_y += LINE
        for part in detail:
            parts.append(f'<text x="{_f(x + 8)}" y="{_f(line_y)}" font-size="10" fill="#555">{_t(part)}</text>')
            line_y += LINE
        out.append("".join(parts) + "</g>")
    for e in edges:
        color = EDGE_COLORS.get(e.kind, "#555")
        label = getattr(e, "label", "") or e.kind
        sx, sy, sw, sh = lay.box[e.source]
        tx, ty, tw, th = lay.box[e.target]
        if _adjacent(e, lay):
            out.append(f'<line x1="{_f(sx + 20)}" y1="{_f(sy + sh)}" x2="{_f(sx + 20)}" y2="{_f(ty - 1)}" '
                       f'stroke="{color}" marker-end="url(#arrow)"><title>{_t(label)}</title></line>')
            continue
        k = arcs.index(e) % 12
        x0, x1 = sx + sw, tx + tw
        y0, y1 = sy + sh / 2, ty + th / 2
        bulge = right + 14 + 18 * k
        dash = ' stroke-dasharray="4 3"' if e.kind == "catch" else ""
        out.append(f'<path d="M{_f(x0)},{_f(y0)} C{_f(bulge)},{_f(y0)} {_f(bulge)},{_f(y1)} {_f(x1 + 2)},{_f(y1)}" '
                   f'fill="none" stroke="{color}"{dash} marker-end="url(#arrow)">'
                   f"<title>{_t(f'{label}: {e.source} -> {e.target}')}</title></path>")
        if id(e) in labels:  # the condition or the errors, beside the arc where it bends
            ly = (y0 + y1) / 2 - (len(labels[id(e)]) - 1) * LINE / 2
            for line in labels[id(e)]:
                out.append(f'<text class="arc-label" x="{_f(bulge + 4)}" y="{_f(ly)}" '
                           f'font-size="9" fill="{color}">{_t(line)}</text>')
                ly += LINE - 3
    out.append("</svg>")
    return "\n".join(out)


def _adjacent(e: Any, lay: _Layout) -> bool:
    """A `next` to the following state of the same column: a short arrow (after a block, below its frame)."""
    if e.kind != "next" or e.source not in lay.sequence or e.target not in lay.sequence:
        return False
    (a_key, a_pos), (b_key, b_pos) = lay.sequence[e.source], lay.sequence[e.target]
    return a_key == b_key and b_pos == a_pos + 1
