from tests.lint.helpers import codes, lint, machine


def test_bad_loop_without_exit():
    diags = lint(machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Wait", "Seconds": 1, "Next": "A"},
                          "Z": {"Type": "Succeed"}}))
    assert "FLOW205" in codes(diags)


def test_good_loop_with_choice_exit():
    diags = lint(machine({
        "A": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": True, "Next": "Z"}],
              "Default": "A"},
        "Z": {"Type": "Succeed"},
    }))
    assert "FLOW205" not in codes(diags)
