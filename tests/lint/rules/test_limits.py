"""Every numeric limit of ASL, checked from both sides: the value at the limit is accepted, one past it is
refused (FLOW109 for state, Map, ItemReader and ItemBatcher fields, FLOW110 for retriers).

The expected bounds are written out here, not read from `_limits.py`, so a wrong table fails these tests.
Sources: docs/lint-accuracy.md.
"""

from __future__ import annotations

import pytest

from tests.lint.helpers import codes, lint, machine, task

PROCESSOR = {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}
DISTRIBUTED = {**PROCESSOR, "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}
READER = {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b", "Key": "k.json"}}


def distributed_map(**fields) -> dict:
    return {"Type": "Map", "ItemProcessor": DISTRIBUTED, "ItemReader": READER, "End": True, **fields}


def definition(field: str, value) -> dict:
    """A definition whose only questionable value is `field: value`, in the place the field lives."""
    if field in ("TimeoutSeconds", "HeartbeatSeconds"):
        return machine({"A": task(**{field: value})})
    if field == "TopTimeoutSeconds":
        return machine({"A": {"Type": "Succeed"}}, TimeoutSeconds=value)
    if field == "Seconds":
        return machine({"A": {"Type": "Wait", "Seconds": value, "End": True}})
    if field in ("MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount"):
        return machine({"A": distributed_map(**{field: value})})
    if field == "MaxItems":
        return machine({"A": distributed_map(ItemReader={**READER, "ReaderConfig": {"InputType": "JSON",
                                                                                   "MaxItems": value}})})
    if field in ("MaxItemsPerBatch", "MaxInputBytesPerBatch"):
        return machine({"A": distributed_map(ItemBatcher={field: value})})
    retrier = {"ErrorEquals": ["States.TaskFailed"], "MaxDelaySeconds": 60, field: value}
    return machine({"A": task(Retry=[retrier])})


RETRY_FIELDS = ("IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds")

# (field, value, accepted)
CASES = [
    ("TimeoutSeconds", 1, True), ("TimeoutSeconds", 0, False),
    ("TimeoutSeconds", 99_999_999, True), ("TimeoutSeconds", 100_000_000, False), ("TimeoutSeconds", 1.5, False),
    ("TopTimeoutSeconds", 1, True), ("TopTimeoutSeconds", 0, False),
    ("TopTimeoutSeconds", 99_999_999, True), ("TopTimeoutSeconds", 100_000_000, False),
    ("HeartbeatSeconds", 1, True), ("HeartbeatSeconds", 0, False),
    ("HeartbeatSeconds", 99_999_999, True), ("HeartbeatSeconds", 100_000_000, False),
    ("Seconds", 0, True), ("Seconds", -1, False),
    ("Seconds", 99_999_999, True), ("Seconds", 100_000_000, False), ("Seconds", 2.5, False),
    ("MaxConcurrency", 0, True), ("MaxConcurrency", -1, False), ("MaxConcurrency", 10_000, True),
    ("MaxConcurrency", 1.5, False),
    ("ToleratedFailurePercentage", 0, True), ("ToleratedFailurePercentage", -0.5, False),
    ("ToleratedFailurePercentage", 100, True), ("ToleratedFailurePercentage", 100.5, False),
    ("ToleratedFailurePercentage", 12.5, True),
    ("ToleratedFailureCount", 0, True), ("ToleratedFailureCount", -1, False), ("ToleratedFailureCount", 2.5, False),
    ("MaxItems", 0, True), ("MaxItems", -1, False),
    ("MaxItems", 100_000_000, True), ("MaxItems", 100_000_001, False),
    ("MaxItemsPerBatch", 1, True), ("MaxItemsPerBatch", 0, False), ("MaxItemsPerBatch", 1.5, False),
    ("MaxInputBytesPerBatch", 1, True), ("MaxInputBytesPerBatch", 0, False),
    ("MaxInputBytesPerBatch", 262_144, True), ("MaxInputBytesPerBatch", 262_145, False),
    ("IntervalSeconds", 1, True), ("IntervalSeconds", 0, False),
    ("IntervalSeconds", 99_999_999, True), ("IntervalSeconds", 100_000_000, False), ("IntervalSeconds", 1.5, False),
    ("MaxAttempts", 0, True), ("MaxAttempts", -1, False),
    ("MaxAttempts", 99_999_999, True), ("MaxAttempts", 100_000_000, False),
    ("BackoffRate", 1.0, True), ("BackoffRate", 0.99, False), ("BackoffRate", 1, True), ("BackoffRate", 1.5, True),
    ("MaxDelaySeconds", 1, True), ("MaxDelaySeconds", 0, False),
    ("MaxDelaySeconds", 31_622_400, True), ("MaxDelaySeconds", 31_622_401, False),
]


@pytest.mark.parametrize(("field", "value", "accepted"), CASES, ids=lambda v: str(v))
def test_limit(field, value, accepted):
    code = "FLOW110" if field in RETRY_FIELDS else "FLOW109"
    errors = codes(lint(definition(field, value)), "error")
    assert (code not in errors) == accepted, errors


def test_out_of_range_message_names_the_bounds_and_the_aws_page():
    diags = [d for d in lint(definition("MaxDelaySeconds", 31_622_401)) if d.code == "FLOW110"]
    assert diags[0].message == "MaxDelaySeconds must be between 1 and 31622400, got 31622401"
    assert "concepts-error-handling.html" in (diags[0].hint or "")
    diags = [d for d in lint(definition("Seconds", 100_000_000)) if d.code == "FLOW109"]
    assert diags[0].message == "Seconds must be between 0 and 99999999, got 100000000"
    assert "state-wait.html" in (diags[0].hint or "")


def test_every_limited_field_is_exercised():
    from flowc.compiler.rules._limits import FIELD_LIMITS, RETRY_LIMITS

    fields = {f.replace("TopTimeoutSeconds", "TimeoutSeconds") for f, _, _ in CASES}
    assert fields == set(FIELD_LIMITS) | set(RETRY_LIMITS)
