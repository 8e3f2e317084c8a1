from tests.lint.helpers import codes, lint, machine, task

CALLBACK = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"


def test_bad_callback_sync_and_activity():
    for resource in (CALLBACK, "arn:aws:states:::batch:submitJob.sync",
                     "arn:aws:states:us-east-1:123456789012:activity:approve"):
        assert "FLOW502" in codes(lint(machine({"A": task(Resource=resource)})))


def test_good_with_timeout_or_request_response():
    assert "FLOW502" not in codes(lint(machine({"A": task(Resource=CALLBACK, HeartbeatSeconds=60)})))
    assert "FLOW502" not in codes(lint(machine({"A": task(Resource="arn:aws:states:::sqs:sendMessage")})))
