"""`flowc run` and `flowc test` end to end (click's runner, in-process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main

from tests.helpers import CORPUS, WORKFLOWS

MEMBER = json.dumps({"action": "member_added", "organization": {"login": "acme"},
                     "membership": {"user": {"login": "octocat"}}})


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_run_prints_the_output_and_a_summary():
    result = invoke("run", str(WORKFLOWS / "member_onboarding.flow"), "--input", MEMBER)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert json.loads(out)["team"]["name"] == "platform-engineers"
    assert "asl: SUCCEEDED" in result.stderr and "6 state transitions" in result.stderr


def test_run_input_from_a_file_and_mocks(tmp_path: Path):
    mock = tmp_path / "fetch.json"
    mock.write_text(json.dumps([{"error": "Lambda.TooManyRequestsException"}, {"result": {"id": "E-9", "email": "x"}}]))
    result = invoke("run", str(WORKFLOWS / "member_onboarding.flow"), "--input",
                    f"@{WORKFLOWS / 'member_onboarding.input.json'}", "--mock", f"FetchEmployee=@{mock}",
                    "--mock", 'NotifySuccess={"result": {"MessageId": "m-1"}}')
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["employee"] == {"id": "E-9", "email": "x"}
    assert "7 state transitions" in result.stderr  # 6 states + 1 retry


def test_run_failure_exits_1_with_error_and_cause():
    stranger = json.dumps({"action": "member_added", "organization": {"login": "acme"},
                           "membership": {"user": {"login": "stranger"}}})
    result = invoke("run", str(WORKFLOWS / "member_onboarding.flow"), "--input", stranger)
    assert result.exit_code == 1
    assert "error OnboardingFailed: could not onboard member" in result.stderr


def test_run_trace_prints_aws_history_events_and_billed_units():
    result = invoke("run", str(WORKFLOWS / "member_onboarding.flow"), "--input", MEMBER, "--trace")
    assert result.exit_code == 0
    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert events[0]["type"] == "ExecutionStarted" and events[-1]["type"] == "ExecutionSucceeded"
    assert {"LambdaFunctionScheduled", "TaskScheduled", "ChoiceStateEntered"} <= {e["type"] for e in events}
    assert '"state_transitions": 6' in result.stderr


def test_run_both_targets_agree():
    result = invoke("run", str(WORKFLOWS / "member_onboarding.flow"), "--input", MEMBER, "--target", "both")
    assert result.exit_code == 0, result.output
    assert "asl and sqs agree" in result.stderr


def test_run_repeat_reports_executions_per_second():
    result = invoke("run", str(WORKFLOWS / "process_user.flow"), "--input", '{"UserDetails": {"login": "ada"}}',
                    "--repeat", "20")
    assert result.exit_code == 0
    assert "20 executions in" in result.stderr and "executions/s" in result.stderr


def test_run_needs_a_mock_for_what_cannot_run_locally():
    result = invoke("run", str(CORPUS / "integrations.flow"), "--input", '{"id": "1", "created": 1}')
    assert result.exit_code == 2
    assert "give the step a mock" in result.stderr


def test_run_usage_errors():
    assert invoke("run", str(WORKFLOWS / "member_onboarding.flow"), "--input", "{not json").exit_code == 2
    assert invoke("run", str(CORPUS / "loops.flow")).exit_code == 2  # two workflows: --workflow needed
    assert invoke("run", str(WORKFLOWS / "member_onboarding.flow"), "--mock", "X").exit_code == 2


def test_run_picks_a_workflow_of_a_multi_workflow_file():
    result = invoke("run", str(CORPUS / "loops.flow"), "--workflow", "StartsPoller", "--input", '{"job": "j"}')
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["poller"]["result"]["poll"]["status"] == "DONE"


def test_test_runs_the_shipped_examples_on_both_targets(tmp_path: Path):
    junit = tmp_path / "junit.xml"
    result = invoke("test", str(WORKFLOWS), "--junit", str(junit))
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("38 passed, 0 failed")
    assert 'failures="0"' in junit.read_text()


def test_test_reports_failures_like_pytest(tmp_path: Path):
    spec = tmp_path / "process_user.tests.yaml"
    spec.write_text(f"""
file: {WORKFLOWS / 'process_user.flow'}
cases:
  - name: wrong expectation
    input: {{UserDetails: {{login: ada}}}}
    expect: {{status: FAILED, states_include: [Provision, Nowhere]}}
  - name: right expectation
    input: {{UserDetails: {{login: ada}}}}
    targets: [asl]
    expect: {{output: {{login: ada, status: provisioned}}}}
""")
    result = invoke("test", str(spec))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1].startswith("1 passed, 2 failed")
    assert any("status: expected FAILED, got SUCCEEDED" in line for line in lines)
    assert any("do not include ['Provision', 'Nowhere']" in line for line in lines)


def test_a_malformed_tests_file_is_an_error(tmp_path: Path):
    spec = tmp_path / "process_user.tests.yaml"
    spec.write_text(f"file: {WORKFLOWS / 'process_user.flow'}\ncases:\n  - name: x\n    expect: {{bogus: 1}}\n")
    result = invoke("test", str(spec), "--target", "asl")
    assert result.exit_code == 1
    assert "unknown expectations ['bogus']" in result.output


@pytest.fixture
def no_sqs(monkeypatch):
    import flowc.compiler.testing.spec

    monkeypatch.setattr(flowc.compiler.testing.spec, "sqs_available", lambda: False)


def test_without_the_sqs_target_run_says_so(no_sqs):
    result = invoke("run", str(WORKFLOWS / "member_onboarding.flow"), "--input", MEMBER, "--target", "sqs")
    assert result.exit_code == 2
    assert "the SQS target is not installed" in result.stderr
    assert invoke("run", str(WORKFLOWS / "member_onboarding.flow"), "--input", MEMBER,
                  "--target", "both").exit_code == 2


def test_without_the_sqs_target_the_asl_side_works_alone(no_sqs):
    assert invoke("run", str(WORKFLOWS / "member_onboarding.flow"), "--input", MEMBER).exit_code == 0
    result = invoke("test", str(WORKFLOWS), "--target", "asl")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("20 passed, 0 failed")
    assert invoke("test", str(WORKFLOWS)).exit_code == 2


def test_yaml_twins_pass_the_same_tests():
    """Each example's .flow.yaml twin compiles to the same ASL, so its tests pass as well (ASL target)."""
    from flowc.compiler.testing import spec as testspec

    for spec_path in sorted(WORKFLOWS.glob("*.tests.yaml")):
        spec = testspec.load(spec_path)
        spec.flow = spec.flow.with_suffix(".flow.yaml")
        outcomes = testspec.run_spec(spec, ("asl",))
        assert outcomes and all(o.passed for o in outcomes), [(o.id, o.failures) for o in outcomes if not o.passed]


def test_run_both_compares_lambda_errors_without_stack_traces():
    """The two executors' stack traces differ (their own frames): errorType and errorMessage decide."""
    result = invoke("run", str(WORKFLOWS / "process_user.flow"), "--input", '{"UserDetails": {"name": "x"}}',
                    "--target", "both")
    assert result.exit_code == 1  # the execution fails...
    assert "asl and sqs agree" in result.stderr  # ...the same way on both


def test_same_outcome_masks_execution_arns_and_stack_traces():
    from flowc.targets.local import RunResult

    def run(target, arn, trace):
        cause = json.dumps({"errorMessage": "m", "errorType": "E", "stackTrace": [trace]})
        return RunResult(target=target, workflow="W", status="FAILED", output=None, error="E", cause=cause), \
            RunResult(target=target, workflow="W", status="SUCCEEDED", output={"child": arn})
    a_fail, a_ok = run("asl", "arn:aws:states:us-east-1:123456789012:execution:C:1", "x")
    b_fail, b_ok = run("sqs", "arn:aws:states:us-east-1:123456789012:execution:C:2", "y")
    assert a_fail.same_outcome(b_fail) and a_ok.same_outcome(b_ok)
    assert not a_ok.same_outcome(a_fail)
