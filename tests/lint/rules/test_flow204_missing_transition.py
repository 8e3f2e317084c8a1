import pytest

from tests.lint.helpers import codes, lint, machine


@pytest.mark.parametrize("states", [
    {"A": {"Type": "Pass", "Next": "B", "End": True}, "B": {"Type": "Succeed"}},
    {"A": {"Type": "Pass"}},
    {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}},
    {"A": {"Type": "Parallel", "Branches": [{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1}}}],
           "End": True}},
])
def test_bad(states):
    assert "FLOW204" in codes(lint(machine(states)))


def test_good():
    assert "FLOW204" not in codes(lint(machine({"A": {"Type": "Pass", "End": True}})))
