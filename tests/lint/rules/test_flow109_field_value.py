import pytest

from tests.lint.helpers import codes, lint, machine, task


@pytest.mark.parametrize("state", [
    task(TimeoutSeconds="30"),
    task(TimeoutSeconds=0),
    task(TimeoutSeconds=10, HeartbeatSeconds=10),
    task(Credentials="arn:aws:iam::1:role/x"),
    task(Credentials=None),
    {"Type": "Wait", "Seconds": -1, "End": True},
    {"Type": "Wait", "Timestamp": "2030-01-01 00:00", "End": True},
    {"Type": "Pass", "QueryLanguage": "jsonata", "End": True},
    {"Type": "Parallel", "Branches": [[{"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}]], "End": True},
    {"Type": "Map", "ItemsPath": None, "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}},
     "End": True},
    {"Type": "Map", "ToleratedFailurePercentage": 105, "ItemProcessor": {"StartAt": "X", "States": {
        "X": {"Type": "Succeed"}}}, "End": True},
    {"Type": "Pass", "InputPath": 3, "End": True},
])
def test_bad(state):
    assert "FLOW109" in codes(lint(machine({"A": state})))


def test_bad_jsonata_number_in_jsonpath_state():
    assert "FLOW109" in codes(lint(machine({"A": task(TimeoutSeconds="{% 30 %}")})))


@pytest.mark.parametrize("state", [
    task(TimeoutSeconds=300, HeartbeatSeconds=60),
    task(TimeoutSeconds="${Timeout}"),
    task(QueryLanguage="JSONata", TimeoutSeconds="{% $states.input.t %}", Resource="arn:aws:states:::lambda:invoke"),
    {"Type": "Wait", "Timestamp": "2030-01-01T00:00:00Z", "End": True},
    {"Type": "Map", "QueryLanguage": "JSONata", "MaxConcurrency": "{% 2 %}", "ItemProcessor": {
        "StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "End": True},
    {"Type": "Pass", "InputPath": None, "OutputPath": None, "End": True},
])
def test_good(state):
    assert "FLOW109" not in codes(lint(machine({"A": state})))
