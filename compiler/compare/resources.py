"""What each architecture deploys and what code it needs.

- Resources by CloudFormation type **after the SAM transform** (aws-sam-translator, run offline: a region
  for its boto session, the translator's bundled managed-policy map instead of IAM calls, local artifact
  paths replaced by `s3://` placeholders as `sam package` would). Both Step Functions columns deploy the same
  template (only the state machine's `Type` differs).
- IAM: roles, inline policy statements, and the managed policies SAM attaches (by name).
- Lines: generated glue (ASL definitions, templates, the SQS runtime layer and its routing configuration)
  and the user's handler code, counted as non-blank, non-comment lines.
- The steps that become extra functions in the SQS chain: every task step gets its own queue, dead-letter
  queue and function, including service integrations that Step Functions calls natively.

aws-sam-translator is imported lazily; without it the template is counted before the transform and the
report says so.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowc.compiler import ir
from flowc.compiler.compare.analysis import NATIVE, WorkflowIndex
from flowc.compiler.result import CompileResult

REGION = "us-east-1"
PLACEHOLDER_BUCKET = "flowc-compare-artifacts"
ARTIFACTS = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri",
             "AWS::Serverless::StateMachine": "DefinitionUri", "AWS::Serverless::Api": "DefinitionUri",
             "AWS::Serverless::HttpApi": "DefinitionUri"}
NAMES = {"dynamodb.putItem": "DynamoDB putItem", "dynamodb.getItem": "DynamoDB getItem",
         "dynamodb.updateItem": "DynamoDB updateItem", "dynamodb.deleteItem": "DynamoDB deleteItem",
         "sns.publish": "SNS publish", "sqs.sendMessage": "SQS sendMessage", "events.putEvents": "EventBridge putEvents",
         "states.startExecution": "start a workflow", "resource": "AWS SDK call", "activity": "activity"}


@dataclass
class TemplateCount:
    resources: dict[str, int]  # CloudFormation type -> count
    transformed: bool  # False: counted before the SAM transform (translator not installed or refused)
    roles: int = 0
    statements: int = 0  # inline IAM policy statements
    managed_policies: dict[str, int] = field(default_factory=dict)  # managed policy name -> attachments
    error: str | None = None

    @property
    def total(self) -> int:
        return sum(self.resources.values())


@dataclass
class CodeLines:
    generated: dict[str, int]  # what -> lines
    user: dict[str, int]  # handler -> lines

    @property
    def generated_total(self) -> int:
        return sum(self.generated.values())

    @property
    def user_total(self) -> int:
        return sum(self.user.values())


@dataclass
class ExtraFunction:
    workflow: str
    state: str
    integration: str  # lambda | dynamodb.putItem | ...
    native: bool  # Step Functions calls it without a function


# ------------------------------------------------------------------------------------------------------
# templates
# ------------------------------------------------------------------------------------------------------
def asl_files(result: CompileResult, out: Path) -> dict[str, str]:
    from flowc.targets.asl.target import render

    return render(result, out, [])


def sqs_files(result: CompileResult, out: Path) -> dict[str, str]:
    from flowc.targets.sqs.target import render

    return render(result, out, [])


def load_yaml(text: str) -> dict[str, Any]:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(io.StringIO(text))


def _package(template: dict[str, Any]) -> dict[str, Any]:
    """Local artifact paths -> s3:// placeholders (what `sam package` does after uploading them)."""
    out = copy.deepcopy(template)
    for resource in (out.get("Resources") or {}).values():
        prop = ARTIFACTS.get(resource.get("Type", ""))
        props = resource.get("Properties") or {}
        value = props.get(prop) if prop else None
        if isinstance(value, str) and not value.startswith("s3://"):
            props[prop] = f"s3://{PLACEHOLDER_BUCKET}/{hashlib.md5(value.encode()).hexdigest()}"
    return out


def translate(template: dict[str, Any], region: str = REGION) -> dict[str, Any]:
    """SAM -> CloudFormation, offline (see the module docstring). Raises on a template the translator rejects."""
    import boto3
    from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    policies = get_bundled_managed_policy_map("aws") or {}
    translator = Translator(managed_policy_map=None, sam_parser=Parser(),
                            boto_session=boto3.session.Session(region_name=region))
    try:
        return translator.translate(_package(template), parameter_values={},
                                    get_managed_policy_map=lambda: policies)
    except InvalidDocumentException as ex:
        raise ValueError("; ".join(getattr(c, "message", str(c)) for c in ex.causes)) from ex
    finally:
        translator.metrics.publish()


def count_template(template: dict[str, Any]) -> TemplateCount:
    try:
        cfn = translate(template)
        transformed, error = True, None
    except ImportError:
        cfn, transformed, error = template, False, "aws-sam-translator is not installed: counted before the transform"
    except Exception as err:
        cfn, transformed, error = template, False, f"the SAM transform failed ({err}): counted before the transform"
    resources = Counter(r.get("Type", "?") for r in (cfn.get("Resources") or {}).values())
    out = TemplateCount(dict(sorted(resources.items())), transformed, error=error)
    managed: Counter = Counter()
    for r in (cfn.get("Resources") or {}).values():
        props = r.get("Properties") or {}
        if r.get("Type") == "AWS::IAM::Role":
            out.roles += 1
            for policy in props.get("Policies") or []:
                out.statements += len(_statements(policy.get("PolicyDocument")))
            for arn in props.get("ManagedPolicyArns") or []:
                managed[_policy_name(arn)] += 1
        elif r.get("Type") in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            out.statements += len(_statements(props.get("PolicyDocument")))
    out.managed_policies = dict(sorted(managed.items()))
    return out


def _statements(document: Any) -> list[Any]:
    if not isinstance(document, dict):
        return []
    found = document.get("Statement") or []
    return found if isinstance(found, list) else [found]


def _policy_name(arn: Any) -> str:
    if isinstance(arn, dict) and "Fn::Sub" in arn:
        arn = arn["Fn::Sub"] if isinstance(arn["Fn::Sub"], str) else arn["Fn::Sub"][0]
    return str(arn).rsplit("/", 1)[-1]


# ------------------------------------------------------------------------------------------------------
# lines of code
# ------------------------------------------------------------------------------------------------------
def code_lines(text: str, *, comment: str | None = "#") -> int:
    """Non-blank lines that are not comments (and, for Python, not docstrings)."""
    count = 0
    for line in text.splitlines():
        s = line.strip()
        if s and not (comment and s.startswith(comment)):
            count += 1
    return count


def python_lines(text: str) -> int:
    """Non-blank, non-comment Python lines, docstrings excluded."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return code_lines(text)
    doc_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
                    and isinstance(first.value.value, str):
                doc_lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    lines = text.splitlines()
    return sum(1 for i, line in enumerate(lines, start=1)
               if i not in doc_lines and line.strip() and not line.strip().startswith("#"))


def handler_lines(program: ir.Program, functions: list[str]) -> dict[str, int]:
    """Lines of each handler function the workflows invoke (the function's own body, docstring excluded)."""
    out: dict[str, int] = {}
    for name in functions:
        res = program.resources.get(("function", name))
        if res is None or not res.owned or "handler" not in res.props:
            continue
        module, _, func = res.props["handler"].rpartition(".")
        path = Path(res.span.file).parent / res.props.get("code", ".") / (module.replace(".", "/") + ".py")
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (OSError, SyntaxError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == func:
                body = "\n".join(text.splitlines()[node.lineno - 1:node.end_lineno])
                out[f"{res.props['handler']}"] = python_lines(body)
    return dict(sorted(out.items()))


def asl_code(files: dict[str, str], workflows: list[str]) -> dict[str, int]:
    out = {f"{w}.asl.json": code_lines(files[f"{w}.asl.json"], comment=None) for w in workflows
           if f"{w}.asl.json" in files}
    out["template.yaml"] = code_lines(files["template.yaml"])
    return out


def sqs_code(files: dict[str, str]) -> dict[str, int]:
    runtime = sum(python_lines(text) for path, text in files.items()
                  if path.startswith("runtime/python/flowc_sqs/") and path.endswith(".py"))
    flows = sum(code_lines(text, comment=None) for path, text in files.items()
                if path.startswith("runtime/python/flowc_sqs/flows/"))
    vendored = sum(python_lines(text) for path, text in files.items()
                   if path.startswith("runtime/python/jsonata/") and path.endswith(".py"))
    out = {"template.yaml": code_lines(files["template.yaml"]),
           "runtime layer (flowc_sqs, Python)": runtime,
           "routing configuration (flows/*.json)": flows}
    if vendored:
        out["vendored JSONata (Python)"] = vendored
    return out


# ------------------------------------------------------------------------------------------------------
# the SQS chain's extra functions
# ------------------------------------------------------------------------------------------------------
def extra_functions(indexes: dict[str, WorkflowIndex]) -> list[ExtraFunction]:
    out = []
    for wf, index in indexes.items():
        for name, info in index.states.items():
            task = info.state.task
            if task is None:
                continue
            out.append(ExtraFunction(wf, name, task.integration, task.integration in NATIVE))
    return out


def invoked_functions(indexes: dict[str, WorkflowIndex]) -> list[str]:
    names = []
    for index in indexes.values():
        for info in index.states.values():
            if info.is_lambda and info.state.task is not None and info.state.task.target not in names:
                names.append(info.state.task.target or "")
    return names


def describe_integration(integration: str) -> str:
    return NAMES.get(integration, "Lambda handler" if integration == "lambda" else integration)
