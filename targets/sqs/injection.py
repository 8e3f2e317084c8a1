"""Targeted faults for the SQS simulator: a crash or an outage at one exact point of the runtime's work.

`Faults` (in `simulator.py`) draws random misbehaviour from the run's seed; the specs here hit one place on
purpose, which is how the crash windows of the chain are proven closed: "the sandbox dies right after the
handler returned", "DynamoDB is down while step X runs", "the ingress dies between writing the record and
sending the start message". Every AWS call the runtime makes (and every handler call) is described as a
`Call`; a spec's `match` picks the calls it applies to.

- `Crash`: the invocation dies before or after the call, like a sandbox crash or a kill: nothing after it
  runs, nothing is cleaned up, the batch is not answered (its messages come back after the visibility
  timeout).
- `Outage`: the call fails with an AWS error code before reaching the service (throttling, an unavailable
  service, a conditional-write conflict).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

HANDLER = "handler"  # Call.service of a user handler (or a mock standing in for a step)


@dataclass(frozen=True)
class Call:
    function: str  # logical id of the invoked function
    state: str | None  # the task that function runs (FLOWC_STATE), None for ingress/sweeper functions
    service: str  # boto3 service name, or HANDLER
    operation: str  # boto3 method name (put_item...), or the step name for HANDLER
    params: dict[str, Any]

    @property
    def table(self) -> str | None:
        return self.params.get("TableName")

    @property
    def tables(self) -> set[str]:
        """Every table the call touches (a transaction writes several)."""
        found = {self.table} if self.table else set()
        for item in self.params.get("TransactItems") or ():
            found |= {op["TableName"] for op in item.values() if isinstance(op, dict) and "TableName" in op}
        return found

    def writes_tracking(self, sk_prefix: str) -> bool:
        """A write to the tracking table on an item whose sort key starts with `sk_prefix`."""
        key = self.params.get("Key") or self.params.get("Item") or {}
        sk = (key.get("sk") or {}).get("S", "")
        return self.table == "FlowcExecutionsTable" and sk.startswith(sk_prefix)


@dataclass
class Crash:
    """Kill the invocation `when` ("before"/"after") a matching call, the first `times` times."""

    match: Callable[[Call], bool]
    when: str = "after"
    times: int = 1

    def hit(self, call: Call, when: str) -> bool:
        if self.times <= 0 or when != self.when or not self.match(call):
            return False
        self.times -= 1
        return True


@dataclass
class Outage:
    """Matching calls fail with `code` (an AWS error code) instead of reaching the service; `times` None: all."""

    match: Callable[[Call], bool]
    code: str = "ServiceUnavailable"
    times: int | None = None

    def hit(self, call: Call) -> bool:
        if (self.times is not None and self.times <= 0) or not self.match(call):
            return False
        if self.times is not None:
            self.times -= 1
        return True

    def error(self, operation: str) -> Exception:
        from botocore.exceptions import ClientError

        return ClientError({"Error": {"Code": self.code, "Message": f"{self.code} (injected)"},
                            "ResponseMetadata": {"HTTPStatusCode": 400 if "Conditional" in self.code else 503}},
                           operation)
