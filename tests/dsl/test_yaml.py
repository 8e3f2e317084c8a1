"""The YAML twin: same AST, same ASL, and errors with YAML line numbers."""

from __future__ import annotations

import pytest
from flowc.compiler.pipeline import analyse
from flowc.dsl.diagnostics import FlowError
from flowc.dsl.yaml_loader import parse_flow_yaml

from tests.helpers import EXAMPLES, WORKFLOWS


@pytest.mark.parametrize("name", EXAMPLES)
def test_flow_and_yaml_compile_to_byte_identical_asl(name):
    text_result = analyse([WORKFLOWS / name])
    yaml_result = analyse([WORKFLOWS / (name + ".yaml")])
    assert text_result.ok and yaml_result.ok, (text_result.diagnostics, yaml_result.diagnostics)
    assert sorted(text_result.asl) == sorted(yaml_result.asl)
    for wf in text_result.asl:
        assert text_result.asl[wf].to_json() == yaml_result.asl[wf].to_json()


def test_expressions_in_yaml_strings_use_the_flow_grammar():
    module = parse_flow_yaml(
        "workflow: W\n"
        "steps:\n"
        "  - A:\n"
        "      pass:\n"
        "      with: {p: $.x, i: \"States.Format('{}', $.y)\", j: \"{% $x %}\", lit: !lit \"$5\", n: N($.c)}\n",
        "w.flow.yaml")
    items = {i.key: i.value for i in module.workflows[0].body[0].options[0].value.items}
    assert items["p"].kind == "path" and items["i"].kind == "intrinsic" and items["j"].kind == "jsonata"
    assert items["lit"].kind == "literal" and items["lit"].value == "$5"
    assert items["n"].kind == "typed" and items["n"].type == "N"


@pytest.mark.parametrize("source, line, fragment", [
    ("workflow: W\nsteps:\n  - A: {invoke: f, with: {a: $.x[}}\n", 3, "YAML"),
    ("workflow: W\nstepz: []\n", 2, "unknown workflow key 'stepz'"),
    ("workflow: W\nsteps:\n  - A: {pass: null}\n  - A2: {pass: null, pass: null}\n", 4, "duplicate key"),
    ("workflow: W\nsteps:\n  - R:\n      choose:\n        - if: $.a === 1\n          goto: R\n", 5, "in condition"),
    ("workflow: W\nsteps:\n  - A: {invoke: f, retry: [{errors: [X], intervall: 2s}]}\n", 3, "unknown retry field"),
    ("workflow: W\nsteps:\n  - A: {frobnicate: 1}\n", 3, "needs exactly one kind"),
])
def test_yaml_errors_have_lines(source, line, fragment):
    with pytest.raises(FlowError) as info:
        parse_flow_yaml(source, "bad.flow.yaml")
    matching = [d for d in info.value.diagnostics if fragment in d.message]
    assert matching, [d.message for d in info.value.diagnostics]
    assert matching[0].code == "FLOW100"
    assert matching[0].span.line == line
