"""Helpers for lint tests: lint a definition given as a dict or text, pick codes out."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from flowc.compiler.lint.runner import Options, lint_asl_text, lint_flow_file
from flowc.dsl.diagnostics import Diagnostic

REPO = Path(__file__).resolve().parents[2]


def lint(definition, name: str = "t.asl.json", **options) -> list[Diagnostic]:
    text = definition if isinstance(definition, str) else json.dumps(definition, indent=2)
    return lint_asl_text(text, name, Options(**options) if options else None)


def machine(states: dict, start: str | None = None, **top) -> dict:
    return {**top, "StartAt": start or next(iter(states)), "States": states}


def codes(diags: list[Diagnostic], severity: str | None = None) -> list[str]:
    return [d.code for d in diags if severity is None or d.severity.value == severity]


def of(diags: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in diags if d.code == code]


def lint_flow(tmp_path: Path, source: str, name: str = "t.flow") -> list[Diagnostic]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return lint_flow_file(str(path))


LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:worker"
INVOKE = "arn:aws:states:::lambda:invoke"
LAMBDA_RETRY = [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                                 "Lambda.TooManyRequestsException"], "MaxDelaySeconds": 10}]


def task(**fields) -> dict:
    return {"Type": "Task", "Resource": fields.pop("Resource", LAMBDA), "Retry": fields.pop("Retry", LAMBDA_RETRY),
            **({"End": True} if "Next" not in fields else {}), **fields}
