"""The workflow as Graphviz DOT (`dot -Tsvg`, or any DOT viewer): Map bodies and Parallel branches are clusters
(the branches side by side), Choice arcs carry their condition, Catch arcs are dashed and carry their errors.
Names are quoted, so any state name is safe; long labels wrap."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

WRAP = 30
SHAPES = {"choice": "diamond", "succeed": "doublecircle", "fail": "octagon", "pass": "box", "wait": "box",
          "task": "box"}
FILL = {"task": "#eef4ff", "choice": "#fff7e6", "succeed": "#ecfdf5", "fail": "#fef2f2"}
EDGE = {"start": 'color="#a78bfa", arrowhead=none', "next": 'color="#555555"', "choice": 'color="#1f6feb"', "default": 'color="#1f6feb", style=dashed',
        "catch": 'color="#b91c1c", style=dashed'}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _label(text: str) -> str:
    return "\n".join(part for line in text.split("\n")
                     for part in textwrap.wrap(line, WRAP, break_long_words=True, break_on_hyphens=False) or [""])


def digraph(nodes: Sequence[Any], edges: Sequence[Any], name: str = "workflow") -> str:
    children: dict[str | None, list[Any]] = {}
    known = {n.id for n in nodes}
    for n in nodes:
        children.setdefault(n.parent if n.parent in known else None, []).append(n)
    lines = [f"digraph {_quote(name)} {{", '  graph [rankdir=TB, fontname="Helvetica", compound=true];',
             '  node [fontname="Helvetica", fontsize=11, style="rounded,filled", fillcolor="#ffffff"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    counter = iter(range(1_000_000))

    def emit(members: list[Any], depth: int) -> None:
        pad = "  " * depth
        for n in members:
            text = n.label + (f"\n{n.kind}: {n.detail}" if n.detail else f"\n{n.kind}")
            body = children.get(n.id, [])
            if n.kind in ("map", "parallel") and body:
                lines.append(f"{pad}subgraph cluster_{next(counter)} {{")
                lines.append(f'{pad}  label=""; style="rounded,dashed"; color="#a78bfa";')
                lines.append(f'{pad}  {_quote(n.id)} [label={_quote(_label(text))}, shape=box, fillcolor="#faf5ff"];')
                branches = sorted({c.branch for c in body if getattr(c, "branch", None) is not None})
                if n.kind == "parallel" and branches:
                    for b in branches:
                        lines.append(f"{pad}  subgraph cluster_{next(counter)} {{")
                        lines.append(f'{pad}    label="branch {b + 1}"; style=dotted;')
                        emit([c for c in body if c.branch == b], depth + 2)
                        lines.append(f"{pad}  }}")
                else:
                    emit(body, depth + 1)
                lines.append(f"{pad}}}")
                continue
            attrs = [f"label={_quote(_label(text))}", f"shape={SHAPES.get(n.kind, 'box')}"]
            if n.kind in FILL:
                attrs.append(f'fillcolor="{FILL[n.kind]}"')
            lines.append(f"{pad}{_quote(n.id)} [{', '.join(attrs)}];")

    emit(children.get(None, []), 1)
    for e in edges:
        if e.source not in known or e.target not in known:
            continue
        attrs = [EDGE.get(e.kind, "")]
        if getattr(e, "label", ""):
            attrs.append(f"label={_quote(_label(e.label))}")
        lines.append(f"  {_quote(e.source)} -> {_quote(e.target)} [{', '.join(a for a in attrs if a)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
