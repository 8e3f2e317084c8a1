from tests.lint.helpers import codes, lint, machine


def test_bad():
    big = {f"S{i}": {"Type": "Pass", "Result": "x" * 2000, "Next": f"S{i + 1}"} for i in range(600)}
    big["S600"] = {"Type": "Succeed"}
    assert "FLOW401" in codes(lint(machine(big, start="S0")))


def test_good():
    assert "FLOW401" not in codes(lint(machine({"A": {"Type": "Succeed"}})))
