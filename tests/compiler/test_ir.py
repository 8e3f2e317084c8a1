"""The IR is built without per-node validation (plain dataclasses); these keep that trust honest."""

from __future__ import annotations

import pytest
from flowc.compiler import ir
from flowc.compiler.pipeline import analyse
from flowc.dsl import ast
from flowc.dsl.loader import load_program
from flowc.dsl.names import check_names
from pydantic import ValidationError

from tests.helpers import CORPUS, WORKFLOWS

SOURCES = sorted([*WORKFLOWS.glob("*.flow"), *WORKFLOWS.glob("*.flow.yaml"), *CORPUS.glob("*.flow")])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_lowering_builds_a_program_that_validates(path):
    result = analyse([path])
    assert result.program is not None and result.program.workflows
    ir.validate_program(result.program)


def test_validation_refuses_a_node_of_the_wrong_type():
    program = analyse([WORKFLOWS / "process_user.flow"]).program
    state = next(iter(next(iter(program.workflows.values())).graph.states.values()))
    state.kind = "teleport"
    with pytest.raises(ValidationError, match="kind"):
        ir.validate_program(program)


def test_nodes_copy_and_compare_by_value():
    ref = ir.ResourceRef(kind="table", name="Items", attribute="arn")
    named = ref.copy_with(attribute="name")
    assert named == ir.ResourceRef(kind="table", name="Items", attribute="name") and ref.attribute == "arn"
    assert ir.State(name="A", kind="pass", span=None).retries is not ir.State(name="B", kind="pass", span=None).retries


def test_step_names_are_checked_at_every_depth():
    """check_names follows choose branches, else blocks, parallel branches and map bodies."""
    modules, diagnostics = load_program([CORPUS / "parallel_map.flow", CORPUS / "choices.flow"])
    assert not [d for d in diagnostics if d.severity.value == "error"]
    everywhere: list[str] = []  # where each renamed step is
    for module in modules:
        stack = list(module.workflows[0].body)
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Step):
                node.name = node.name + "\x07"
                everywhere.append(str(node.name_span))
            if isinstance(node, ast.Node | ast.ObjectItem):
                stack.extend(v for v in node.field_values() if isinstance(v, ast.Node | list))
            elif isinstance(node, list):
                stack.extend(node)
    found = [d for module in modules for d in check_names(module)]
    assert len(everywhere) > 10
    assert sorted(str(d.span) for d in found) == sorted(everywhere)
    assert {d.code for d in found} == {"FLOW101"}


def test_validation_refuses_a_value_pydantic_would_have_coerced():
    """An int in a float field rendered `20` where the validated IR said `20.0`: the check must see it."""
    program = analyse([CORPUS / "integrations.flow"]).program
    auths = [t.http for wf in program.workflows.values() for t in wf.triggers if t.http and t.http.throttle]
    assert auths and all(type(a.throttle) is float for a in auths)
    ir.validate_program(program)
    auths[0].throttle = int(auths[0].throttle)
    with pytest.raises(ValueError, match="throttle"):
        ir.validate_program(program)
