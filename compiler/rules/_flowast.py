"""Walking `.flow` ASTs for the FLOW6xx rules (no AWS knowledge here)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from operator import attrgetter
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
    return NameSearch(node).names()


_LEAF_TYPES = frozenset({"str", "int", "float", "bool", "None", "Span"})
_LITERAL = re.compile(r"Literal\[[^\]]*\]")


def _may_hold_nodes(annotation: Any) -> bool:
    """Whether a field's annotation allows an AST node or a list (anything but str/int/.../Span/Literal)."""
    if not isinstance(annotation, str):  # (the AST module uses postponed annotations: always strings)
        return True
    parts = _LITERAL.sub("None", annotation).replace(" ", "").split("|")
    return not all(part in _LEAF_TYPES for part in parts)


def _child_getter(cls: type) -> Any:
    """A callable giving the tuple of `cls`'s fields that may hold nodes or lists ('' for a leaf class).

    The generic walk reads every field (span, kind, texts...) and throws the scalars away; reading only
    these fields visits the same nodes, since a field typed str/int/Span never holds a node or a list
    (the YAML front end validates its tree, the grammar builds only typed values).
    """
    from dataclasses import fields

    names = tuple(f.name for f in fields(cls) if _may_hold_nodes(f.type))
    if not names:
        return ""
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda node: (one(node),)
    return attrgetter(*names)


_GETTERS: dict[type, Any] = {}


class NameSearch:
    """The names a subtree refers to (as `referenced_names`), found lazily and shared by the rules.

    FLOW601 asks "is this declaration named anywhere" and FLOW603 "does a goto reach this step": each
    question walks only until the name turns up, and the walk resumes where it stopped for the next one,
    so a subtree is walked at most once per lint run, fully only when some asked name is absent.
    """

    __slots__ = ("_stack", "found", "node")

    def __init__(self, node: Any) -> None:
        self.node = node  # kept alive so memo keys by id stay unique
        self.found: set[str] = set()
        self._stack: list[Any] = [node]

    def has(self, name: str) -> bool:
        """Whether the subtree refers to `name`."""
        if name in self.found:
            return True
        if self._stack:
            self._advance(name)
        return name in self.found

    def names(self) -> set[str]:
        """Every name the subtree refers to (a full walk, once)."""
        if self._stack:
            self._advance(None)
        return self.found

    def _advance(self, stop: str | None) -> None:
        """Walk on until `stop` is found (or to the end); the same cases as `referenced_names`."""
        from flowc.dsl import ast

        name_ref, option, setting, ref_value, object_value = (ast.NameRef, ast.Option, ast.Setting, ast.RefValue,
                                                              ast.ObjectValue)
        getters = _GETTERS
        stack, found = self._stack, self.found
        pop, push, extend, add = stack.pop, stack.append, stack.extend, found.add
        while stack:
            item = pop()
            cls = item.__class__
            if cls is list:
                extend(item)
                continue
            if cls is name_ref or cls is ref_value:
                add(item.name)
                if item.name == stop:
                    return
                continue
            getter = getters.get(cls)
            if getter is None:
                if not isinstance(item, AstModel):  # a scalar or None from a field that may hold nodes
                    continue
                getter = getters[cls] = _child_getter(cls)
            if cls is option or cls is setting:
                value = item.value
                if cls is option and item.name == "uses" and isinstance(value, object_value):
                    found.update(i.key for i in value.items)
                if isinstance(value, str):
                    add(value)
                elif isinstance(value, list) and cls is option:
                    found.update(v for v in value if isinstance(v, str))
                push(value)
                if stop is not None and stop in found:
                    return
                continue
            if getter:
                extend(getter(item))


def name_search(ctx: Any, node: Any) -> NameSearch:
    """The one `NameSearch` of a subtree per lint run (FLOW601 and FLOW603 both ask about the body)."""
    memo = ctx.memo.setdefault("name_search", {})
    search = memo.get(id(node))
    if search is None:
        search = memo[id(node)] = NameSearch(node)
    return search
