from tests.lint.helpers import codes, lint, machine, of


def test_bad_unknown_fields_on_states_and_structures():
    diags = lint(machine({
        "A": {"Type": "Pass", "bugInputPath": "$.x", "Next": "B"},
        "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [
            {"Error Equals": ["E"], "ErrorEquals": ["E"], "Next": "C"}], "End": True},
        "C": {"Type": "Succeed", "Next": "A", "Assign": {"x": 1}},
    }))
    found = of(diags, "FLOW102")
    assert len(found) == 4
    assert found[0].hint == "did you mean 'InputPath'?" and found[0].span.line == 6


def test_good_known_fields():
    assert "FLOW102" not in codes(lint(machine({"A": {"Type": "Pass", "InputPath": "$.x", "Assign": {"x": 1},
                                                       "End": True}})))
