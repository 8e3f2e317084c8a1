"""Run a deployed Step Functions workflow: start an execution, follow its history, report the outcome.

The history is read with GetExecutionHistory as the execution runs (pages of new events since the last
poll), so a long execution shows its progress; the outcome comes from DescribeExecution.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from flowc.targets.aws.session import Aws, AwsError, describe_error
from flowc.targets.aws.stack import stack_outputs, stack_resources
from pydantic import BaseModel, ConfigDict, Field

OnEvent = Callable[[dict[str, Any]], None]


class RemoteRun(BaseModel):
    """The outcome of one execution on AWS (or an emulator), in the terms `flowc run` prints."""

    model_config = ConfigDict(extra="forbid")
    target: str
    workflow: str
    execution_arn: str
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    events: list[dict[str, Any]] = Field(default_factory=list)  # execution history, AWS event format


def state_machine_arn(aws: Aws, stack: str, workflow: str) -> str:
    """The ARN of `workflow`'s state machine in `stack` (its resource `<Workflow>StateMachine`)."""
    resources = stack_resources(aws, stack)
    found = resources.get(f"{workflow}StateMachine")
    if found and found[0] == "AWS::StepFunctions::StateMachine" and found[1].startswith("arn:"):
        return found[1]
    output = stack_outputs(aws, stack).get(f"{workflow}StateMachineArn")
    if output:
        return output
    machines = sorted(k for k, (kind, _) in resources.items() if kind == "AWS::StepFunctions::StateMachine")
    raise AwsError(f"stack {stack} has no state machine for workflow {workflow} "
                   f"(state machines: {', '.join(machines) or 'none'}; deployed with --target sqs?)")


def jsonable(event: dict[str, Any]) -> dict[str, Any]:
    """A history event with its timestamp as ISO-8601 text (boto3 gives datetimes)."""
    out = dict(event)
    stamp = out.get("timestamp")
    if hasattr(stamp, "isoformat"):
        out["timestamp"] = stamp.isoformat()
    return out


def history(aws: Aws, execution_arn: str, *, after: int = 0) -> list[dict[str, Any]]:
    """Every history event with id > `after`, oldest first."""
    sfn = aws.client("stepfunctions")
    events: list[dict[str, Any]] = []
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn,
                                                                       includeExecutionData=True):
        events += [jsonable(e) for e in page["events"] if int(e["id"]) > after]
    return sorted(events, key=lambda e: int(e["id"]))


def run_remote(aws: Aws, stack: str, workflow: str, data: Any, *, name: str | None = None,
               on_event: OnEvent | None = None, timeout_seconds: float = 3600) -> RemoteRun:
    """Start `workflow` of `stack` with `data`, follow it to the end."""
    arn = state_machine_arn(aws, stack, workflow)
    sfn = aws.client("stepfunctions")
    kwargs: dict[str, Any] = {"stateMachineArn": arn, "input": json.dumps(data)}
    if name:
        kwargs["name"] = name
    try:
        execution = sfn.start_execution(**kwargs)["executionArn"]
    except Exception as err:
        raise AwsError(f"start execution of {workflow}: {describe_error(err)}") from None
    return follow(aws, execution, workflow=workflow, on_event=on_event, timeout_seconds=timeout_seconds)


def follow(aws: Aws, execution_arn: str, *, workflow: str = "", on_event: OnEvent | None = None,
           timeout_seconds: float = 3600) -> RemoteRun:
    sfn = aws.client("stepfunctions")
    started = time.time()
    events: list[dict[str, Any]] = []
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        fresh = history(aws, execution_arn, after=int(events[-1]["id"]) if events else 0)
        for event in fresh:
            events.append(event)
            if on_event is not None:
                on_event(event)
        status = described["status"]
        if status != "RUNNING" and status != "PENDING_REDRIVE":
            break
        if time.time() - started > timeout_seconds:
            raise AwsError(f"{execution_arn} still RUNNING after {timeout_seconds:.0f} s")
        time.sleep(aws.settings.poll_seconds)
    output = described.get("output")
    return RemoteRun(target="asl", workflow=workflow or execution_arn.split(":")[-2], execution_arn=execution_arn,
                     status=status, output=json.loads(output) if output else None, error=described.get("error"),
                     cause=described.get("cause"), events=events)


def event_line(event: dict[str, Any]) -> str:
    """One short line per history event: id, type, and the state name or error."""
    details = next((v for k, v in event.items() if k.endswith("EventDetails") and isinstance(v, dict)), {})
    what = details.get("name") or details.get("resource") or ""
    if details.get("error"):
        what = f"{what} {details['error']}".strip()
    extra = event.get("flowc") or {}
    where = " ".join(f"{k}={v}" for k, v in extra.items() if v not in (None, "", 0))
    return f"  {int(event['id']):>4} {event.get('timestamp', '')} {event['type']} {what}" + (f" [{where}]" if where else "")
