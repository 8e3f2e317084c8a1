"""Billed units of a local run, following AWS's pricing rules.

Step Functions Standard bills state transitions: "Step Functions counts a state transition each time a
step of your workflow is executed", and "each retry will be charged as an additional state transition"
(AWS Step Functions pricing page, via shared/reference/aws-costs-limits.md section 1.2). So a run bills
one transition per state entered - including states inside Parallel branches and Map iterations, and
Choice, Pass, Wait, Succeed and Fail - plus one per retry attempt. ExecutionStarted/ExecutionSucceeded
and the Map/Parallel/iteration bookkeeping events are not transitions. Child executions (startExecution,
Distributed Map children) are executions of their own and add their own units.

Express bills one request per execution plus duration rounded up to 100 ms at the memory used, billed in
64 MB steps: 50 MB + the definition size + the execution data size for each Map/Parallel step (pricing
page, "Express Workflows").

Lambda bills one request per invocation and GB-seconds (configured memory x duration, 1 ms granularity).
DynamoDB on-demand bills one write unit per KB written (rounded up) and one read unit per 4 KB read
strongly consistent (half that eventually consistent, rounded up here to whole units). SNS, SQS and
EventBridge bill one request per 64 KB chunk of payload.
"""

from __future__ import annotations

import math

from flowc.targets.local import BilledUnits

CHUNK = 64 * 1024
EXPRESS_BASE_MB = 50
EXPRESS_STEP_MB = 64
EXPRESS_ROUND_MS = 100


def chunks(size: int) -> int:
    return max(1, math.ceil(size / CHUNK))


def express_memory_mb(definition_bytes: int, data_bytes: int, map_parallel_steps: int) -> int:
    mb = EXPRESS_BASE_MB + (definition_bytes + data_bytes * map_parallel_steps) / (1024 * 1024)
    return EXPRESS_STEP_MB * math.ceil(mb / EXPRESS_STEP_MB)


def express_duration_ms(duration_ms: float) -> int:
    return EXPRESS_ROUND_MS * max(1, math.ceil(duration_ms / EXPRESS_ROUND_MS))


def lambda_gb_seconds(memory_mb: int, seconds: float) -> float:
    billed_ms = max(1, math.ceil(seconds * 1000 - 1e-9))
    return round(memory_mb / 1024.0 * billed_ms / 1000.0, 9)


def dynamodb_write_units(item_bytes: int) -> int:
    return max(1, math.ceil(item_bytes / 1024))


def dynamodb_read_units(item_bytes: int, consistent: bool) -> int:
    units = max(1, math.ceil(item_bytes / 4096))
    return units if consistent else max(1, math.ceil(units / 2))


class Meter:
    """Mutable counters; `units()` freezes them into a `BilledUnits`."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: dict[str, float] = {}

    def add(self, field: str, amount: float = 1) -> None:
        self.counts[field] = self.counts.get(field, 0) + amount

    def units(self) -> BilledUnits:
        data = {}
        for key, value in self.counts.items():
            if key == "lambda_gb_seconds":
                data[key] = round(value, 9)
            else:
                data[key] = value if type(value) is int else int(value)
        return units_of(data)


_FIELDS = BilledUnits.model_fields
_DEFAULTS = {name: field.default for name, field in _FIELDS.items()}


def units_of(data: dict[str, float]) -> BilledUnits:
    """`BilledUnits(**data)` for counters the meter made (known fields, ints, a float for GB-seconds), without
    pydantic's validation pass: one per execution, a fortieth of a small one. The instance is the one
    validation would build: fields in declared order, the given ones as `model_fields_set`."""
    if not data.keys() <= _FIELDS.keys():
        return BilledUnits(**data)  # (never from a meter; validation says what is wrong)
    values = _DEFAULTS.copy()
    values.update(data)
    if "lambda_gb_seconds" in data:
        values["lambda_gb_seconds"] = float(values["lambda_gb_seconds"])
    units = BilledUnits.__new__(BilledUnits)
    object.__setattr__(units, "__dict__", values)
    object.__setattr__(units, "__pydantic_fields_set__", set(data))
    object.__setattr__(units, "__pydantic_extra__", None)
    object.__setattr__(units, "__pydantic_private__", None)
    return units
