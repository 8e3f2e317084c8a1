"""What `flowc compile --target sqs` writes: SAM that transforms offline and lints clean, the structure the
issue asks for (queues, dead-letter queues, event sources, tracking table, entry points, least privilege), a
runtime layer that stands on its own, and byte-identical output from run to run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.pipeline import analyse
from flowc.targets.output import write_outputs
from flowc.targets.sqs.target import check, render

from tests.helpers import CORPUS, CORPUS_FILES, EXAMPLES, REPO, WORKFLOWS

SUPPORTED = [WORKFLOWS / n for n in EXAMPLES] + [CORPUS / n for n in CORPUS_FILES
                                                 if n not in ("dataflow.flow", "distributed_map.flow",
                                                              "integrations.flow")]


def compiled(tmp_path: Path, path: Path) -> tuple[dict[str, Any], dict[str, str], Path]:
    from ruamel.yaml import YAML

    result = analyse([path])
    assert result.ok and not check(result)
    out = tmp_path / "out"
    files = render(result, out, [str(path)])
    assert write_outputs(out, files) == []
    return YAML(typ="safe", pure=True).load(files["template.yaml"]), files, out


@pytest.mark.parametrize("path", SUPPORTED, ids=[p.name for p in SUPPORTED])
def test_sam_translates_and_the_cloudformation_lints_clean(tmp_path, path):
    from tests.oracles.cfnlint import template_errors
    from tests.oracles.sam import translate

    _, _, out = compiled(tmp_path, path)
    cfn = translate(out / "template.yaml", base_dir=out)
    assert template_errors(cfn) == []
    kinds = {r["Type"] for r in cfn["Resources"].values()}
    assert {"AWS::Lambda::Function", "AWS::Lambda::EventSourceMapping", "AWS::SQS::Queue",
            "AWS::DynamoDB::Table", "AWS::Lambda::LayerVersion", "AWS::IAM::Role"} <= kinds


def resources(template: dict, kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def chain_functions(template: dict) -> dict[str, Any]:
    """The chain's own functions (not the webhook verifiers in front of `auth github` routes)."""
    return {k: v for k, v in resources(template, "AWS::Serverless::Function").items() if "Layers" in v["Properties"]}


@pytest.mark.parametrize("path", SUPPORTED, ids=[p.name for p in SUPPORTED])
def test_every_function_is_fronted_by_a_queue_with_a_dead_letter_queue(tmp_path, path):
    template, _, _ = compiled(tmp_path, path)
    queues = resources(template, "AWS::SQS::Queue")
    for name, fn in chain_functions(template).items():
        props = fn["Properties"]
        if props["Environment"]["Variables"]["FLOWC_ROLE"] == "sweeper":
            continue  # consumes the dead-letter queues (tests/sqs/test_crash_windows.py)
        (event,) = [e for e in props["Events"].values() if e["Type"] == "SQS"]
        ep = event["Properties"]
        assert ep["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert 1 <= ep["BatchSize"] <= 10
        queue = queues[ep["Queue"]["Fn::GetAtt"][0]]["Properties"]
        assert queue["VisibilityTimeout"] >= 6 * props["Timeout"], name
        assert queue["MessageRetentionPeriod"] == 345600
        redrive = queue["RedrivePolicy"]
        assert redrive["maxReceiveCount"] >= 5
        dlq = queues[redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]]["Properties"]
        assert dlq["MessageRetentionPeriod"] > queue["MessageRetentionPeriod"]
        assert props["Layers"] == [{"Ref": "FlowcRuntimeLayer"}]
        assert props["RecursiveLoop"] == "Allow"  # retries and timers loop through queues on purpose
        assert props["Environment"]["Variables"]["FLOWC_TABLE"] == {"Ref": "FlowcExecutionsTable"}
    table = template["Resources"]["FlowcExecutionsTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}


def test_owned_resources_keep_the_step_functions_logical_ids(tmp_path):
    from flowc.targets.asl.sam import build_template

    template, _, _ = compiled(tmp_path, WORKFLOWS / "workflow_chargeback.flow")
    result = analyse([WORKFLOWS / "workflow_chargeback.flow"])
    asl = build_template(result.program, result.asl, tmp_path)
    for logical in ("RunCostsTable", "RepoTotalsTable", "BudgetAlertsTopic"):
        assert template["Resources"][logical] == asl["Resources"][logical]


def test_functions_may_send_only_to_the_queues_they_route_to(tmp_path):
    template, _, _ = compiled(tmp_path, WORKFLOWS / "member_onboarding.flow")
    functions = chain_functions(template)

    def sends(name: str) -> set[str]:
        return {r["Fn::GetAtt"][0] for s in statements(name) if s["Action"] == ["sqs:SendMessage"] for r in s["Resource"]}

    def statements(name: str) -> list[dict]:
        return [s for pol in functions[name]["Properties"]["Policies"] for s in pol["Statement"]]

    def env_queues(name: str) -> set[str]:
        variables = functions[name]["Properties"]["Environment"]["Variables"]
        return {k for k, v in variables.items() if isinstance(v, dict) and v.get("Fn::GetAtt", ["", ""])[1] == "QueueName"}

    p = "MemberOnboarding"
    # FetchEmployee: retry itself, its DLQ, onwards to Store, on error to NotifyFailure, waits/spills via ingress
    assert sends(f"{p}FetchEmployeeFunction") == {f"{p}FetchEmployeeQueue", f"{p}FetchEmployeeDLQ", f"{p}StoreQueue",
                                                  f"{p}NotifyFailureQueue", f"{p}IngressQueue"}
    assert sends(f"{p}NotifySuccessFunction") == {f"{p}NotifySuccessQueue", f"{p}NotifySuccessDLQ", f"{p}IngressQueue"}
    for name in functions:
        assert sends(name) == env_queues(name), name
        assert all(s["Resource"] != "*" for s in statements(name)), name
        tracking = [s for s in statements(name) if s["Resource"] == {"Fn::GetAtt": ["FlowcExecutionsTable", "Arn"]}]
        assert tracking and "dynamodb:Scan" not in tracking[0]["Action"], name
    store = [s for s in statements(f"{p}StoreFunction") if s["Resource"] == {"Fn::GetAtt": ["MembersTable", "Arn"]}]
    assert store == [{"Effect": "Allow", "Action": ["dynamodb:PutItem"],
                      "Resource": {"Fn::GetAtt": ["MembersTable", "Arn"]}}]


def test_entry_points_follow_the_workflow_triggers(tmp_path):
    template, _, _ = compiled(tmp_path, WORKFLOWS / "member_onboarding.flow")
    ingress = template["Resources"]["MemberOnboardingIngressFunction"]["Properties"]
    assert not [e for e in (ingress.get("Events") or {}).values() if e["Type"] == "HttpApi"]
    (route,) = resources(template, "AWS::ApiGatewayV2::Route").values()
    assert route["Properties"]["RouteKey"] == "POST /github/member"
    # `auth github`: the route goes to the signature verifier, which alone may invoke the ingress function
    integration = route["Properties"]["Target"]["Fn::Sub"].removeprefix("integrations/${").rstrip("}")
    verifier = template["Resources"][integration]["Properties"]["IntegrationUri"]["Fn::GetAtt"][0]
    env = template["Resources"][verifier]["Properties"]["Environment"]["Variables"]
    assert env["FLOWC_TARGET"] == {"Ref": "MemberOnboardingIngressFunction"} and env["FLOWC_TARGET_KIND"] == "lambda"
    assert "HttpApiUrl" in template["Outputs"]


def test_map_concurrency_and_handler_steps(tmp_path):
    template, _, _ = compiled(tmp_path, WORKFLOWS / "user_fanout.flow")
    worker = template["Resources"]["UserFanOutInvokeWorkerFunction"]["Properties"]
    event = worker["Events"]["FromQueue"]["Properties"]
    assert event["ScalingConfig"] == {"MaximumConcurrency": 50}
    provision = template["Resources"]["ProcessUserProvisionFunction"]["Properties"]
    assert provision["Handler"] == "index.handler" and "CodeUri" not in provision  # the runtime only
    variables = provision["Environment"]["Variables"]
    assert "FLOWC_HANDLER" not in variables
    assert variables["ProvisionUserFunction"] == {"Ref": "ProvisionUserFunction"}  # the function it invokes
    assert provision["Events"]["FromQueue"]["Properties"]["BatchSize"] == 1
    handler = template["Resources"]["ProvisionUserFunction"]["Properties"]  # the user's code, its own function
    assert handler["Handler"] == "fanout.provision_user" and handler["CodeUri"].endswith("workflows/handlers")
    assert "Layers" not in handler and "Events" not in handler
    # the child is started through its ingress queue, never through Step Functions
    assert "ProcessUserIngressQueue" in worker["Environment"]["Variables"]


def test_output_is_deterministic(tmp_path):
    result = analyse([WORKFLOWS / "user_fanout.flow"])
    first = render(result, tmp_path, ["workflows/user_fanout.flow"])
    second = render(analyse([WORKFLOWS / "user_fanout.flow"]), tmp_path, ["workflows/user_fanout.flow"])
    assert first == second


def test_the_layer_carries_the_runtime_the_semantics_and_the_flows(tmp_path):
    _, files, _ = compiled(tmp_path, CORPUS / "jsonata.flow")
    assert files["runtime/python/flowc_sqs/engine.py"] == (REPO / "targets/sqs/runtime/engine.py").read_text()
    assert files["runtime/python/flowc_sqs/asl/payload.py"] == (REPO / "targets/runtime/payload.py").read_text()
    config = json.loads(files["runtime/python/flowc_sqs/flows/Jsonata.json"])
    assert config["definition"]["QueryLanguage"] == "JSONata"
    assert "runtime/python/jsonata/__init__.py" in files and "runtime/python/jsonata/LICENSE" in files
    _, plain, _ = compiled(tmp_path / "b", WORKFLOWS / "member_onboarding.flow")
    assert not any(p.startswith("runtime/python/jsonata/") for p in plain)


def test_the_generated_runtime_runs_without_flowc(tmp_path):
    """The layer is self-contained: standard library + boto3 (+ the vendored jsonata)."""
    _, _, out = compiled(tmp_path, CORPUS / "jsonata.flow")
    layer = out / "runtime" / "python"
    code = (
        f"import sys; sys.path.insert(0, {str(layer)!r})  # where Lambda mounts a layer: /opt/python\n"
        "import json\n"
        "import flowc_sqs.entry, flowc_sqs.semantics as s, flowc_sqs.jsonata_eval as j\n"
        "from flowc_sqs.flow import FlowRegistry\n"
        "assert s.asl.__name__ == 'flowc_sqs.asl', s.asl.__name__\n"
        "assert 'flowc' not in sys.modules\n"
        "flow = FlowRegistry(values={})['Jsonata']\n"
        "print(json.dumps([flow.name, j.evaluate('{% $sum($states.input.a) %}', {'input': {'a': [1, 2]}})]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == ["Jsonata", 3]


def test_cli_compiles_to_the_sqs_target(tmp_path):
    out = tmp_path / "sqs"
    res = CliRunner().invoke(main, ["compile", str(WORKFLOWS / "user_fanout.flow"), "--target", "sqs", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "template.yaml").exists()
    assert (out / "runtime/python/flowc_sqs/flows/UserFanOut.json").exists()
    assert (out / "runtime/python/flowc_sqs/flows/ProcessUser.json").exists()


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_yaml_twin_compiles_to_the_same_app(tmp_path, name):
    a = render(analyse([WORKFLOWS / name]), tmp_path, ["src"])
    b = render(analyse([WORKFLOWS / (name + ".yaml")]), tmp_path, ["src"])
    assert a == b
