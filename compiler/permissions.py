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
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from flowc.compiler import ir
from flowc.dsl import ast
from flowc.dsl.diagnostics import Diagnostic, did_you_mean

# A resource named in `uses`/`policies` -> its reference (None: unknown, already reported). The key is the
# template parameter it fills (None in `uses`).
Resolve = Callable[[ast.RefValue, "str | None"], "ir.ResourceRef | None"]
Report = Callable[[Diagnostic], None]

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

# What lets a callback step's handler answer with SendTaskSuccess/Failure/Heartbeat. These actions take no
# resource-level permission (the Service Authorization Reference for Step Functions lists no resource type for
# them; the task token is the authority), so SAM's StepFunctionsCallbackPolicy, which scopes them to a state
# machine ARN, grants nothing that IAM would honour: the statement names `*`, as AWS requires.
CALLBACK_TEMPLATE = "StepFunctionsCallbackPolicy"
CALLBACK_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["states:SendTaskFailure", "states:SendTaskHeartbeat", "states:SendTaskSuccess"],
    "Resource": "*"}]}


def access_levels(kind: str) -> list[str]:
    return sorted(access for k, access in ACCESS if k == kind)


def resolve_access(kind: str, access: str) -> tuple[str, str] | None:
    return ACCESS.get((kind, ALIASES.get(access, access)))


def function_env(props: dict) -> dict:
    """A function's environment before rendering: `env`, plus for each resource it `uses` a variable holding
    what its SDK calls need (`ORDERS_TABLE`: the table's name, `JOBS_QUEUE_URL`...); `env` wins on a clash.
    Values are literals or `ir.ResourceRef`s, rendered by each target (`!Ref`, local values)."""
    from flowc.compiler import refs

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


def lower_uses(value: Any, resolve: Resolve, report: Report) -> list[ir.Use]:
    """`uses Orders read, Jobs send` -> one SAM policy template per (resource, access)."""
    if not isinstance(value, ast.ObjectValue):
        report(Diagnostic("FLOW101", "`uses` lists resources and what the function does with them", value.span,
                          hint="e.g. `uses Orders read, Notifications publish`"))
        return []
    out: list[ir.Use] = []
    for item in value.items:
        ref = resolve(ast.RefValue(span=item.key_span, name=item.key), None)
        if ref is None:
            continue
        levels = item.value.items if isinstance(item.value, ast.ArrayValue) else [item.value]
        for level in levels:
            text = getattr(level, "value", None)
            found = resolve_access(ref.kind, text) if isinstance(text, str) else None
            if found is None:
                known = access_levels(ref.kind)
                near = did_you_mean(str(text), known) if isinstance(text, str) else None
                report(Diagnostic(
                    "FLOW101", f"a function cannot '{text}' a {ref.kind}" if known else
                    f"`uses` does not know what a function does with a {ref.kind}", level.span,
                    hint=f"did you mean '{near}'?" if near else (
                        f"a {ref.kind} takes: " + ", ".join(known) if known else
                        "name a SAM policy template in `policies` instead")))
                continue
            template, parameter = found
            use = ir.Use(target=ref.copy_with(attribute="name"), template=template, parameter=parameter)
            if use not in out:
                out.append(use)
    return out


def lower_policies(value: Any, resolve: Resolve, report: Report) -> list[Any]:
    """SAM policy templates by name (`{ DynamoDBReadPolicy: { TableName: Orders } }`) and managed policies
    (names or ARNs, as strings): checked against SAM's template list, resources resolved."""
    entries = value.items if isinstance(value, ast.ArrayValue) else [value]
    out: list[Any] = []
    for entry in entries:
        if isinstance(entry, ast.LiteralValue) and isinstance(entry.value, str):
            out.append(entry.value)
        elif isinstance(entry, ast.ObjectValue):
            out += [t for item in entry.items if (t := _template(item, resolve, report)) is not None]
        else:
            report(Diagnostic("FLOW101", "`policies` takes SAM policy templates `{ Name: { Param: value } }` and "
                                         "managed policy names", entry.span))
    return out


def _template(item: ast.ObjectItem, resolve: Resolve, report: Report) -> dict[str, Any] | None:
    templates = policy_templates()
    params = templates.get(item.key)
    if params is None:
        near = did_you_mean(item.key, templates)
        report(Diagnostic("FLOW101", f"'{item.key}' is not a SAM policy template", item.key_span,
                          hint=f"did you mean '{near}'?" if near else "see the AWS SAM policy templates list"))
        return None
    if not isinstance(item.value, ast.ObjectValue):
        report(Diagnostic("FLOW101", f"{item.key} takes an object of its parameters"
                          + (": " + ", ".join(params) if params else " (`{}`: it has none)"), item.value.span))
        return None
    rendered: dict[str, Any] = {}
    for param in item.value.items:
        if param.key not in params:
            report(Diagnostic("FLOW101", f"{item.key} has no parameter '{param.key}'", param.key_span,
                              hint="it takes: " + (", ".join(params) or "nothing")))
            continue
        v = param.value
        if isinstance(v, ast.RefValue):
            ref = resolve(v, param.key)
            if ref is not None:
                rendered[param.key] = ref
        elif isinstance(v, ast.LiteralValue) and isinstance(v.value, (str, int, float)) and not isinstance(
                v.value, bool):
            rendered[param.key] = str(v.value)
        else:
            report(Diagnostic("FLOW101", f"'{param.key}' takes a string or a declared resource", v.span))
    given = {p.key for p in item.value.items}
    missing = [p for p in params if p not in given]
    if missing:
        report(Diagnostic("FLOW103", f"{item.key} needs {', '.join(missing)}", item.key_span))
    return {item.key: rendered}
