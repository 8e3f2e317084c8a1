import pytest

from tests.lint.helpers import codes, lint, machine

END = {"Type": "Succeed"}


def choice(*rules, ql=None):
    state = {"Type": "Choice", "Choices": list(rules), "Default": "B"}
    if ql:
        state["QueryLanguage"] = ql
    return lint(machine({"A": state, "B": END}))


@pytest.mark.parametrize("rule", [
    {"Variable": "$.a", "NumericEquals": "1", "Next": "B"},
    {"Variable": "$.a", "NumericEquals": 1, "End": True},
    {"Variable": "$.a", "Next": "B"},
    {"Variable": "$.a", "StringEquals": "x", "IsPresent": True, "Next": "B"},
    {"Variable": "$.t", "TimestampEquals": "yesterday", "Next": "B"},
    {"And": [], "Next": "B"},
    {"Not": {"Variable": "$.a", "IsNull": True, "Next": "B"}, "Next": "B"},
    {"Variable": "$.a", "NumericEquals": 1},
])
def test_bad(rule):
    assert "FLOW104" in codes(choice(rule))


def test_bad_jsonata_rule_needs_condition():
    assert "FLOW104" in codes(choice({"Next": "B"}, ql="JSONata"))


@pytest.mark.parametrize("rule", [
    {"Variable": "$.a", "NumericEquals": 1.5, "Next": "B"},
    {"Or": [{"Variable": "$.a", "IsPresent": True, "Comment": "nested"}, {"Not": {"Variable": "$.b",
                                                                                 "BooleanEquals": False}}],
     "Next": "B"},
    {"Variable": "$$.Execution.Id", "StringMatches": "arn:*", "Next": "B"},
    {"Variable": "$.t", "TimestampLessThanPath": "$.u", "Next": "B"},
])
def test_good(rule):
    assert "FLOW104" not in codes(choice(rule))


def test_good_jsonata():
    assert "FLOW104" not in codes(choice({"Condition": "{% $states.input.a > 1 %}", "Next": "B"}, ql="JSONata"))
