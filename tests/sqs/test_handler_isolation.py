"""Issue 11 item 9: user handlers get no write access to the tracking table (nor any access to the queues).

A handler step's function runs the flowc runtime and invokes the handler's own function; only the runtime's
role touches the tracking table and the queues. Proven on the SAM template flowc writes and on the
CloudFormation the SAM translator makes of it (the roles SAM generates, with every policy template
expanded), for every example and corpus workflow that has handler steps, and for a handler that `uses`
resources of its own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler.pipeline import analyse
from flowc.targets.output import write_outputs
from flowc.targets.sqs.target import render

from tests.helpers import CORPUS, WORKFLOWS, compile_text
from tests.oracles.cfnlint import template_errors
from tests.oracles.sam import load_template, translate

WITH_HANDLERS = [WORKFLOWS / n for n in ("member_onboarding.flow", "process_user.flow", "user_fanout.flow",
                                         "workflow_chargeback.flow")] + \
                [CORPUS / n for n in ("express.flow", "jsonata.flow", "loops.flow", "parallel_map.flow")]
TRACKING = "FlowcExecutionsTable"
_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}")


def referenced(value: Any) -> set[str]:
    """Every logical id a template value points at (Ref, Fn::GetAtt, the variables of Fn::Sub)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else str(inner).split(".")[0])
            elif key == "Fn::Sub":
                text, extra = (inner, {}) if isinstance(inner, str) else (inner[0], inner[1])
                found |= {m for m in _SUB_NAME.findall(text) if m not in extra}
                found |= referenced(extra)
            else:
                found |= referenced(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= referenced(inner)
    return found


def actions(statement: dict[str, Any]) -> list[str]:
    found = statement.get("Action", [])
    return [found] if isinstance(found, str) else list(found)


def role_statements(cfn: dict[str, Any], function: str) -> tuple[str, list[dict[str, Any]], list[Any]]:
    """(role logical id, its inline statements, its managed policy ARNs) of a translated function."""
    role = cfn["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]
    props = cfn["Resources"][role]["Properties"]
    statements = [s for p in props.get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    return role, statements, props.get("ManagedPolicyArns", [])


def deployed(tmp_path: Path, result: Any, source: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(SAM template, translated CloudFormation, flow configurations)."""
    out = tmp_path / "out"
    files = render(result, out, [source])
    assert write_outputs(out, files) == []
    flows = {Path(p).stem: json.loads(t) for p, t in files.items() if p.startswith("runtime/python/flowc_sqs/flows/")}
    cfn = translate(load_template(out / "template.yaml"), base_dir=out)
    assert template_errors(cfn) == []
    return load_template(files["template.yaml"]), cfn, flows


def check_isolation(sam: dict[str, Any], cfn: dict[str, Any], flows: dict[str, Any]) -> dict[str, str]:
    """The assertions of this module; returns {step function: the handler function it invokes}."""
    invokes = {}  # step function logical id -> handler function logical id, from the routing configuration
    for flow in flows.values():
        for conf in flow["steps"].values():
            if conf.get("invoke"):
                step = next(k for k, r in sam["Resources"].items() if r["Type"] == "AWS::Serverless::Function"
                            and (r["Properties"].get("Environment") or {}).get("Variables", {}).get("FLOWC_STATE")
                            == next(n for n, c in flow["steps"].items() if c is conf)
                            and r["Properties"]["Environment"]["Variables"]["FLOWC_WORKFLOW"] == flow["workflow"])
                invokes[step] = conf["invoke"]
    handlers = set(invokes.values())
    assert handlers, "every workflow here has handler steps"
    chain_queues = {q for f in flows.values() for q in (f["ingress"], f["ingress_dlq"])} | \
        {c[k] for f in flows.values() for c in f["steps"].values() for k in ("queue", "dlq")}
    internal = {TRACKING, "FlowcRuntimeLayer"} | chain_queues | \
        {k for k, r in sam["Resources"].items() if r["Type"] == "AWS::Serverless::Function" and k not in handlers}
    roles: dict[str, str] = {}
    for function in handlers:
        props = sam["Resources"][function]["Properties"]
        # the user's code alone: no runtime layer, no queue events, nothing of flowc's in its environment
        assert "Layers" not in props and "Events" not in props, function
        variables = (props.get("Environment") or {}).get("Variables", {})
        assert not [k for k in variables if k.startswith("FLOWC_")], function
        assert not referenced(variables) & internal, function
        role, statements, managed = role_statements(cfn, function)
        roles[function] = role
        for statement in statements:
            touched = referenced(statement.get("Resource"))
            assert not touched & internal, (function, statement)  # the tracking table, the queues, the runtime
            wide = [a for a in actions(statement) if a.split(":")[0] in ("dynamodb", "sqs", "lambda")]
            scope = json.dumps(statement.get("Resource")).replace("/index/*", "")  # a named table's indexes
            assert not (wide and "*" in scope), (function, statement)  # no wildcard that could cover flowc's
        for arn in managed:  # logs only (and X-Ray when traced): no managed policy reaches DynamoDB or SQS
            assert re.search(r"AWSLambdaBasicExecutionRole|AWSXrayWriteOnlyAccess", json.dumps(arn)), (function, arn)
    # no role of the deployment is shared with a handler's function
    others = {f: role_statements(cfn, f)[0] for f, r in cfn["Resources"].items()
              if r["Type"] == "AWS::Lambda::Function" and f not in handlers}
    assert not set(roles.values()) & set(others.values())
    # the runtime's roles may invoke exactly the handler functions their steps run, nothing else of them
    can_invoke: dict[str, set[str]] = {}
    for function in others:
        _, statements, _ = role_statements(cfn, function)
        for statement in statements:
            if any(a.startswith("lambda:") or a == "*" for a in actions(statement)):
                assert actions(statement) == ["lambda:InvokeFunction"], (function, statement)
                hit = referenced(statement["Resource"]) & handlers
                if hit:
                    can_invoke.setdefault(function, set()).update(hit)
    assert can_invoke == {step: {handler} for step, handler in invokes.items()}
    return invokes


@pytest.mark.parametrize("path", WITH_HANDLERS, ids=[p.name for p in WITH_HANDLERS])
def test_handler_roles_cannot_reach_the_tracking_table_or_the_queues(tmp_path, path):
    result = analyse([path])
    assert result.ok
    sam, cfn, flows = deployed(tmp_path, result, str(path))
    invokes = check_isolation(sam, cfn, flows)
    for step, handler in invokes.items():  # the step's role: the runtime's grants, and this one invoke
        _, statements, _ = role_statements(cfn, step)
        assert {"Effect": "Allow", "Action": ["lambda:InvokeFunction"],
                "Resource": {"Fn::GetAtt": [handler, "Arn"]}} in statements
        assert any(TRACKING in referenced(s.get("Resource")) for s in statements)


def test_what_a_handler_uses_is_granted_to_its_own_role_only(tmp_path):
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "h.py").write_text("def main(event, context):\n    return event\n")
    result = compile_text(tmp_path, """
        workflow Orders
          table Orders
          queue Jobs
          function save handler "h.main" code "handlers" uses Orders read write, Jobs send
          Save: invoke save
          Again: invoke save
        """)
    assert result.ok, [str(d) for d in result.diagnostics]
    sam, cfn, flows = deployed(tmp_path, result, str(tmp_path / "t.flow"))
    invokes = check_isolation(sam, cfn, flows)
    assert invokes == {"OrdersSaveFunction": "SaveFunction", "OrdersAgainFunction": "SaveFunction"}  # one function
    _, statements, _ = role_statements(cfn, "SaveFunction")
    granted = {a: referenced(s["Resource"]) for s in statements for a in actions(s)}
    assert granted["dynamodb:PutItem"] == {"OrdersTable"} and granted["sqs:SendMessage*"] == {"JobsQueue"}
    for step in invokes:  # the runtime's roles get nothing of what the handler uses
        _, statements, _ = role_statements(cfn, step)
        assert not any({"OrdersTable", "JobsQueue"} & referenced(s.get("Resource")) for s in statements)
