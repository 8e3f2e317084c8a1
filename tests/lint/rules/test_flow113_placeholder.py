from tests.lint.helpers import codes, lint, machine, of, task


def test_bad_unclosed_and_empty():
    diags = lint(machine({"A": task(Resource="${WorkerArn", Parameters={"x": "${}"})}))
    assert len(of(diags, "FLOW113")) == 2


def test_unknown_name_with_substitutions_warns():
    diags = lint(machine({"A": task(Resource="${WorkerArn}")}), substitutions={"Other": "x"})
    assert [d.severity.value for d in of(diags, "FLOW113")] == ["warning"]


def test_good_and_substituted():
    assert "FLOW113" not in codes(lint(machine({"A": task(Resource="${WorkerArn}")})))
    diags = lint(machine({"A": task(Resource="${WorkerArn}")}), substitutions={"WorkerArn": "not-an-arn"})
    assert "FLOW111" in codes(diags) and "FLOW113" not in codes(diags)
