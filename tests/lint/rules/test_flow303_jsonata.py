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
