"""A trigger's `input` as SAM event properties: `Input`, `InputPath` or an EventBridge `InputTransformer`.

Literal JSON stays `Input` (byte-identical to before). JSONPaths into the event become `InputPathsMap`
variables written unquoted in `InputTemplate` (EventBridge inserts their JSON values as they are). Named
resources become `Fn::Sub` references, so the deployed input carries the real name/ARN/URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from flowc.dsl import ast

ValueOf = Callable[[str, str], Any]  # (resource name, attribute "Arn"|"Name"|"Url") -> CloudFormation value


def properties(value: Any, value_of: ValueOf) -> dict[str, Any]:
    if isinstance(value, ast.PathValue):
        return {"InputPath": value.text}
    paths: dict[str, str] = {}
    uses_sub = [False]
    text = _json(value, paths, value_of, uses_sub)
    template: Any = {"Fn::Sub": text} if uses_sub[0] else text
    if paths:
        return {"InputTransformer": {"InputPathsMap": dict(sorted(paths.items())), "InputTemplate": template}}
    return {"Input": template}


def _json(value: Any, paths: dict[str, str], value_of: ValueOf, uses_sub: list[bool]) -> str:
    if isinstance(value, ast.ObjectValue):
        items = sorted(value.items, key=lambda i: i.key)
        return "{" + ", ".join(_string(i.key, uses_sub) + ": " + _json(i.value, paths, value_of, uses_sub)
                               for i in items) + "}"
    if isinstance(value, ast.ArrayValue):
        return "[" + ", ".join(_json(v, paths, value_of, uses_sub) for v in value.items) + "]"
    if isinstance(value, ast.PathValue):
        return "<" + _variable(value.text, paths) + ">"
    if isinstance(value, ast.RefValue):
        uses_sub[0] = True
        return '"' + _sub_text(value_of(value.name, (value.attribute or "arn").capitalize())) + '"'
    if isinstance(value, ast.LiteralValue):
        if isinstance(value.value, str):
            return _string(value.value, uses_sub)
        return json.dumps(value.value)
    return json.dumps(None)


def _string(text: str, uses_sub: list[bool]) -> str:
    """A JSON string; `${` is escaped as `${!` (Fn::Sub's literal form) once the template goes through Sub."""
    out = json.dumps(text)
    return out.replace("${", "${!") if "${" in out else out


def _variable(path: str, paths: dict[str, str]) -> str:
    """A readable, unique InputPathsMap variable for a path: `$.detail.id` -> `detail_id`."""
    for name, existing in paths.items():
        if existing == path:
            return name
    base = re.sub(r"[^A-Za-z0-9_]+", "_", path[2:] if path.startswith("$.") else path).strip("_") or "event"
    name, n = base, 2
    while name in paths or name.startswith("aws."):
        name, n = f"{base}_{n}", n + 1
    paths[name] = path
    return name


def _sub_text(value: Any) -> str:
    """A CloudFormation value as text inside Fn::Sub: `!Ref X` -> `${X}`, `!GetAtt X.Arn` -> `${X.Arn}`."""
    if isinstance(value, dict):
        if "Ref" in value:
            return "${" + value["Ref"] + "}"
        if "Fn::GetAtt" in value:
            logical, attribute = value["Fn::GetAtt"]
            return "${" + logical + "." + attribute + "}"
        if "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
            return value["Fn::Sub"]
    return json.dumps(str(value))[1:-1].replace("${", "${!")
