"""The IAM grants a task needs, read from the cited action table `iam_table.json`.

The table says, per task shape (`lambda:invoke`, `states:startExecution.sync:2`, `batch:submitJob.sync`,
`aws-sdk:<service>:<api>`, Distributed Map readers and writers, logging, tracing), which actions AWS documents
and on which scope; this module only turns a task into its table key and a scope into a resource value the
template can hold. Both templates (Step Functions role, SQS-chain step functions) use it, so a fix to the table
fixes both. The test suite checks the generated roles against the same table from the *emitted ASL*, by an
independent path (tests/oracles/iam.py).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowc.compiler import ir
from flowc.dsl import ast

STATES_PREFIXES = ("arn:aws:states:::", "arn:${AWS::Partition}:states:::")
MODE_SUFFIX = {"request": "", "async": "", "sync": ".sync", "sync2": ".sync:2", "callback": ".waitForTaskToken"}
_INTEGRATION_KEYS = {"dynamodb.getItem": "dynamodb:getItem", "dynamodb.putItem": "dynamodb:putItem",
                     "dynamodb.updateItem": "dynamodb:updateItem", "dynamodb.deleteItem": "dynamodb:deleteItem",
                     "sns.publish": "sns:publish", "sqs.sendMessage": "sqs:sendMessage",
                     "events.putEvents": "events:putEvents", "states.startExecution": "states:startExecution"}
PARTITION = "${AWS::Partition}"
REGION_ACCOUNT = "${AWS::Region}:${AWS::AccountId}"


@functools.cache
def table() -> dict[str, Any]:
    return json.loads((Path(__file__).with_name("iam_table.json")).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Entry:
    """One row of the table: the grants and the page that documents them."""

    key: str
    doc: str
    grants: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # ((actions), (scopes))


def entry(key: str) -> Entry | None:
    """The table row for a key; `aws-sdk:<service>:<api>` rows follow the table's naming rule."""
    t = table()
    row = t["integrations"].get(key)
    if row is None and key.startswith("aws-sdk:"):
        parts = key.split(":")
        if len(parts) < 3:
            return None
        service, api = parts[1], parts[2]
        sdk = t["aws-sdk"]
        row = sdk["exceptions"].get(f"{service}:{api}")
        if row is None:
            prefix = sdk["prefixes"].get(service, service)
            row = {"doc": sdk["doc"], "grants": [{"actions": [f"{prefix}:{api[:1].upper()}{api[1:]}"],
                                                  "on": [f"sdk-arns:{prefix}"]}]}
    if row is None:
        return None
    grants = tuple((tuple(g["actions"]), tuple(g["on"])) for g in row["grants"])
    return Entry(key, row["doc"], grants)


def task_key(task: ir.TaskSpec) -> str | None:
    """The table key of an IR task (the ASL resource without its `arn:aws:states:::` prefix)."""
    integ = task.integration
    if integ == "lambda":
        return "lambda-arn" if task.mode == "request" else "lambda:invoke" + MODE_SUFFIX[task.mode]
    if integ == "activity":
        return "activity"
    if integ in _INTEGRATION_KEYS:
        return _INTEGRATION_KEYS[integ] + MODE_SUFFIX[task.mode]
    if integ == "resource" and task.resource:
        return resource_key(task.resource, task.mode)
    return None


def resource_key(resource: str, mode: str = "request") -> str | None:
    for prefix in STATES_PREFIXES:
        if resource.startswith(prefix):
            return resource[len(prefix):] + MODE_SUFFIX.get(mode, "")
    if resource.startswith("aws-sdk:"):
        return resource + MODE_SUFFIX.get(mode, "")
    if not resource.startswith("arn:") and resource.count(":") >= 1:
        return resource + MODE_SUFFIX.get(mode, "")
    return None


def literal_params(value: Any) -> dict[str, str | None]:
    """Top-level parameters of a payload: the literal string, or None when only known at run time."""
    out: dict[str, str | None] = {}
    if isinstance(value, ast.ObjectValue):
        for item in value.items:
            key = item.key[:-2] if item.key.endswith(".$") else item.key
            v = item.value
            out[key] = v.value if isinstance(v, ast.LiteralValue) and isinstance(v.value, str) else None
    return out


@dataclass
class GrantContext:
    """What a scope can resolve to for one task (values are template values: strings or intrinsics)."""

    target: Any = None
    target_executions: Any = None
    kms: Any = None
    self_arn: Any = None
    self_map_executions: Any = None
    params: dict[str, str | None] = field(default_factory=dict)


def _lit(text: str | None) -> str | None:
    """A literal for an `Fn::Sub` string (`${` would start a substitution)."""
    return text.replace("${", "${!") if text else text


def _s3(params: dict[str, str | None], scope: str) -> Any:
    params = {k: _lit(v) for k, v in params.items()}
    bucket = params.get("Bucket") or "*"
    if scope == "s3-bucket":
        return {"Fn::Sub": f"arn:{PARTITION}:s3:::{bucket}"}
    if scope == "s3-object":
        key = params.get("Key") if bucket != "*" else None
        return {"Fn::Sub": f"arn:{PARTITION}:s3:::{bucket}/{key or '*'}"}
    prefix = (params.get("Prefix") or "").strip("/") if bucket != "*" else ""
    return {"Fn::Sub": f"arn:{PARTITION}:s3:::{bucket}/{prefix + '/' if prefix else ''}*"}


def _param(params: dict[str, str | None], scope: str) -> Any:
    """`param:` names the resource without a revision, `param-revision:` with one (`:*` if none given)."""
    kind, name, service, rtype = scope.split(":", 3)
    value = params.get(name)
    if value and value.startswith("arn:"):
        value = value.split(":", 5)[5].split("/", 1)[-1]
    value = _lit(value) or "*"
    if kind == "param":
        value = value.split(":", 1)[0]
    elif ":" not in value and value != "*":
        value += ":*"
    return {"Fn::Sub": f"arn:{PARTITION}:{service}:{REGION_ACCOUNT}:{rtype}/{value}"}


def resolve(scope: str, ctx: GrantContext) -> list[Any]:
    """Template values for a scope; empty when the scope does not apply (e.g. `kms` on an unencrypted target)."""
    fixed: dict[str, Callable[[], Any]] = {
        "target": lambda: ctx.target, "target-executions": lambda: ctx.target_executions,
        "kms": lambda: ctx.kms, "self": lambda: ctx.self_arn, "self-map-executions": lambda: ctx.self_map_executions,
        "*": lambda: "*",
    }
    if scope in fixed:
        value = fixed[scope]()
        return [] if value is None else [value]
    if scope == "target-versions":
        return [_versions(ctx.target)] if ctx.target is not None else []
    if scope.startswith("rule:"):
        return [{"Fn::Sub": f"arn:{PARTITION}:events:{REGION_ACCOUNT}:rule/{scope[5:]}"}]
    if scope.startswith("s3-"):
        return [_s3(ctx.params, scope)]
    if scope.startswith(("param:", "param-revision:")):
        return [_param(ctx.params, scope)]
    if scope.startswith("any:"):
        _, service, rtype = scope.split(":", 2)
        return [{"Fn::Sub": f"arn:{PARTITION}:{service}:{REGION_ACCOUNT}:{rtype}/*"}]
    if scope.startswith("sdk-arns:"):
        service = scope.split(":", 1)[1]
        arns = sorted({v for v in ctx.params.values() if v and v.startswith("arn:") and v.split(":")[2:3] == [service]})
        return list(arns) or ["*"]
    raise ValueError(f"unknown IAM scope {scope!r} in iam_table.json")


def _versions(target: Any) -> Any:
    """`<function ARN>:*` (versions and aliases) for an ARN string or an intrinsic giving one."""
    if isinstance(target, str):
        return target + ":*"
    if isinstance(target, dict) and "Fn::GetAtt" in target:
        logical, attr = target["Fn::GetAtt"]
        return {"Fn::Sub": "${" + f"{logical}.{attr}" + "}:*"}
    if isinstance(target, dict) and "Fn::Sub" in target and isinstance(target["Fn::Sub"], str):
        return {"Fn::Sub": target["Fn::Sub"] + ":*"}
    return target


Grant = tuple[tuple[Any, ...], tuple[str, ...]]  # (resources, actions): one statement


def grants(key: str, ctx: GrantContext) -> list[Grant] | None:
    """One (resources, actions) pair per table grant, or None when the table does not know the key.

    A grant's scopes stay together in one statement: an action that needs several resource types at once
    (batch:SubmitJob: the job queue, the job definition and the job) is only allowed if one statement has all.
    """
    row = entry(key)
    if row is None:
        return None
    out: list[Grant] = []
    for actions, scopes in row.grants:
        values = tuple(value for scope in scopes for value in resolve(scope, ctx))
        if values:
            out.append((values, actions))
    return out


def fallback_action(key: str) -> str | None:
    """A key the table does not list (a `call` to an optimised integration flowc has no row for): the
    service API's own name as the action, on `*`; the IAM test lists every key the examples use so none of
    them relies on this."""
    parts = key.split(".")[0].split(":")
    if len(parts) >= 2 and parts[0] and parts[1]:
        return f"{parts[0]}:{parts[1][:1].upper()}{parts[1][1:]}"
    return None


def merge(pairs: Iterable[Grant]) -> list[dict[str, Any]]:
    """Policy statements, one per distinct resource list, actions sorted, statements in a stable order."""
    grouped: dict[str, tuple[Any, set[str]]] = {}
    for resources, actions in pairs:
        unique = list(dict.fromkeys(json.dumps(r, sort_keys=True) for r in resources))
        value = json.loads(unique[0]) if len(unique) == 1 else [json.loads(u) for u in sorted(unique)]
        grouped.setdefault(json.dumps(value, sort_keys=True), (value, set()))[1].update(actions)
    return [{"Effect": "Allow", "Action": sorted(actions), "Resource": resource}
            for _key, (resource, actions) in sorted(grouped.items())]


def markdown_table() -> str:
    """The table as the Markdown that docs/iam.md carries (`python -m flowc.targets.iam`)."""
    t = table()
    lines = ["| task shape | actions | on | AWS documentation |", "|---|---|---|---|"]

    def rows(prefix: str, items: dict[str, Any]) -> None:
        for key, row in items.items():
            for g in row["grants"] or [{"actions": [], "on": []}]:
                actions = ", ".join(f"`{a}`" for a in g["actions"]) or "none"
                lines.append(f"| `{prefix}{key}` | {actions} | {', '.join(g['on']) or '-'} | {row['doc']} |")

    rows("", t["integrations"])
    rows("aws-sdk:", t["aws-sdk"]["exceptions"])
    sdk = t["aws-sdk"]
    lines.append(f"| `aws-sdk:<service>:<api>` | `<prefix>:<Api>` | ARNs in literal parameters, else * | {sdk['doc']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
