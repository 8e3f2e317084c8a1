from tests.lint.helpers import codes, lint, machine, task

SYNC = task(Resource="arn:aws:states:::states:startExecution.sync:2", TimeoutSeconds=60)


def test_bad_in_express():
    assert "FLOW402" in codes(lint(machine({"A": SYNC}), workflow_type="EXPRESS"))


def test_good_in_standard():
    assert "FLOW402" not in codes(lint(machine({"A": SYNC}), workflow_type="STANDARD"))
