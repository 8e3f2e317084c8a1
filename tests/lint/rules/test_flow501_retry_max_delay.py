from tests.lint.helpers import codes, lint, machine, task


def test_bad_default_and_explicit_backoff():
    assert "FLOW501" in codes(lint(machine({"A": task(Retry=[{"ErrorEquals": ["States.ALL"]}])})))
    diags = lint(machine({"A": task(Retry=[{"ErrorEquals": ["E"], "MaxAttempts": 10, "BackoffRate": 2}])}))
    assert "8.5 minutes" in next(d.message for d in diags if d.code == "FLOW501")


def test_good_capped_linear_or_single_attempt():
    for retry in ({"ErrorEquals": ["E"], "MaxDelaySeconds": 30}, {"ErrorEquals": ["E"], "BackoffRate": 1},
                  {"ErrorEquals": ["E"], "MaxAttempts": 1}):
        assert "FLOW501" not in codes(lint(machine({"A": task(Retry=[retry])})))
