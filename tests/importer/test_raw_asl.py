"""`flowc run` / `flowc test` on raw ASL, and `flowc test --mock-config` with Step Functions Local mock files
written to AWS's documented format (developer guide, "Configuration File for Mocked Service Integrations")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.testing import mockconfig

CHARGE = {"StartAt": "Charge", "States": {
    "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
               "ResultPath": "$.charge", "Next": "Big?"},
    "Big?": {"Type": "Choice", "Choices": [{"Variable": "$.charge.amount", "NumericGreaterThan": 100,
                                              "Next": "Review"}], "Default": "Done"},
    "Review": {"Type": "Pass", "Result": "manual", "ResultPath": "$.review", "Next": "Done"},
    "Done": {"Type": "Succeed"}}}

# The guide's example machine: a Lambda task with a retrier, then an SQS task.
LAMBDA_SQS = {"StartAt": "LambdaState", "States": {
    "LambdaState": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"Payload.$": "$", "FunctionName": "HelloWorldFunction"},
                    "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3,
                               "BackoffRate": 2}],
                    "Next": "SQSState"},
    "SQSState": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                 "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                                "MessageBody.$": "$"}, "End": True}}}
LAMBDA_OK = {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}
NOT_READY = {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}}
TIMEOUT = {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}}
SQS_OK = {"Return": {"MD5OfMessageBody": "3bcb6e8e", "MessageId": "3bcb6e8e-8b51"}}
MOCK_CONFIG = {
    "StateMachines": {"LambdaSQSIntegration": {"TestCases": {
        "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
        "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
        "TooManyFailures": {"LambdaState": "MockedLambdaAlwaysTimesOut", "SQSState": "MockedSQSSuccess"},
        "Exhausted": {"LambdaState": "MockedLambdaFlakyOnce", "SQSState": "MockedSQSSuccess"},
    }}},
    "MockedResponses": {
        "MockedLambdaSuccess": {"0": LAMBDA_OK},
        "MockedSQSSuccess": {"0": SQS_OK},
        "MockedLambdaRetry": {"0": NOT_READY, "1-2": TIMEOUT, "3": LAMBDA_OK},
        "MockedLambdaAlwaysTimesOut": {"0-3": TIMEOUT},
        "MockedLambdaFlakyOnce": {"0": TIMEOUT},
    },
}


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write(path: Path, data) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_run_raw_asl_with_mocks_on_both_targets(tmp_path: Path) -> None:
    src = write(tmp_path / "charge.asl.json", CHARGE)
    result = invoke("run", str(src), "--input", '{"id": 1}', "--mock", 'Charge={"result": {"amount": 150}}',
                    "--target", "both")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"id": 1, "charge": {"amount": 150}, "review": "manual"}
    assert "asl: SUCCEEDED" in result.stderr and "asl and sqs agree" in result.stderr


def test_run_raw_asl_yaml_failure_exits_1(tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    src = tmp_path / "charge.asl.yaml"
    YAML().dump(CHARGE, src)
    result = invoke("run", str(src), "--mock", 'Charge={"error": "Declined", "cause": "no funds"}')
    assert result.exit_code == 1 and "error Declined: no funds" in result.stderr


def test_run_raw_asl_without_a_mock_names_the_step(tmp_path: Path) -> None:
    src = write(tmp_path / "charge.asl.json", CHARGE)
    result = invoke("run", str(src))
    assert result.exit_code == 2 and "Charge" in result.stderr and "Traceback" not in result.output


def test_flowc_test_runs_cases_beside_a_raw_asl_file(tmp_path: Path) -> None:
    write(tmp_path / "charge.asl.json", CHARGE)
    (tmp_path / "charge.tests.yaml").write_text(
        "cases:\n"
        "  - name: big\n    input: {id: 1}\n    mocks: {Charge: {result: {amount: 150}}}\n"
        "    expect: {status: SUCCEEDED, states: [Charge, Big?, Review, Done]}\n"
        "  - name: wrong on purpose\n    mocks: {Charge: {result: {amount: 5}}}\n"
        "    expect: {states_include: [Review]}\n", encoding="utf-8")
    result = invoke("test", str(tmp_path), "-v")
    assert "charge.tests.yaml::big[asl] PASSED" in result.stdout
    assert "charge.tests.yaml::big[sqs] PASSED" in result.stdout
    assert "wrong on purpose[asl] FAILED" in result.stdout
    assert result.exit_code == 1 and "2 passed, 2 failed" in result.stdout


def test_mock_config_cases_pass_and_fail_as_the_guide_describes(tmp_path: Path) -> None:
    write(tmp_path / "LambdaSQSIntegration.asl.json", LAMBDA_SQS)
    config = write(tmp_path / "MockConfigFile.json", MOCK_CONFIG)
    result = invoke("test", "--mock-config", str(config), str(tmp_path), "--target", "asl", "-v")
    out = result.stdout
    assert "LambdaSQSIntegration#HappyPath[asl] PASSED" in out
    assert "LambdaSQSIntegration#RetryPath[asl] PASSED" in out  # 0 throws, 1-2 throw, 3 returns: 3 retries
    assert "LambdaSQSIntegration#TooManyFailures[asl] FAILED" in out  # 4 timeouts exhaust MaxAttempts 3
    assert "Lambda.TimeoutException" in out
    # invocation 1 has no mocked response: the execution fails (States.Runtime is not retried by States.ALL)
    assert "LambdaSQSIntegration#Exhausted[asl] FAILED" in out
    assert "no response for invocation 1 of state 'LambdaState'" in out
    assert result.exit_code == 1 and "2 passed, 2 failed" in out


def test_mock_config_on_the_sqs_chain_is_skipped_where_its_constructs_do_not_allow(tmp_path: Path) -> None:
    write(tmp_path / "LambdaSQSIntegration.asl.json", LAMBDA_SQS)
    config = write(tmp_path / "MockConfigFile.json", MOCK_CONFIG)
    result = invoke("test", "--mock-config", str(config), str(tmp_path), "-k", "HappyPath", "-v")
    assert "HappyPath[asl] PASSED" in result.stdout and "HappyPath[sqs] SKIPPED" in result.stdout
    assert result.exit_code == 0


def test_mock_config_responses_by_invocation() -> None:
    config = mockconfig.MockConfig(Path("m.json"), {"M": {"C": {"S": "R"}}},
                                   {"R": {0: {"result": 1}, 2: {"result": 3}}})
    steps = config.mocks("M", "C")["S"]
    assert steps[0] == {"result": 1} and steps[2] == {"result": 3}
    assert steps[1]["error"] == steps[3]["error"] == "States.Runtime" and len(steps) == 4


@pytest.mark.parametrize("data, message", [
    ({"StateMachines": {}, "Extra": {}}, "unknown top-level fields ['Extra']"),
    ({"StateMachines": {"M": {"TestCases": {"C": {"S": "Missing"}}}}, "MockedResponses": {}},
     "no mocked response named 'Missing'"),
    ({"MockedResponses": {"R": {"one": {"Return": 1}}}}, "invocation 'one' is not an integer"),
    ({"MockedResponses": {"R": {"0-1": {"Return": 1}, "1": {"Return": 2}}}}, "invocation 1 is given twice"),
    ({"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {}}}}}, "exactly one field, Return or Throw"),
    ({"MockedResponses": {"R": {"0": {"Throw": {"Error": "E"}}}}}, "needs string fields Error and Cause"),
    ({"StateMachines": {"M": {"TestCases": {}, "Other": 1}}}, "a single field, TestCases"),
])
def test_mock_config_format_errors_say_where(tmp_path: Path, data, message: str) -> None:
    path = write(tmp_path / "MockConfigFile.json", data)
    with pytest.raises(mockconfig.MockConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        mockconfig.load(path)
    result = invoke("test", "--mock-config", str(path), str(tmp_path))
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_mock_config_machine_without_a_definition(tmp_path: Path) -> None:
    write(tmp_path / "Other.asl.json", CHARGE)
    write(tmp_path / "Another.asl.json", CHARGE)
    config = write(tmp_path / "MockConfigFile.json", MOCK_CONFIG)
    result = invoke("test", "--mock-config", str(config), str(tmp_path))
    assert result.exit_code == 1 and "no definition for state machine 'LambdaSQSIntegration'" in result.stderr


def test_mock_config_naming_a_state_that_is_not_a_task_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "LambdaSQSIntegration.asl.json", LAMBDA_SQS)
    typo = json.loads(json.dumps(MOCK_CONFIG))
    typo["StateMachines"]["LambdaSQSIntegration"]["TestCases"]["HappyPath"]["LambdaStat"] = "MockedLambdaSuccess"
    config = write(tmp_path / "MockConfigFile.json", typo)
    result = invoke("test", "--mock-config", str(config), str(tmp_path))
    assert result.exit_code == 1
    assert "LambdaSQSIntegration#HappyPath mocks 'LambdaStat', which is not a Task state" in result.stderr
