"""The workflow as a mermaid flowchart (GitHub renders ```mermaid blocks in markdown).

Plain text from the graph (nodes in source order, edges with their kind and label): Map and Parallel states
become subgraphs holding their bodies, each Parallel branch a subgraph of its own so the branches sit side by
side; Choice arcs carry their condition, Catch arcs are dotted and carry the errors they catch. Identifiers are positional (n0, n1, ...) so any state name is safe; labels are quoted with
mermaid's entity escapes. Deterministic: the same report gives the same text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

BLOCKS = ("map", "parallel")
WRAP = 28  # characters per label line: long names wrap instead of being clipped
SHAPES = {"choice": ('{{"', '"}}'), "succeed": ('(["', '"])'), "fail": ('(["', '"])')}


def _escape(text: str) -> str:
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("|", "#124;").replace("\n", " "))


def _wrap(text: str) -> str:
    words, lines, line = text.split(" "), [], ""
    for word in words:
        while len(word) > WRAP:  # a long identifier breaks at the width
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:WRAP])
            word = word[WRAP:]
        if line and len(line) + 1 + len(word) > WRAP:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "<br/>".join(_escape(part) for part in lines)


def flowchart(nodes: Sequence[Any], edges: Sequence[Any]) -> str:
    """`nodes`: objects with id, label, kind, detail, parent (and branch); `edges`: source, target, kind, label."""
    if not nodes:
        return ""
    ids = {n.id: f"n{i}" for i, n in enumerate(nodes)}
    children: dict[str | None, list[Any]] = {}
    for n in nodes:
        children.setdefault(n.parent if n.parent in ids else None, []).append(n)
    lines = ["flowchart TD"]

    def emit(members: list[Any], depth: int) -> None:
        pad = "  " * depth
        for n in members:
            text = n.label + (f" ({n.kind}: {n.detail})" if n.detail else f" ({n.kind})")
            body = children.get(n.id, [])
            if n.kind not in BLOCKS or not body:
                shape = SHAPES.get(n.kind, ('["', '"]'))
                lines.append(f"{pad}{ids[n.id]}{shape[0]}{_wrap(text)}{shape[1]}")
                continue
            lines.append(f'{pad}subgraph {ids[n.id]}["{_wrap(text)}"]')
            branches = sorted({c.branch for c in body if getattr(c, "branch", None) is not None})
            if n.kind == "parallel" and branches:
                lines.append(f"{pad}  direction LR")  # the branches side by side
                for b in branches:
                    lines.append(f'{pad}  subgraph {ids[n.id]}b{b}["branch {b + 1}"]')
                    lines.append(f"{pad}    direction TB")
                    emit([c for c in body if c.branch == b], depth + 2)
                    lines.append(f"{pad}  end")
            else:
                emit(body, depth + 1)
            lines.append(f"{pad}end")

    emit(children.get(None, []), 1)
    for e in edges:
        if e.source not in ids or e.target not in ids or e.kind == "start":  # containment shows the start
            continue
        label = getattr(e, "label", "") or ("otherwise" if e.kind == "default" else "")
        arrow = "-.->" if e.kind == "catch" else "-->"
        if label:
            text = _wrap(label)
            arrow = f'-. "{text}" .->' if e.kind == "catch" else f'-- "{text}" -->'
        lines.append(f"  {ids[e.source]} {arrow} {ids[e.target]}")
    return "\n".join(lines)
