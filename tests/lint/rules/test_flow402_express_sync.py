from tests.lint.helpers import codes, lint, machine, task

SYNC = task(Resource="arn:aws:states:::states:startExecution.sync:2", TimeoutSeconds=60)


def test_bad_in_express():
    assert "FLOW402" in codes(lint(machine({"A": SYNC}), workflow_type="EXPRESS"))


def test_good_in_standard():
    assert "FLOW402" not in codes(lint(machine({"A": SYNC}), workflow_type="STANDARD"))


ACTIVITY = task(Resource="arn:aws:states:us-east-1:123456789012:activity:review", TimeoutSeconds=60)


def test_activity_in_express():
    diags = [d for d in lint(machine({"A": ACTIVITY}), workflow_type="EXPRESS") if d.code == "FLOW402"]
    assert [d.message for d in diags] == ["'A' runs an activity, which EXPRESS workflows do not support"]


def test_activity_in_standard():
    assert "FLOW402" not in codes(lint(machine({"A": ACTIVITY}), workflow_type="STANDARD"))


def test_wait_for_task_token_quotes_aws():
    callback = task(Resource="arn:aws:sqs:::sqs:sendMessage.waitForTaskToken", TimeoutSeconds=60)
    callback["Resource"] = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    diags = [d for d in lint(machine({"A": callback}), workflow_type="EXPRESS") if d.code == "FLOW402"]
    assert diags[0].message.endswith(
        "(AWS: \"Express state machine does not support '.waitForTaskToken' service integration\")")
