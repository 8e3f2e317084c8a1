"""The context object (``$$`` in JSONPath, ``$states.context`` in JSONata).

Shape and formats follow the AWS guide, "Accessing execution data from the Context
object": Execution (Id, Input, Name, RoleArn, StartTime, RedriveCount, RedriveTime only
after a redrive), State (EnteredTime, Name, RetryCount), StateMachine (Id, Name),
Task (Token, only for callback tasks) and, inside a Map iteration, Map.Item (Index,
Value, Key for JSON-object items, Source: ``STATE_DATA`` or an S3 URI).
Timestamps are ISO 8601 UTC with milliseconds, dropped when they are zero.

Every helper returns a new dict so one execution's context can be shared by states.
"""

from __future__ import annotations

import datetime
from typing import Any

__all__ = ["build_context", "enter_state", "execution_arn", "format_timestamp", "state_machine_arn",
           "with_map_item", "with_task_token"]

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
STATE_DATA = "STATE_DATA"


def format_timestamp(moment: datetime.datetime | None = None) -> str:
    """``2025-08-27T10:04:42.001Z`` (or ``...42Z`` when the milliseconds are zero)."""
    moment = moment or datetime.datetime.now(datetime.UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    millis = moment.microsecond // 1000
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def state_machine_arn(name: str, *, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    return f"arn:aws:states:{region}:{account}:stateMachine:{name}"


def execution_arn(state_machine: str, execution: str, *, region: str = DEFAULT_REGION,
                  account: str = DEFAULT_ACCOUNT, express: bool = False) -> str:
    """Standard executions are ``:execution:``, Express ones ``:express:``."""
    kind = "express" if express else "execution"
    return f"arn:aws:states:{region}:{account}:{kind}:{state_machine}:{execution}"


def build_context(*, state_machine: str, execution: str, execution_input: Any,
                  region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT, role_arn: str | None = None,
                  start_time: str | None = None, redrive_count: int = 0, redrive_time: str | None = None,
                  express: bool = False) -> dict[str, Any]:
    """The execution-wide part of the context object; add the state with :func:`enter_state`."""
    execution_node: dict[str, Any] = {
        "Id": execution_arn(state_machine, execution, region=region, account=account, express=express),
        "Input": execution_input,
        "Name": execution,
        "RoleArn": role_arn or f"arn:aws:iam::{account}:role/StepFunctionsExecutionRole",
        "StartTime": start_time or format_timestamp(),
        "RedriveCount": redrive_count,
    }
    if redrive_time is not None:
        execution_node["RedriveTime"] = redrive_time
    return {
        "Execution": execution_node,
        "State": {},
        "StateMachine": {"Id": state_machine_arn(state_machine, region=region, account=account),
                         "Name": state_machine},
    }


def enter_state(context: dict[str, Any], name: str, *, entered_time: str | None = None,
                retry_count: int = 0) -> dict[str, Any]:
    """The context as seen by state ``name``; drops the previous state's Task and Map."""
    fresh = {key: value for key, value in context.items() if key not in ("Task", "Map")}
    fresh["State"] = {"EnteredTime": entered_time or format_timestamp(), "Name": name, "RetryCount": retry_count}
    return fresh


def with_task_token(context: dict[str, Any], token: str) -> dict[str, Any]:
    """Adds ``Task.Token`` for ``.waitForTaskToken`` integrations."""
    return {**context, "Task": {"Token": token}}


def with_map_item(context: dict[str, Any], index: int, value: Any, *, key: str | None = None,
                  source: str | None = STATE_DATA) -> dict[str, Any]:
    """Adds ``Map.Item`` for one iteration (ItemSelector sees it as ``$$.Map.Item``)."""
    item: dict[str, Any] = {"Index": index}
    if key is not None:
        item["Key"] = key
    item["Value"] = value
    if source is not None:
        item["Source"] = source
    return {**context, "Map": {"Item": item}}
