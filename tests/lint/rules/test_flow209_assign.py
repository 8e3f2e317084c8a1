from tests.lint.helpers import codes, lint, machine, of


def test_bad_reserved_and_not_an_object():
    diags = lint(machine({"A": {"Type": "Pass", "Assign": {"states": 1}, "Next": "B"},
                          "B": {"Type": "Pass", "Assign": ["x"], "End": True}}))
    assert len(of(diags, "FLOW209")) == 2


def test_unreadable_name_warns():
    diags = lint(machine({"A": {"Type": "Pass", "Assign": {"top-level": 1}, "End": True}}))
    assert [d.severity.value for d in of(diags, "FLOW209")] == ["warning"]


def test_good():
    assert "FLOW209" not in codes(lint(machine({"A": {"Type": "Pass", "Assign": {"orderId.$": "$.id"},
                                                       "End": True}})))
