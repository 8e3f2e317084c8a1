from tests.lint.helpers import codes, lint, machine, of


def test_bad_non_string_and_colliding_keys_at_any_depth():
    params = {"bad1.$": 23, "f": {"bad3.$": [1], "x": [{"y": {"c": "v", "c.$": "$.c"}}]}}
    diags = lint(machine({"A": {"Type": "Pass", "Parameters": params, "End": True}}))
    assert len(of(diags, "FLOW306")) == 3


def test_good():
    diags = lint(machine({"A": {"Type": "Pass", "Parameters": {"a.$": "$.a", "b": {"c.$": "$.c"}}, "End": True}}))
    assert "FLOW306" not in codes(diags)
