"""ErrorEquals matching, retrier/catcher selection and retry delays."""

from __future__ import annotations

import random

import pytest
from flowc.targets.runtime import errors
from flowc.targets.runtime.errors import (
    RetryTracker,
    StatesError,
    error_matches,
    find_catcher,
    find_retrier,
    max_attempts,
    retry_delay,
)

MATCHES = [
    ("MyError", ["MyError"], True),
    ("MyError", ["myerror"], False),
    ("MyError", ["Other", "MyError"], True),
    ("MyError", [], False),
    ("Lambda.Unknown", ["States.ALL"], True),
    ("States.Timeout", ["States.ALL"], True),
    ("States.TaskFailed", ["States.ALL"], True),
    ("States.IntrinsicFailure", ["States.ALL"], True),
    ("States.DataLimitExceeded", ["States.ALL"], False),
    ("States.Runtime", ["States.ALL"], False),
    ("Lambda.Unknown", ["States.TaskFailed"], True),
    ("States.Permissions", ["States.TaskFailed"], True),
    ("States.HeartbeatTimeout", ["States.TaskFailed"], True),
    ("States.TaskFailed", ["States.TaskFailed"], True),
    ("States.Timeout", ["States.TaskFailed"], False),
    ("States.Runtime", ["States.TaskFailed"], False),
    ("States.DataLimitExceeded", ["States.TaskFailed"], False),
    ("States.Timeout", ["States.TaskFailed", "States.Timeout"], True),
    ("States.Runtime", ["States.Runtime"], True),
    ("States.DataLimitExceeded", ["States.DataLimitExceeded"], True),
    ("States.Timeout", ["States.Permissions"], False),
]


@pytest.mark.parametrize(("name", "error_equals", "expected"), MATCHES)
def test_error_matches(name: str, error_equals: list[str], expected: bool) -> None:
    assert error_matches(name, error_equals) is expected
    assert error_matches(StatesError(name, "cause"), error_equals) is expected


def test_first_matching_retrier_and_catcher_win() -> None:
    retriers = [{"ErrorEquals": ["A"], "MaxAttempts": 1}, {"ErrorEquals": ["States.ALL"], "MaxAttempts": 2},
                {"ErrorEquals": ["B"]}]
    assert find_retrier(retriers, "A") is retriers[0]
    assert find_retrier(retriers, "B") is retriers[1]
    assert find_retrier(retriers, "States.Runtime") is None
    assert find_retrier(None, "A") is None
    catchers = [{"ErrorEquals": ["java.lang.Exception"], "Next": "Recovery"},
                {"ErrorEquals": ["States.ALL"], "Next": "End"}]
    assert find_catcher(catchers, "java.lang.Exception")["Next"] == "Recovery"  # type: ignore[index]
    assert find_catcher(catchers, StatesError("Other"))["Next"] == "End"  # type: ignore[index]
    assert find_catcher(catchers, errors.DATA_LIMIT_EXCEEDED) is None


DELAYS = [
    ({}, [1.0, 2.0, 4.0, 8.0]),
    ({"IntervalSeconds": 3, "BackoffRate": 1.5}, [3.0, 4.5, 6.75]),
    ({"IntervalSeconds": 2, "BackoffRate": 1.0}, [2.0, 2.0, 2.0]),
    ({"IntervalSeconds": 1, "BackoffRate": 2.0, "MaxDelaySeconds": 5}, [1.0, 2.0, 4.0, 5.0, 5.0]),
    ({"IntervalSeconds": 10, "MaxDelaySeconds": 3}, [3.0, 3.0]),
    ({"IntervalSeconds": 1, "JitterStrategy": "NONE"}, [1.0, 2.0]),
]


@pytest.mark.parametrize(("retrier", "expected"), DELAYS)
def test_retry_delay(retrier: dict, expected: list[float]) -> None:
    assert [retry_delay(retrier, n) for n in range(len(expected))] == pytest.approx(expected)


def test_full_jitter_is_uniform_below_the_capped_delay_and_deterministic() -> None:
    retrier = {"IntervalSeconds": 2, "BackoffRate": 3.0, "MaxDelaySeconds": 10, "JitterStrategy": "FULL"}
    first = [retry_delay(retrier, n, random.Random(99)) for n in range(5)]
    again = [retry_delay(retrier, n, random.Random(99)) for n in range(5)]
    assert first == again
    caps = [2.0, 6.0, 10.0, 10.0, 10.0]
    assert all(0.0 <= delay <= cap for delay, cap in zip(first, caps, strict=True))
    rng = random.Random(5)
    expected = random.Random(5).uniform(0.0, 6.0)
    assert retry_delay(retrier, 1, rng) == expected


def test_retry_delay_rejects_negative_attempts() -> None:
    with pytest.raises(ValueError):
        retry_delay({}, -1)


def test_max_attempts_defaults_and_zero() -> None:
    assert max_attempts({}) == 3
    assert max_attempts({"MaxAttempts": 0}) == 0
    tracker = RetryTracker([{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 0},
                            {"ErrorEquals": ["States.ALL"]}])
    assert tracker.next_delay("States.Timeout") is None  # never retried, goes to Catch
    assert [tracker.next_delay("Other") for _ in range(4)] == [1.0, 2.0, 4.0, None]
    assert tracker.retry_count == 3


def test_retry_counts_are_per_retrier_across_errors() -> None:
    # The guide's "complex retry scenario": ErrorA, ErrorB, ErrorC, ErrorB, ErrorB.
    tracker = RetryTracker([
        {"ErrorEquals": ["ErrorA", "ErrorB"], "IntervalSeconds": 1, "BackoffRate": 2.0, "MaxAttempts": 2},
        {"ErrorEquals": ["ErrorC"], "IntervalSeconds": 5},
    ])
    delays = [tracker.next_delay(name) for name in ("ErrorA", "ErrorB", "ErrorC", "ErrorB")]
    assert delays == [1.0, 2.0, 5.0, None]


def test_exhausted_retrier_does_not_fall_through() -> None:
    tracker = RetryTracker([{"ErrorEquals": ["E"], "MaxAttempts": 1}, {"ErrorEquals": ["States.ALL"]}])
    assert tracker.next_delay("E") == 1.0
    assert tracker.next_delay("E") is None


def test_tracker_jitter_uses_its_rng() -> None:
    retriers = [{"ErrorEquals": ["States.ALL"], "JitterStrategy": "FULL", "MaxAttempts": 3}]
    a = RetryTracker(retriers, random.Random(1))
    b = RetryTracker(retriers, random.Random(1))
    assert [a.next_delay("X") for _ in range(3)] == [b.next_delay("X") for _ in range(3)]


def test_states_error_output_and_subclasses() -> None:
    err = StatesError("Custom.Error", "it broke")
    assert err.to_output() == {"Error": "Custom.Error", "Cause": "it broke"}
    assert str(err) == "Custom.Error: it broke"
    assert errors.NoChoiceMatched().error == errors.NO_CHOICE_MATCHED
    assert errors.IntrinsicFailure("x").to_output() == {"Error": errors.INTRINSIC_FAILURE, "Cause": "x"}


def test_predefined_names_all_start_with_states() -> None:
    assert all(name.startswith("States.") for name in errors.PREDEFINED_ERRORS)
    assert {errors.ALL, errors.TASK_FAILED, errors.TIMEOUT, errors.RUNTIME} <= errors.PREDEFINED_ERRORS
