"""`flowc deploy`, `flowc run --remote` and `flowc history`, end to end, against moto's server on 127.0.0.1.

Every example is deployed by the CLI (SAM transform, code zipped to S3, change set), run on its
deployment, and its history printed. The oracle for the outcome is flowc's own local run of the same
workflow (the ASL interpreter / the SQS simulator), which shares no code with moto's interpreter nor with
the deployed path's Lambda-less driver beyond the runtime itself; the history must name every task state
the local run entered.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main

from tests.deploy.moto_server import ACCESS_KEY_ID, SECRET_ACCESS_KEY, MotoAccount
from tests.helpers import WORKFLOWS

EXAMPLES = ["member_onboarding", "workflow_chargeback", "user_fanout", "process_user"]


def flowc(account: MotoAccount, *args: str) -> Any:
    result = CliRunner().invoke(main, [*args, *account.cli_options()])
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert ACCESS_KEY_ID not in text and SECRET_ACCESS_KEY not in text, "a credential was printed"
    assert "Traceback" not in text, text
    return result


def local(args: list[str]) -> Any:
    result = CliRunner().invoke(main, ["run", *args, "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def remote(account: MotoAccount, args: list[str]) -> tuple[int, dict[str, Any]]:
    result = flowc(account, "run", *args, "--remote", "--json")
    assert result.exit_code in (0, 1) and result.stdout, result.output
    return result.exit_code, json.loads(result.stdout)


def task_states(run: dict[str, Any], events: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """(task states the local run entered, task states the remote history shows entered)."""
    entered_types = {e["stateEnteredEventDetails"]["name"]: e["type"] for e in run["events"]
                     if e["type"].endswith("StateEntered")}
    local_tasks = {s for s in run["states_entered"] if entered_types.get(s) == "TaskStateEntered"}
    remote_tasks = {e["stateEnteredEventDetails"]["name"] for e in events if e["type"] == "TaskStateEntered"}
    return local_tasks, remote_tasks


@pytest.mark.parametrize("target", ["asl", "sqs"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_example_deploys_runs_and_prints_its_history(account: MotoAccount, example: str, target: str) -> None:
    src = str(WORKFLOWS / f"{example}.flow")
    data = ["--input", "@" + str(WORKFLOWS / f"{example}.input.json"), "--target", target]
    expected = local([src, *data])[target]  # first: its in-process moto resets the server's state when it ends
    account.configure()
    stack = f"{example.replace('_', '-')}-{target}"
    deployed = flowc(account, "deploy", src, "--target", target, "--stack", stack)
    assert deployed.exit_code == 0, deployed.output
    assert "creating change set" in deployed.stderr and f"stack {stack}: CREATE_COMPLETE" in deployed.stderr
    outputs = dict(line.split(" = ", 1) for line in deployed.stdout.splitlines())
    assert outputs, "the stack's outputs are printed"

    code, run = remote(account, [src, *data, "--stack", stack, *(["--drive"] if target == "sqs" else [])])
    assert (run["status"], run["output"], run["error"]) == (expected["status"], expected["output"], expected["error"])
    assert code == (0 if expected["status"] == "SUCCEEDED" else 1)

    shown = flowc(account, "history", run["execution_arn"], "--stack", stack, "--json", "--file", src)
    assert shown.exit_code == 0, shown.output
    events = json.loads(shown.stdout)
    assert events[0]["type"] == "ExecutionStarted" and events[-1]["type"] == "ExecutionSucceeded"
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    wanted, seen = task_states(expected, events)
    assert wanted == seen
    block = {"user_fanout": "Map", "workflow_chargeback": "Parallel"}.get(example)
    if block:  # the gather state shows on both targets, entered before it is exited
        kinds = [e["type"] for e in events]
        assert kinds.index(f"{block}StateEntered") < kinds.index(f"{block}StateExited")
    text = flowc(account, "history", run["execution_arn"], "--stack", stack)
    assert "ExecutionSucceeded" in text.stdout and len(text.stdout.splitlines()) == len(events)


def test_distributed_map_over_an_s3_object(account: MotoAccount) -> None:
    src = str(WORKFLOWS / "asl_only" / "invoice_batch.flow")
    deployed = flowc(account, "deploy", src, "--stack", "invoices")
    assert deployed.exit_code == 0, deployed.output
    bucket = account.client("cloudformation").describe_stack_resource(
        StackName="invoices", LogicalResourceId="UploadsBucket")["StackResourceDetail"]["PhysicalResourceId"]
    account.client("s3").put_object(Bucket=bucket, Key="orders/1.csv",
                                    Body=b"sku,quantity,unit_price\nA-1,2,9.50\nB-7,1,120.00\nC-3,4,0.25\n")
    code, run = remote(account, [src, "--stack", "invoices", "--input",
                                 json.dumps({"bucket": bucket, "key": "orders/1.csv"})])
    assert code == 0, run
    assert run["output"] == {"file": "orders/1.csv", "lines": [
        {"sku": "A-1", "quantity": 2, "total": "19.00"}, {"sku": "B-7", "quantity": 1, "total": "120.00"},
        {"sku": "C-3", "quantity": 4, "total": "1.00"}]}
    types = [e["type"] for e in run["events"]]
    assert "MapRunStarted" in types and types[-1] == "ExecutionSucceeded"
    shown = flowc(account, "history", run["execution_arn"])
    assert shown.exit_code == 0 and "MapRunSucceeded" in shown.stdout


def test_sqs_target_refuses_the_s3_reader_and_creates_nothing(account: MotoAccount) -> None:
    result = flowc(account, "deploy", str(WORKFLOWS / "asl_only" / "invoice_batch.flow"), "--target", "sqs", "--stack", "refused")
    assert result.exit_code == 1
    assert "FLOW703" in result.stderr
    stacks = account.client("cloudformation").list_stacks()["StackSummaries"]
    assert "refused" not in {s["StackName"] for s in stacks}


def test_a_failed_execution_reports_its_error(account: MotoAccount) -> None:
    src = str(WORKFLOWS / "process_user.flow")
    for target in ("asl", "sqs"):
        stack = f"failing-{target}"
        assert flowc(account, "deploy", src, "--target", target, "--stack", stack).exit_code == 0
        args = [src, "--stack", stack, "--target", target, "--input", '{"UserDetails": {"name": "nobody"}}']
        invoked = len(account.invocations)
        result = flowc(account, "run", *args, "--remote", *(["--drive"] if target == "sqs" else []))
        if target == "sqs":  # the driver ran the chain; moto's own SQS->Lambda mappings were off meanwhile
            assert len(account.invocations) == invoked
        assert result.exit_code == 1
        assert "FAILED" in result.stderr and "error InvalidUser" in result.stderr
        assert result.stdout == ""
    lam = account.client("lambda")
    names = [r["PhysicalResourceId"] for r in account.client("cloudformation").list_stack_resources(
        StackName="failing-sqs")["StackResourceSummaries"] if r["ResourceType"] == "AWS::Lambda::Function"]
    mappings = [m for n in names for m in lam.list_event_source_mappings(FunctionName=n)["EventSourceMappings"]]
    assert mappings and all(m["State"] == "Enabled" for m in mappings), "--drive gives the queues back to Lambda"


def test_redeploy_without_changes_and_with_one(account: MotoAccount, tmp_path: Path) -> None:
    src = WORKFLOWS / "process_user.flow"
    first = flowc(account, "deploy", str(src), "--stack", "updates")
    assert first.exit_code == 0, first.output
    again = flowc(account, "deploy", str(src), "--stack", "updates")
    assert again.exit_code == 0 and "no changes" in again.stderr and "(unchanged)" in again.stderr
    assert "unchanged)" in again.stderr.splitlines()[0], "the identical code zip is not uploaded twice"
    changed = tmp_path / "process_user.flow"
    changed.write_text(src.read_text().replace("timeout 5m", "timeout 6m"))
    (tmp_path / "handlers").symlink_to(WORKFLOWS / "handlers")
    update = flowc(account, "deploy", str(changed), "--stack", "updates")
    assert update.exit_code == 0, update.output
    assert "update stack updates" in update.stderr and "Modify  ProcessUserStateMachine" in update.stderr
    assert "UPDATE_COMPLETE" in update.stderr
    code, run = remote(account, [str(changed), "--stack", "updates", "--input",
                                 '{"UserDetails": {"login": "ada", "role": "owner"}}'])
    assert code == 0 and run["output"] == {"login": "ada", "status": "provisioned"}
    definition = json.loads(account.client("stepfunctions").describe_state_machine(
        stateMachineArn=run["execution_arn"].replace(":execution:", ":stateMachine:").rsplit(":", 1)[0])["definition"])
    assert definition["TimeoutSeconds"] == 360


def test_usage_errors(account: MotoAccount) -> None:
    src = str(WORKFLOWS / "process_user.flow")
    assert flowc(account, "run", src, "--remote").exit_code == 2  # no --stack
    assert flowc(account, "run", src, "--remote", "--stack", "x", "--target", "both").exit_code == 2
    assert flowc(account, "run", src, "--remote", "--stack", "x", "--drive").exit_code == 2  # asl
    missing = flowc(account, "run", src, "--remote", "--stack", "no-such-stack")
    assert missing.exit_code == 1 and "no-such-stack" in missing.stderr
    assert flowc(account, "run", src, "--remote", "--stack", "x", "--mock", 'Provision={"result": 1}').exit_code == 2
    assert flowc(account, "history", "not-an-execution").exit_code == 2
    assert flowc(account, "history", "ProcessUser/x").exit_code == 2  # needs --stack


def test_a_template_over_the_body_limit_goes_through_s3(account: MotoAccount, monkeypatch: pytest.MonkeyPatch) -> None:
    import flowc.targets.aws.package as package

    monkeypatch.setattr(package, "MAX_TEMPLATE_BODY", 1000)
    src = str(WORKFLOWS / "process_user.flow")
    deployed = flowc(account, "deploy", src, "--stack", "big-template")
    assert deployed.exit_code == 0, deployed.output
    keys = [o["Key"] for o in account.client("s3").list_objects_v2(
        Bucket="flowc-artifacts-123456789012-us-east-1", Prefix="big-template/")["Contents"]]
    assert any(k.endswith(".template.json") for k in keys)
    code, run = remote(account, [src, "--stack", "big-template", "--input", '{"UserDetails": {"login": "ada"}}'])
    assert code == 0 and run["output"] == {"login": "ada", "status": "provisioned"}
    traced = flowc(account, "run", src, "--remote", "--stack", "big-template", "--trace", "--input",
                   '{"UserDetails": {"login": "ada"}}')
    events = [json.loads(line) for line in traced.stderr.splitlines() if line.startswith("{")]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1)) and events[-1]["type"] == "ExecutionSucceeded"
    assert json.loads(traced.stdout) == {"login": "ada", "status": "provisioned"}
