from tests.lint.helpers import codes, lint, machine, of


def test_bad_fields_of_the_other_language():
    diags = lint(machine({"A": {"Type": "Pass", "Parameters": ["abc"], "ResultPath": "$.x", "End": True}},
                         QueryLanguage="JSONata"))
    assert len(of(diags, "FLOW304")) == 2


def test_bad_jsonpath_state_in_jsonata_machine():
    diags = lint(machine({"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}}, QueryLanguage="JSONata"))
    assert "FLOW304" in codes(diags)


def test_good_jsonata_state_in_jsonpath_machine():
    diags = lint(machine({"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 %}", "Next": "B"},
                          "B": {"Type": "Pass", "Parameters": {"a": 1}, "End": True}}))
    assert "FLOW304" not in codes(diags)
