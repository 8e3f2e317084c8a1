"""Issue 12 item 1: a declared resource's name is a value, rendered as the attribute its field needs.

Before: `{ Bucket: Exports }`, `env { TABLE: Orders }` were syntax errors (FLOW100: unexpected 'Exports') and a
hand-written `"${ExportsBucketName}"` was accepted with no substitution behind it. Proven here on the emitted
ASL and template, by the SAM translator + cfn-lint, and by executing the definition on moto.
"""

from __future__ import annotations

import json

import pytest
from flowc.dsl.parser import parse_flow
from flowc.dsl.yaml_loader import parse_flow_yaml
from flowc.targets.asl.target import render

from tests.helpers import codes, compile_text
from tests.oracles.cfnlint import template_errors
from tests.oracles.deploy import deploy_program
from tests.oracles.sam import load_template, translate

pytest_plugins = ["tests.oracles.fixtures"]

EXPORT = """
workflow Export
  bucket Exports
  table Orders
  queue Jobs
  function notify handler "h.main" code "handlers" env { TABLE: Orders, QUEUE: Jobs, BUCKET_ARN: Exports.arn }

  Fetch: call aws-sdk:s3:getObject with { Bucket: Exports, Key: "in.csv" }
    result $.obj
  Each: map distributed
    reader { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" }, Parameters: { Bucket: Exports, Key: "in.csv" } }
    writer { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: Exports, Prefix: "out" } }
    result null
    do
      Row: pass
  Tell: sqs.send Jobs body { table: Orders, queue: Jobs.arn, fn: notify.name }
"""


def _handlers(tmp_path):
    (tmp_path / "handlers").mkdir(exist_ok=True)
    (tmp_path / "handlers" / "h.py").write_text("def main(event, context):\n    return event\n")


def _compiled(tmp_path, source=EXPORT):
    _handlers(tmp_path)
    return compile_text(tmp_path, source)


def test_resource_names_in_values_render_the_attribute_their_field_needs(tmp_path):
    result = _compiled(tmp_path)
    assert result.ok, [str(d) for d in result.diagnostics]
    states = result.asl["Export"].definition["States"]
    assert states["Fetch"]["Parameters"] == {"Bucket": "${ExportsBucketName}", "Key": "in.csv"}
    assert states["Each"]["ItemReader"]["Parameters"]["Bucket"] == "${ExportsBucketName}"
    assert states["Each"]["ResultWriter"]["Parameters"]["Bucket"] == "${ExportsBucketName}"
    body = states["Tell"]["Parameters"]["MessageBody"]
    assert body == {"table": "${OrdersTableName}", "queue": "${JobsQueueArn}", "fn": "${NotifyFunctionName}"}
    assert result.asl["Export"].substitutions["ExportsBucketName"] == ("bucket", "Exports")


def test_the_template_fills_every_placeholder_and_env_with_ref_or_getatt(tmp_path):
    result = _compiled(tmp_path)
    out = tmp_path / "out"
    files = render(result, out, [str(tmp_path / "t.flow")])
    template = load_template(files["template.yaml"])
    machine = template["Resources"]["ExportStateMachine"]["Properties"]
    subs = machine["DefinitionSubstitutions"]
    assert subs["ExportsBucketName"] == {"Ref": "ExportsBucket"}
    assert subs["JobsQueueArn"] == {"Fn::GetAtt": ["JobsQueue", "Arn"]}
    assert subs["NotifyFunctionName"] == {"Ref": "NotifyFunction"}
    assert subs["OrdersTableName"] == {"Ref": "OrdersTable"}
    definition = files["Export.asl.json"]
    placeholders = {p for p in json.loads(definition) and __import__("re").findall(r"\$\{([^}]+)\}", definition)}
    assert placeholders <= set(subs), placeholders - set(subs)
    env = template["Resources"]["NotifyFunction"]["Properties"]["Environment"]["Variables"]
    assert env == {"BUCKET_ARN": {"Fn::GetAtt": ["ExportsBucket", "Arn"]}, "QUEUE": {"Ref": "JobsQueue"},
                   "TABLE": {"Ref": "OrdersTable"}}
    # Independent oracles: the SAM transform accepts it and the CloudFormation it makes lints clean.
    out.mkdir()
    for rel, text in files.items():
        (out / rel).write_text(text)
    cfn = translate(load_template(out / "template.yaml"), base_dir=out)
    assert template_errors(cfn) == []


def test_both_front_ends_build_the_same_references(tmp_path):
    flow = parse_flow('workflow W\n  bucket B\n  S: pass with { Bucket: B, arn: B.arn }\n', "w.flow")
    yaml = parse_flow_yaml("workflow: W\nresources:\n  - bucket: B\nsteps:\n  - S:\n      pass:\n"
                           "      with: { Bucket: !ref B, arn: !ref B.arn }\n", "w.flow.yaml")
    a = flow.workflows[0].body[0].options[0].value.items
    b = yaml.workflows[0].body[0].options[0].value.items
    assert [(i.key, i.value.kind, i.value.name, i.value.attribute) for i in a] == \
        [(i.key, i.value.kind, i.value.name, i.value.attribute) for i in b] == \
        [("Bucket", "ref", "B", None), ("arn", "ref", "B", "arn")]


@pytest.mark.parametrize(("value", "code", "fragment"), [
    ("{ target: Exports }", "FLOW101", "which attribute of bucket 'Exports'"),
    ("{ QueueUrl: Exports }", "FLOW101", "does not have"),
    ("{ b: Exports.url }", "FLOW101", "has no 'url'"),
    ("{ b: Exprots }", "FLOW201", "not a declared resource"),
])
def test_ambiguous_or_unknown_references_are_errors(tmp_path, value, code, fragment):
    result = compile_text(tmp_path, f"workflow W\n  bucket Exports\n  S: pass with {value}\n")
    assert code in codes(result)
    found = [d for d in result.diagnostics if d.code == code]
    assert fragment in found[0].message and found[0].span.line == 3
    if "Exprots" in value:
        assert found[0].hint == "did you mean 'Exports'?"


def test_an_undeclared_placeholder_is_an_error_with_a_hint(tmp_path):
    result = compile_text(tmp_path, 'workflow W\n  bucket Exports\n  S: call aws-sdk:s3:getObject with '
                                    '{ Bucket: "${ExportBucketName}", Key: "k" }\n')
    assert codes(result) == ["FLOW113"]
    diag = result.errors[0]
    assert (diag.span.line, diag.span.col) == (3, 47) and "${ExportBucketName}" in diag.message
    assert "did you mean '${ExportsBucketName}'" in diag.hint and "`Exports`" in diag.hint


def test_a_placeholder_that_names_a_declared_resource_is_filled(tmp_path):
    result = compile_text(tmp_path, 'workflow W\n  bucket Exports\n  S: call aws-sdk:s3:getObject with '
                                    '{ Bucket: "${ExportsBucketName}", Key: "k" }\n')
    assert result.ok
    assert result.asl["W"].substitutions == {"ExportsBucketName": ("bucket", "Exports")}


def test_references_execute_on_moto_with_the_deployed_values(tmp_path, sfn_oracle):
    """The definition runs on moto's Step Functions with its substitutions filled by real resources."""
    result = compile_text(tmp_path, """
        workflow Refs
          table Orders key id
          Put: dynamodb.putItem Orders item { id: "k", table: Orders, arn: Orders.arn }
            result null
          Get: dynamodb.getItem Orders key { id: "k" }
            select { table: $.Item.table.S, arn: $.Item.arn.S }
        """)
    assert result.ok, [str(d) for d in result.diagnostics]
    arns = deploy_program(sfn_oracle, result)
    run = sfn_oracle.execute(arns["Refs"], {})
    assert run.succeeded, run
    table = sfn_oracle.client("dynamodb").describe_table(TableName="Orders")["Table"]
    assert run.output == {"table": "Orders", "arn": table["TableArn"]}


def test_the_sqs_chain_fills_references_in_inline_states(tmp_path):
    """A Pass naming a table runs inside whichever function reaches it: each gets the value."""
    from flowc.targets.sqs.simulator import simulate
    from flowc.targets.sqs.target import render as render_sqs

    result = compile_text(tmp_path, """
        workflow P
          table Orders
          Info: pass with { table: Orders, arn: Orders.arn }
          Put: dynamodb.putItem Orders item { id: "k", table: Orders }
            result null
        """)
    assert result.ok, [str(d) for d in result.diagnostics]
    files = render_sqs(result, tmp_path / "out", [str(tmp_path / "t.flow")])
    resources = load_template(files["template.yaml"])["Resources"]
    ingress = resources["PIngressFunction"]["Properties"]["Environment"]["Variables"]
    assert ingress["OrdersTableName"] == {"Ref": "OrdersTable"}
    assert ingress["OrdersTableArn"] == {"Fn::GetAtt": ["OrdersTable", "Arn"]}
    run = simulate(result, "P", {})
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert "${" not in json.dumps(run.output) and run.output["arn"].startswith("arn:aws:dynamodb:")


@pytest.mark.parametrize("use", [
    "S: call aws-sdk:s3:getObject with { Bucket: Exports, Key: \"k\" }",
    "S: pass\n  function f handler \"h.main\" code \"handlers\" uses Exports read\n  T: invoke f",
])
def test_a_resource_named_in_a_value_or_uses_is_not_unused(tmp_path, use):
    """FLOW601 counts references in values and in `uses` (else it would call Exports dead weight)."""
    from flowc.compiler.lint.runner import lint_flow_file

    _handlers(tmp_path)
    (tmp_path / "w.flow").write_text(f"workflow W\n  bucket Exports\n  {use}\n")
    found = [d.code for d in lint_flow_file(str(tmp_path / "w.flow"))]
    assert "FLOW601" not in found and "FLOW100" not in found, found
