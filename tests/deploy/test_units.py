"""The parts of the deploy path that need no stack: retries, redaction, packaging, history rebuild, CLI edges."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.pipeline import analyse
from flowc.targets.aws.session import Aws, AwsSettings, redact

from tests.deploy.moto_server import MotoAccount, check_deploy_patch_targets
from tests.helpers import WORKFLOWS


def test_the_moto_patches_still_apply() -> None:
    """Canary: a moto upgrade that moves a patched attribute must fail here, not silently."""
    assert check_deploy_patch_targets() == []


class _Raw:
    def __init__(self, body: bytes):
        self.body = body

    def stream(self, **_kwargs: Any) -> Any:
        yield self.body


def test_throttling_is_retried_by_the_client(account: MotoAccount) -> None:
    from botocore.awsrequest import AWSResponse

    aws = Aws(AwsSettings(region="us-east-1", endpoint_url=account.endpoint))
    sfn = aws.client("stepfunctions")
    calls = {"n": 0}

    def throttle(request: Any, **_kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > 2:
            return None  # the third attempt reaches moto
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.0"}, _Raw(body))

    sfn.meta.events.register("before-send.sfn.ListStateMachines", throttle)
    assert "stateMachines" in sfn.list_state_machines()
    assert calls["n"] == 3
    assert aws.config.retries == {"mode": "standard", "total_max_attempts": 10}


def test_without_boto3_the_aws_commands_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # what `import boto3` sees when it is not installed
    src = str(WORKFLOWS / "process_user.flow")
    for args in (["deploy", src, "--stack", "s"], ["run", src, "--remote", "--stack", "s"],
                 ["history", "ProcessUser/x", "--stack", "s"]):
        result = CliRunner().invoke(main, [*args, "--region", "us-east-1"])
        assert result.exit_code == 2, (args, result.output)
        assert "pip install 'flowc[run]'" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_no_region_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    result = CliRunner().invoke(main, ["deploy", str(WORKFLOWS / "process_user.flow"), "--stack", "s"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "flowc deploy: no region: pass --region or set AWS_REGION / AWS_DEFAULT_REGION"


def test_redact_masks_keys_and_secrets() -> None:
    text = redact("id AKIAIOSFODNN7EXAMPLE, aws_secret_access_key=wJalrXUtnFEMI/K7MDENG token: abc X-Amz-Signature=f00")
    assert "AKIAIOSFODNN7EXAMPLE" not in text and "wJalrXUtnFEMI" not in text and "abc" not in text
    assert "f00" not in text and text.startswith("id ***")
    assert redact("stack demo is ROLLBACK_COMPLETE") == "stack demo is ROLLBACK_COMPLETE"


def test_code_zips_are_deterministic(tmp_path: Path) -> None:
    import os

    from flowc.targets.aws.package import zip_folder

    code = tmp_path / "code"
    (code / "pkg" / "__pycache__").mkdir(parents=True)
    (code / "pkg" / "mod.py").write_text("X = 1\n")
    (code / "app.py").write_text("def handler(e, c):\n    return e\n")
    (code / "pkg" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0")
    first = zip_folder(code)
    os.utime(code / "app.py", (1_000_000, 1_000_000))
    assert zip_folder(code) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["app.py", "pkg/mod.py"]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_sam_transform_runs_offline_with_inlined_definitions(tmp_path: Path) -> None:
    """What `package` produces before the change set: plain CloudFormation, ASL inline, code in S3."""
    import yaml
    from flowc.targets.aws.package import render_app, transform

    files = render_app(analyse([WORKFLOWS / "process_user.flow"]), "asl", tmp_path, ["process_user.flow"])
    sam = yaml.safe_load(files["template.yaml"])
    machine = sam["Resources"]["ProcessUserStateMachine"]["Properties"]
    machine["Definition"] = json.loads((tmp_path / machine.pop("DefinitionUri")).read_text())
    sam["Resources"]["ProvisionUserFunction"]["Properties"]["CodeUri"] = {"Bucket": "b", "Key": "k.zip"}
    cfn = transform(sam, "us-east-1", "aws")
    assert "Transform" not in cfn
    kinds = {r["Type"] for r in cfn["Resources"].values()}
    assert not any(k.startswith("AWS::Serverless::") for k in kinds)
    props = cfn["Resources"]["ProcessUserStateMachine"]["Properties"]
    assert "DefinitionString" in props and "ProvisionUserFunctionArn" in props["DefinitionSubstitutions"]
    assert cfn["Resources"]["ProvisionUserFunction"]["Properties"]["Code"] == {"S3Bucket": "b", "S3Key": "k.zip"}


def test_history_is_rebuilt_from_the_tracking_table() -> None:
    """The simulator runs the chain's runtime on moto; its tracking items rebuild into a history whose task
    states are the ones the run entered, with the Parallel's join entered and exited around them."""
    from flowc.targets.aws.chain import state_types
    from flowc.targets.aws.history import decode, rebuild
    from flowc.targets.sqs.simulator import deployment, simulate

    result = analyse([WORKFLOWS / "workflow_chargeback.flow"])
    data = json.loads((WORKFLOWS / "workflow_chargeback.input.json").read_text())
    seen: dict[str, Any] = {}

    def observe(snapshot: Any) -> None:
        seen["items"] = [decode(i) for i in snapshot.tracking()]
        seen["key"] = f"{snapshot.workflow}/{snapshot.execution}"

    run = simulate(result, "WorkflowChargeback", data, observe=observe)
    assert run.status == "SUCCEEDED"
    types = state_types(deployment(result).flows["WorkflowChargeback"]["definition"])
    events = rebuild([i for i in seen["items"] if i["pk"] == seen["key"]], types)
    assert events[0]["type"] == "ExecutionStarted" and events[-1]["type"] == "ExecutionSucceeded"
    assert json.loads(events[-1]["executionSucceededEventDetails"]["output"]) == run.output
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    tasks = {s for s in run.states_entered if types.get(s) == "Task"}
    assert {e["stateEnteredEventDetails"]["name"] for e in events if e["type"] == "TaskStateEntered"} == tasks
    kinds = [e["type"] for e in events]
    assert "ParallelStateEntered" in kinds and "ParallelStateExited" in kinds
    assert kinds.index("ParallelStateEntered") < kinds.index("ParallelStateExited")
    exited = next(e for e in events if e["type"] == "ParallelStateExited")["stateExitedEventDetails"]
    assert exited["status"] == "DONE" and exited["done"] == exited["total"] == 2
    stamps = [e["timestamp"] for e in events[:-1]]
    assert stamps == sorted(stamps)
    inside = [e for e in events if e.get("flowc", {}).get("scope")]
    assert inside, "the branches' steps say which branch they ran in"


def test_a_failed_task_and_a_retry_show_in_the_history() -> None:
    from flowc.targets.aws.history import rebuild

    items = [
        {"pk": "W/x", "sk": "EXECUTION", "status": "FAILED", "input": "{}", "started_at": 10.0, "stopped_at": 14.0,
         "error": "Boom", "cause": "it broke"},
        {"pk": "W/x", "sk": "STEP#a", "key": "W/x||1|Charge|0|run", "state": "Charge", "status": "DONE",
         "claimed_at": 11.0, "finished_at": 11.5, "outcome": json.dumps({"error": "Boom", "cause": "c1"})},
        {"pk": "W/x", "sk": "STEP#b", "key": "W/x||1|Charge|1|run", "state": "Charge", "status": "DONE",
         "claimed_at": 13.0, "finished_at": 13.5, "outcome": json.dumps({"error": "Boom", "cause": "c2"})},
    ]
    events = rebuild(items, {"Charge": "Task"})
    assert [e["type"] for e in events] == ["ExecutionStarted", "TaskStateEntered", "TaskFailed", "TaskStateExited",
                                           "TaskStateEntered", "TaskFailed", "TaskStateExited", "ExecutionFailed"]
    assert [e["flowc"]["attempt"] for e in events if e["type"] == "TaskFailed"] == [0, 1]
    assert events[-1]["executionFailedEventDetails"] == {"error": "Boom", "cause": "it broke"}
    assert events[0]["timestamp"] == "1970-01-01T00:00:10.000+00:00"


def test_execution_names_parse() -> None:
    from flowc.compiler.commands.history import parse_execution

    arn = "arn:aws:states:us-east-1:123456789012:execution:my-app-Orders:abc"
    assert parse_execution(arn, "my-app") == ("Orders", "abc", arn)
    assert parse_execution(arn, None) == ("Orders", "abc", arn)
    assert parse_execution("Orders/abc", "my-app") == ("Orders", "abc", None)


def test_starting_a_chain_execution_invokes_the_ingress_function(account: MotoAccount) -> None:
    """Outside --drive, `run --remote --target sqs` starts through the ingress function (as on AWS)."""
    from botocore.stub import Stubber
    from flowc.targets.aws.chain import start
    from flowc.targets.aws.session import AwsError

    aws = Aws(AwsSettings(region="us-east-1", endpoint_url=account.endpoint))

    class Chain:
        def ingress(self, workflow: str) -> str:
            return f"app-{workflow}Ingress"

    arn = "arn:aws:states:us-east-1:123456789012:execution:app-Orders:e-1"
    with Stubber(aws.client("lambda")) as stub:
        stub.add_response("invoke", {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(
            {"executionArn": arn, "startDate": 1}).encode())}, {"FunctionName": "app-OrdersIngress",
                                                                 "InvocationType": "RequestResponse",
                                                                 "Payload": b'{"id": 1}'})
        assert start(aws, Chain(), "Orders", {"id": 1}) == (arn, "e-1")
        stub.add_response("invoke", {"StatusCode": 200, "FunctionError": "Unhandled",
                                     "Payload": io.BytesIO(b'{"errorType": "KeyError"}')})
        with pytest.raises(AwsError, match="the ingress function failed"):
            start(aws, Chain(), "Orders", {})


def _stack_events(*rows: tuple[str, str, str, str]) -> dict[str, Any]:
    import datetime

    now = datetime.datetime(2026, 12, 6, tzinfo=datetime.UTC)
    return {"StackEvents": [{"StackId": "id", "EventId": event_id, "StackName": "app", "LogicalResourceId": logical,
                             "ResourceType": "AWS::Lambda::Function" if logical != "app" else "AWS::CloudFormation::Stack",
                             "Timestamp": now, "ResourceStatus": status, "ResourceStatusReason": reason}
                            for event_id, logical, status, reason in rows]}


def test_a_failed_deployment_prints_its_progress_and_the_reasons(account: MotoAccount) -> None:
    """What AWS reports and moto never does (per-resource events, a rollback), replayed through a stub."""
    from botocore.stub import ANY, Stubber
    from flowc.targets.aws.stack import deploy_stack

    aws = Aws(AwsSettings(region="us-east-1", endpoint_url=account.endpoint, poll_seconds=0.01))
    cfn = aws.client("cloudformation")
    said: list[str] = []
    with Stubber(cfn) as stub:
        stub.add_client_error("describe_stacks", "ValidationError", "Stack with id app does not exist")
        stub.add_response("create_change_set", {"Id": "cs-1", "StackId": "id"},
                          {"StackName": "app", "ChangeSetName": ANY, "ChangeSetType": "CREATE", "Capabilities": ANY,
                           "Description": ANY, "Tags": ANY, "TemplateBody": "{}"})
        stub.add_response("describe_change_set", {"Status": "CREATE_COMPLETE", "StackId": "id", "Changes": [
            {"Type": "Resource", "ResourceChange": {"Action": "Add", "LogicalResourceId": "Fn",
                                                    "ResourceType": "AWS::Lambda::Function"}}]})
        stub.add_response("execute_change_set", {})
        stub.add_response("describe_stack_events", _stack_events(
            ("3", "app", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Fn]."),
            ("2", "Fn", "CREATE_FAILED", 'Resource handler returned message: "Code too large"'),
            ("1", "app", "CREATE_IN_PROGRESS", "User Initiated")))
        stub.add_response("describe_stacks", {"Stacks": [{"StackName": "app", "StackStatus": "ROLLBACK_IN_PROGRESS",
                                                          "CreationTime": "2026-12-06T00:00:00Z"}]})
        stub.add_response("describe_stack_events", _stack_events(
            ("4", "app", "ROLLBACK_COMPLETE", ""),
            ("3", "app", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Fn].")))
        stub.add_response("describe_stacks", {"Stacks": [{"StackName": "app", "StackStatus": "ROLLBACK_COMPLETE",
                                                          "CreationTime": "2026-12-06T00:00:00Z"}]})
        result = deploy_stack(aws, "app", {"TemplateBody": "{}"}, say=said.append)
    assert not result.ok and result.status == "ROLLBACK_COMPLETE"
    assert result.failures == ['Fn CREATE_FAILED: Resource handler returned message: "Code too large"']
    progress = [line.split()[0] for line in said[2:]]
    assert progress == ["CREATE_IN_PROGRESS", "CREATE_FAILED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    assert said[1].split() == ["Add", "Fn", "AWS::Lambda::Function"]


def test_a_rolled_back_stack_is_refused_with_what_to_do(account: MotoAccount) -> None:
    from botocore.stub import Stubber
    from flowc.targets.aws.session import AwsError
    from flowc.targets.aws.stack import deploy_stack

    aws = Aws(AwsSettings(region="us-east-1", endpoint_url=account.endpoint))
    with Stubber(aws.client("cloudformation")) as stub:
        stub.add_response("describe_stacks", {"Stacks": [{"StackName": "app", "StackStatus": "ROLLBACK_COMPLETE",
                                                          "CreationTime": "2026-12-06T00:00:00Z"}]})
        with pytest.raises(AwsError, match="delete-stack --stack-name app"):
            deploy_stack(aws, "app", {"TemplateBody": "{}"}, say=print)
