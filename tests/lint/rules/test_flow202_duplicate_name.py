from tests.lint.helpers import codes, lint, machine


def test_bad_same_name_in_branch_and_top():
    diags = lint(machine({
        "A": {"Type": "Parallel", "Branches": [{"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}], "Next": "S"},
        "S": {"Type": "Succeed"},
    }))
    assert "FLOW202" in codes(diags)


def test_good():
    assert "FLOW202" not in codes(lint(machine({"A": {"Type": "Succeed"}})))
