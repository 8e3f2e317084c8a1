"""`flowc import` end to end: sources (ASL, SAM/CloudFormation, Serverless), the text it writes, its diagnostics,
--out safety, the YAML twin, and import-then-run equivalence on real definitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.dsl.parser import parse_flow

from tests import shared

REAL = shared.path("corpus", "real-asl")

ORDER = {
    "Comment": "Charge, then ship or refund",
    "StartAt": "Charge",
    "States": {
        "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
                   "Comment": "takes the money", "ResultPath": "$.charge", "Next": "Paid?",
                   "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}]},
        "Paid?": {"Type": "Choice", "Choices": [
            {"Variable": "$.charge.ok", "BooleanEquals": True, "Next": "Ship"}], "Default": "Refund"},
        "Ship": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                 "Parameters": {"QueueUrl": "${ShipQueueUrl}", "MessageBody.$": "$.charge"}, "Next": "Done"},
        "Refund": {"Type": "Pass", "Result": {"refunded": True}, "ResultPath": "$.refund", "Next": "Done"},
        "Done": {"Type": "Succeed"},
        "Failed": {"Type": "Fail", "Error": "ChargeFailed", "Cause": "the charge did not go through"},
    },
}


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write(path: Path, data) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_import_writes_structured_readable_flow(tmp_path: Path) -> None:
    src = write(tmp_path / "order.asl.json", ORDER)
    result = invoke("import", str(src))
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "round trip: identical ASL" in result.stderr
    assert "workflow Order" in text and 'doc "Charge, then ship or refund"' in text
    assert 'function charge arn "arn:aws:lambda:us-east-1:123456789012:function:charge"' in text
    assert "  Charge: invoke charge\n    comment \"takes the money\"\n" in text
    # the Choice's rule target is nested; its default follows the choose; no goto where order says it
    assert '  "Paid?": choose\n    if $.charge.ok == true\n      Ship: call sqs:sendMessage\n' in text
    assert "goto Done" in text and text.count("goto") == 2  # Ship -> Done jumps over Refund; the catch
    assert "  Refund: pass\n" in text and "  Done: succeed\n" in text
    parse_flow(text, "order.flow")
    assert invoke("import", str(src)).stdout == text  # deterministic


def test_import_out_never_overwrites_without_force(tmp_path: Path) -> None:
    src = write(tmp_path / "order.asl.json", ORDER)
    out = tmp_path / "order.flow"
    out.write_text("# mine\n", encoding="utf-8")
    refused = invoke("import", str(src), "--out", str(out))
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "# mine\n"
    assert invoke("import", str(src), "--out", str(out), "--force").exit_code == 0
    assert "workflow Order" in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["order.asl.json", "order.flow"]  # no temp files left


def test_import_yaml_twin_compiles_to_the_same_asl(tmp_path: Path) -> None:
    src = write(tmp_path / "order.asl.json", ORDER)
    out = tmp_path / "order.flow.yaml"
    result = invoke("import", str(src), "--yaml", "-o", str(out))
    assert result.exit_code == 0, result.output
    compiled = invoke("compile", str(out), "--target", "asl", "--out", str(tmp_path / "build"))
    assert compiled.exit_code == 0, compiled.output
    emitted = json.loads((tmp_path / "build" / "Order.asl.json").read_text(encoding="utf-8"))
    assert emitted["States"]["Paid?"] == ORDER["States"]["Paid?"]
    assert emitted["States"]["Ship"]["Parameters"] == ORDER["States"]["Ship"]["Parameters"]


SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrderMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Hello
        States:
          Hello:
            Type: Task
            Resource: !GetAtt HelloFunction.Arn
            End: true
  LegacyMachine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: !Sub |
        {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 5, "Next": "Call"},
         "Call": {"Type": "Task", "Resource": "${Fn}", "End": true}}}
  FileMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: machine.asl.json
"""


def test_import_a_sam_template_with_three_kinds_of_definition(tmp_path: Path) -> None:
    write(tmp_path / "machine.asl.json", ORDER)
    (tmp_path / "template.yaml").write_text(SAM, encoding="utf-8")
    result = invoke("import", str(tmp_path / "template.yaml"))
    text = result.stdout
    assert "workflow OrderMachine\n  type express" in text
    assert "workflow LegacyMachine" in text and 'function Fn arn "${Fn}"' in text
    assert "workflow FileMachine" in text
    # a CloudFormation intrinsic as a Resource has no .flow spelling: an error at its line in the template
    assert result.exit_code == 1
    assert "template.yaml:13:23: error FLOW801: state 'Hello': Resource cannot be expressed" in result.stderr


def test_import_a_serverless_framework_file(tmp_path: Path) -> None:
    data = {"service": "shop", "stepFunctions": {"stateMachines": {"orderFlow": {
        "name": "order-flow", "type": "EXPRESS", "definition": ORDER}}}}
    src = tmp_path / "serverless.yml"
    from ruamel.yaml import YAML

    YAML().dump(data, src)
    result = invoke("import", str(src))
    assert result.exit_code == 0, result.output
    assert "workflow OrderFlow\n  doc \"Charge, then ship or refund\"\n  type express\n" in result.stdout


def test_what_flow_cannot_say_is_an_error_naming_state_and_field(tmp_path: Path) -> None:
    bad = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "${Delay}", "End": True}}}
    src = write(tmp_path / "w.asl.json", bad)
    result = invoke("import", str(src))
    assert result.exit_code == 1
    assert "w.asl.json:6:18: error FLOW801: state 'W': Seconds cannot be expressed in .flow" in result.stderr
    assert "FLOW803" in result.stderr and "round trip: FAILED" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("content, message", [
    ("{ nope", "error FLOW802: not valid JSON"),
    ('{"Resources": {}}', "holds no state machine"),
])
def test_bad_input_is_a_diagnostic_not_a_traceback(tmp_path: Path, content: str, message: str) -> None:
    src = tmp_path / "x.json"
    src.write_text(content, encoding="utf-8")
    result = invoke("import", str(src))
    assert result.exit_code == 1 and message in result.stderr and "Traceback" not in result.output


def test_file_or_arn_but_not_both() -> None:
    assert invoke("import").exit_code == 2
    assert invoke("import", "x.json", "--from-arn", "arn:aws:states:us-east-1:1:stateMachine:x").exit_code == 2


# -- import, then run: the same outputs as running the original ASL -------------------------------------------
THREE = ["app-control-concurrency-with-dynamodb-tf/statemachines/test-run-semaphore.asl.json",
         "either-or-parallel-pattern/statemachine/statemachine.asl.json",
         "parallel-human-approval/statemachine/StateMachine.asl.json"]


def _tasks(graph: dict):
    for name, state in graph["States"].items():
        if state["Type"] == "Task":
            yield name
        for branch in state.get("Branches", []):
            yield from _tasks(branch)
        if "ItemProcessor" in state or "Iterator" in state:
            yield from _tasks(state.get("ItemProcessor") or state["Iterator"])


@shared.marker
@pytest.mark.parametrize("path", THREE)
def test_imported_runs_like_the_original(tmp_path: Path, path: str) -> None:
    original = REAL / path
    definition = json.loads(original.read_text(encoding="utf-8"))
    flow = tmp_path / "imported.flow"
    assert invoke("import", str(original), "-o", str(flow)).exit_code == 0
    mocks = []
    for i, name in enumerate(sorted(set(_tasks(definition)))):
        mocks += ["--mock", f"{name}=" + json.dumps({"result": {"ok": True, "n": i, "items": [1, 2]}})]
    data = json.dumps({"items": [1, 2, 3], "approved": True})
    runs = [invoke("run", str(src), "--input", data, "--json", *mocks) for src in (original, flow)]
    assert [r.exit_code for r in runs] == [0, 0], [r.output for r in runs]
    first, second = (json.loads(r.stdout)["asl"] for r in runs)
    assert first["status"] == second["status"] == "SUCCEEDED"
    assert first["output"] == second["output"]
    assert first["states_entered"] == second["states_entered"] and len(first["states_entered"]) >= 5


def test_machines_of_one_template_share_resources_by_arn(tmp_path: Path) -> None:
    def machine(arn: str) -> dict:
        return {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"Definition": {
            "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": arn, "End": True}}}}}

    same = "arn:aws:lambda:us-east-1:123456789012:function:work"
    other = "arn:aws:lambda:eu-west-1:123456789012:function:work"
    template = {"Resources": {"One": machine(same), "Two": machine(same), "Three": machine(other)}}
    result = invoke("import", str(write(tmp_path / "template.json", template)))
    assert result.exit_code == 0, result.output
    assert result.stdout.count(f'function work arn "{same}"') == 2
    assert f'function work_2 arn "{other}"' in result.stdout
