import pytest

from tests.lint.helpers import codes, lint, machine


def out(value):
    return lint(machine({"X": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": value, "End": True}}))


@pytest.mark.parametrize("value", ["{% 10 %", "10 %}", "{% 10 + * 2 %}", "{% $sum($states.input.n %}",
                                   "{% $.store.book[?(@.price < 10)].title %}", {"deep": ["{% 420. %}"]}, "{%  %}"])
def test_bad(value):
    assert "FLOW303" in codes(out(value))


@pytest.mark.parametrize("value", ["{% 10 %}", "{%10%}", "{% \n10         %}", "{%$lowercase('A' & $states.input.k) %}",
                                   "no expression here"])
def test_good(value):
    assert "FLOW303" not in codes(out(value))


def test_comments_and_labels_are_not_expressions():
    diags = lint(machine({"X": {"Type": "Pass", "QueryLanguage": "JSONata", "Comment": "{% not code",
                                "End": True}}))
    assert "FLOW303" not in codes(diags)


def test_eval_is_not_available_in_step_functions():
    """AWS, "Transforming data with JSONata in Step Functions": every 2.0.6 function but $eval (use $parse)."""
    from tests.lint.helpers import lint, machine

    def flow303(expr: str) -> list[str]:
        doc = machine({"A": {"Type": "Pass", "Output": expr, "End": True}}, QueryLanguage="JSONata")
        return [d.message for d in lint(doc) if d.code == "FLOW303"]

    (message,) = flow303("{% $eval('1 + 1') %}")
    assert "$parse" in message
    assert flow303("{% $parse('{\"a\": 1}') %}") == []
    assert flow303("{% ($eval := function($x) { $x }; $eval(1)) %}") == []  # a bound name is not the built-in
