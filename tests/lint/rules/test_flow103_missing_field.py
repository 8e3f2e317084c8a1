import pytest
from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules import flow103_missing_field as flow103
from hypothesis import given, settings
from hypothesis import strategies as st

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


# -- the per-layout verdict (flow103_missing_field._KEYS_CLEAN) against the checks it stands for ------------


_TYPES = ["Task", "Choice", "Parallel", "Map", "Wait", "Fail", "Pass", "Succeed"]
_KEYS = sorted({k for groups in [*flow103.REQUIRED.values(), *flow103.EXCLUSIVE.values()] for g in groups for k in g}
               | {"Next", "End", "ResultPath", "Comment"})


@st.composite
def _states(draw) -> dict:
    """Up to 12 states of few types whose keys come from the required and exclusive groups: layouts recur
    (in one order and in others), so the cache is filled by one state and answers for the next."""
    out = {}
    for i in range(draw(st.integers(1, 12))):
        keys = draw(st.lists(st.sampled_from(_KEYS), max_size=5, unique=True))
        out[f"S{i}"] = {"Type": draw(st.sampled_from(_TYPES)), **{k: 1 for k in keys}}
    return out


class _Forgetful(dict):
    """A verdict table that never keeps one: every state is checked the long way."""

    def __setitem__(self, key, value) -> None:
        pass


def _findings(doc: AslDocument) -> list[tuple[str, str, bool]]:
    return [(f.message, f.pointer, f.key) for f in flow103.MissingField().check(doc)]


@settings(max_examples=200, deadline=None)
@given(st.lists(_states(), min_size=1, max_size=4))
def test_the_per_layout_verdict_reports_what_each_state_would(machines: list[dict]) -> None:
    docs = [AslDocument({"StartAt": "S0", "States": states}, "x.asl.json", lambda _p: None) for states in machines]
    kept = flow103._KEYS_CLEAN
    try:
        flow103._KEYS_CLEAN = _Forgetful()
        long_way = [_findings(doc) for doc in docs]
        flow103._KEYS_CLEAN = {}  # one table across documents, as in a language server
        assert [_findings(doc) for doc in docs] == long_way
    finally:
        flow103._KEYS_CLEAN = kept
