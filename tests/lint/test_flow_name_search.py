"""`NameSearch` (the lazy name walk FLOW601 and FLOW603 share) answers exactly what the full `referenced_names`
walk answers, in any order of questions, and the two rules report what their set-based versions reported."""

from __future__ import annotations

import sys
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler.engine import FlowContext, flow_rules, run_flow_rules
from flowc.compiler.rules._flowast import NameSearch, _child_getter, walk
from flowc.compiler.rules.base import Finding
from flowc.compiler.rules.flow603_dead_step import DeadStep
from flowc.dsl.ast import AstModel
from flowc.dsl.loader import load_program
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted([*REPO.glob("workflows/*.flow"), *REPO.glob("workflows/*.flow.yaml"),
                  *REPO.glob("tests/corpus/flow/*.flow"), *REPO.glob("tests/corpus/flow/*.flow.yaml")])
sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import synthetic_flow  # noqa: E402

# Planted cases on top of the examples: an unused declaration (a full walk), dead steps at top level and nested,
# one reached by a goto written before it and one by a goto written after it.
PLANTED = synthetic_flow(60).replace(
    '  table Items key id\n',
    '  table Items key id\n  function unused handler "bench.unused" code "handlers"\n  topic Alerts\n', 1).replace(
    '  Done: succeed\n',
    '  goto Late\n  Orphan: pass\n    result $.o\n  Late: pass\n    result $.l\n  Done: succeed\n'
    '  Nobody: pass\n    result $.n\n  Back: pass\n    result $.b\n    catch States.ALL goto Late\n', 1)


def referenced_names(node: Any) -> set[str]:
    """The reference: the full walk `referenced_names` was before `NameSearch` (every field of every node)."""
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



@cache
def _modules(name: str):
    if name == "planted.flow":
        return _load_text(PLANTED, name)
    modules, _ = load_program([Path(name)])
    return modules


def _load_text(text: str, name: str):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / name
        file.write_text(text, encoding="utf-8")
        modules, _ = load_program([file])
    return modules


CASES = [str(p) for p in SOURCES] + ["planted.flow"]


def _parts(modules) -> list:
    out = []
    for module in modules:
        for wf in module.workflows:
            out += [wf.body, wf.triggers, wf.settings, *[d.props for d in wf.resources]]
        out += [d.props for d in module.resources]
    return out


def test_the_planted_case_has_what_it_plants() -> None:
    codes = [d.code for d in run_flow_rules(FlowContext(_modules("planted.flow")), flow_rules())]
    assert codes.count("FLOW601") == 2 and codes.count("FLOW603") >= 2


@pytest.mark.parametrize("case", CASES, ids=lambda c: Path(c).name)
def test_full_search_finds_what_referenced_names_finds(case: str) -> None:
    for part in _parts(_modules(case)):
        assert NameSearch(part).names() == referenced_names(part)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(CASES), picks=st.lists(st.integers(min_value=0, max_value=10_000), max_size=12),
       absent=st.lists(st.sampled_from(["Nope", "unused", "Orphan", "", "work", "Late"]), max_size=3))
def test_lazy_questions_in_any_order_answer_as_the_full_set(case: str, picks: list[int], absent: list[str]) -> None:
    """Questions stop the walk part-way; later questions and the final full set must not notice."""
    for part in _parts(_modules(case)):
        full = referenced_names(part)
        pool = sorted(full) + absent + ["Nope"]
        search = NameSearch(part)
        for pick in picks:
            name = pool[pick % len(pool)]
            assert search.has(name) == (name in full), name
        assert search.names() == full


@pytest.mark.parametrize("case", CASES, ids=lambda c: Path(c).name)
def test_skipped_fields_never_hold_nodes(case: str) -> None:
    """The walk reads only fields whose annotation allows a node or list; check that on real trees."""
    for part in _parts(_modules(case)):
        for node in walk(part):
            if not isinstance(node, AstModel):
                continue
            getter = _child_getter(node.__class__)
            kept = getter(node) if getter else ()
            for f in fields(node.__class__):
                value = getattr(node, f.name)
                if isinstance(value, (list, AstModel)):
                    assert any(value is k for k in kept), (node.__class__.__name__, f.name)


class _SetTargets:
    """The old FLOW603 argument: the full set of names."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def has(self, name: str) -> bool:
        return name in self.names


def _old_findings(modules) -> list[tuple]:
    """FLOW601 and FLOW603 computed the long way (full sets of referenced names), as before NameSearch."""
    used: set[str] = set()
    for part in _parts(modules):
        used |= referenced_names(part)
    out: list[Finding] = []
    for module in modules:
        decls = list(module.resources)
        for wf in module.workflows:
            decls.extend(wf.resources)
        out += [("FLOW601", f"{d.kind} '{d.name}' is declared but never used", d.name_span)
                for d in decls if d.name not in used]
    for module in modules:
        for wf in module.workflows:
            out += [("FLOW603", f.message, f.span)
                    for f in DeadStep().block(wf.body, _SetTargets(referenced_names(wf.body)))]
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: Path(c).name)
def test_rules_report_what_the_full_sets_reported(case: str) -> None:
    modules = _modules(case)
    diags = run_flow_rules(FlowContext(modules), flow_rules(select=["FLOW601", "FLOW603"]))
    assert [(d.code, d.message, d.span) for d in diags] == _old_findings(modules)
