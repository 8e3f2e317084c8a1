from tests.lint.helpers import codes, lint, machine


def test_bad():
    assert "FLOW105" in codes(lint(machine({"x" * 81: {"Type": "Succeed"}})))


def test_good():
    assert "FLOW105" not in codes(lint(machine({"x" * 80: {"Type": "Succeed"}})))
