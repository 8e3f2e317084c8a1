"""What the SQS target refuses: compile errors with a code and a span, never different behaviour."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.rules import all_rules
from flowc.targets.sqs.target import check

from tests.helpers import CORPUS, compile_text

HEAD = """
workflow W
  function f handler "h.f" code "handlers"
  function ext arn "arn:aws:lambda:us-east-1:123456789012:function:ext"
  table T key id
  topic N
  queue Q
  activity review
  machine Billing arn "arn:aws:states:us-east-1:123456789012:stateMachine:billing"
  bucket B
"""

REFUSED = {
    "FLOW701": ["A: invoke f callback with { token: $$.Task.Token }",
                "A: sns.publish N callback message { token: $$.Task.Token }",
                "A: sqs.send Q callback body { token: $$.Task.Token }"],
    "FLOW702": ["A: activity review"],
    "FLOW703": ["A: map distributed\n    reader { Resource: \"arn:aws:states:::s3:getObject\", ReaderConfig: "
                "{ InputType: \"JSON\" }, Parameters: { Bucket: \"b\", Key: \"k\" } }\n    do\n      B: pass",
                "A: map distributed $.items\n    batch { MaxItemsPerBatch: 2 }\n    do\n      B: pass"],
    "FLOW704": ["A: sns.publish N message { token: $$.Task.Token }",
                "A: pass with { role: $$.Execution.RoleArn }"],
    "FLOW705": ["A: call \"arn:aws:states:::batch:submitJob.sync\" with { JobName: \"x\" }",
                "A: call \"arn:aws:states:::glue:startJobRun\" with { JobName: \"x\" }",
                "A: start Billing sync2 with { id: $.id }"],
    "FLOW706": ["A: dynamodb.getItem T key { id: $.id }\n    credentials { RoleArn: \"arn:aws:iam::123456789012:role/R\" }"],
}
ACCEPTED = [
    "A: invoke f",
    "A: invoke ext",
    "A: invoke ext async",
    "A: start Billing with { id: $.id }",
    "A: call aws-sdk:s3:listObjectsV2 with { Bucket: \"b\" }",
    "A: map distributed $.items\n    do\n      B: pass",
    "A: events.put detail { id: 1 } detail_type \"T\" source \"s\"",
    "A: pass with { id: $$.Execution.Id, at: $$.State.EnteredTime }",
]


def _source(step: str) -> str:
    return HEAD + "\n  " + step + "\n"


@pytest.fixture(autouse=True)
def _handler(tmp_path):
    """HEAD's `function f` needs its code: a missing handler is a compile error (FLOW106)."""
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "h.py").write_text("def f(event, context):\n    return event\n")


@pytest.mark.parametrize("code, step", [(c, s) for c, steps in REFUSED.items() for s in steps])
def test_refused_constructs_are_compile_errors(tmp_path, code, step):
    result = compile_text(tmp_path, _source(step))
    assert result.ok, [str(d) for d in result.errors]
    found = check(result)
    assert code in {d.code for d in found}, [(d.code, d.message) for d in found]
    for d in found:
        assert d.is_error and d.span.file.endswith("t.flow") and d.span.line > 1
        assert d.code in all_rules() and all_rules()[d.code].target == "compiler"


@pytest.mark.parametrize("step", ACCEPTED)
def test_supported_constructs_compile(tmp_path, step):
    result = compile_text(tmp_path, _source(step))
    assert result.ok, [str(d) for d in result.errors]
    assert check(result) == []


def test_the_rules_are_documented():
    for code in ("FLOW701", "FLOW702", "FLOW703", "FLOW704", "FLOW705", "FLOW706", "FLOW707"):
        rule = all_rules()[code]
        assert rule.summary and "--target sqs" in rule.docs


def test_huge_routing_tables_are_refused(tmp_path):
    steps = "\n".join(f"  S{i}: invoke f" for i in range(60))
    result = compile_text(tmp_path, HEAD + steps + "\n")
    assert [d.code for d in check(result)] == ["FLOW707"]


@pytest.mark.parametrize("name, codes", [
    ("dataflow.flow", {"FLOW702", "FLOW706"}),
    ("distributed_map.flow", {"FLOW703"}),
    ("integrations.flow", {"FLOW701", "FLOW702", "FLOW705"}),
])
def test_corpus_files_the_sqs_target_refuses(name, codes):
    from flowc.compiler.pipeline import analyse

    assert {d.code for d in check(analyse([CORPUS / name]))} == codes


def test_cli_reports_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["compile", str(CORPUS / "integrations.flow"), "--target", "sqs", "--out", str(out)])
    assert res.exit_code == 1
    assert "error FLOW701" in res.output and "nothing written" in res.output
    assert not out.exists()
