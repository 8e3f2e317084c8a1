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
