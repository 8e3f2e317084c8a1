from tests.lint.helpers import INVOKE, codes, lint, machine, of


def test_bad_result_in_arguments_error_output_outside_catch_unknown_field():
    diags = lint(machine({
        "T": {"Type": "Task", "Resource": INVOKE, "Arguments": {"p": "{% $states.result %}"},
              "Output": "{% $states.errorOutput %}", "Catch": [{"ErrorEquals": ["States.ALL"],
                                                                  "Output": "{% $states.result %}", "Next": "P"}],
              "Next": "P"},
        "P": {"Type": "Pass", "Output": "{% $states.inputs %}", "End": True},
    }, QueryLanguage="JSONata"))
    assert len(of(diags, "FLOW307")) == 4


def test_good():
    diags = lint(machine({
        "T": {"Type": "Task", "Resource": INVOKE, "Arguments": {"p": "{% $states.input %}"},
              "Output": "{% $states.result.Payload %}", "Assign": {"r": "{% $states.result %}"},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}", "Next": "P"}],
              "Next": "P"},
        "P": {"Type": "Pass", "Output": "{% $states.context.Execution.Id %}", "End": True},
    }, QueryLanguage="JSONata"))
    assert "FLOW307" not in codes(diags)
