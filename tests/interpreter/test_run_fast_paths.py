"""The interpreter's shortcuts for speed (benchmarks/bench_run.py) build what the long way builds: each test
runs or builds one thing both ways and compares everything a caller can see."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from flowc.targets.asl.interpreter import billing
from flowc.targets.local import BilledUnits


@pytest.mark.parametrize("data", [
    {},
    {"state_transitions": 6, "lambda_invocations": 2, "lambda_gb_seconds": 0.0125, "dynamodb_writes": 1,
     "sns_publishes": 1},
    {"express_requests": 1, "express_duration_ms": 100, "express_memory_mb": 64, "lambda_gb_seconds": 3},
    {"sqs_sends": 2, "sqs_requests": 2, "executions_started": 3, "eventbridge_events": 1},
])
def test_billed_units_built_without_validation_equal_validated_ones(data: dict[str, Any]) -> None:
    fast, slow = billing.units_of(dict(data)), BilledUnits(**data)
    assert type(fast) is BilledUnits and fast == slow
    assert fast.model_fields_set == slow.model_fields_set
    assert list(fast.__dict__) == list(slow.__dict__)  # the declared order: dumps follow it
    assert fast.model_dump() == slow.model_dump() and fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_dump(exclude_unset=True) == slow.model_dump(exclude_unset=True)
    assert repr(fast) == repr(slow) and pickle.loads(pickle.dumps(fast)) == slow
    assert {k: type(v) for k, v in fast} == {k: type(v) for k, v in slow}
    assert fast.add(slow) == slow.add(slow)


def test_billed_units_of_an_unknown_counter_are_refused_as_before() -> None:
    with pytest.raises(ValueError, match="no_such_unit"):
        billing.units_of({"no_such_unit": 1})


def test_a_meter_freezes_into_billed_units() -> None:
    meter = billing.Meter()
    meter.add("state_transitions", 3)
    meter.add("lambda_gb_seconds", billing.lambda_gb_seconds(128, 0.05))
    meter.add("lambda_gb_seconds", billing.lambda_gb_seconds(128, 0.05))
    units = meter.units()
    assert units == BilledUnits(state_transitions=3, lambda_gb_seconds=0.0125)
    assert units.model_fields_set == {"state_transitions", "lambda_gb_seconds"}
