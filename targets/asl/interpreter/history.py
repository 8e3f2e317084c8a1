"""Execution history in the shape of Step Functions' GetExecutionHistory, recorded cheaply, built when read.

Each event is `{"timestamp", "type", "id", "previousEventId", "<type>EventDetails": {...}}` with AWS's
event type names and detail field names (API reference, `HistoryEvent`). Data fields (`input`, `output`,
`parameters`) are JSON text, as the API returns them, with `inputDetails`/`outputDetails`
`{"truncated": false}`. `previousEventId` links an event to the previous one of the same thread, so
the events of concurrent Map iterations and Parallel branches can be told apart, as on AWS.

Timestamps are ISO 8601 strings of the virtual clock (the API returns them as datetimes).

Why lazily: most runs (the API in a loop, `--repeat`, tests that look at the output) never read their
history, and building ~30 dicts per execution eagerly (and keeping them alive, which the garbage collector
then walks again and again) cost as much as running the states. So `add` appends one flat tuple of atomic
values: the type, ids, the virtual instant and the details as a shared key tuple plus a value tuple, where
a data field is the payload's JSON text (a snapshot taken when the event happens, usually the very text
the payload-size check produced anyway, so a later change to the value cannot change the history).
`events` turns the records into the AWS dicts on first read (and extends them as the execution goes on).
"""

from __future__ import annotations

import functools
from typing import Any

import orjson
from flowc.targets.runtime import jsonpath

from .clock import iso_ms

_NOT_TRUNCATED = {"truncated": False}
NOT_TRUNCATED = ...  # in a record's values: `{"truncated": false}` (an untracked singleton, unlike a dict)

# the detail keys of the frequent events, shared by every record (a record holds only its values)
EXECUTION_STARTED = ("input", "inputDetails", "roleArn")
OUTPUT = ("output", "outputDetails")  # ExecutionSucceeded, LambdaFunctionSucceeded, ActivitySucceeded
STATE_ENTERED = ("name", "input", "inputDetails")
STATE_EXITED = ("name", "output", "outputDetails")
STATE_EXITED_ASSIGNED = ("name", "output", "outputDetails", "assignedVariables", "assignedVariablesDetails")
LAMBDA_SCHEDULED = ("resource", "input", "inputDetails")
LAMBDA_SCHEDULED_TIMEOUT = ("resource", "input", "inputDetails", "timeoutInSeconds")
TASK_OUTPUT = ("resourceType", "resource", "output", "outputDetails")  # TaskSucceeded, TaskSubmitted


def snapshot(value: Any) -> str | bytes:
    """The value's compact JSON as of now: orjson's text, or (for a value orjson refuses) the slower encoder's
    text as UTF-8 bytes, so `expressions.copy_from` can tell the two apart.

    Text, not orjson's bytes: orjson (3.13) hands back its 4 KiB write buffer as the bytes object, unshrunk,
    and a history keeps its snapshots, so a fan-out run kept ~190 KB alive (RSS +374 MB over 2,000 runs) and
    paid for it in page faults and cache misses (history on cost 1.35x history off in time for 1.12x the
    instructions). Decoding copies the few bytes into a right-sized str; the 4 KiB buffer is freed at once."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return jsonpath.dumps_compact(value).encode()


def snapshot_size(snap: str | bytes) -> int:
    """Bytes of a snapshot's UTF-8 text: what `expressions.size` answers for the value."""
    if type(snap) is str:
        return len(snap) if snap.isascii() else len(snap.encode())  # (isascii reads a flag: O(1))
    return len(snap)


def _value(value: Any) -> Any:
    kind = type(value)
    if kind is bytes:  # a snapshot of the fallback encoder
        return value.decode()
    if value is NOT_TRUNCATED:
        return {"truncated": False}
    if kind is tuple:  # assignedVariables: ((name, snapshot), ...)
        return {k: _value(v) for k, v in value}
    return value


@functools.cache  # a few dozen event types, one lookup per event
def detail_key(event_type: str) -> str:
    """`TaskStateEntered` -> `stateEnteredEventDetails`; `LambdaFunctionFailed` -> `lambdaFunctionFailedEventDetails`."""
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}  # one shared key tuple per shape of generic details


class History:
    """The events of one execution. `enabled=False` keeps only the counters (for speed runs).

    `records` is flat: per event `type, id, previous id, instant, keys` and then one value per key (keys None:
    no details), the details being `dict(zip(keys, values))`. Flat, because a tuple per event is an object the
    garbage collector tracks until its next pass, and an interpreter keeps every execution's history: the
    list holds only atomic values (text, numbers, JSON bytes), which it never has to look at."""

    __slots__ = ("_built", "_read", "clock", "enabled", "last_id", "records")

    def __init__(self, clock: Any, enabled: bool = True):
        self.clock = clock
        self.enabled = enabled
        self.records: list[Any] = []  # a tuple once the execution ended (`close`)
        self.last_id = 0  # the last event's id (with history off too: ids go on being counted)
        self._built: list[dict[str, Any]] | None = None  # the events read so far (None: never read)
        self._read = 0  # where in `records` the unread events start

    def add(self, event_type: str, previous: int, details: dict[str, Any] | None = None) -> int:
        """An event whose details (if any) are final: JSON text and atomic values, not changed later."""
        event_id = self.last_id = self.last_id + 1
        if self.enabled:
            if details is None:
                self.records += (event_type, event_id, previous, self.clock.t, None)
            else:
                keys = tuple(details)
                self.records += (event_type, event_id, previous, self.clock.t, _KEYS.setdefault(keys, keys),
                                 *details.values())
        return event_id

    def add_data(self, event_type: str, previous: int, keys: tuple[str, ...], values: tuple[Any, ...]) -> int:
        """An event with details `dict(zip(keys, values))`, a payload given as its `snapshot`, `NOT_TRUNCATED`
        for `{"truncated": false}` (built when the history is read). `keys`: a shared constant tuple."""
        event_id = self.last_id = self.last_id + 1
        if self.enabled:
            self.records += (event_type, event_id, previous, self.clock.t, keys, *values)
        return event_id

    @property
    def count(self) -> int:
        """Events recorded: every id is an event's when history is on (each id is drawn by `add`/`add_data`),
        none is recorded when it is off. Derived, so recording an event updates one counter, not two."""
        return self.last_id if self.enabled else 0

    def close(self) -> None:
        """The execution ended: no more events (a tuple of atomic values is one the GC stops tracking)."""
        self.records = tuple(self.records)  # type: ignore[assignment]

    def __len__(self) -> int:
        return self.count

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events in AWS's format, built from the records not built yet (the same list on every read)."""
        built = self._built
        if built is None:
            built = self._built = []
        if self._read < len(self.records):
            self._read = build_events(self.records, self._read, built)
        return built

    def events_upto(self, count: int) -> list[dict[str, Any]]:
        """A new list of the first `count` events (what a run result taken at that point holds), built for the
        caller and not kept here: an interpreter keeps its executions, and so would keep every event read."""
        if self._built is not None and len(self._built) >= count:
            return self._built[:count]
        out: list[dict[str, Any]] = []
        build_events(self.records, 0, out, count)
        return out


def build_events(records: Any, position: int, out: list[dict[str, Any]], limit: int | None = None) -> int:
    """Append the events recorded from `position` on (at most `limit`) to `out`; returns where it stopped."""
    append = out.append
    moment_seen, stamp = -1.0, ""
    end = len(records)
    left = -1 if limit is None else limit
    while position < end and left:
        left -= 1
        event_type, event_id, previous, moment, keys = records[position:position + 5]
        position += 5
        if moment != moment_seen:  # most events share their predecessor's instant
            moment_seen, stamp = moment, iso_ms(moment)
        event: dict[str, Any] = {"timestamp": stamp, "type": event_type, "id": event_id, "previousEventId": previous}
        if keys is not None:
            n = len(keys)
            event[detail_key(event_type)] = {k: _value(v) for k, v in zip(keys, records[position:position + n],
                                                                          strict=True)}
            position += n
        append(event)
    return position


def data(text: str) -> dict[str, Any]:
    return _NOT_TRUNCATED


def states_entered(events: list[dict[str, Any]]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]
