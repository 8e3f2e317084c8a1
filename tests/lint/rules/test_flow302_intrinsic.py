import pytest

from tests.lint.helpers import codes, lint, machine


@pytest.mark.parametrize("call", ["States.Xyz($.a)", "States.MathAdd(1,'-1')", "States.Format(\"x\", $.a)",
                                  "States.UUID(1)", "States.Array("])
def test_bad(call):
    assert "FLOW302" in codes(lint(machine({"A": {"Type": "Pass", "Parameters": {"x.$": call}, "End": True}})))


@pytest.mark.parametrize("call", ["States.MathAdd(States.ArrayLength($$.Execution.Input.m), -1)",
                                  "States.Format('Hi {}', $name)",
                                  "States.ArrayGetItem($.r[?(@.k == FooBar)].v, 0)"])
def test_good(call):
    assert "FLOW302" not in codes(lint(machine({"A": {"Type": "Pass", "Parameters": {"x.$": call},
                                                      "End": True}})))
