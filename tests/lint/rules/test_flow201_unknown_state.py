from tests.lint.helpers import codes, lint, machine, of


def test_bad_dangling_next_and_cross_scope_link():
    diags = lint(machine({
        "P": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Done"}}}],
              "Next": "Dne"},
        "Done": {"Type": "Succeed"},
    }))
    found = of(diags, "FLOW201")
    assert len(found) == 2 and found[0].hint == "did you mean 'Done'?"
    assert "cannot cross" in found[1].message


def test_good():
    assert "FLOW201" not in codes(lint(machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}})))
