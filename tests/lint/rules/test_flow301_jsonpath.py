import pytest

from tests.lint.helpers import codes, lint, machine


def passing(**fields):
    return lint(machine({"A": {"Type": "Pass", **fields, "End": True}}))


@pytest.mark.parametrize("fields", [
    {"ResultPath": ".guid"}, {"ResultPath": "$..."}, {"ResultPath": "$foo"}, {"ResultPath": "$$.Execution"},
    {"ResultPath": "$.items[*]"}, {"InputPath": "bug$.library"},
    {"InputPath": "States.Format('{} xyz {}', 1, 'def')"},
    {"Parameters": {"deep": [{"x.$": "not a path"}]}},
    {"Parameters": {"a.$": "$$23"}},
    {"Parameters": {"a.$": " States.Array(1)"}},
])
def test_bad(fields):
    assert "FLOW301" in codes(passing(**fields))


@pytest.mark.parametrize("fields", [
    {"InputPath": "$.input-foo-bar"}, {"InputPath": "$.books[-2]"}, {"OutputPath": "$[(@.length-1)].bar"},
    {"Parameters": {"a.$": "$.items[?(@.qty > 1 && @.ok == true)]", "b.$": "$$.Execution.Id", "c.$": "$.vals[3:]"}},
    {"Parameters": {"a.$": "$[?(@.TargetLanguageCode==es)].TranslatedText"}},
    {"Parameters": {"a.$": "$.${Field}"}},
    {"ResultPath": "$.x['odd key']"},
])
def test_good(fields):
    assert "FLOW301" not in codes(passing(**fields))


def test_trailing_whitespace_is_a_warning_leading_an_error():
    """Jayway (Step Functions' JSONPath compiler) trims a path before parsing it; leading space is no path."""
    from tests.lint.helpers import lint, machine

    trailing = [d for d in lint(machine({"A": {"Type": "Pass", "InputPath": "$.a ", "End": True}}))
                if d.code == "FLOW301"]
    assert [d.severity.value for d in trailing] == ["warning"] and "Jayway" in trailing[0].message
    leading = [d for d in lint(machine({"A": {"Type": "Pass", "InputPath": " $.a", "End": True}}))
               if d.code == "FLOW301"]
    assert [d.severity.value for d in leading] == ["error"]
    broken = [d for d in lint(machine({"A": {"Type": "Pass", "InputPath": "$.a[ ", "End": True}}))
              if d.code == "FLOW301"]
    assert [d.severity.value for d in broken] == ["error"]
