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


# The positional constructors lowering uses: each must build exactly what the class's own __init__ builds.
_POSITIONAL = [
    (ir.make_state, ir.State, ("name", "kind", "span")),
    (ir.make_task, ir.TaskSpec, ("integration", "mode", "resource", "target_kind")),
    (ir.make_retry, ir.Retry, ("errors", "span", "interval", "max_attempts", "backoff_rate", "max_delay", "jitter",
                               "comment")),
    (ir.make_catch, ir.Catch, ("errors", "next", "span", "next_span", "result_path", "output", "assign", "comment")),
]


@pytest.mark.parametrize("make, cls, params", _POSITIONAL, ids=lambda x: getattr(x, "__name__", ""))
def test_positional_constructors_build_what_init_builds(make, cls, params):
    from dataclasses import fields

    values = {name: f"<{name}>" for name in params}  # a distinct value per parameter: a swap would show
    made, init = make(*values.values()), cls(**values)
    assert type(made) is cls and made == init
    for f in fields(cls):  # every slot set (an unset slot raises), to the same value
        assert getattr(made, f.name) == getattr(init, f.name), f.name
    mutable = [f.name for f in fields(cls) if isinstance(getattr(made, f.name), (list, dict))]
    other = make(*values.values())
    for name in mutable:  # a fresh container each time, as default_factory gives
        assert getattr(made, name) is not getattr(other, name), name


def test_positional_constructors_track_the_fields():
    """A field added without a default must be passed: generating the constructor says so."""
    from dataclasses import field

    @ir._node
    class Probe(ir.IRModel):
        a: str
        b: list = field(default_factory=list)
        c: int = 3

    assert ir._positional(Probe, "a")("x") == Probe(a="x")
    with pytest.raises(TypeError, match="no default"):
        ir._positional(Probe, "b")
