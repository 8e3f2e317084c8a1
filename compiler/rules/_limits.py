"""Numeric limits of every integer/number field of ASL, each with the AWS page that states it.

One table, read by FLOW109 (state, Map, ItemReader and ItemBatcher fields) and FLOW110
(retriers), so a limit is written once. docs/lint-accuracy.md lists the same rows with the
quoted sentence; tests/lint/rules/test_limits.py checks every bound from both sides.
Plain data (no pydantic): rules run on the lint hot path.
"""

from __future__ import annotations

from typing import NamedTuple

DG = "https://docs.aws.amazon.com/step-functions/latest/dg/"
API = "https://docs.aws.amazon.com/step-functions/latest/apireference/"


class Limit(NamedTuple):
    low: float
    high: float | None  # None: no upper bound documented
    integer: bool  # True: a JSON integer; False: any JSON number
    source: str  # the AWS page that states the bound


MAX_SECONDS = 99_999_999  # the largest Seconds/TimeoutSeconds/IntervalSeconds/MaxAttempts AWS accepts

# Fields of a state (or of the top level), a Map's ItemReader.ReaderConfig and ItemBatcher.
FIELD_LIMITS: dict[str, Limit] = {
    # Task: "Must be a positive, non-zero integer. If not provided, the default value is 99999999." (also the
    # top-level TimeoutSeconds)
    "TimeoutSeconds": Limit(1, MAX_SECONDS, True, DG + "state-task.html"),
    # Task: "Must be a positive, non-zero integer less than the number of seconds specified in the
    # TimeoutSeconds field." (the "less than" part is FieldValue.task)
    "HeartbeatSeconds": Limit(1, MAX_SECONDS, True, DG + "state-task.html"),
    # Wait: "You must specify time as an integer value from 0 to 99999999."
    "Seconds": Limit(0, MAX_SECONDS, True, DG + "state-wait.html"),
    # Map: 0 means no limit; UpdateMapRun: maxConcurrency "Valid Range: Minimum value of 0".
    "MaxConcurrency": Limit(0, None, True, API + "API_UpdateMapRun.html"),
    # UpdateMapRun: toleratedFailurePercentage "Valid Range: Minimum value of 0. Maximum value of 100."
    "ToleratedFailurePercentage": Limit(0, 100, False, API + "API_UpdateMapRun.html"),
    # UpdateMapRun: toleratedFailureCount "Type: Long, Valid Range: Minimum value of 0".
    "ToleratedFailureCount": Limit(0, None, True, API + "API_UpdateMapRun.html"),
    # ItemReader: ReaderConfig.MaxItems, at most 100,000,000 items.
    "MaxItems": Limit(0, 100_000_000, True, DG + "input-output-itemreader.html"),
    # ItemBatcher: MaxItemsPerBatch, a positive integer.
    "MaxItemsPerBatch": Limit(1, None, True, DG + "input-output-itembatcher.html"),
    # ItemBatcher: MaxInputBytesPerBatch, at most 256 KiB (262,144 bytes).
    "MaxInputBytesPerBatch": Limit(1, 262_144, True, DG + "input-output-itembatcher.html"),
}

# Fields of a retrier ("Retry" entries).
RETRY_LIMITS: dict[str, Limit] = {
    # IntervalSeconds: a positive integer, 1 by default, at most 99999999.
    "IntervalSeconds": Limit(1, MAX_SECONDS, True, DG + "concepts-error-handling.html"),
    # MaxAttempts: "A value of 0 specifies that the error or errors are never retried"; at most 99999999.
    "MaxAttempts": Limit(0, MAX_SECONDS, True, DG + "concepts-error-handling.html"),
    # BackoffRate: a number of at least 1.0 (2.0 by default).
    "BackoffRate": Limit(1.0, None, False, DG + "concepts-error-handling.html"),
    # MaxDelaySeconds: a positive integer less than 31622401 (366 days).
    "MaxDelaySeconds": Limit(1, 31_622_400, True, DG + "concepts-error-handling.html"),
}


def bounds_text(limit: Limit) -> str:
    """'between 1 and 99999999', 'at least 1.0'."""
    if limit.high is None:
        return f"at least {limit.low}"
    return f"between {limit.low} and {limit.high}"


def out_of_range(limit: Limit, value: float) -> bool:
    return value < limit.low or (limit.high is not None and value > limit.high)
