"""The .flow grammar and Transformer: what parses, into what, and how errors read."""

from __future__ import annotations

import pytest
from flowc.dsl import ast
from flowc.dsl.diagnostics import FlowError, render
from flowc.dsl.parser import parse_flow
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import CORPUS, CORPUS_FILES, EXAMPLES, WORKFLOWS


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_parse(name):
    module = parse_flow((WORKFLOWS / name).read_text(), name)
    assert module.workflows


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_parses(name):
    module = parse_flow((CORPUS / name).read_text(), name)
    assert module.workflows


def first_step(src: str) -> ast.Step:
    return parse_flow(src, "t.flow").workflows[0].body[0]


def test_step_with_options_and_spans():
    step = first_step(
        "workflow W\n"
        "  function f handler \"m.f\" code \"h\"\n"
        "  Call: invoke f with { a: $.x, b: \"lit\", c: 3, d: States.Format('{}', $.y) }\n"
        "    result $.out\n"
        "    retry States.ALL interval 2s attempts 3 backoff 1.5 max_delay 1m jitter full\n"
        "    catch States.Timeout, Custom.Error into $.err goto W2\n")
    assert step.name == "Call"
    assert (step.name_span.line, step.name_span.col) == (3, 3)
    assert isinstance(step.action, ast.TaskAction) and step.action.integration == "invoke"
    assert step.action.target.name == "f"
    opts = {o.name: o for o in step.options}
    payload = opts["with"].value
    assert [i.key for i in payload.items] == ["a", "b", "c", "d"]
    assert isinstance(payload.items[0].value, ast.PathValue)
    assert payload.items[1].value.value == "lit"
    assert payload.items[3].value.text == "States.Format('{}', $.y)"
    retry = opts["retry"].value
    assert retry.interval.seconds == 2 and retry.attempts == 3 and retry.backoff == 1.5
    assert retry.max_delay.seconds == 60 and retry.jitter == "full"
    catch = opts["catch"].value
    assert [e.name for e in catch.errors] == ["States.Timeout", "Custom.Error"]
    assert catch.into.text == "$.err" and catch.target.name == "W2"


def test_keywords_are_fine_as_object_keys_and_quoted_step_names():
    step = first_step('workflow W\n  "Say hello": pass with { type: 1, input: 2, result: 3, name: "n" }\n')
    assert step.name == "Say hello"
    assert [i.key for i in step.options[0].value.items] == ["type", "input", "result", "name"]


def test_multiline_objects_and_comments():
    step = first_step(
        "workflow W  # trailing comment\n"
        "  # a comment line\n"
        "  Build: pass with {\n"
        "      a: 1,   # inside braces\n"
        "      b: [1, 2,\n"
        "          3],\n"
        "    }\n")
    assert [i.key for i in step.options[0].value.items] == ["a", "b"]


@pytest.mark.parametrize("cond, expected", [
    ('$.a == "x"', {"op": "StringEquals"}),
    ("$.a == 1", {"op": "NumericEquals"}),
    ("$.a == true", {"op": "BooleanEquals"}),
    ("$.a == null", {"op": "IsNull"}),
    ("$.a < 2.5", {"op": "NumericLessThan"}),
    ('$.a >= "m"', {"op": "StringGreaterThanEquals"}),
    ("$.a is present", {"op": "IsPresent"}),
    ('$.a matches "x*"', {"op": "StringMatches"}),
    ("$.a NumericLessThanPath $.b", {"op": "NumericLessThanPath"}),
])
def test_condition_sugar(cond, expected):
    step = first_step(f"workflow W\n  R: choose\n    if {cond} goto R\n    else raise States.NoChoiceMatched\n")
    branch = step.action.branches[0]
    assert branch.condition.op == expected["op"]
    assert step.action.no_match_error


def test_condition_precedence_not_and_or():
    step = first_step('workflow W\n  R: choose\n    if not $.a == 1 and $.b == 2 or $.c == 3 goto R\n'
                      '    else goto R\n')
    cond = step.action.branches[0].condition
    assert cond.op == "or"
    assert cond.operands[0].op == "and"
    assert isinstance(cond.operands[0].operands[0], ast.NotOp)


def test_not_equal_is_negated_equals():
    step = first_step('workflow W\n  R: choose\n    if $.a != "x" goto R\n    else goto R\n')
    cond = step.action.branches[0].condition
    assert isinstance(cond, ast.NotOp) and cond.operand.op == "StringEquals"


def test_switch_builds_typed_tests():
    step = first_step('workflow W\n  R: switch $.k\n    case "a", "b"\n      A: succeed\n    case 3 goto R\n'
                      '    default\n      D: succeed\n')
    first, second = step.action.branches
    assert first.condition.op == "or" and [c.op for c in first.condition.operands] == ["StringEquals"] * 2
    assert second.condition.op == "NumericEquals"
    assert step.action.default[0].name == "D"


def test_map_parallel_and_wait_forms():
    module = parse_flow(
        "workflow W\n"
        "  M: map distributed $.items as item, i\n"
        "    concurrency 5\n"
        "    tolerate 10%\n"
        "    do\n"
        "      X: pass\n"
        "  P: parallel\n"
        "    branch\n"
        "      A: wait 1h30m\n"
        "    branch\n"
        "      B: wait until $.at\n", "t.flow")
    m, p = module.workflows[0].body
    assert m.action.distributed and m.action.item_var.name == "item" and m.action.index_var.name == "i"
    assert {o.name for o in m.options} == {"concurrency", "tolerate_percent"}
    assert len(p.action.branches) == 2
    assert p.action.branches[0][0].action.value.seconds == 5400
    assert p.action.branches[1][0].action.until


def test_several_workflows_imports_and_file_level_resources():
    module = parse_flow('import "other.flow"\ntable Shared key id\nworkflow A\n  X: succeed\nworkflow B\n'
                        '  Y: succeed\n', "t.flow")
    assert [i.path for i in module.imports] == ["other.flow"]
    assert [r.name for r in module.resources] == ["Shared"]
    assert [w.name for w in module.workflows] == ["A", "B"]


@pytest.mark.parametrize("source, where, fragment", [
    ("workflow W\n  A: invoke\n", (2, 12), "unexpected end of line"),
    ("workflow W\n  A: invoke f\n   result $.x\n  B: succeed\n     C: pass\n", (5, 6), "unexpected 'C'"),
    ("workflow W\n  A: pass with { a: 1, a: 2 }\n", (2, 24), "duplicate key 'a'"),
    ("workflow W\n  A: pass\n B: pass\n", (3, 2), "matches no enclosing block"),
    ("workflow W\n  A: wait 5 seconds\n", (2, 13), "unexpected 'seconds'"),
    ("workflow W\n  A: pass with { a: 1\n", (2, 16), "'{' is never closed"),
    ("workflow W\n  A: pass with { a: [1, 2 }\n", (2, 27), "unexpected '}'"),
    ("workflow W\n  A: pass @\n", (2, 11), "unexpected character '@'"),
    ("workflow W\n  R: choose\n    if $.a == $.b goto R\n    else goto R\n", (3, 15), "needs a literal"),
    ("workflow W\n  R: choose\n    else goto R\n    if $.a == 1 goto R\n", (3, 5), "`else` must be the last"),
    ("workflow W\n  P: parallel\n    do\n      A: pass\n", (3, 5), "'do' is not valid in a parallel step"),
])
def test_syntax_errors_point_at_the_problem(source, where, fragment):
    with pytest.raises(FlowError) as info:
        parse_flow(source, "bad.flow")
    diag = info.value.diagnostics[0]
    assert diag.code == "FLOW100"
    assert fragment in diag.message
    assert (diag.span.line, diag.span.col) == where
    text = render(diag)
    assert text.startswith(f"bad.flow:{where[0]}:{where[1]}: error FLOW100: ")
    assert "^" in text.splitlines()[2]


VALID = (WORKFLOWS / "member_onboarding.flow").read_text()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mangled_sources_give_diagnostics_never_tracebacks(data):
    """Delete, duplicate, insert and swap random slices of a real workflow."""
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 40)))
        op = data.draw(st.sampled_from(["delete", "duplicate", "insert", "swapcase"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "insert":
            text = text[:i] + data.draw(st.text(alphabet="{}[]():,.$@%\"'\n \tabcXYZ019-_#=<>!", max_size=12)) + text[i:]
        else:
            text = text[:i] + text[i:j].swapcase() + text[j:]
    try:
        parse_flow(text, "mangled.flow")
    except FlowError as err:
        assert err.diagnostics and all(d.code.startswith("FLOW") for d in err.diagnostics)
        for d in err.diagnostics:
            render(d)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_crashes(text):
    try:
        parse_flow(text, "random.flow")
    except FlowError as err:
        assert err.diagnostics
