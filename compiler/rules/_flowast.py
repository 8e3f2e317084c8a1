"""Walking `.flow` ASTs for the FLOW6xx rules (no AWS knowledge here)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flowc.dsl.ast import AstModel, field_names


def children(node: Any) -> list[Any]:
    """Every AST node and list item directly under `node` (AST nodes and lists), in field order."""
    if isinstance(node, list):
        return node
    if not isinstance(node, AstModel):
        return []
    out: list[Any] = []
    for name in field_names(node.__class__):
        value = getattr(node, name)
        if isinstance(value, list):
            out.extend(value)
        elif isinstance(value, AstModel):
            out.append(value)
    return out


def walk(node: Any) -> Iterator[Any]:
    """Pre-order, children in field order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def referenced_names(node: Any) -> set[str]:
    """Names a subtree refers to: every NameRef, plus plain string values of options (over-approximate)."""
    from flowc.dsl import ast

    name_ref, option, setting, ref_value = ast.NameRef, ast.Option, ast.Setting, ast.RefValue
    names: set[str] = set()
    stack = [node]
    while stack:  # order does not matter here, so no `walk` generator and no reversing
        item = stack.pop()
        cls = item.__class__
        if cls is list:
            stack.extend(item)
            continue
        if cls is name_ref or cls is ref_value:  # a name in a value (`{ Bucket: Exports }`) uses it too
            names.add(item.name)
            continue
        if cls is option or cls is setting:
            value = item.value
            if cls is option and item.name == "uses" and isinstance(value, ast.ObjectValue):
                names.update(i.key for i in value.items)  # `uses Orders read`: keys are resource names
            if isinstance(value, str):
                names.add(value)
            elif isinstance(value, list) and cls is option:
                names.update(v for v in value if isinstance(v, str))
        if isinstance(item, AstModel):
            for value in item.field_values():
                if value.__class__ is list:
                    stack.extend(value)
                elif isinstance(value, AstModel):
                    stack.append(value)
    return names


def referenced_names_cached(ctx: Any, node: Any) -> set[str]:
    """`referenced_names`, computed once per subtree per lint run (FLOW601 and FLOW603 both ask)."""
    memo = ctx.memo.setdefault("referenced_names", {})
    key = id(node)
    if key not in memo:
        memo[key] = (node, referenced_names(node))  # keep the node alive so its id stays unique
    return memo[key][1]
