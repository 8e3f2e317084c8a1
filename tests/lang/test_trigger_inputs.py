"""Issue 12 item 4: trigger inputs carry paths as paths, or are refused; never a silent literal.

Before: `on event {...} input { expense: $.detail }` compiled to `Input: '{"expense": "$.detail"}'`.
"""

from __future__ import annotations

import json

import pytest
from flowc.targets.asl.target import render

from tests.helpers import codes, compile_text
from tests.oracles.cfnlint import template_errors
from tests.oracles.sam import load_template, translate


def _template(tmp_path, source):
    result = compile_text(tmp_path, source)
    assert result.ok, [str(d) for d in result.diagnostics]
    files = render(result, tmp_path / "out", [str(tmp_path / "t.flow")])
    return result, files, load_template(files["template.yaml"])


def _events(template):
    return template["Resources"]["WStateMachine"]["Properties"]["Events"]


def test_event_paths_become_an_input_transformer(tmp_path):
    _, files, template = _template(tmp_path, """
        workflow W
          table Expenses
          on event { source: ["expenses"] } input { expense: $.detail, at: $.time, table: Expenses, kind: "new" }
          Done: succeed
        """)
    props = _events(template)["Event1"]["Properties"]
    assert "Input" not in props
    transformer = props["InputTransformer"]
    assert transformer["InputPathsMap"] == {"detail": "$.detail", "time": "$.time"}
    text = transformer["InputTemplate"]["Fn::Sub"]
    assert text == '{"at": <time>, "expense": <detail>, "kind": "new", "table": "${ExpensesTable}"}'
    # What EventBridge would send for an event: placeholders replaced by the JSON values of the paths.
    event = {"detail": {"amount": 12, "who": "ana"}, "time": "2030-01-01T00:00:00Z"}
    filled = text.replace("<detail>", json.dumps(event["detail"])).replace("<time>", json.dumps(event["time"]))
    filled = filled.replace("${ExpensesTable}", "stack-ExpensesTable-1")
    assert json.loads(filled) == {"at": "2030-01-01T00:00:00Z", "expense": {"amount": 12, "who": "ana"},
                                  "kind": "new", "table": "stack-ExpensesTable-1"}
    # The SAM transform passes it to the rule's target; the CloudFormation lints clean.
    out = tmp_path / "out"
    out.mkdir()
    for rel, body in files.items():
        (out / rel).write_text(body)
    cfn = translate(load_template(out / "template.yaml"), base_dir=out)
    rules = [r for r in cfn["Resources"].values() if r["Type"] == "AWS::Events::Rule"]
    assert rules[0]["Properties"]["Targets"][0]["InputTransformer"] == transformer
    assert template_errors(cfn) == []


def test_a_bare_event_path_is_the_rules_input_path(tmp_path):
    _, _, template = _template(tmp_path, """
        workflow W
          on event { source: ["x"] } input $.detail
          Done: succeed
        """)
    assert _events(template)["Event1"]["Properties"]["InputPath"] == "$.detail"


def test_literal_inputs_are_unchanged(tmp_path):
    _, _, template = _template(tmp_path, """
        workflow W
          on schedule "rate(1 day)" input { mode: "nightly", n: 3 }
          Done: succeed
        """)
    assert _events(template)["Schedule1"]["Properties"]["Input"] == '{"mode": "nightly", "n": 3}'


@pytest.mark.parametrize(("trigger", "fragment"), [
    ('on schedule "rate(1 day)" input { at: $.time }', "a schedule trigger's input is fixed JSON"),
    ('on http POST "/x" public input { a: $.body }', "an http trigger has no `input`"),
    ('on event { source: ["x"] } input { id: $$.Execution.Id }', "context path"),
    ('on event { source: ["x"] } input { n: States.Format(\'{}\', $.a) }', "intrinsic functions"),
    ('on event { source: ["x"] } input { n: $.items[?(@.a)] }', "EventBridge cannot read"),
])
def test_paths_a_trigger_cannot_carry_are_refused(tmp_path, trigger, fragment):
    result = compile_text(tmp_path, f"workflow W\n  {trigger}\n  Done: succeed\n")
    assert codes(result) == ["FLOW101"], [str(d) for d in result.diagnostics]
    assert fragment in result.errors[0].message
    assert result.errors[0].span.line == 2


def test_a_resource_in_an_event_pattern_is_its_deployed_name(tmp_path):
    _, files, template = _template(tmp_path, """
        workflow W
          bucket Exports
          on event { source: ["aws.s3"], detail: { bucket: { name: [Exports] } } } input { key: $.detail.object.key }
          Done: succeed
        """)
    props = _events(template)["Event1"]["Properties"]
    assert props["Pattern"]["detail"] == {"bucket": {"name": [{"Ref": "ExportsBucket"}]}}
    out = tmp_path / "out"
    out.mkdir()
    for rel, body in files.items():
        (out / rel).write_text(body)
    cfn = translate(load_template(out / "template.yaml"), base_dir=out)
    rule = next(r for r in cfn["Resources"].values() if r["Type"] == "AWS::Events::Rule")
    assert rule["Properties"]["EventPattern"]["detail"]["bucket"]["name"] == [{"Ref": "ExportsBucket"}]
    assert template_errors(cfn) == []
