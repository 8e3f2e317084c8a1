"""An SQS-chain execution's history, rebuilt from its tracking table in Step Functions' event format.

SQS keeps no record of where a message has been; the chain's tracking table does (docs/sqs.md): one
`EXECUTION` item (input, status, output, error, times), one `STEP#` claim per processed message (its key
`<execution>|<scope>|<hop>|<state>|<attempt>|<kind>`, when it was claimed and finished, the task's outcome)
and the `JOIN#` items of Map/Parallel states. One `Query` on the execution's partition gives all of it;
this module turns it into the events GetExecutionHistory would list:

    ExecutionStarted, TaskStateEntered, TaskSucceeded | TaskFailed, TaskStateExited, MapStateEntered,
    MapStateExited, ..., ExecutionSucceeded | ExecutionFailed | ExecutionTimedOut

The execution's end is always the last event (its timestamp is when the record was finished, which can
be a few milliseconds before the last step marked its own claim done). Each event also carries `flowc: {scope, hop, attempt}`: which Map iteration / Parallel branch, which visit
of a loop, which retry. What the table does not hold is not invented: states that run inline (Pass,
Choice, Succeed...) leave no claim and appear only in the functions' logs (`{"flowc": ...}` lines).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from flowc.targets.aws.session import Aws, AwsError, describe_error

TERMINAL = {"SUCCEEDED": "ExecutionSucceeded", "FAILED": "ExecutionFailed", "TIMED_OUT": "ExecutionTimedOut",
            "ABORTED": "ExecutionAborted"}


def decode(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item (typed JSON) as plain values."""
    from flowc.targets.sqs.runtime.store import _decode

    return _decode(item) or {}


def tracking_items(aws: Aws, table: str, execution_key: str) -> list[dict[str, Any]]:
    """Every tracking item of one execution (`pk` = `<Workflow>/<name>`), decoded."""
    ddb = aws.client("dynamodb")
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table, "KeyConditionExpression": "pk = :pk",
                              "ExpressionAttributeValues": {":pk": {"S": execution_key}}, "ConsistentRead": True}
    try:
        while True:
            page = ddb.query(**kwargs)
            items += [decode(i) for i in page.get("Items", [])]
            if not page.get("LastEvaluatedKey"):
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    except Exception as err:
        raise AwsError(f"tracking table {table}: {describe_error(err)}") from None


def _iso(seconds: Any) -> str:
    return datetime.datetime.fromtimestamp(float(seconds), datetime.UTC).isoformat(timespec="milliseconds")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _parse_key(key: str) -> dict[str, Any]:
    """`<wf>/<name>|<scope>|<hop>|<state>|<attempt>|<kind>` -> its parts."""
    parts = key.split("|")
    if len(parts) < 6:
        return {"scope": "", "hop": 0, "state": "", "attempt": 0, "kind": "run"}
    head, kind, attempt, state, hop, scope = parts[0], parts[-1], parts[-2], parts[-3], parts[-4], "|".join(parts[1:-4])
    del head
    return {"scope": scope, "hop": int(hop) if hop.isdigit() else 0, "state": state,
            "attempt": int(attempt) if attempt.isdigit() else 0, "kind": kind}


def rebuild(items: list[dict[str, Any]], state_types: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Step-Functions-style history events from one execution's tracking items (oldest first).
    `state_types` ({state: Type}) names the states that are not tasks (a Wait's successor resumed by a
    message, a parked `start ... sync` task's resumption); without it every processed message is a task."""
    types = state_types or {}
    record = next((i for i in items if i.get("sk") == "EXECUTION"), None)
    if record is None:
        raise LookupError("no EXECUTION record")
    timed: list[tuple[float, int, dict[str, Any]]] = []  # (time, order within the same instant, event)
    started = float(record.get("started_at", 0))
    timed.append((started, 0, {"type": "ExecutionStarted", "executionStartedEventDetails": {
        "input": _text(json.loads(record["input"]) if isinstance(record.get("input"), str) else record.get("input"))}}))
    steps = sorted((i for i in items if str(i.get("sk", "")).startswith("STEP#")),
                   key=lambda i: (float(i.get("claimed_at", 0)), str(i.get("key", ""))))
    spans: dict[str, list[float]] = {}  # join id -> [first, last] time of its lines
    for step in steps:
        where = _parse_key(str(step.get("key", "")))
        if where["kind"] == "start":
            continue  # the ingress taking the start message: ExecutionStarted already says it
        state = where["state"] or str(step.get("state", ""))
        kind = types.get(state, "Task")  # without the definition, every processed message is taken for a task
        tag = {"scope": where["scope"], "hop": where["hop"], "attempt": where["attempt"]}
        claimed = float(step.get("claimed_at", started))
        finished = float(step["finished_at"]) if "finished_at" in step else None
        for frame in filter(None, where["scope"].split("/")):
            span = spans.setdefault(frame.split(".")[0], [claimed, claimed])
            span[0], span[1] = min(span[0], claimed), max(span[1], finished or claimed)
        if where["kind"] != "run":
            timed.append((claimed, 1, {"type": f"{where['kind'].capitalize()}MessageProcessed",
                                       "stateEnteredEventDetails": {"name": state}, "flowc": tag}))
            continue
        timed.append((claimed, 1, {"type": f"{kind}StateEntered", "stateEnteredEventDetails": {"name": state},
                                   "flowc": tag}))
        outcome = step.get("outcome")
        if isinstance(outcome, str):
            outcome = json.loads(outcome)
        end = finished if finished is not None else claimed
        if isinstance(outcome, dict) and "error" in outcome:
            timed.append((end, 2, {"type": "TaskFailed", "taskFailedEventDetails": {
                "resource": state, "error": outcome.get("error"), "cause": outcome.get("cause") or ""}, "flowc": tag}))
        elif isinstance(outcome, dict) and "result" in outcome:
            timed.append((end, 2, {"type": "TaskSucceeded", "taskSucceededEventDetails": {
                "resource": state, "output": _text(outcome["result"])}, "flowc": tag}))
        if finished is not None:
            timed.append((finished, 3, {"type": f"{kind}StateExited", "stateExitedEventDetails": {"name": state},
                                        "flowc": tag}))
    for join in (i for i in items if str(i.get("sk", "")).startswith("JOIN#")):
        jid = str(join["sk"])[5:]
        first, last = spans.get(jid, [started, started])
        kind = str(join.get("kind", "map")).capitalize()
        details = {"name": join.get("state"), "total": join.get("total"), "done": join.get("done"),
                   "failed": join.get("failed"), "status": join.get("status")}
        timed.append((first, 0, {"type": f"{kind}StateEntered", "stateEnteredEventDetails": {
            "name": join.get("state")}, "flowc": {"join": jid}}))
        if join.get("status") != "OPEN":
            timed.append((last, 4, {"type": f"{kind}StateExited", "stateExitedEventDetails": details,
                                    "flowc": {"join": jid}}))
    status = str(record.get("status", "RUNNING"))
    if status in TERMINAL:
        stopped = float(record.get("stopped_at", started))
        if status == "SUCCEEDED":
            end_event = {"type": TERMINAL[status], "executionSucceededEventDetails": {
                "output": _text(json.loads(record["output"]) if isinstance(record.get("output"), str)
                                else record.get("output"))}}
        else:
            key = TERMINAL[status][0].lower() + TERMINAL[status][1:] + "EventDetails"
            end_event = {"type": TERMINAL[status], key: {"error": record.get("error"), "cause": record.get("cause")}}
        timed.append((stopped, 9, end_event))
    # The execution's end is listed last: its record is finished while the last step is still marking its
    # claim DONE, so that step's exit can carry a (slightly) later timestamp.
    timed.sort(key=lambda t: (t[1] == 9, t[0], t[1]))
    return [{"id": n, "timestamp": _iso(t), **event} for n, (t, _order, event) in enumerate(timed, start=1)]


def execution_status(aws: Aws, table: str, execution_key: str) -> dict[str, Any] | None:
    """The EXECUTION record of one execution (None before it exists)."""
    try:
        found = aws.client("dynamodb").get_item(TableName=table, ConsistentRead=True, Key={
            "pk": {"S": execution_key}, "sk": {"S": "EXECUTION"}}).get("Item")
    except Exception as err:
        raise AwsError(f"tracking table {table}: {describe_error(err)}") from None
    return decode(found) if found else None
