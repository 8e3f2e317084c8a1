from tests.lint.helpers import codes, lint, machine

RULE = {"Variable": "$.a", "IsPresent": True, "Next": "B"}


def test_bad():
    assert "FLOW503" in codes(lint(machine({"A": {"Type": "Choice", "Choices": [RULE]}, "B": {"Type": "Succeed"}})))


def test_good():
    diags = lint(machine({"A": {"Type": "Choice", "Choices": [RULE], "Default": "B"}, "B": {"Type": "Succeed"}}))
    assert "FLOW503" not in codes(diags)
