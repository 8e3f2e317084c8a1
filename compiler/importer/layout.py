"""Recover `.flow` block structure from an ASL graph: fall-through order, nested `choose` branches, `goto`.

`.flow` runs steps in the order written and lowers a block so that falling off its end continues with
whatever follows the block. So a chain of `Next` edges becomes consecutive steps; a Choice's rule target
that only this Choice reaches becomes a nested block (ending where the Choice's continuation is); the
Choice's Default is written right after the `choose` when nothing else claimed it. Every other edge is
an explicit `goto` (or `end`). This is correct for any graph: ownership only decides what is nested,
never where an edge leads.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flowc.compiler.importer.values import SPAN
from flowc.dsl import ast

END = "\x00end"  # falling off reaches the end of the graph
UNKNOWN = "\x00unknown"  # what follows is not known yet: every edge must be explicit


@dataclass
class Node:
    """One converted state: its step, and its edges still as names."""

    step: ast.Step
    kind: str  # task | pass | choice | wait | succeed | fail | parallel | map
    next: str | None = None
    end: bool = False
    rules: list[tuple[ast.ChoiceBranch, str]] = field(default_factory=list)  # choice: (branch, target)
    default: str | None = None
    catches: list[str] = field(default_factory=list)

    def edges(self) -> list[str]:
        out = [t for _, t in self.rules] + self.catches
        if self.next is not None:
            out.append(self.next)
        if self.default is not None:
            out.append(self.default)
        return out


def goto(target: str | None) -> ast.Goto:
    return ast.Goto(span=SPAN, target=None if target is None else ast.NameRef(span=SPAN, name=target))


class Layout:
    def __init__(self, nodes: dict[str, Node], start_at: str):
        self.nodes = nodes
        self.start_at = start_at
        self.placed: set[str] = set()
        self.preds: Counter[str] = Counter(t for n in nodes.values() for t in n.edges())

    def body(self) -> list[Any]:
        order = [self.start_at] + [n for n in self.nodes if n != self.start_at]
        out: list[Any] = []
        for name in order:
            if name in self.nodes and name not in self.placed:
                out.extend(self.block(name, UNKNOWN, top=True))
        if out and isinstance(out[-1], ast.Goto) and out[-1].target is None:
            out.pop()  # falling off the graph ends it anyway
        return _tidy(out)

    def _takes(self, target: str | None, owner: str, top: bool) -> bool:
        """Whether `target` can be written right here (after, or nested under, `owner`)."""
        return (target is not None and target in self.nodes and target not in self.placed
                and (top or self.preds[target] == 1))

    def block(self, start: str, cont: str, *, top: bool = False) -> list[Any]:
        """Statements from `start` on such that falling off their end reaches `cont`."""
        out: list[Any] = []
        name = start
        while True:
            self.placed.add(name)
            node = self.nodes[name]
            out.append(node.step)
            if node.kind == "choice":
                inline = self._takes(node.default, name, top) and node.default not in {t for _, t in node.rules}
                follow = node.default if inline else cont
                action = node.step.action
                for branch, target in node.rules:
                    if self._takes(target, name, False) and target != node.default:
                        branch.body = _tidy(self.block(target, follow))
                    else:
                        branch.body = [goto(target)]
                    action.branches.append(branch)
                if node.default is None:
                    action.no_match_error = True
                    return out
                if inline:
                    name = node.default
                    continue
                if node.default != cont:
                    action.default = [goto(node.default)]
                    action.default_span = SPAN
                return out
            if node.kind in ("succeed", "fail"):
                return out
            if node.end or node.next is None:
                if cont != END:
                    out.append(goto(None))
                return out
            if self._takes(node.next, name, top):
                name = node.next
                continue
            if node.next != cont:
                out.append(goto(node.next))
            return out


def _tidy(body: list[Any]) -> list[Any]:
    """Drop a `goto X` that the step X right after it makes redundant."""
    out: list[Any] = []
    for i, stmt in enumerate(body):
        nxt = body[i + 1] if i + 1 < len(body) else None
        if (isinstance(stmt, ast.Goto) and stmt.target is not None and isinstance(nxt, ast.Step)
                and nxt.name == stmt.target.name):
            continue
        out.append(stmt)
    return out
