"""Where definitions come from: an ASL file, a SAM/CloudFormation template, a Serverless Framework file, or a
deployed state machine (`--from-arn`).

Files are read with the lint's position-keeping loaders (`compiler.lint.sources`), so a diagnostic about a
field lands on its line in the file the user has, also inside a template. CloudFormation's short tags
(`!Sub`, `!GetAtt`) are read as their `Fn::` forms; a `DefinitionString` that is a `Fn::Sub` keeps its
`${...}` placeholders, which `flowc import` keeps too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flowc.dsl.diagnostics import Diagnostic, Span

_MACHINE_TYPES = ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine")


@dataclass
class Found:
    """One definition to import."""

    definition: Any
    name: str  # the workflow name to give it
    origin: str  # for the header comment: where it came from
    workflow_type: str | None = None
    locate: Callable[[str], Span | None] | None = None


class SourceError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _error(file: str, message: str, line: int = 1, col: int = 1) -> SourceError:
    return SourceError(Diagnostic("FLOW802", message, Span(file, line, col, line, col + 1)))


def read_file(path: Path) -> list[Found]:
    """Every state machine definition in `path` (one for an ASL file; one per machine in a template)."""
    from flowc.compiler.importer.convert import workflow_name
    from flowc.compiler.lint.sources import parse_source

    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _error(file, f"{file} is not UTF-8 text") from None
    except OSError as err:
        raise _error(file, f"cannot read {file}: {err.strerror or err}") from None
    src = parse_source(text, file)
    if src.error is not None:
        kind = src.kind.upper()
        raise _error(file, f"not valid {kind}: {src.error.message}", src.error.line, src.error.col)
    data = src.value
    if isinstance(data, dict) and "States" in data and "StartAt" in data:
        stem = path.name.split(".")[0]
        return [Found(data, workflow_name(stem), file, None, src.locate)]
    found = _template(data, src, path) + _serverless(data, src)
    if not found:
        raise _error(file, f"{file} holds no state machine: expected an ASL definition (StartAt, States), a "
                           "SAM/CloudFormation template with a state machine, or a Serverless Framework file with "
                           "stepFunctions.stateMachines")
    return found


def _at(src: Any, prefix: str) -> Callable[[str], Span | None]:
    return lambda pointer: src.locate(prefix + pointer)


def _template(data: Any, src: Any, path: Path) -> list[Found]:
    from flowc.compiler.importer.convert import workflow_name

    resources = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict):
        return []
    out = []
    for logical_id, res in resources.items():
        if not isinstance(res, dict) or res.get("Type") not in _MACHINE_TYPES:
            continue
        props = res.get("Properties") if isinstance(res.get("Properties"), dict) else {}
        base = f"/Resources/{logical_id}/Properties"
        wtype = props.get("Type") or props.get("StateMachineType")
        wtype = wtype if isinstance(wtype, str) else None
        origin = f"{src.file} ({logical_id})"
        name = workflow_name(str(logical_id))
        if isinstance(props.get("Definition"), dict):
            out.append(Found(props["Definition"], name, origin, wtype, _at(src, base + "/Definition")))
            continue
        text = props.get("DefinitionString")
        if isinstance(text, dict) and "Fn::Sub" in text:
            sub = text["Fn::Sub"]
            text = sub[0] if isinstance(sub, list) and sub else sub
        if isinstance(text, str):
            try:
                definition = json.loads(text)
            except ValueError as err:
                raise _error(src.file, f"{logical_id}: DefinitionString is not JSON: {err}") from None
            out.append(Found(definition, name, origin, wtype, None))
            continue
        uri = props.get("DefinitionUri")
        if isinstance(uri, str):
            for found in read_file(path.parent / uri):
                out.append(Found(found.definition, name, f"{origin} -> {uri}", wtype, found.locate))
            continue
        raise _error(src.file, f"{logical_id}: no Definition, DefinitionString or local DefinitionUri to import")
    return out


def _serverless(data: Any, src: Any) -> list[Found]:
    from flowc.compiler.importer.convert import workflow_name

    holder = data.get("stepFunctions") if isinstance(data, dict) else None
    machines = holder.get("stateMachines") if isinstance(holder, dict) else None
    if not isinstance(machines, dict):
        return []
    out = []
    for key, machine in machines.items():
        if not isinstance(machine, dict) or not isinstance(machine.get("definition"), dict):
            continue
        name = workflow_name(str(machine.get("name") or key))
        ptr = f"/stepFunctions/stateMachines/{key}/definition"
        wtype = machine.get("type") if isinstance(machine.get("type"), str) else None
        out.append(Found(machine["definition"], name, f"{src.file} (stepFunctions.stateMachines.{key})", wtype,
                         _at(src, ptr)))
    return out


def from_arn(arn: str) -> Found:
    """A deployed machine's definition, read with boto3 (its usual credential and endpoint settings apply,
    including AWS_ENDPOINT_URL)."""
    from flowc.compiler.importer.convert import workflow_name

    try:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        raise _error("<arn>", "--from-arn needs boto3: pip install 'flowc[run]'") from None
    parts = arn.split(":")
    if len(parts) < 7 or parts[0] != "arn" or parts[2] != "states" or parts[5] != "stateMachine":
        raise _error(arn, f"not a state machine ARN: {arn!r} (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)")
    try:
        client = boto3.client("stepfunctions", region_name=parts[3])
        described = client.describe_state_machine(stateMachineArn=arn)
        definition = json.loads(described["definition"])
    except (BotoCoreError, ClientError) as err:
        raise _error(arn, f"cannot read {arn}: {err}") from None
    except ValueError as err:
        raise _error(arn, f"the definition of {arn} is not JSON: {err}") from None
    return Found(definition, workflow_name(described.get("name") or parts[6]), arn, described.get("type"), None)
