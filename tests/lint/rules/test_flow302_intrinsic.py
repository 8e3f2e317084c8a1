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


CALLS = ["States.Xyz($.a)", "States.MathAdd(1,'-1')", "States.UUID(1)", "States.Array(", "States.Format('x {}', $.a)",
         "States.ArrayGetItem($.r[?(@.k == FooBar)].v, 0)", "States.MathAdd(${Limit}, 1)", "States.Hash($.a, 'MD6')",
         "States.JsonMerge($.a, $.b, true)", "States.StringToJson(${Arn})"]


def test_cached_messages_are_the_long_way_at_every_place():
    """The messages are cached per text: each place a text stands still gets them, in document order."""
    from flowc.compiler.asldoc import AslDocument
    from flowc.compiler.engine import run_rules
    from flowc.compiler.rules.flow302_intrinsic import InvalidIntrinsic, _messages

    states = {f"S{i}": {"Type": "Pass", "Parameters": {"x.$": call, "y.$": call}, "Next": f"S{i + 1}"}
              for i, call in enumerate(CALLS + CALLS)}
    states[f"S{2 * len(CALLS)}"] = {"Type": "Succeed"}
    doc = AslDocument(machine(states, "S0"), "t.asl.json", lambda _p: None)
    found = [(d.message) for d in run_rules(doc, [InvalidIntrinsic()])]
    expected = [m for call in CALLS + CALLS for _ in "xy" for m in _messages.__wrapped__(call)]  # (uncached)
    assert found == expected
    assert len(set(found)) >= 6  # bad calls of several kinds
    assert _messages.cache_info().hits > 0  # the second place of each text came from the cache
