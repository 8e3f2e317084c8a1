import pytest

from tests.lint.helpers import codes, lint, machine, of, task

FAIL = {"Type": "Fail"}


@pytest.mark.parametrize("retry", [
    [{"ErrorEquals": []}],
    [{"ErrorEquals": [True]}],
    [{"ErrorEquals": ["States.ALL", "E"]}],
    [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}],
    [{"ErrorEquals": ["E"], "BackoffRate": 0.5}],
    [{"ErrorEquals": ["E"], "BackoffRate": -2}],
    [{"ErrorEquals": ["E"], "MaxDelaySeconds": -1}],
    [{"ErrorEquals": ["E"], "JitterStrategy": "PARTIAL"}],
    [{"ErrorEquals": ["E"], "IntervalSeconds": 0}],
    {"ErrorEquals": ["E"]},
])
def test_bad_retry(retry):
    assert "FLOW110" in codes(lint(machine({"A": task(Retry=retry)})), "error")


def test_bad_catch_all_not_last():
    state = task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "F"}, {"ErrorEquals": ["E"], "Next": "F"}])
    assert "FLOW110" in codes(lint(machine({"A": state, "F": FAIL})), "error")


def test_warnings_for_unknown_states_error_and_shadowed_entry():
    state = task(Retry=[{"ErrorEquals": ["States.Timeot"], "MaxDelaySeconds": 5},
                        {"ErrorEquals": ["States.Timeot"], "MaxDelaySeconds": 5}])
    found = of(lint(machine({"A": state})), "FLOW110")
    assert [d.severity.value for d in found] == ["warning", "warning", "warning"]


@pytest.mark.parametrize("retry", [
    [{"ErrorEquals": ["E"], "BackoffRate": 1}, {"ErrorEquals": ["States.ALL"]}],
    [{"ErrorEquals": ["States.Timeout"], "MaxDelaySeconds": 5, "JitterStrategy": "FULL", "BackoffRate": 2.42}],
])
def test_good(retry):
    assert "FLOW110" not in codes(lint(machine({"A": task(Retry=retry)})))
