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


PROCESSOR = {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}


@pytest.mark.parametrize(("state", "message"), [
    ({"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": 3,
      "End": True}, "Arguments must be an object or a JSONata expression, not an integer"),
    ({"Type": "Parallel", "QueryLanguage": "JSONata", "Arguments": ["a"], "Branches": [PROCESSOR], "End": True},
     "Arguments must be an object or a JSONata expression, not an array"),
    ({"Type": "Map", "ItemSelector": "$.item", "MaxConcurrency": 1, "ItemProcessor": PROCESSOR, "End": True},
     "ItemSelector must be an object, not a string"),
    ({"Type": "Map", "MaxConcurrency": 1, "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": "x"},
      "ItemProcessor": {**PROCESSOR, "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}},
      "End": True}, "BatchInput must be an object, not a string"),
])
def test_payload_templates_are_objects(state, message):
    assert message in [d.message for d in lint(machine({"A": state})) if d.code == "FLOW109"]


@pytest.mark.parametrize("state", [
    {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
     "Arguments": "{% $states.input %}", "End": True},
    {"Type": "Map", "QueryLanguage": "JSONata", "ItemSelector": "{% $states.context.Map.Item.Value %}",
     "MaxConcurrency": 1, "ItemProcessor": PROCESSOR, "End": True},
    {"Type": "Map", "ItemSelector": {"id.$": "$$.Map.Item.Value"}, "MaxConcurrency": 1, "ItemProcessor": PROCESSOR,
     "End": True},
])
def test_payload_templates_good(state):
    assert "FLOW109" not in codes(lint(machine({"A": state})))


# The per-state shortcut (`_needs_fields`) must never skip a state that `fields` would report on.
_KEYS = ["Type", "Next", "Comment", "End", "InputPath", "ResultPath", "OutputPath", "ItemsPath", "TimeoutSeconds",
         "Parameters", "Arguments", "ItemProcessor", "Seconds", "Resource", "Error", "QueryLanguage"]


def _bodies():
    from hypothesis import strategies as st

    values = st.one_of(st.text(max_size=5), st.none(), st.integers(-5, 200), st.booleans(),
                       st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.lists(st.integers(), max_size=2))
    return st.dictionaries(st.sampled_from(_KEYS), values, max_size=6)


def test_the_shortcut_skips_only_states_fields_would_pass():
    from flowc.compiler.rules.flow109_field_value import FieldValue, _needs_fields
    from hypothesis import given, settings

    rule = FieldValue()

    @settings(deadline=None)  # (a loaded machine took over hypothesis's 200 ms for one example: a verdict, not a speed)
    @given(_bodies())
    def check(body):
        if not _needs_fields(body):
            for ql in ("JSONPath", "JSONata"):
                assert list(rule.fields(body, "/States/A", ql)) == []

    check()
