"""Run a deployed SQS-chain workflow: start an execution, follow its tracking record, rebuild its history.

Starting: the workflow's ingress function is invoked with the input (`lambda:Invoke`, what the HTTP route,
schedule or EventBridge rule would do); it writes the RUNNING record and queues the start message, and
Lambda's SQS pollers carry the execution through the chain. Following: the `EXECUTION` item in the
tracking table is read until it is no longer RUNNING, and the history is rebuilt from the table as it
grows (`flowc.targets.aws.history`).

On an emulator whose Lambda cannot run code (moto), `driver.Driver` stands in for Lambda: it starts the
execution and polls the stack's queues itself, running the runtime in-process (see there).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from flowc.targets.aws.execution import OnEvent, RemoteRun
from flowc.targets.aws.history import execution_status, rebuild, tracking_items
from flowc.targets.aws.session import Aws, AwsError, describe_error
from flowc.targets.aws.stack import stack_resources

TABLE = "FlowcExecutionsTable"


class ChainStack:
    """The parts of a deployed SQS-chain stack `flowc run --remote` and `flowc history` need."""

    def __init__(self, aws: Aws, stack: str):
        self.aws = aws
        self.stack = stack
        self.resources = stack_resources(aws, stack)
        found = self.resources.get(TABLE)
        if not found or found[0] != "AWS::DynamoDB::Table":
            raise AwsError(f"stack {stack} has no {TABLE}: it was not deployed with --target sqs")
        self.table = found[1]

    def ingress(self, workflow: str) -> str:
        found = self.resources.get(f"{workflow}IngressFunction")
        if not found:
            raise AwsError(f"stack {self.stack} has no ingress function for workflow {workflow}")
        return found[1]

    def functions(self) -> dict[str, str]:
        """{logical id: function name} of every Lambda function of the stack."""
        return {k: phys for k, (kind, phys) in self.resources.items() if kind == "AWS::Lambda::Function"}


def state_types(definition: dict[str, Any]) -> dict[str, str]:
    """{state name: Type} over a definition and its nested graphs."""
    out: dict[str, str] = {}
    for name, state in definition.get("States", {}).items():
        out[name] = state.get("Type", "Task")
        for sub in [*state.get("Branches", ()), state.get("ItemProcessor") or state.get("Iterator") or {}]:
            out.update(state_types(sub))
    return out


def start(aws: Aws, chain: ChainStack, workflow: str, data: Any) -> tuple[str, str]:
    """Invoke the ingress function with the input; (execution ARN, execution name)."""
    try:
        res = aws.client("lambda").invoke(FunctionName=chain.ingress(workflow), InvocationType="RequestResponse",
                                          Payload=json.dumps(data).encode("utf-8"))
    except Exception as err:
        raise AwsError(f"start {workflow}: {describe_error(err)}") from None
    payload = res["Payload"].read().decode("utf-8")
    if res.get("FunctionError"):
        raise AwsError(f"start {workflow}: the ingress function failed: {payload[:500]}")
    try:
        arn = json.loads(payload)["executionArn"]
    except (ValueError, KeyError, TypeError):
        raise AwsError(f"start {workflow}: the ingress function answered {payload[:200]!r}, not an execution "
                       "(an emulator whose Lambda cannot run code? use --drive)") from None
    return arn, arn.rsplit(":", 1)[-1]


def follow(aws: Aws, chain: ChainStack, workflow: str, name: str, arn: str, *, types: dict[str, str],
           on_event: OnEvent | None = None, step: Callable[[], bool] | None = None,
           timeout_seconds: float = 3600) -> RemoteRun:
    """Poll the execution's tracking record until it ends, reporting rebuilt history events as they appear.
    `step`: one round of a local driver (True when it processed something; no sleep then)."""
    key = f"{workflow}/{name}"
    started = time.time()
    reported: set[str] = set()
    while True:
        busy = step() if step is not None else False
        record = execution_status(aws, chain.table, key)
        if record is not None:
            events = rebuild(tracking_items(aws, chain.table, key), types)
            ended = record.get("status") not in (None, "RUNNING")
            for event in events:  # each event once, even when a later poll places it between older ones
                signature = json.dumps({k: v for k, v in event.items() if k not in ("id", "timestamp")}, sort_keys=True, default=str)
                if signature not in reported:
                    reported.add(signature)
                    if on_event is not None:
                        on_event(event)
            if ended:
                status = str(record["status"])
                output = record.get("output")
                return RemoteRun(target="sqs", workflow=workflow, execution_arn=arn, status=status,
                                 output=json.loads(output) if status == "SUCCEEDED" and output else None,
                                 error=record.get("error") or None if status != "SUCCEEDED" else None,
                                 cause=record.get("cause") or None if status != "SUCCEEDED" else None,
                                 events=events)
        if time.time() - started > timeout_seconds:
            raise AwsError(f"{arn} still RUNNING after {timeout_seconds:.0f} s")
        if not busy:
            time.sleep(aws.settings.poll_seconds)
