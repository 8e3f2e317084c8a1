"""Create or update a CloudFormation stack through a change set, reporting progress as it goes.

A change set rather than CreateStack/UpdateStack: the changes are listed before anything happens, an
update that changes nothing is recognised and left alone (no failed "No updates are to be performed"),
and CREATE/UPDATE is one code path. Progress comes from DescribeStackEvents, printed once per event, oldest
first, until the stack reaches a final status.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flowc.targets.aws.session import Aws, AwsError, describe_error
from pydantic import BaseModel, ConfigDict, Field

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
# A stack in REVIEW_IN_PROGRESS (a create change set never executed) is created, not updated.
CREATABLE = {None, "REVIEW_IN_PROGRESS"}
DEPLOYED = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"}
TERMINAL_SUFFIXES = ("_COMPLETE", "_FAILED")
Say = Callable[[str], None]


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: str  # Add | Modify | Remove | ...
    logical_id: str
    resource_type: str
    replacement: str | None = None


class StackResult(BaseModel):
    """What a deployment did."""

    model_config = ConfigDict(extra="forbid")
    stack: str
    stack_id: str | None = None
    status: str
    changed: bool
    changes: list[Change] = Field(default_factory=list)
    outputs: dict[str, str] = Field(default_factory=dict)
    failures: list[str] = Field(default_factory=list)  # "LogicalId RESOURCE_STATUS: reason" of failed events

    @property
    def ok(self) -> bool:
        return self.status in DEPLOYED


def stack_status(aws: Aws, stack: str) -> str | None:
    """The stack's status, or None when it does not exist (or was deleted)."""
    try:
        found = aws.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    except Exception as err:
        if "does not exist" in describe_error(err):
            return None
        raise AwsError(f"stack {stack}: {describe_error(err)}") from None
    status = found[0]["StackStatus"] if found else None
    return None if status == "DELETE_COMPLETE" else status


def stack_outputs(aws: Aws, stack: str) -> dict[str, str]:
    try:
        found = aws.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    except Exception as err:
        raise AwsError(f"stack {stack}: {describe_error(err)}") from None
    return {o["OutputKey"]: o["OutputValue"] for o in (found[0].get("Outputs") or [])} if found else {}


def stack_resources(aws: Aws, stack: str) -> dict[str, tuple[str, str]]:
    """{logical id: (resource type, physical id)} of a deployed stack."""
    cfn = aws.client("cloudformation")
    out: dict[str, tuple[str, str]] = {}
    try:
        for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack):
            for r in page["StackResourceSummaries"]:
                out[r["LogicalResourceId"]] = (r["ResourceType"], r.get("PhysicalResourceId", ""))
    except Exception as err:
        raise AwsError(f"stack {stack}: {describe_error(err)}") from None
    return out


def deploy_stack(aws: Aws, stack: str, source: dict[str, str], *, say: Say, tags: dict[str, str] | None = None,
                 timeout_seconds: float = 3600) -> StackResult:
    """Create/update `stack` from `source` (TemplateBody or TemplateURL) through a change set."""
    cfn = aws.client("cloudformation")
    before = stack_status(aws, stack)
    if before is not None and before.endswith("_IN_PROGRESS") and before != "REVIEW_IN_PROGRESS":
        raise AwsError(f"stack {stack} is busy ({before}); wait for it to finish and deploy again")
    if before == "ROLLBACK_COMPLETE":
        raise AwsError(f"stack {stack} is ROLLBACK_COMPLETE (its creation failed) and cannot be updated: "
                       f"delete it (aws cloudformation delete-stack --stack-name {stack}) and deploy again")
    kind = "CREATE" if before in CREATABLE else "UPDATE"
    name = f"flowc-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{int(time.time() * 1000) % 1000:03d}"
    say(f"creating change set {name} ({kind.lower()} stack {stack})")
    try:
        created = cfn.create_change_set(StackName=stack, ChangeSetName=name, ChangeSetType=kind,
                                        Capabilities=CAPABILITIES, Description="flowc deploy",
                                        Tags=[{"Key": k, "Value": v} for k, v in sorted((tags or {}).items())],
                                        **source)
    except Exception as err:
        raise AwsError(f"create change set: {describe_error(err)}") from None
    change_set = created["Id"]
    described = _wait_change_set(aws, change_set, stack)
    if described["Status"] == "FAILED":
        reason = described.get("StatusReason", "")
        if any(marker in reason for marker in NO_CHANGES):
            cfn.delete_change_set(ChangeSetName=change_set, StackName=stack)
            say("no changes: the stack is up to date")
            return StackResult(stack=stack, status=stack_status(aws, stack) or "", changed=False,
                               outputs=stack_outputs(aws, stack))
        raise AwsError(f"change set {name} failed: {reason}")
    changes = [Change(action=c["ResourceChange"].get("Action", "?"), logical_id=c["ResourceChange"]["LogicalResourceId"],
                      resource_type=c["ResourceChange"].get("ResourceType", "?"),
                      replacement=c["ResourceChange"].get("Replacement"))
               for c in described.get("Changes", []) if "ResourceChange" in c]
    for c in sorted(changes, key=lambda c: c.logical_id):
        more = " (replacement)" if c.replacement == "True" else ""
        say(f"  {c.action:<7} {c.logical_id} {c.resource_type}{more}")
    started = time.time()
    seen = _event_ids(aws, stack) if kind == "UPDATE" else set()
    cfn.execute_change_set(ChangeSetName=change_set, StackName=stack)
    status, failures = _follow(aws, stack, seen, say=say, started=started, timeout_seconds=timeout_seconds)
    result = StackResult(stack=stack, status=status, changed=True, changes=changes, failures=failures,
                         stack_id=described.get("StackId"))
    if result.ok:
        result.outputs = stack_outputs(aws, stack)
    return result


def _wait_change_set(aws: Aws, change_set: str, stack: str) -> dict[str, Any]:
    cfn = aws.client("cloudformation")
    while True:
        described = cfn.describe_change_set(ChangeSetName=change_set, StackName=stack)
        if described["Status"] in ("CREATE_COMPLETE", "FAILED", "DELETE_COMPLETE"):
            changes = list(described.get("Changes", []))
            token = described.get("NextToken")
            while token:  # a large change set comes in pages
                page = cfn.describe_change_set(ChangeSetName=change_set, StackName=stack, NextToken=token)
                changes += page.get("Changes", [])
                token = page.get("NextToken")
            return {**described, "Changes": changes}
        time.sleep(aws.settings.poll_seconds)


def _event_ids(aws: Aws, stack: str) -> set[str]:
    cfn = aws.client("cloudformation")
    ids: set[str] = set()
    for page in cfn.get_paginator("describe_stack_events").paginate(StackName=stack):
        ids.update(e["EventId"] for e in page["StackEvents"])
    return ids


def _follow(aws: Aws, stack: str, seen: set[str], *, say: Say, started: float,
            timeout_seconds: float) -> tuple[str, list[str]]:
    """Print new stack events until the stack settles; (final status, failure reasons)."""
    cfn = aws.client("cloudformation")
    failures: list[str] = []
    while True:
        fresh = []
        for page in cfn.get_paginator("describe_stack_events").paginate(StackName=stack):
            new = [e for e in page["StackEvents"] if e["EventId"] not in seen]
            fresh += new
            if len(new) < len(page["StackEvents"]):
                break  # events come newest first: the rest were seen before
        for event in reversed(fresh):
            seen.add(event["EventId"])
            status = event.get("ResourceStatus", "")
            reason = event.get("ResourceStatusReason") or ""
            say(f"  {status:<28} {event.get('LogicalResourceId', '')} {event.get('ResourceType', '')}"
                + (f": {reason}" if reason and "FAILED" in status else ""))
            if "FAILED" in status and reason:
                failures.append(f"{event.get('LogicalResourceId')} {status}: {reason}")
        status = stack_status(aws, stack) or "DELETE_COMPLETE"
        if status.endswith(TERMINAL_SUFFIXES) and not status.endswith("_IN_PROGRESS"):
            return status, failures
        if time.time() - started > timeout_seconds:
            raise AwsError(f"stack {stack} still {status} after {timeout_seconds:.0f} s; "
                           "follow it in the CloudFormation console")
        time.sleep(aws.settings.poll_seconds)
