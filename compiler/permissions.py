"""What a `function` may do to the program's resources: `uses` access levels and SAM policy templates.

`uses Orders read, Notifications publish` is the short form: each (kind, access) maps to the SAM policy
template AWS maintains for exactly that (DynamoDBReadPolicy, SNSPublishMessagePolicy, ...), scoped to the
one resource. `policies { DynamoDBReadPolicy: { TableName: Orders } }` names templates directly, checked
against the template list of aws-sam-translator (`sam_policy_templates.json`, kept in sync by a test);
`policies ["arn:aws:iam::aws:policy/..."]` attaches managed policies. Target-neutral: back ends render
the resource references.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

# (kind, access) -> (SAM policy template, its one parameter). The parameter always takes a name.
ACCESS: dict[tuple[str, str], tuple[str, str]] = {
    ("table", "read"): ("DynamoDBReadPolicy", "TableName"),
    ("table", "write"): ("DynamoDBWritePolicy", "TableName"),
    ("table", "crud"): ("DynamoDBCrudPolicy", "TableName"),
    ("bucket", "read"): ("S3ReadPolicy", "BucketName"),
    ("bucket", "write"): ("S3WritePolicy", "BucketName"),
    ("bucket", "crud"): ("S3CrudPolicy", "BucketName"),
    ("topic", "publish"): ("SNSPublishMessagePolicy", "TopicName"),
    ("queue", "send"): ("SQSSendMessagePolicy", "QueueName"),
    ("queue", "receive"): ("SQSPollerPolicy", "QueueName"),
    ("bus", "put"): ("EventBridgePutEventsPolicy", "EventBusName"),
    ("function", "invoke"): ("LambdaInvokePolicy", "FunctionName"),
    ("workflow", "start"): ("StepFunctionsExecutionPolicy", "StateMachineName"),
    ("workflow", "callback"): ("StepFunctionsCallbackPolicy", "StateMachineName"),
    ("machine", "start"): ("StepFunctionsExecutionPolicy", "StateMachineName"),
    ("machine", "callback"): ("StepFunctionsCallbackPolicy", "StateMachineName"),
}
ALIASES = {"readwrite": "crud", "read-write": "crud", "all": "crud", "publish": "publish", "send": "send",
           "poll": "receive", "consume": "receive", "respond": "callback", "execute": "start"}

# The template that lets a callback step's handler answer with SendTaskSuccess/Failure/Heartbeat.
CALLBACK_TEMPLATE = ACCESS[("workflow", "callback")]


def access_levels(kind: str) -> list[str]:
    return sorted(access for k, access in ACCESS if k == kind)


def resolve_access(kind: str, access: str) -> tuple[str, str] | None:
    return ACCESS.get((kind, ALIASES.get(access, access)))


def function_env(props: dict) -> dict:
    """A function's environment before rendering: `env`, plus for each resource it `uses` a variable holding
    what its SDK calls need (`ORDERS_TABLE`: the table's name, `JOBS_QUEUE_URL`...); `env` wins on a clash.
    Values are literals or `ir.ResourceRef`s, rendered by each target (`!Ref`, local values)."""
    from flowc.compiler import ir, refs

    env: dict = {}
    for use in props.get("uses") or ():
        target = use.target
        env.setdefault(refs.env_name(target.kind, target.name),
                       ir.ResourceRef(kind=target.kind, name=target.name, attribute=refs.ATTRIBUTES[target.kind][0]))
    env.update(props.get("env") or {})
    return env


@lru_cache(maxsize=1)
def policy_templates() -> dict[str, list[str]]:
    """SAM policy template name -> its parameter names."""
    data = json.loads(Path(__file__).with_name("sam_policy_templates.json").read_text(encoding="utf-8"))
    return data["templates"]
