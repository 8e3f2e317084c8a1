"""The ASL error model: named errors, ErrorEquals matching, Retry and Catch selection.

Every failure inside this package is a :class:`StatesError` carrying the ASL error
name, so an executor can hand it straight to Retry/Catch without translating.

Sources: AWS Step Functions developer guide, "Handling errors in Step Functions
workflows" (error names, the two wildcard exclusions, retrier fields and defaults).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

ALL = "States.ALL"
BRANCH_FAILED = "States.BranchFailed"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
HTTP_SOCKET = "States.Http.Socket"
INTRINSIC_FAILURE = "States.IntrinsicFailure"
ITEM_READER_FAILED = "States.ItemReaderFailed"
NO_CHOICE_MATCHED = "States.NoChoiceMatched"
PARAMETER_PATH_FAILURE = "States.ParameterPathFailure"
PERMISSIONS = "States.Permissions"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure"
RESULT_WRITER_FAILED = "States.ResultWriterFailed"
RUNTIME = "States.Runtime"
TASK_FAILED = "States.TaskFailed"
TIMEOUT = "States.Timeout"

PREDEFINED_ERRORS: frozenset[str] = frozenset({
    ALL, BRANCH_FAILED, DATA_LIMIT_EXCEEDED, EXCEED_TOLERATED_FAILURE_THRESHOLD, HEARTBEAT_TIMEOUT,
    HTTP_SOCKET, INTRINSIC_FAILURE, ITEM_READER_FAILED, NO_CHOICE_MATCHED, PARAMETER_PATH_FAILURE,
    PERMISSIONS, QUERY_EVALUATION_ERROR, RESULT_PATH_MATCH_FAILURE, RESULT_WRITER_FAILED, RUNTIME,
    TASK_FAILED, TIMEOUT,
})

# "States.ALL ... can't catch the States.DataLimitExceeded terminal error type and runtime
# error types" (error handling guide).
_NOT_MATCHED_BY_ALL: frozenset[str] = frozenset({DATA_LIMIT_EXCEEDED, RUNTIME})
# "States.TaskFailed acts as a wildcard that matches any known error name except for
# States.Timeout"; it is narrower than States.ALL, so it inherits that exclusion too.
_NOT_MATCHED_BY_TASK_FAILED: frozenset[str] = _NOT_MATCHED_BY_ALL | {TIMEOUT}

_WILDCARD_EXCLUSIONS: dict[str, frozenset[str]] = {
    ALL: _NOT_MATCHED_BY_ALL,
    TASK_FAILED: _NOT_MATCHED_BY_TASK_FAILED,
}

DEFAULT_INTERVAL_SECONDS = 1
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_BACKOFF_RATE = 2.0


class StatesError(Exception):
    """A failure with an ASL error name, the unit that Retry and Catch work on."""

    def __init__(self, error: str, cause: str = ""):
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause

    def to_output(self) -> dict[str, str]:
        """The error output a Catcher's ResultPath receives."""
        return {"Error": self.error, "Cause": self.cause}


class NoChoiceMatched(StatesError):
    """A Choice state found no matching rule and has no Default."""

    def __init__(self, cause: str = "No Choice Rule matched and no Default was set"):
        super().__init__(NO_CHOICE_MATCHED, cause)


class IntrinsicFailure(StatesError):
    """An intrinsic function rejected its arguments at run time."""

    def __init__(self, cause: str):
        super().__init__(INTRINSIC_FAILURE, cause)


def _name(error: str | StatesError) -> str:
    return error.error if isinstance(error, StatesError) else error


def error_matches(error_name: str | StatesError, error_equals: Iterable[str]) -> bool:
    """Whether a reported error is selected by an ``ErrorEquals`` list.

    An exact name always matches; the two wildcards skip their documented exclusions.
    """
    name = _name(error_name)
    for candidate in error_equals:
        if candidate == name:
            return True
        excluded = _WILDCARD_EXCLUSIONS.get(candidate)
        if excluded is not None and name not in excluded:
            return True
    return False


def find_retrier(retriers: Sequence[Mapping[str, Any]] | None,
                 error: str | StatesError) -> Mapping[str, Any] | None:
    """The first retrier whose ErrorEquals selects the error (the spec scans in order)."""
    for retrier in retriers or ():
        if error_matches(error, retrier.get("ErrorEquals", ())):
            return retrier
    return None


def find_catcher(catchers: Sequence[Mapping[str, Any]] | None,
                 error: str | StatesError) -> Mapping[str, Any] | None:
    """The first catcher whose ErrorEquals selects the error."""
    for catcher in catchers or ():
        if error_matches(error, catcher.get("ErrorEquals", ())):
            return catcher
    return None


def max_attempts(retrier: Mapping[str, Any]) -> int:
    """MaxAttempts with its default of 3; 0 means the retrier never retries."""
    return int(retrier.get("MaxAttempts", DEFAULT_MAX_ATTEMPTS))


def retry_delay(retrier: Mapping[str, Any], attempt_index: int,
                rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number ``attempt_index`` (0 = the first retry).

    ``IntervalSeconds * BackoffRate ** attempt_index``, capped by ``MaxDelaySeconds``;
    ``JitterStrategy: FULL`` draws uniformly from ``[0, delay]`` with ``rng`` so callers
    can make it deterministic.
    """
    if attempt_index < 0:
        raise ValueError("attempt_index must be >= 0")
    interval = float(retrier.get("IntervalSeconds", DEFAULT_INTERVAL_SECONDS))
    backoff = float(retrier.get("BackoffRate", DEFAULT_BACKOFF_RATE))
    delay = interval * backoff ** attempt_index
    cap = retrier.get("MaxDelaySeconds")
    if cap is not None:
        delay = min(delay, float(cap))
    if retrier.get("JitterStrategy", "NONE") == "FULL":
        delay = (rng or random).uniform(0.0, delay)
    return delay


class RetryTracker:
    """Per-state retry bookkeeping: attempts are counted per retrier, across errors.

    The guide's example: retrier 1 (ErrorA, ErrorB, MaxAttempts 2) is exhausted by
    ErrorA then ErrorB, so a later ErrorB goes to Catch even though ErrorC (another
    retrier) came in between.
    """

    def __init__(self, retriers: Sequence[Mapping[str, Any]] | None,
                 rng: random.Random | None = None):
        self.retriers = list(retriers or ())
        self.rng = rng
        self.attempts = [0] * len(self.retriers)

    @property
    def retry_count(self) -> int:
        """Total retries so far, the value of ``$$.State.RetryCount``."""
        return sum(self.attempts)

    def next_delay(self, error: str | StatesError) -> float | None:
        """Seconds before the next attempt, or None when the error must go to Catch."""
        for index, retrier in enumerate(self.retriers):
            if error_matches(error, retrier.get("ErrorEquals", ())):
                done = self.attempts[index]
                if done >= max_attempts(retrier):
                    return None
                self.attempts[index] = done + 1
                return retry_delay(retrier, done, self.rng)
        return None
