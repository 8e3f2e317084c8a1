"""Execution history in the shape of Step Functions' GetExecutionHistory.

Each event is `{"timestamp", "type", "id", "previousEventId", "<type>EventDetails": {...}}` with AWS's
event type names and detail field names (API reference, `HistoryEvent`). Data fields (`input`, `output`,
`parameters`) are JSON text, as the API returns them, with `inputDetails`/`outputDetails`
`{"truncated": false}`. `previousEventId` links an event to the previous one of the same thread, so
the events of concurrent Map iterations and Parallel branches can be told apart, as on AWS.

Timestamps are ISO 8601 strings of the virtual clock (the API returns them as datetimes).
"""

from __future__ import annotations

import functools
from typing import Any

from .clock import iso_ms

_NOT_TRUNCATED = {"truncated": False}


@functools.cache  # a few dozen event types, one lookup per event
def detail_key(event_type: str) -> str:
    """`TaskStateEntered` -> `stateEnteredEventDetails`; `LambdaFunctionFailed` -> `lambdaFunctionFailedEventDetails`."""
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


class History:
    """The events of one execution. `enabled=False` keeps only the counters (for speed runs)."""

    __slots__ = ("_moment", "_stamp", "clock", "enabled", "events", "last_id")

    def __init__(self, clock: Any, enabled: bool = True):
        self.clock = clock
        self.enabled = enabled
        self.events: list[dict[str, Any]] = []
        self.last_id = 0
        self._moment = -1.0  # the last timestamp's instant and text: most events share their predecessor's
        self._stamp = ""

    def add(self, event_type: str, previous: int, details: dict[str, Any] | None = None) -> int:
        self.last_id += 1
        if self.enabled:
            moment = self.clock.t
            if moment != self._moment:
                self._moment, self._stamp = moment, iso_ms(moment)
            event: dict[str, Any] = {"timestamp": self._stamp, "type": event_type,
                                     "id": self.last_id, "previousEventId": previous}
            if details is not None:
                event[detail_key(event_type)] = details
            self.events.append(event)
        return self.last_id


def data(text: str) -> dict[str, Any]:
    return _NOT_TRUNCATED


def states_entered(events: list[dict[str, Any]]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]
