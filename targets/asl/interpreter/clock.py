"""Virtual time for local runs: nothing sleeps, every wait moves this clock.

A run starts at a fixed instant (2026-01-01T00:00:00Z unless told otherwise), so `$$.Execution.StartTime`,
`$$.State.EnteredTime`, history timestamps and Wait-until-timestamp states are reproducible whatever the
wall clock says. The SQS simulator (`targets/sqs/simulator.py`) starts at the same instant.
"""

from __future__ import annotations

import datetime
import functools

DEFAULT_START = 1767225600.0  # 2026-01-01T00:00:00Z

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class VirtualClock:
    """Seconds since the epoch, as a float; only `advance`/`jump_to` move it."""

    __slots__ = ("start", "t")

    def __init__(self, start: float = DEFAULT_START):
        self.start = float(start)
        self.t = float(start)

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self.t += seconds

    def jump_to(self, moment: float) -> None:
        if moment > self.t:
            self.t = moment

    @property
    def elapsed_ms(self) -> int:
        return round((self.t - self.start) * 1000)


@functools.lru_cache(maxsize=4096)
def _second(days: int, seconds: int) -> str:
    return (_EPOCH + datetime.timedelta(days=days, seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")


@functools.lru_cache(maxsize=256)  # (concurrent Map iterations and branches read the same instant)
def iso(moment: float) -> str:
    """`2026-01-01T00:00:00.050Z`: ISO 8601 UTC with milliseconds (dropped when zero, like the context object)."""
    # timedelta rounds to microseconds exactly as `_EPOCH + timedelta(seconds=moment)` does; the text of the
    # whole second is cached (instants repeat: every event of a state, every run of --repeat)
    delta = datetime.timedelta(seconds=moment)
    millis = delta.microseconds // 1000
    text = _second(delta.days, delta.seconds)
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def iso_ms(moment: float) -> str:
    """Always with milliseconds (history event timestamps)."""
    delta = datetime.timedelta(seconds=moment)
    return f"{_second(delta.days, delta.seconds)}.{delta.microseconds // 1000:03d}Z"


def epoch_millis(moment: float) -> int:
    return round(moment * 1000)
