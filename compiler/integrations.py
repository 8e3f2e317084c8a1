"""The task kinds a `.flow` step can use, as data.

One row per integration: which resource kind its target must be, which modes
(`async`, `sync`, `sync2`, `callback`) it supports and which arguments it takes.
Lowering validates steps against this table; back ends map the IR integration id
to their own calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Integration:
    integration: str  # IR id
    target_kind: str | None  # resource kind of the target; "workflow" for child workflows
    target_required: bool = True
    modes: frozenset[str] = frozenset()
    args: dict[str, str] = field(default_factory=dict)  # .flow argument -> IR argument
    required: tuple[str, ...] = ()


_DDB_COMMON = {"names": "names", "values": "values", "condition": "condition", "returns": "returns"}

INTEGRATIONS: dict[str, Integration] = {
    "invoke": Integration("lambda", "function", modes=frozenset({"async", "callback"}),
                          args={"with": "payload", "payload": "payload", "qualifier": "qualifier"}),
    "dynamodb.getItem": Integration("dynamodb.getItem", "table",
                                    args={"key": "key", "projection": "projection", "consistent": "consistent",
                                          "names": "names"}, required=("key",)),
    "dynamodb.putItem": Integration("dynamodb.putItem", "table", args={"item": "item", **_DDB_COMMON},
                                    required=("item",)),
    "dynamodb.updateItem": Integration("dynamodb.updateItem", "table",
                                       args={"key": "key", "update": "update", **_DDB_COMMON},
                                       required=("key", "update")),
    "dynamodb.deleteItem": Integration("dynamodb.deleteItem", "table", args={"key": "key", **_DDB_COMMON},
                                       required=("key",)),
    "sns.publish": Integration("sns.publish", "topic", modes=frozenset({"callback"}),
                               args={"message": "message", "subject": "subject", "attributes": "attributes",
                                     "group": "group", "dedup": "dedup"}, required=("message",)),
    "sqs.send": Integration("sqs.sendMessage", "queue", modes=frozenset({"callback"}),
                            args={"body": "body", "delay": "delay", "attributes": "attributes", "group": "group",
                                  "dedup": "dedup"}, required=("body",)),
    "events.put": Integration("events.putEvents", "bus", target_required=False, modes=frozenset({"callback"}),
                              args={"detail": "detail", "source": "source", "detail_type": "detail_type",
                                    "entries": "entries"}),
    "start": Integration("states.startExecution", "workflow", modes=frozenset({"sync", "sync2", "callback"}),
                         args={"with": "payload", "payload": "payload", "name": "name"}),
    "call": Integration("resource", None, target_required=False, modes=frozenset({"sync", "sync2", "callback"}),
                        args={"with": "payload", "payload": "payload"}),
    "activity": Integration("activity", "activity", args={"with": "payload", "payload": "payload"}),
}

# Resource suffixes in `call` that select a mode.
CALL_SUFFIX_MODES = {".sync:2": "sync2", ".sync": "sync", ".waitForTaskToken": "callback"}
