"""Diagnostics quote AWS's own validation message where it is known (docs/lint-accuracy.md, "AWS's own
messages", says where each was recorded)."""

from __future__ import annotations

import pytest

from tests.lint.helpers import lint, machine

CASES = [
    ([], "FLOW103", "Definition must be a valid JSON object"),
    ({"States": {"A": {"Type": "Succeed"}}}, "FLOW103", "These fields are required: [StartAt]"),
    ({"StartAt": "A"}, "FLOW103", "These fields are required: [States]"),
    (machine({"A": {"Type": "Foo", "End": True}}), "FLOW102",
     "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]"),
    (machine({"A": {"Type": "Pass", "_comment": "x", "End": True}}), "FLOW102", "Field '_comment' is not supported"),
    (machine({"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}}, QueryLanguage="JSONata"), "FLOW304",
     "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"),
    (machine({"A": {"Type": "Pass", "Parameters": {"id.$": "order.id"}, "End": True}}), "FLOW301",
     "The value for the field 'id.$' must be a valid JSONPath or a valid intrinsic function call"),
]


@pytest.mark.parametrize(("definition", "code", "aws"), CASES, ids=[c[1] + ":" + c[2][:30] for c in CASES])
def test_diagnostic_quotes_aws(definition, code, aws):
    messages = [d.message for d in lint(definition) if d.code == code]
    assert any(m.endswith(f'(AWS: "{aws}")') for m in messages), messages


def test_no_quote_where_aws_wording_is_unknown():
    # A branch without StartAt: AWS's wording for nested scopes was not recorded, so nothing is quoted.
    branch = {"Type": "Parallel", "Branches": [{"States": {"X": {"Type": "Succeed"}}}], "End": True}
    messages = [d.message for d in lint(machine({"P": branch})) if d.code == "FLOW103"]
    assert messages == ["missing StartAt"]
