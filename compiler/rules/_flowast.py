"""Walking `.flow` ASTs for the FLOW6xx rules (no AWS knowledge here)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def children(node: Any) -> Iterator[Any]:
    """Every AST node and list item directly under `node` (pydantic models and lists)."""
    if isinstance(node, list):
        yield from node
        return
    fields = getattr(type(node), "model_fields", None)
    if fields is None:
        return
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            yield from value
        elif value is not None and hasattr(type(value), "model_fields"):
            yield value


def walk(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def referenced_names(node: Any) -> set[str]:
    """Names a subtree refers to: every NameRef, plus plain string values of options (over-approximate)."""
    from dsl import ast

    names: set[str] = set()
    for item in walk(node):
        if isinstance(item, ast.NameRef):
            names.add(item.name)
        elif isinstance(item, ast.Option) and isinstance(item.value, str):
            names.add(item.value)
        elif isinstance(item, ast.Option) and isinstance(item.value, list):
            names.update(v for v in item.value if isinstance(v, str))
        elif isinstance(item, ast.Setting) and isinstance(item.value, str):
            names.add(item.value)
    return names
