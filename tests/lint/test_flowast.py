"""The FLOW6xx AST helpers: the name collector agrees with a plain walk, and its search is made once per run."""

from __future__ import annotations

from pathlib import Path

import pytest
from flowc.compiler.engine import FlowContext
from flowc.compiler.rules._flowast import name_search, referenced_names, walk
from flowc.dsl import ast
from flowc.dsl.loader import load_program

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted([*REPO.glob("workflows/*.flow"), *REPO.glob("workflows/*.flow.yaml"),
                  *REPO.glob("tests/corpus/flow/*.flow")])


def _names_by_walking(node) -> set[str]:
    names: set[str] = set()
    for item in walk(node):
        if isinstance(item, ast.NameRef):
            names.add(item.name)
        elif isinstance(item, (ast.Option, ast.Setting)) and isinstance(item.value, str):
            names.add(item.value)
        elif isinstance(item, ast.Option) and isinstance(item.value, list):
            names.update(v for v in item.value if isinstance(v, str))
    return names


def test_the_examples_reference_names() -> None:
    modules, _ = load_program([REPO / "workflows" / "member_onboarding.flow"])
    assert {"add_to_team", "Members", "Notifications", "NotifyFailure"} <= referenced_names(
        modules[0].workflows[0].body)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_referenced_names_matches_a_plain_walk(path: Path) -> None:
    modules, _ = load_program([path])
    for module in modules:
        for wf in module.workflows:
            for part in (wf.body, wf.triggers, wf.settings, *[d.props for d in wf.resources]):
                assert referenced_names(part) == _names_by_walking(part)


def test_walk_is_pre_order_in_field_order() -> None:
    modules, _ = load_program([REPO / "workflows" / "member_onboarding.flow"])
    wf = modules[0].workflows[0]
    walked = [n.name for n in walk(wf.body) if isinstance(n, ast.Step)]
    top = [s.name for s in wf.body if isinstance(s, ast.Step)]
    assert walked[0] == top[0]
    assert [name for name in walked if name in top] == top  # nested steps come right after their parent
    assert len(walked) > len(top)


def test_the_name_search_is_made_once_per_subtree() -> None:
    modules, _ = load_program([REPO / "workflows" / "member_onboarding.flow"])
    ctx = FlowContext(modules)
    body = modules[0].workflows[0].body
    first = name_search(ctx, body)
    assert name_search(ctx, body) is first
    assert first.names() == referenced_names(body)
