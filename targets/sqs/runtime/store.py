"""The tracking table: execution records, step claims and Map/Parallel joins, in one DynamoDB table.

SQS gives no view of an execution, so the chain keeps its own ("application-level tracking"): one item per
execution (status, input, output, error, cause), one claim per processed message (which makes every step
idempotent per execution, scope, hop, state and attempt), and two items per Map/Parallel join (the parent
line to resume plus the iteration inputs, and the gather state). Partition key `pk` is the execution
(`<Workflow>/<name>`), sort key `sk` the item; `expires` is the table's TTL attribute. JSON values are stored
as JSON text so numbers and nesting survive exactly.

Claims (`STEP#...`): a conditional put `IN_PROGRESS` with a lease (the function timeout) before a step runs,
`phase=result` with the task's outcome once the handler returned, `DONE` after the step's messages were
sent. A duplicate delivery finds `DONE` and is dropped; one that finds a live lease is retried later; one that
finds an expired lease takes over (the previous invocation was killed: Lambda timed out).

Joins (`JOIN#...`): `UpdateItem` with `SET results.#i = :out, seq.#i = done + 1, done = done + 1` and the
condition `attribute_not_exists(seq.#i) AND status = OPEN` — one atomic, idempotent write per iteration, so
a duplicate delivery never counts twice, and `seq` tells each completion its rank (which deferred item it
starts under MaxConcurrency, and whether it is the last one).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .envelope import digest, dumps

EXECUTION = "EXECUTION"
MAX_HORIZON = 365 * 86400  # Step Functions' longest execution (Standard): one year
TTL_MARGIN = 86400  # claims and joins outlive their execution's deadline by a day
RECORD_RETENTION = 90 * 86400  # closed executions are kept 90 days, as Step Functions keeps them
RUNNING = "RUNNING"
IN_PROGRESS = "IN_PROGRESS"
DONE = "DONE"
OPEN = "OPEN"


def _s(value: str) -> dict:
    return {"S": value}


def _n(value: float | int) -> dict:
    return {"N": repr(value) if isinstance(value, float) else str(value)}


def _j(value: Any) -> dict:
    return {"S": dumps(value)}


def _decode(item: dict | None) -> dict | None:
    if item is None:
        return None
    out: dict[str, Any] = {}
    for key, typed in item.items():
        ((kind, value),) = typed.items()
        if kind == "S":
            out[key] = value
        elif kind == "N":
            out[key] = float(value) if any(c in value for c in ".eE") else int(value)
        elif kind == "M":
            out[key] = _decode(value)
        elif kind == "BOOL":
            out[key] = value
        elif kind == "L":  # lists of strings (a child's waiters)
            out[key] = [next(iter(v.values())) for v in value]
        elif kind == "NULL":
            out[key] = None
        else:
            out[key] = value
    return out


def loads(text: Any) -> Any:
    return json.loads(text) if isinstance(text, str) else text


@dataclass
class Claim:
    outcome: str  # new | taken_over | done | busy
    owner: str
    previous: dict | None = None  # the claim found (taken_over/done/busy)


class Store:
    def __init__(self, dynamodb: Any, table: str, clock: Any, *, horizon: Callable[[str], float] | None = None):
        self.ddb = dynamodb
        self.table = table
        self.clock = clock
        # How long an execution may still run, by execution key: its workflow's TimeoutSeconds, capped by Step
        # Functions' own limit (one year for Standard). Claims and joins must outlive it, or a late message
        # finds its step or its Map gone (DynamoDB's TTL would delete them under a running execution).
        self.horizon = horizon or (lambda _key: MAX_HORIZON)

    def _key(self, pk: str, sk: str) -> dict:
        return {"pk": _s(pk), "sk": _s(sk)}

    def _expires(self, execution_key: str) -> dict:
        """TTL of a claim or a join: as long as its execution may run, plus a day's margin."""
        return _n(int(self.clock.now() + min(self.horizon(execution_key), MAX_HORIZON)) + TTL_MARGIN)

    def _kept(self) -> dict:
        """TTL of a finished execution's record: Step Functions keeps a closed execution for 90 days."""
        return _n(int(self.clock.now()) + RECORD_RETENTION)

    def _ccf(self, err: Exception) -> bool:
        code = getattr(err, "response", {}).get("Error", {}).get("Code")
        return code == "ConditionalCheckFailedException"

    def get(self, pk: str, sk: str, *, consistent: bool = True) -> dict | None:
        item = self.ddb.get_item(TableName=self.table, Key=self._key(pk, sk), ConsistentRead=consistent).get("Item")
        return _decode(item)

    # -- executions --------------------------------------------------------------------------------
    def create_execution(self, execution_key: str, *, workflow: str, name: str, input: Any, started: str,
                         deadline: float | None, parent: dict | None, trace: str, starter: str | None = None) -> bool:
        """Put the RUNNING record unless the execution exists (a duplicate start); True when created. `starter`:
        the step that started it (a child's parent step), so a re-run of that step knows its own start."""
        item = {**self._key(execution_key, EXECUTION), "status": _s(RUNNING), "workflow": _s(workflow),
                "name": _s(name), "input": _j(input), "started": _s(started),
                "started_at": _n(self.clock.now()), "trace": _s(trace), "expires": _n(
                    int(self.clock.now() + min(self.horizon(execution_key), MAX_HORIZON)) + RECORD_RETENTION)}
        if deadline is not None:
            item["deadline"] = _n(deadline)
        if parent is not None:
            item["parent"] = _j(parent)
        if starter is not None:
            item["starter"] = _s(starter)
        try:
            self.ddb.put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(sk)")
            return True
        except Exception as err:
            if self._ccf(err):
                return False
            raise

    def add_waiter(self, execution_key: str, waiter: dict) -> bool:
        """Another line waits for this RUNNING execution too (a start with the same name and input); False when
        it has ended meanwhile."""
        try:
            self.ddb.update_item(TableName=self.table, Key=self._key(execution_key, EXECUTION),
                                 UpdateExpression="SET waiters = list_append(if_not_exists(waiters, :none), :me)",
                                 ConditionExpression="#st = :running", ExpressionAttributeNames={"#st": "status"},
                                 ExpressionAttributeValues={":none": {"L": []}, ":me": {"L": [_j(waiter)]},
                                                            ":running": _s(RUNNING)})
            return True
        except Exception as err:
            if self._ccf(err):
                return False
            raise

    def execution(self, execution_key: str, *, consistent: bool = True) -> dict | None:
        return self.get(execution_key, EXECUTION, consistent=consistent)

    def finish_execution(self, execution_key: str, status: str, *, output: Any = None, error: str | None = None,
                         cause: str | None = None) -> dict | None:
        """RUNNING -> status. The record when this call (or an identical earlier one) finished it, else None."""
        names = {"#st": "status"}
        values: dict[str, Any] = {":st": _s(status), ":running": _s(RUNNING), ":now": _n(self.clock.now()),
                                  ":kept": self._kept()}
        sets = ["#st = :st", "stopped_at = :now", "expires = :kept"]
        if status == "SUCCEEDED":
            sets.append("#out = :out")
            names["#out"] = "output"
            values[":out"] = _j(output)
        else:
            sets += ["#err = :err", "#cause = :cause"]
            names.update({"#err": "error", "#cause": "cause"})
            values[":err"] = _s(error or "")
            values[":cause"] = _s(cause or "")
        try:
            res = self.ddb.update_item(TableName=self.table, Key=self._key(execution_key, EXECUTION),
                                       UpdateExpression="SET " + ", ".join(sets),
                                       ConditionExpression="#st = :running", ExpressionAttributeNames=names,
                                       ExpressionAttributeValues=values, ReturnValues="ALL_NEW")
            return _decode(res["Attributes"])
        except Exception as err:
            if not self._ccf(err):
                raise
        record = self.execution(execution_key)
        if record is not None and record.get("status") == status and (
                status != "SUCCEEDED" or loads(record.get("output")) == output):
            return record  # a duplicate of the same ending: let the caller repeat its notifications
        return None

    def statuses(self, execution_key: str, joins: list[str]) -> tuple[dict | None, dict[str, dict[str, Any]]]:
        """The execution record and, for every join enclosing a line, its status and (once closed) the index
        of the iteration that closed it (one BatchGetItem)."""
        keys = [self._key(execution_key, EXECUTION)] + [self._key(execution_key, "JOIN#" + j) for j in joins]
        found: dict[str, dict] = {}
        request = {self.table: {"Keys": keys, "ProjectionExpression": "sk, #st, deadline, closed_by",
                                "ExpressionAttributeNames": {"#st": "status"}, "ConsistentRead": True}}
        while request:
            res = self.ddb.batch_get_item(RequestItems=request)
            for item in res.get("Responses", {}).get(self.table, []):
                decoded = _decode(item) or {}
                found[decoded["sk"]] = decoded
            request = res.get("UnprocessedKeys") or None
        execution = found.get(EXECUTION)
        return execution, {j: {"status": (found.get("JOIN#" + j) or {}).get("status", "MISSING"),
                               "closed_by": (found.get("JOIN#" + j) or {}).get("closed_by")} for j in joins}

    # -- claims --------------------------------------------------------------------------------------
    def _step_key(self, execution_key: str, message_key: str) -> dict:
        return self._key(execution_key, "STEP#" + digest(message_key, 24))

    def claim(self, execution_key: str, message_key: str, *, state: str, lease_seconds: float) -> Claim:
        """Take the step: new, or taken over from an invocation whose lease ran out. An UpdateItem, not a put, so
        that a task outcome recorded by the previous owner (`phase=result`) survives the takeover."""
        owner = uuid.uuid4().hex
        now = self.clock.now()
        try:
            res = self.ddb.update_item(
                TableName=self.table, Key=self._step_key(execution_key, message_key), ReturnValues="ALL_OLD",
                UpdateExpression="SET #key = :key, #state = :state, #st = :progress, phase = if_not_exists(phase, "
                                 ":claimed), #owner = :owner, lease = :lease, claimed_at = :now, expires = :expires",
                ConditionExpression="attribute_not_exists(sk) OR (#st = :progress AND lease < :now)",
                ExpressionAttributeNames={"#st": "status", "#key": "key", "#state": "state", "#owner": "owner"},
                ExpressionAttributeValues={":progress": _s(IN_PROGRESS), ":now": _n(now), ":key": _s(message_key),
                                           ":state": _s(state), ":claimed": _s("claimed"), ":owner": _s(owner),
                                           ":lease": _n(now + lease_seconds), ":expires": self._expires(execution_key)})
        except Exception as err:
            if not self._ccf(err):
                raise
            found = self.get(execution_key, "STEP#" + digest(message_key, 24)) or {}
            return Claim("done" if found.get("status") == DONE else "busy", owner, found)
        previous = _decode(res.get("Attributes"))
        return Claim("taken_over" if previous else "new", owner, previous)

    def step(self, execution_key: str, message_key: str) -> dict | None:
        """The claim of a message, if it was ever claimed (a read: it takes nothing)."""
        return self.get(execution_key, "STEP#" + digest(message_key, 24))

    def _owned_update(self, execution_key: str, message_key: str, owner: str, sets: str,
                      values: dict[str, Any], condition: str = "#owner = :me") -> bool:
        try:
            self.ddb.update_item(TableName=self.table, Key=self._step_key(execution_key, message_key),
                                 UpdateExpression=sets, ConditionExpression=condition,
                                 ExpressionAttributeNames={"#owner": "owner", **({"#st": "status"} if "#st" in sets else {})},
                                 ExpressionAttributeValues={":me": _s(owner), **values})
            return True
        except Exception as err:
            if self._ccf(err):
                return False  # another invocation took the step over
            raise

    def record_result(self, execution_key: str, message_key: str, owner: str, outcome: dict) -> dict | None:
        """Keep a task's outcome ({"result": ...} or {"error": ..., "cause": ...}) before routing on it. The first
        outcome recorded wins (the timeout watchdog may have recorded one while the handler still ran): the
        outcome in force, or None when another invocation owns the step."""
        if self._owned_update(execution_key, message_key, owner, "SET phase = :p, outcome = :o",
                              {":p": _s("result"), ":o": _j(outcome)}, "#owner = :me AND phase <> :p"):
            return outcome
        return self.outcome_of(execution_key, message_key, owner)

    def outcome_of(self, execution_key: str, message_key: str, owner: str) -> dict | None:
        """The outcome recorded in a claim this invocation still owns, else None."""
        found = self.get(execution_key, "STEP#" + digest(message_key, 24)) or {}
        if found.get("owner") == owner and found.get("phase") == "result":
            return loads(found["outcome"])
        return None

    def result_update(self, execution_key: str, message_key: str, owner: str, outcome: dict) -> dict[str, Any]:
        """`record_result` as a transaction item, to record an outcome atomically with the effect it reports."""
        return {"TableName": self.table, "Key": self._step_key(execution_key, message_key),
                "UpdateExpression": "SET phase = :p, outcome = :o",
                "ConditionExpression": "#owner = :me AND phase <> :p", "ExpressionAttributeNames": {"#owner": "owner"},
                "ExpressionAttributeValues": {":me": _s(owner), ":p": _s("result"), ":o": _j(outcome)}}

    def mark_done(self, execution_key: str, message_key: str, owner: str) -> bool:
        return self._owned_update(execution_key, message_key, owner, "SET #st = :done, finished_at = :now",
                                  {":done": _s(DONE), ":now": _n(self.clock.now())})

    def release(self, execution_key: str, message_key: str, owner: str) -> None:
        """Give a claim back after an infrastructure error: its lease ends now, so the redelivery takes the step
        over at once, and reuses the task's outcome if it was recorded (the handler does not run again)."""
        self._owned_update(execution_key, message_key, owner, "SET lease = :zero", {":zero": _n(0)})

    # -- joins ---------------------------------------------------------------------------------------
    def create_join(self, execution_key: str, join: str, *, kind: str, state: str, total: int,
                    context: dict[str, Any], concurrency: int = 0, deferred: bool = False) -> bool:
        """The gather record and its context (parent line, iteration inputs); False if it existed."""
        try:
            self.ddb.put_item(TableName=self.table, Item={
                **self._key(execution_key, "JOINCTX#" + join), "data": _j(context), "expires": self._expires(execution_key)},
                ConditionExpression="attribute_not_exists(sk)")
        except Exception as err:
            if not self._ccf(err):
                raise
        try:
            self.ddb.put_item(TableName=self.table, Item={
                **self._key(execution_key, "JOIN#" + join), "kind": _s(kind), "state": _s(state),
                "status": _s(OPEN), "total": _n(total), "done": _n(0), "failed": _n(0), "results": {"M": {}},
                "concurrency": _n(concurrency), "deferred": {"BOOL": deferred},
                "seq": {"M": {}}, "errors": {"M": {}}, "expires": self._expires(execution_key)},
                ConditionExpression="attribute_not_exists(sk)")
            return True
        except Exception as err:
            if self._ccf(err):
                return False
            raise

    def join_context(self, execution_key: str, join: str) -> dict[str, Any]:
        item = self.get(execution_key, "JOINCTX#" + join)
        if item is None:
            raise LookupError(f"join {join} of {execution_key} has no context record")
        return loads(item["data"])

    def join_state(self, execution_key: str, join: str) -> dict | None:
        return self.get(execution_key, "JOIN#" + join)

    def report(self, execution_key: str, join: str, index: int, *, output: Any = None,
               error: dict | None = None) -> tuple[bool, dict]:
        """Record iteration `index` once: (True, what the write changed: seq, done[, failed, errors], status) or
        (False, the whole join as it stands)."""
        i = str(index)
        names = {"#seq": "seq", "#i": i, "#done": "done", "#st": "status"}
        values: dict[str, Any] = {":zero": _n(0), ":one": _n(1), ":open": _s(OPEN)}
        # UPDATED_NEW returns only what this write touched (this iteration's rank, the counters), not every
        # result so far: `status` is OPEN by the condition, and the fixed numbers travel in the line's Frame.
        sets = ["#seq.#i = if_not_exists(#done, :zero) + :one", "#done = if_not_exists(#done, :zero) + :one"]
        if error is not None:
            names.update({"#errs": "errors", "#failed": "failed"})
            values[":err"] = _j(error)
            sets += ["#errs.#i = :err", "#failed = if_not_exists(#failed, :zero) + :one"]
        else:
            names["#res"] = "results"
            values[":out"] = _j(output)
            sets.append("#res.#i = :out")
        try:
            res = self.ddb.update_item(TableName=self.table, Key=self._key(execution_key, "JOIN#" + join),
                                       UpdateExpression="SET " + ", ".join(sets),
                                       ConditionExpression="attribute_not_exists(#seq.#i) AND #st = :open",
                                       ExpressionAttributeNames=names, ExpressionAttributeValues=values,
                                       ReturnValues="UPDATED_NEW")
            return True, {**(_decode(res["Attributes"]) or {}), "status": OPEN}
        except Exception as err:
            if not self._ccf(err):
                raise
        return False, self.join_state(execution_key, join) or {}

    def close_join(self, execution_key: str, join: str, status: str, by: int) -> bool:
        """OPEN -> DONE/FAILED, remembering which iteration closed it (so its redelivery can finish the job)."""
        try:
            self.ddb.update_item(TableName=self.table, Key=self._key(execution_key, "JOIN#" + join),
                                 UpdateExpression="SET #st = :st, closed_by = :by",
                                 ConditionExpression="#st = :open", ExpressionAttributeNames={"#st": "status"},
                                 ExpressionAttributeValues={":st": _s(status), ":by": _n(by), ":open": _s(OPEN)})
            return True
        except Exception as err:
            if self._ccf(err):
                return False
            raise
