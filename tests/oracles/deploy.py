"""Deploy a compiled flowc program onto the moto oracle, the way its template would on AWS.

Every `${Placeholder}` of every workflow gets a real moto resource: functions become in-process
Lambdas running the declared Python handler (or an override), tables, topics and queues are created,
and child workflows are deployed before their parents so the parent can name the child's ARN.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flowc.compiler.result import CompileResult
from flowc.targets import naming
from flowc.targets.local import load_handler

from tests.oracles.sfn import SfnOracle


def _order(result: CompileResult) -> list[str]:
    """Children first: a workflow is deployed after every workflow it starts."""
    program = result.program
    assert program is not None
    done: list[str] = []

    def visit(name: str, stack: tuple[str, ...]) -> None:
        if name in done or name in stack:
            return
        for child in program.workflows[name].workflows:
            visit(child, (*stack, name))
        done.append(name)

    for name in program.workflows:
        visit(name, ())
    return done


def deploy_program(oracle: SfnOracle, result: CompileResult, *,
                   handlers: dict[str, Callable[[Any, Any], Any]] | None = None) -> dict[str, str]:
    """Create every resource the program uses and deploy every workflow; {workflow name: ARN}.

    `handlers` overrides declared functions by function name (e.g. to inject failures).
    """
    program = result.program
    assert program is not None
    handlers = handlers or {}
    values: dict[str, str] = {}
    arns: dict[str, str] = {}
    for name in _order(result):
        emitted = result.asl[name]
        subs: dict[str, str] = {}
        for key, (kind, res_name) in emitted.substitutions.items():
            default = naming.substitution_key(kind, res_name)
            if default not in values:
                values[default] = _create(oracle, program, kind, res_name, handlers, arns)
            if key not in values:  # another attribute of the same resource (`Orders.arn`, `{ FunctionName: f }`)
                values[key] = _attribute(oracle, kind, res_name, naming.key_attribute(key, kind, res_name),
                                         values[default])
            subs[key] = values[key]
        wf = program.workflows[name]
        arns[name] = oracle.deploy(for_moto(emitted.definition), name=name, type=wf.type, substitutions=subs)
    return arns


def for_moto(definition: Any) -> Any:
    """The same ASL in the spelling moto's grammar accepts: an integer ToleratedFailurePercentage (valid on AWS)
    is rejected by moto (KNOWN_DIFFERENCES["tolerated-failure-percentage-int"]); 10 and 10.0 mean the same."""
    if isinstance(definition, dict):
        return {k: float(v) if k == "ToleratedFailurePercentage" and isinstance(v, int) else for_moto(v)
                for k, v in definition.items()}
    if isinstance(definition, list):
        return [for_moto(v) for v in definition]
    return definition


def _attribute(oracle: SfnOracle, kind: str, name: str, attribute: str, default: str) -> str:
    """A resource's other attribute, read back from moto (what `!GetAtt`/`!Ref` would give on AWS)."""
    if attribute == naming.KIND_ATTRIBUTE[kind]:
        return default
    if attribute == "Name":
        return default.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    if kind == "table":
        return oracle.client("dynamodb").describe_table(TableName=name)["Table"]["TableArn"]
    if kind == "queue":
        return oracle.client("sqs").get_queue_attributes(QueueUrl=default, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
    raise ValueError(f"the oracle cannot give the {attribute} of a {kind}")


def _create(oracle: SfnOracle, program: Any, kind: str, name: str, handlers: dict, arns: dict[str, str]) -> str:
    if kind == "workflow":
        return arns[name]
    res = program.resources.get((kind, name))
    if res is not None and not res.owned:
        raise ValueError(f"{kind} {name} is external ({res.arn}); the oracle cannot stand it up")
    if kind == "function":
        handler = handlers.get(name)
        if handler is None:
            code_dir = Path(res.span.file).parent / res.props["code"]
            handler = load_handler(code_dir, res.props["handler"])
        return oracle.register_lambda(name, handler)
    if kind == "table":
        p = res.props
        keys = [{"AttributeName": p["key"], "KeyType": "HASH"}]
        attrs = [{"AttributeName": p["key"], "AttributeType": p.get("key_type", "S")}]
        if "sort" in p:
            keys.append({"AttributeName": p["sort"], "KeyType": "RANGE"})
            attrs.append({"AttributeName": p["sort"], "AttributeType": p.get("sort_type", "S")})
        oracle.client("dynamodb").create_table(TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=keys,
                                               AttributeDefinitions=attrs)
        return name
    if kind == "topic":
        return oracle.create_topic(name)
    if kind == "queue":
        oracle.create_queue(name)
        return oracle.queue_url(name)
    if kind == "bus":
        oracle.client("events").create_event_bus(Name=name)
        return name
    raise ValueError(f"the oracle cannot create a {kind}")
