"""Canaries for the oracle harness itself: each oracle runs, gives the right answer, and can fail.

If a test here fails after a dependency upgrade, fix the harness (or README.md's list of differences)
before trusting any other test that uses the oracles.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests import shared
from tests.oracles.cfnlint import asl_errors, errors, lint_asl, lint_template, template_errors
from tests.oracles.sam import (
    SamPackageError,
    SamTranslationError,
    state_machine_definitions,
    translate,
)
from tests.oracles.sfn import (
    KNOWN_DIFFERENCES,
    PATCH_TARGETS,
    HandlerError,
    SfnOracle,
    apply_substitutions,
    check_patch_targets,
    error_class,
)

# The fixtures, until the root conftest loads them (loading a plugin twice is a no-op).
pytest_plugins = ["tests.oracles.fixtures"]

REPO = Path(__file__).resolve().parents[2]
REAL_ASL = shared.path("corpus", "real-asl")
LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"


def pass_state(**fields):
    return {"Type": "Pass", **fields}


# --------------------------------------------------------------------------------------------------
# The patches
# --------------------------------------------------------------------------------------------------
def test_every_patched_moto_attribute_still_exists():
    """A moto upgrade that renames a patched attribute must fail here, not silently un-patch."""
    assert check_patch_targets() == []


def test_patches_are_applied_inside_and_reverted_outside():
    before = {key: target.resolve()[1] for key, target in PATCH_TARGETS.items()}
    with SfnOracle():
        inside = {key: target.resolve()[1] for key, target in PATCH_TARGETS.items()}
        with pytest.raises(RuntimeError, match="another SfnOracle"):
            SfnOracle().start()
    after = {key: target.resolve()[1] for key, target in PATCH_TARGETS.items()}
    assert [k for k in PATCH_TARGETS if inside[k] is before[k]] == []
    assert [k for k in PATCH_TARGETS if after[k] is not before[k]] == []


def test_known_differences_are_documented_in_the_readme():
    readme = (Path(__file__).parent / "README.md").read_text(encoding="utf-8")
    assert [key for key in KNOWN_DIFFERENCES if f"`{key}`" not in readme] == []


# --------------------------------------------------------------------------------------------------
# Executing ASL in moto
# --------------------------------------------------------------------------------------------------
def test_pass_choice_map_parallel(sfn_oracle):
    definition = {"StartAt": "Seed", "States": {
        "Seed": pass_state(Result={"items": [1, 2, 3]}, Next="Double"),
        "Double": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.doubled", "MaxConcurrency": 2,
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Times2", "States": {
                       "Times2": pass_state(Parameters={"v.$": "States.MathAdd($, $)"}, OutputPath="$.v",
                                            End=True)}},
                   "Next": "Big?"},
        "Big?": {"Type": "Choice", "Default": "Small",
                 "Choices": [{"Variable": "$.doubled[2]", "NumericGreaterThan": 5, "Next": "Both"}]},
        "Small": {"Type": "Fail", "Error": "TooSmall"},
        "Both": {"Type": "Parallel", "End": True, "ResultSelector": {"left.$": "$[0]", "right.$": "$[1]"},
                 "Branches": [
                     {"StartAt": "L", "States": {"L": pass_state(InputPath="$.doubled[0]", End=True)}},
                     {"StartAt": "R", "States": {"R": pass_state(Result="r", End=True)}}]},
    }}
    result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="shapes"), {})
    assert result.status == "SUCCEEDED", result
    assert result.output == {"left": 2, "right": "r"}
    assert result.state_output("Double") == {"items": [1, 2, 3], "doubled": [2, 4, 6]}
    assert result.entered("Times2") == 3
    assert result.states_entered[:2] == ["Seed", "Double"]
    assert {"Big?", "Both", "L", "R"} <= set(result.states_entered)
    assert "Small" not in result.states_entered


def test_lambda_failing_twice_is_retried_and_backoff_recorded(sfn_oracle):
    calls = []

    def flaky(event, context):
        calls.append(event)
        if len(calls) < 3:
            raise HandlerError("Downstream.Busy", f"attempt {len(calls)}")
        return {"ok": event["n"], "fn": context.function_name}

    arn = sfn_oracle.register_lambda("flaky", flaky)
    definition = {"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": LAMBDA_INVOKE, "OutputPath": "$.Payload", "End": True,
        "Parameters": {"FunctionName": "${FlakyArn}", "Payload.$": "$"},
        "Retry": [{"ErrorEquals": ["Downstream.Busy"], "IntervalSeconds": 2, "BackoffRate": 3,
                   "MaxAttempts": 3}]}}}
    result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="retry", substitutions={"FlakyArn": arn}),
                                {"n": 7})
    assert sfn_oracle.backoffs == [2.0, 6.0], "backoff must be virtual: recorded, not slept"
    assert result.status == "SUCCEEDED", result
    assert result.output == {"ok": 7, "fn": "flaky"}
    assert result.sleeps == [2.0, 6.0] == sfn_oracle.backoffs
    assert [f[1] for f in result.failures] == ["Downstream.Busy", "Downstream.Busy"]
    assert len(sfn_oracle.invocations) == 3 and calls[0] == {"n": 7}


def test_handler_error_is_caught_with_result_path(sfn_oracle):
    declined = error_class("PaymentDeclined")

    def charge(event, context):
        raise declined(f"card {event['card']} refused")

    arn = sfn_oracle.register_lambda("charge", charge)
    definition = {"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": arn, "End": True,  # the plain Lambda ARN form
                   "Catch": [{"ErrorEquals": ["PaymentDeclined"], "ResultPath": "$.error", "Next": "Refund"}]},
        "Refund": pass_state(End=True)}}
    result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="catch"), {"card": "4242"})
    assert result.status == "SUCCEEDED", result
    assert result.states_entered == ["Charge", "Refund"]
    assert result.output["card"] == "4242"
    assert result.output["error"]["Error"] == "PaymentDeclined"
    assert json.loads(result.output["error"]["Cause"]) == {
        "errorType": "PaymentDeclined", "errorMessage": "card 4242 refused"}


def test_uncaught_handler_error_fails_the_execution_with_its_name(sfn_oracle):
    arn = sfn_oracle.register_lambda("boom", lambda e, c: 1 / 0)
    definition = {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": LAMBDA_INVOKE, "Parameters": {"FunctionName": arn}, "End": True}}}
    result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="boom"), {})
    assert (result.status, result.error) == ("FAILED", "ZeroDivisionError")
    unregistered = {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": LAMBDA_INVOKE, "Parameters": {"FunctionName": "nobody"}, "End": True}}}
    result = sfn_oracle.execute(sfn_oracle.deploy(unregistered, name="nobody"), {})
    assert (result.status, result.error) == ("FAILED", "Lambda.ResourceNotFoundException")


def test_parent_start_execution_sync2_gets_parsed_child_output(sfn_oracle):
    child = sfn_oracle.deploy({"StartAt": "Add", "States": {
        "Add": pass_state(Parameters={"sum.$": "States.MathAdd($.a, $.b)"}, End=True)}}, name="child")

    def parent(resource: str) -> dict:
        return {"StartAt": "Run", "States": {"Run": {
            "Type": "Task", "Resource": resource, "End": True,
            "Parameters": {"StateMachineArn": "${ChildArn}", "Input": {"a.$": "$.x", "b": 2}}}}}

    sync2 = sfn_oracle.deploy(parent("arn:aws:states:::states:startExecution.sync:2"), name="parent2",
                              substitutions={"ChildArn": child})
    result = sfn_oracle.execute(sync2, {"x": 40})
    assert result.status == "SUCCEEDED", result
    assert result.output["Output"] == {"sum": 42}  # .sync:2: parsed JSON
    assert result.output["Status"] == "SUCCEEDED"
    assert result.output["ExecutionArn"].startswith(child.replace(":stateMachine:", ":execution:"))

    sync1 = sfn_oracle.deploy(parent("arn:aws:states:::states:startExecution.sync"), name="parent1",
                              substitutions={"ChildArn": child})
    result = sfn_oracle.execute(sync1, {"x": 1})
    assert isinstance(result.output["Output"], str)  # .sync: a JSON string
    assert json.loads(result.output["Output"]) == {"sum": 3}


def test_child_failure_fails_the_sync_task_and_unnamed_starts_do_not_collide(sfn_oracle):
    child = sfn_oracle.deploy({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope"}}},
                              name="failing-child")
    fire_and_forget = {"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution", "Next": "B",
              "ResultPath": "$.a", "Parameters": {"StateMachineArn": child}},
        "B": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "End": True,
              "Parameters": {"StateMachineArn": child}}}}
    result = sfn_oracle.execute(sfn_oracle.deploy(fire_and_forget, name="p"), {})
    assert "ExecutionArn" in result.state_output("A")["a"]  # the first, unnamed start worked
    assert (result.status, result.error) == ("FAILED", "States.TaskFailed")  # the second one's child failed
    assert json.loads(result.cause)["Status"] == "FAILED"


def test_jsonata_assign_and_output(sfn_oracle):
    definition = {"QueryLanguage": "JSONata", "StartAt": "Sum", "States": {
        "Sum": pass_state(Assign={"total": "{% $sum($states.input.items) %}", "who": "{% $states.input.who %}"},
                          Next="Shape"),
        "Shape": {"Type": "Choice", "Default": "Out",
                  "Choices": [{"Condition": "{% $total > 100 %}", "Next": "Big"}]},
        "Big": {"Type": "Fail", "Error": "TooBig"},
        "Out": pass_state(Output={"double": "{% $total * 2 %}", "greeting": "{% 'hi ' & $who %}"}, End=True)}}
    result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="jsonata"),
                                {"items": [1, 2, 3], "who": 'Ann "the" \\ Admin'})
    assert result.status == "SUCCEEDED", result
    assert result.output == {"double": 12, "greeting": 'hi Ann "the" \\ Admin'}


def test_wait_of_one_day_completes_instantly(sfn_oracle):
    definition = {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 86400, "End": True}}}
    result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="wait"), {"k": 1})
    assert sfn_oracle.waits == [86400.0]  # recorded, not slept (the test would take a day otherwise)
    assert (result.status, result.output) == ("SUCCEEDED", {"k": 1})
    assert sfn_oracle.waits == [86400.0] == result.sleeps


def test_dynamodb_put_item_native_integration(sfn_oracle):
    sfn_oracle.create_table("Orders", key="orderId")
    definition = {"StartAt": "Put", "States": {"Put": {
        "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "ResultPath": None, "End": True,
        "Parameters": {"TableName": "Orders",
                       "Item": {"orderId": {"S.$": "$.id"}, "total": {"N.$": "States.Format('{}', $.total)"}}}}}}
    result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="put"), {"id": "o-1", "total": 12})
    assert result.status == "SUCCEEDED", result
    item = sfn_oracle.client("dynamodb").get_item(TableName="Orders", Key={"orderId": {"S": "o-1"}})["Item"]
    assert item == {"orderId": {"S": "o-1"}, "total": {"N": "12"}}


def test_sqs_and_sns_native_integrations(sfn_oracle):
    sfn_oracle.create_queue("jobs")
    topic = sfn_oracle.create_topic("events")
    definition = {"StartAt": "Send", "States": {
        "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "ResultPath": "$.sent",
                 "Parameters": {"QueueUrl": sfn_oracle.queue_url("jobs"), "MessageBody.$": "$.job"},
                 "Next": "Notify"},
        "Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True,
                   "Parameters": {"TopicArn": topic, "Message.$": "$.job"}}}}
    result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="msg"), {"job": {"id": 5}})
    assert result.status == "SUCCEEDED", result
    assert "MD5OfMessageBody" in result.state_output("Send")["sent"]
    assert "MessageId" in result.output
    assert sfn_oracle.drain_queue("jobs") == [{"id": 5}]


def test_wait_for_task_token_callback(sfn_oracle):
    tokens = []
    arn = sfn_oracle.register_lambda("ask", lambda e, c: tokens.append(e["token"]))
    definition = {"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "End": True,
        "Parameters": {"FunctionName": arn, "Payload": {"token.$": "$$.Task.Token"}}}}}
    execution = sfn_oracle.start_execution(sfn_oracle.deploy(definition, name="cb"), {})
    deadline = time.monotonic() + 10
    while not tokens and time.monotonic() < deadline:
        time.sleep(0.005)
    sfn_oracle.sfn.send_task_success(taskToken=tokens[0], output=json.dumps({"approved": True}))
    result = sfn_oracle.wait_for(execution)
    assert (result.status, result.output) == ("SUCCEEDED", {"approved": True})


def test_a_failed_parse_does_not_poison_later_deploys(sfn_oracle):
    jsonata_in_jsonpath = {"StartAt": "A", "States": {"A": pass_state(Output="{% 1 %}", Next="B"),
                                                     "B": pass_state(QueryLanguage="JSONPath", End=True)}}
    with pytest.raises(ClientError):
        sfn_oracle.deploy({**jsonata_in_jsonpath, "QueryLanguage": "JSONata"}, name="downgrade")
    ok = {"StartAt": "A", "States": {"A": pass_state(Parameters={"a.$": "$.x"}, End=True)}}
    assert sfn_oracle.execute(sfn_oracle.deploy(ok, name="after"), {"x": 1}).output == {"a": 1}


def test_execution_timeout_is_reported_with_progress(sfn_oracle):
    definition = {"StartAt": "Hold", "States": {"Hold": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": True,
        "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}}}}
    sfn_oracle.create_queue("q")
    execution = sfn_oracle.start_execution(sfn_oracle.deploy(definition, name="hold"), {})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "Hold" not in str(sfn_oracle.history(execution)):
        time.sleep(0.005)
    with pytest.raises(AssertionError, match=r"still RUNNING after 0.2s; entered: \['Hold'\]"):
        sfn_oracle.wait_for(execution, timeout=0.2)


def test_reset_forgets_everything_and_ends_blocked_executions(sfn_oracle):
    sfn_oracle.create_queue("q")
    sfn_oracle.register_lambda("f", lambda e, c: e)
    blocked = {"StartAt": "Hold", "States": {"Hold": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": True,
        "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}}}}
    execution = sfn_oracle.start_execution(sfn_oracle.deploy(blocked, name="hold"), {})
    before = set(threading.enumerate())
    sfn_oracle.reset()
    deadline = time.monotonic() + 5
    while any(t.is_alive() and "_execution_logic" in t.name for t in before) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(t.is_alive() and "_execution_logic" in t.name for t in before)
    assert sfn_oracle.sfn.list_state_machines()["stateMachines"] == []
    assert sfn_oracle.client("lambda").list_functions()["Functions"] == []
    assert sfn_oracle.invocations == [] and sfn_oracle.sleeps == []
    with pytest.raises(ClientError):
        sfn_oracle.sfn.describe_execution(executionArn=execution)


def test_definition_substitutions_follow_cloudformation():
    text = '{"R": "${Fn}", "T": "${Unknown}", "N": "${Chain}", "B": ${Flag}}'
    out = apply_substitutions(text, {"Fn": "arn:x", "Chain": "${Fn}-2", "Flag": True})
    assert json.loads(out) == {"R": "arn:x", "T": "${Unknown}", "N": "arn:x-2", "B": True}
    with pytest.raises(ValueError, match="cyclic"):
        apply_substitutions("${A}", {"A": "${B}", "B": "${A}"})


# --------------------------------------------------------------------------------------------------
# SAM translation and cfn-lint
# --------------------------------------------------------------------------------------------------
ASL_WITH_PLACEHOLDER = {"StartAt": "Work", "States": {"Work": {
    "Type": "Task", "Resource": LAMBDA_INVOKE, "OutputPath": "$.Payload", "End": True,
    "Parameters": {"FunctionName": "${WorkerArn}", "Payload.$": "$"}}}}


def sam_template() -> dict:
    return {
        "AWSTemplateFormatVersion": "2010-09-09", "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Worker": {"Type": "AWS::Serverless::Function", "Properties": {
                "Handler": "app.handler", "Runtime": "python3.12", "CodeUri": "src/",
                "Policies": ["AWSLambdaBasicExecutionRole"]}},
            "Flow": {"Type": "AWS::Serverless::StateMachine", "Properties": {
                "DefinitionUri": "flow.asl.json",
                "DefinitionSubstitutions": {"WorkerArn": {"Fn::GetAtt": ["Worker", "Arn"]}},
                "Policies": [{"LambdaInvokePolicy": {"FunctionName": {"Ref": "Worker"}}}]}}}}


@pytest.fixture
def sam_dir(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    (tmp_path / "flow.asl.json").write_text(json.dumps(ASL_WITH_PLACEHOLDER))
    return tmp_path


def test_translate_minimal_sam_template_and_lint_clean(sam_dir):
    cfn = translate(sam_template(), base_dir=sam_dir)
    resources = cfn["Resources"]
    assert resources["Flow"]["Type"] == "AWS::StepFunctions::StateMachine"
    assert resources["Flow"]["Properties"]["DefinitionS3Location"]["Bucket"] == "flowc-oracle-artifacts"
    assert resources["Flow"]["Properties"]["DefinitionSubstitutions"] == {
        "WorkerArn": {"Fn::GetAtt": ["Worker", "Arn"]}}
    assert resources["Worker"]["Properties"]["Code"]["S3Bucket"] == "flowc-oracle-artifacts"
    assert {"FlowRole", "WorkerRole"} <= set(resources)
    assert template_errors(cfn) == []


def test_inlined_definition_lints_and_runs(sam_dir, sfn_oracle):
    """The whole chain on one definition: SAM -> CloudFormation -> cfn-lint E3601 -> moto execution."""
    cfn = translate(sam_template(), base_dir=sam_dir, inline_definitions=True)
    assert template_errors(cfn) == []
    (definition, substitutions), = state_machine_definitions(cfn).values()
    assert definition == ASL_WITH_PLACEHOLDER and set(substitutions) == {"WorkerArn"}
    assert asl_errors(definition, substitutions) == []
    worker = sfn_oracle.register_lambda("Worker", lambda event, context: {"seen": event})
    arn = sfn_oracle.deploy(definition, name="Flow", substitutions={"WorkerArn": worker})
    assert sfn_oracle.execute(arn, {"x": 1}).output == {"seen": {"x": 1}}


def test_translator_errors_are_listed(sam_dir):
    broken = sam_template()
    broken["Resources"]["Flow"]["Properties"]["Events"] = {
        "Nightly": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 day)", "Bogus": 1}}}
    broken["Resources"]["FlowRole"] = {"Type": "AWS::SNS::Topic"}
    with pytest.raises(SamTranslationError) as info:
        translate(broken, base_dir=sam_dir)
    assert any("Bogus" in e for e in info.value.errors), info.value.errors
    del broken["Resources"]["Flow"]["Properties"]["Events"]
    with pytest.raises(SamTranslationError, match=r"\[FlowRole\]"):
        translate(broken, base_dir=sam_dir)
    with pytest.raises(SamPackageError, match="src/"):
        translate(sam_template(), base_dir=sam_dir / "elsewhere")


def test_lint_template_reports_errors_with_rule_path_and_message(sam_dir):
    cfn = translate(sam_template(), base_dir=sam_dir)
    cfn["Resources"]["Worker"]["Properties"]["Runtime"] = "cobol85"
    cfn["Resources"]["Worker"]["Properties"]["Timeout"] = "soon"
    found = template_errors(cfn)
    assert any(e.startswith("E3030 Resources/Worker/Properties/Runtime:") for e in found), found
    assert any("Resources/Worker/Properties/Timeout" in e for e in found), found
    assert errors(lint_template(cfn, ignore=["E3030", "E3012"])) == []


def test_lint_asl_flags_an_invalid_definition_and_passes_a_valid_one():
    valid = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "Next": "T"},
                                        "T": {"Type": "Task", "Resource": LAMBDA_INVOKE, "End": True,
                                              "Parameters": {"FunctionName": "f"}}}}
    assert asl_errors(valid) == []
    task_with_seconds = json.loads(json.dumps(valid))
    task_with_seconds["States"]["T"]["Seconds"] = 5
    assert asl_errors(task_with_seconds) == [
        "E3601 Resources/Machine/Properties/Definition/States/T/Seconds: "
        "Additional properties are not allowed ('Seconds' was unexpected)"]
    assert [m.rule.id for m in lint_asl(task_with_seconds)] == ["E3601"]


def test_lint_asl_understands_jsonata_and_declared_placeholders():
    jsonata = {"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": LAMBDA_INVOKE, "End": True, "Output": "{% $states.result.Payload %}",
        "Arguments": {"FunctionName": "${Fn}", "Payload": "{% $states.input %}"}}}}
    assert asl_errors(jsonata) == []
    with_parameters = {**jsonata, "States": {"T": {**jsonata["States"]["T"], "Parameters": {}}}}
    assert any("'Parameters' was unexpected" in e for e in asl_errors(with_parameters))

    placeholder = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${Fn}", "End": True}}}
    assert asl_errors(placeholder, {"Fn": {"Fn::GetAtt": ["F", "Arn"]}}) == []  # declared: excused
    assert any("/Resource:" in e for e in asl_errors(placeholder))  # undeclared: validated as text
    embedded = {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:${Partition}:states:::lambda:invoke", "End": True}}}
    assert any("/Resource:" in e for e in asl_errors(embedded, {"Partition": "aws"}))  # only whole strings
    no_graph_checks = {"StartAt": "A", "States": {"A": pass_state(Next="Missing"), "B": pass_state(End=True)}}
    assert asl_errors(no_graph_checks) == []


REAL_ASL_SAMPLES = [
    "account-vending-machine/statemachine/statemachine.asl.json",  # Map, aws-sdk, intrinsics
    "checkout-processing-workflow/statemachine/checkout_workflow.asl.json",  # waitForTaskToken, ${...}
    "resource-configuration-backup-sam/statemachine/statemachine.asl.json",  # Retry JitterStrategy
    "idempotent-workflow-sam/statemachine/statemachine.asl.json",  # Catch, ResultSelector, ${...}
    "distributed-data-stream-aggregator/statemachine/data-extraction-child.asl.json",  # JSONata, Assign
]


@shared.marker
@pytest.mark.parametrize("sample", REAL_ASL_SAMPLES)
def test_real_asl_passes_cfn_lint_and_moto(sample, sfn_oracle):
    text = (REAL_ASL / sample).read_text(encoding="utf-8")
    definition = json.loads(text)
    placeholders = set(re.findall(r"\$\{([^}]+)\}", text))
    assert asl_errors(definition, dict.fromkeys(placeholders, "x")) == []
    fake = {k: f"arn:aws:lambda:us-east-1:123456789012:function:{k}" for k in placeholders}
    assert sfn_oracle.deploy(definition, name="sample", substitutions=fake).startswith("arn:aws:states:")


# --------------------------------------------------------------------------------------------------
# Known differences from AWS: each test reproduces one; it fails once moto changes (then update
# KNOWN_DIFFERENCES and README.md).
# --------------------------------------------------------------------------------------------------
def _map(processor_config: dict, **fields) -> dict:
    return {"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True, **fields,
        "ItemProcessor": {"ProcessorConfig": processor_config, "StartAt": "X", "States": {
            "X": pass_state(End=True)}}}}}


DISTRIBUTED = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}


class TestKnownDifferences:
    def test_choice_no_match(self, sfn_oracle):
        definition = {"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Next": "D"}]},
            "D": pass_state(End=True)}}
        result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="nomatch"), {"a": 2})
        assert (result.status, result.error) == ("FAILED", "States.Runtime")  # AWS: States.NoChoiceMatched

    def test_choice_missing_variable(self, sfn_oracle):
        assert "choice-missing-variable" in KNOWN_DIFFERENCES
        definition = {"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.missing", "NumericEquals": 1, "Next": "D"}],
                  "Default": "D"},
            "D": pass_state(End=True)}}
        result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="missingvar"), {"a": 2})
        assert result.status == "SUCCEEDED"  # AWS: FAILED with States.Runtime

    @pytest.mark.parametrize(("key", "definition"), [
        ("item-batcher", _map(DISTRIBUTED, ItemBatcher={"MaxItemsPerBatch": 2})),
        ("tolerated-failure-percentage-int", _map(DISTRIBUTED, ToleratedFailurePercentage=10)),
        ("distributed-map-express", _map({"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"})),
        ("error-equals-unknown-states-name", {"StartAt": "P", "States": {"P": {
            "Type": "Parallel", "End": True,
            "Catch": [{"ErrorEquals": ["States.QuorumMet"], "Next": "Done"}],
            "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "States.QuorumMet"}}}]},
            "Done": pass_state(End=True)}}),
        ("http-invoke", {"StartAt": "H", "States": {"H": {
            "Type": "Task", "Resource": "arn:aws:states:::http:invoke", "End": True,
            "Parameters": {"ApiEndpoint": "https://example.com", "Method": "GET",
                           "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:1:connection/c"}}}}}),
    ])
    def test_rejected_at_create_state_machine(self, sfn_oracle, key, definition):
        assert key in KNOWN_DIFFERENCES
        assert asl_errors(definition) == []  # AWS's schema (cfn-lint E3601) accepts it
        with pytest.raises(ClientError):
            sfn_oracle.deploy(definition, name=key)

    def test_float_tolerated_failure_percentage_is_accepted(self, sfn_oracle):
        arn = sfn_oracle.deploy(_map(DISTRIBUTED, ToleratedFailurePercentage=10.0), name="float")
        assert sfn_oracle.execute(arn, [1, 2]).output == [1, 2]

    @pytest.mark.parametrize("op", ["&&", "||"])
    def test_jsonpath_and_or_filter(self, sfn_oracle, op):
        definition = {"StartAt": "F", "States": {"F": pass_state(
            Parameters={"r.$": f"$.items[?(@.a > 1 {op} @.b < 3)]"}, End=True)}}
        result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="filter"), {"items": [{"a": 2, "b": 1}]})
        assert (result.status, result.error) == ("FAILED", "States.Runtime")
        assert "JsonPathParserError" in result.cause

    def test_parallel_runtime_cause(self, sfn_oracle):
        definition = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "X", "States": {"X": pass_state(InputPath="$.missing", End=True)}}]}}}
        result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="par"), {})
        assert (result.status, result.error) == ("FAILED", "States.Runtime")
        assert "Custom Error Names MUST NOT begin" in result.cause

    def test_create_checks_syntax_only(self, sfn_oracle):
        definition = {"StartAt": "A", "States": {"A": pass_state(Next="Missing"), "Orphan": pass_state(End=True)}}
        result = sfn_oracle.execute(sfn_oracle.deploy(definition, name="graph"), {})
        assert (result.status, result.error) == ("FAILED", "States.Runtime")

    def test_no_sync_execution(self, sfn_oracle):
        arn = sfn_oracle.deploy({"StartAt": "A", "States": {"A": pass_state(End=True)}}, name="e",
                                type="EXPRESS")
        with pytest.raises(ClientError, match="Not yet implemented"):
            sfn_oracle.sfn.start_sync_execution(stateMachineArn=arn, input="{}")

    def test_stop_execution_blocked(self, sfn_oracle):
        sfn_oracle.create_queue("q")
        blocked = {"StartAt": "Hold", "States": {"Hold": {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": True,
            "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}}}}
        execution = sfn_oracle.start_execution(sfn_oracle.deploy(blocked, name="hold"), {})
        deadline = time.monotonic() + 5  # stop once it waits for the token (earlier is racy, see README)
        while time.monotonic() < deadline and not any(
                e["type"] == "TaskSubmitted" for e in sfn_oracle.history(execution)):
            time.sleep(0.005)
        sfn_oracle.sfn.stop_execution(executionArn=execution)
        time.sleep(0.1)
        assert sfn_oracle.sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"  # AWS: ABORTED

    def test_jsonata_uuid_hash(self, sfn_oracle):
        definition = {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": pass_state(
            Output={"u": "{% $uuid() %}", "h": "{% $hash('x', 'SHA-256') %}", "p": "{% $partition([1,2,3], 2) %}"},
            End=True)}}
        output = sfn_oracle.execute(sfn_oracle.deploy(definition, name="fns"), {}).output
        assert output == {"u": "Function $uuid is currently not supported",
                          "h": "Function $hash is currently not supported", "p": [[1, 2], [3]]}

    def test_sync_output_text(self, sfn_oracle):
        child = sfn_oracle.deploy({"StartAt": "A", "States": {"A": pass_state(Result={"a": 1}, End=True)}},
                                  name="c")
        parent = sfn_oracle.deploy({"StartAt": "S", "States": {"S": {
            "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "End": True,
            "Parameters": {"StateMachineArn": child}}}}, name="p")
        output = sfn_oracle.execute(parent, {}).output
        assert output["Output"] == '{"a": 1}' and "InputDetails" not in output  # AWS: '{"a":1}', InputDetails
