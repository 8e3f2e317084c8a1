"""What the `${...}` placeholders of a compiled `.flow` definition stand for, so rules see what AWS will.

The emitter writes every resource as a DefinitionSubstitution (`${FFunctionArn}`); a rule reading that
placeholder cannot tell a Lambda task from any other, and so `.flow` sources escaped rules that fire on the
same definition deployed (FLOW504 on `invoke f`). Before the ASL rules run on a compiled workflow, each
placeholder is replaced by the shape of the value the SAM template substitutes: an ARN, URL or name with
the deploy-time parts (`${AWS::Region}`, ...) still placeholders, which rules accept as any text.
"""

from __future__ import annotations

from typing import Any


def _arn(service: str, resource: str) -> str:
    return f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"


# kind of an owned resource -> the value its substitution holds once deployed (by KIND_ATTRIBUTE)
OWNED_SHAPES = {
    "function": _arn("lambda", "function:${AWS::StackName}-{name}"),
    "table": "${AWS::StackName}-{name}",
    "topic": _arn("sns", "${AWS::StackName}-{name}"),
    "queue": "https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/${AWS::StackName}-{name}",
    "bus": "${AWS::StackName}-{name}",
    "activity": _arn("states", "activity:${AWS::StackName}-{name}"),
    "bucket": "${AWS::StackName}-{name}",
    "workflow": _arn("states", "stateMachine:${AWS::StackName}-{name}"),
}


def resolved_values(program: Any, substitutions: dict[str, tuple[str, str]]) -> dict[str, str]:
    """`{placeholder key: value shape}` for an emitted workflow's substitutions (`EmitResult.substitutions`)."""
    from flowc.targets.naming import arn_to_attribute

    out: dict[str, str] = {}
    for key, (kind, name) in substitutions.items():
        if kind == "workflow":
            if name in program.workflows:
                out[key] = OWNED_SHAPES[kind].replace("{name}", name)
            continue
        res = program.resources.get((kind, name))
        if res is None:  # an unknown name (already an error): the placeholder stays opaque
            continue
        if res.arn:
            out[key] = arn_to_attribute(kind, res.arn)
        elif kind in OWNED_SHAPES:
            out[key] = OWNED_SHAPES[kind].replace("{name}", name)
    return out


def substitute(value: Any, values: dict[str, str]) -> Any:
    """`value` with every `${key}` of `values` filled in (other placeholders kept)."""
    if isinstance(value, str):
        if "${" in value:
            for key, repl in values.items():
                value = value.replace("${" + key + "}", repl)
        return value
    if isinstance(value, dict):
        return {k: substitute(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, values) for v in value]
    return value
