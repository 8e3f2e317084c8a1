import pytest

from tests.lint.helpers import codes, lint, machine


@pytest.mark.parametrize("state", [
    {"Type": "Wait", "End": True},
    {"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": True},
    {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"},
    {"Type": "Fail", "Cause": "C", "CausePath": "$.c"},
    {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 5,
     "TimeoutSecondsPath": "$.t", "End": True},
    {"Type": "Map", "ItemsPath": "$.a", "End": True},
    {"Type": "Map", "Items": [1], "ItemsPath": "$.a", "ItemProcessor": {"StartAt": "X", "States": {
        "X": {"Type": "Succeed"}}}, "End": True},
    {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [{"ErrorEquals": ["E"]}], "End": True},
])
def test_bad_missing_or_exclusive(state):
    assert "FLOW103" in codes(lint(machine({"A": state})))


def test_bad_reader_max_items_twice():
    reader = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON", "MaxItems": 1,
                                                                          "MaxItemsPath": "$.n"}}
    state = {"Type": "Map", "ItemReader": reader, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "X", "States": {"X": {"Type": "Succeed"}}},
        "End": True}
    assert "FLOW103" in codes(lint(machine({"A": state})))


def test_good():
    assert "FLOW103" not in codes(lint(machine({"A": {"Type": "Wait", "Seconds": 1, "End": True}})))


@pytest.mark.parametrize(("batcher", "clash"), [
    ({"MaxItemsPerBatch": 2, "MaxItemsPerBatchPath": "$.n"}, "MaxItemsPerBatch and MaxItemsPerBatchPath"),
    ({"MaxInputBytesPerBatch": 1024, "MaxInputBytesPerBatchPath": "$.b"},
     "MaxInputBytesPerBatch and MaxInputBytesPerBatchPath"),
])
def test_bad_batcher_static_and_path(batcher, clash):
    state = {"Type": "Map", "ItemBatcher": batcher, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "X",
        "States": {"X": {"Type": "Succeed"}}}, "End": True}
    messages = [d.message for d in lint(machine({"A": state})) if d.code == "FLOW103"]
    assert messages == [f"ItemBatcher of 'A' sets {clash}; keep one"]
