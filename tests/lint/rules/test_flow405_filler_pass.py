from tests.lint.helpers import codes, lint, machine


def test_bad():
    diags = lint(machine({"A": {"Type": "Pass", "Comment": "noop", "Next": "B"}, "B": {"Type": "Succeed"}}))
    assert "FLOW405" in codes(diags)


def test_good_doing_something_or_alone():
    assert "FLOW405" not in codes(lint(machine({"A": {"Type": "Pass", "Result": 1, "Next": "B"},
                                                "B": {"Type": "Succeed"}})))
    assert "FLOW405" not in codes(lint(machine({"A": {"Type": "Pass", "End": True}})))
