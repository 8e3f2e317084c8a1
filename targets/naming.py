"""Names every back end agrees on: CloudFormation logical IDs and DefinitionSubstitutions keys.

A resource declared as `function add_to_team` is `AddToTeamFunction` in every
template flowc writes, and its ARN reaches ASL as `${AddToTeamFunctionArn}`.
"""

from __future__ import annotations

import re

KIND_SUFFIX = {
    "function": "Function",
    "table": "Table",
    "topic": "Topic",
    "queue": "Queue",
    "bus": "Bus",
    "activity": "Activity",
    "bucket": "Bucket",
    "machine": "StateMachine",
    "workflow": "StateMachine",
}

# What an ASL field needs from each kind of resource, and the substitution suffix.
KIND_ATTRIBUTE = {
    "function": "Arn",
    "table": "Name",
    "topic": "Arn",
    "queue": "Url",
    "bus": "Name",
    "activity": "Arn",
    "bucket": "Name",
    "machine": "Arn",
    "workflow": "Arn",
}


def pascal(name: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+|_", name) if p]
    out = "".join(p[:1].upper() + p[1:] for p in parts)
    if not out or not out[0].isalpha():
        out = "R" + out
    return out


def logical_id(kind: str, name: str) -> str:
    return pascal(name) + KIND_SUFFIX[kind]


def substitution_key(kind: str, name: str, attribute: str | None = None) -> str:
    """`${<Logical><Attribute>}`; the attribute (arn, name, url) defaults to what a task's own field needs."""
    return logical_id(kind, name) + (attribute.capitalize() if attribute else KIND_ATTRIBUTE[kind])


def key_attribute(key: str, kind: str, name: str) -> str:
    """The attribute ("Arn", "Name", "Url") a substitution key made by `substitution_key` stands for."""
    stem = logical_id(kind, name)
    tail = key[len(stem):] if key.startswith(stem) else ""
    return tail if tail in ("Arn", "Name", "Url") else KIND_ATTRIBUTE[kind]


def placeholder(kind: str, name: str) -> str:
    return "${" + substitution_key(kind, name) + "}"


def arn_to_attribute(kind: str, arn: str, attribute: str | None = None) -> str:
    """What an external resource's ARN becomes in the field ASL needs (a name or a URL)."""
    attribute = attribute or KIND_ATTRIBUTE[kind]
    if attribute == "Arn":
        return arn
    parts = arn.split(":")
    if attribute == "Url" and len(parts) >= 6:
        partition, region, account, name = parts[1], parts[3], parts[4], parts[5]
        domain = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
        return f"https://sqs.{region}.{domain}/{account}/{name}"
    tail = parts[-1] if parts else arn
    return tail.split("/", 1)[-1]
