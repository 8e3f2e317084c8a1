"""The state machine role grants what the emitted ASL needs, per AWS's documented action table.

For every example and corpus workflow: the ASL flowc wrote is read back (not the IR), each task's needs
are looked up in `targets/iam_table.json` (one cited AWS page per row) by the independent oracle in
tests/oracles/iam.py, and the role in the *translated* CloudFormation must allow each on a concrete sample
ARN; `Resource: "*"` may only carry actions AWS documents as having no resource-level permission; and
parliament (an IAM policy linter) must have nothing to say about any generated policy, in both targets.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flowc.compiler.pipeline import analyse
from flowc.targets.asl.target import render

from tests.helpers import CORPUS, CORPUS_FILES, EXAMPLES, WORKFLOWS, compile_text
from tests.oracles import iam
from tests.oracles.sam import translate

SOURCES = [WORKFLOWS / n for n in EXAMPLES] + [CORPUS / n for n in CORPUS_FILES]
IDS = [p.relative_to(p.parents[1]).as_posix() for p in SOURCES]


def translated(result, source: Path, tmp_path: Path) -> dict:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    for rel, text in render(result, out, [str(source)]).items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    return translate(out / "template.yaml", base_dir=out, inline_definitions=True)


def machine_checks(cfn: dict, result) -> list[tuple[str, list[iam.Need], list[str], list[dict]]]:
    """(machine, needs, shapes the table lacks, resolved role statements) per state machine."""
    from tests.oracles.sam import state_machine_definitions

    resolver = iam.Resolver(cfn)
    out = []
    for logical, (definition, subs) in state_machine_definitions(cfn).items():
        props = cfn["Resources"][logical]["Properties"]
        role = props["RoleArn"]["Fn::GetAtt"][0]
        logging = props.get("LoggingConfiguration", {}).get("Level", "OFF") != "OFF"
        tracing = props.get("TracingConfiguration", {}).get("Enabled", False)
        needs, unknown = iam.needs(definition, {k: resolver.value(v) for k, v in subs.items()},
                                   resolver.arn(logical), logging=logging, tracing=tracing,
                                   keys=iam.customer_keys(cfn, resolver))
        out.append((logical, needs, unknown, iam.statements(iam.role_policies(cfn, role, resolver))))
    return out


@pytest.fixture(scope="module", params=SOURCES, ids=IDS)
def compiled(request, tmp_path_factory):
    result = analyse([request.param])
    assert result.ok, [f"{d.span}: {d.code} {d.message}" for d in result.errors]
    return result, translated(result, request.param, tmp_path_factory.mktemp("iam"))


def test_every_task_shape_is_in_the_cited_table(compiled):
    result, cfn = compiled
    for machine, _needs, unknown, _ in machine_checks(cfn, result):
        assert unknown == [], f"{machine}: no row in targets/iam_table.json for {unknown}"


def test_the_role_grants_every_documented_action(compiled):
    result, cfn = compiled
    for machine, needs, _, stmts in machine_checks(cfn, result):
        missing = [str(n) for n in needs if not iam.allows(stmts, n.action, n.resource)]
        assert missing == [], f"{machine} role lacks:\n" + "\n".join(missing)


def test_no_star_resource_where_an_arn_is_known(compiled):
    result, cfn = compiled
    documented = iam.documented_star_actions()
    for machine, needs, _, stmts in machine_checks(cfn, result):
        sdk_star = {n.action for n in needs if n.resource == "*" and n.key.startswith("aws-sdk:")}
        extra = iam.star_actions(stmts) - documented - sdk_star
        assert extra == set(), f"{machine}: Resource '*' for {sorted(extra)}"


def test_parliament_finds_nothing_in_any_generated_policy(compiled):
    _, cfn = compiled
    documented = iam.documented_star_actions()
    for where, doc in iam.every_role_policy(cfn):
        findings = [f for f in iam.parliament_findings(doc)
                    if not (f.startswith("RESOURCE_STAR") and set(eval_list(f)) <= documented)
                    and not (f.startswith("NO_VERSION") and sam_event_role(where))]
        assert findings == [], f"{where}: {findings}"


def sam_event_role(where: str) -> bool:
    """The role aws-sam-translator writes for a state machine's Schedule/EventBridge event: its one policy
    has no Version (flowc cannot set it); without policy variables that changes nothing."""
    return re.fullmatch(r"\w+StateMachine(Schedule|Event)\d+Role/0", where) is not None


def eval_list(finding: str) -> list[str]:
    """The action list of a RESOURCE_STAR finding (`RESOURCE_STAR ['a:B', ...]`)."""
    return re.findall(r"'([^']+)'", finding)


# ----------------------------------------------------------------------------- the oracle can fail --
def test_the_oracle_reports_a_missing_grant_and_a_wrong_action_name():
    definition = {"StartAt": "L", "States": {"L": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
        "Parameters": {"Bucket": "orders"}, "End": True}}}
    needs, unknown = iam.needs(definition, {}, "arn:aws:states:us-east-1:123456789012:stateMachine:m")
    assert unknown == [] and [(n.action, n.resource) for n in needs] == [("s3:ListBucket", "arn:aws:s3:::orders")]
    old = [{"Effect": "Allow", "Action": ["s3:ListObjectsV2"], "Resource": "*"}]  # what flowc used to grant
    assert not iam.allows(old, "s3:ListBucket", "arn:aws:s3:::orders")
    assert any(f.startswith("UNKNOWN_ACTION") for f in iam.parliament_findings({"Version": "2012-10-17",
                                                                                "Statement": old}))


def test_the_oracle_wants_s3_and_child_executions_for_a_distributed_map():
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                                      "Parameters": {"Bucket": "in", "Key": "items.csv"}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "r"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, "End": True}}}
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
    needs, _ = iam.needs(definition, {}, machine)
    got = {(n.action, n.resource) for n in needs}
    assert ("s3:GetObject", "arn:aws:s3:::in/items.csv") in got
    assert ("s3:PutObject", "arn:aws:s3:::out/r/run-1/manifest.json") in got
    assert ("states:StartExecution", machine) in got
    assert ("states:DescribeExecution", "arn:aws:states:us-east-1:123456789012:execution:m/MapRun:0f9e") in got


def test_generated_role_for_sdk_and_batch_calls(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          List: call aws-sdk:s3:listObjectsV2 with { Bucket: "archive" }
          Head: call aws-sdk:s3:headObject with { Bucket: "archive", Key: "a.json" }
          Batch: call "arn:aws:states:::batch:submitJob.sync" with { JobName: "j", JobQueue: "q", JobDefinition: "d:1" }
          Child: start W sync2
    """)
    assert result.ok, result.diagnostics
    cfn = translated(result, tmp_path / "t.flow", tmp_path)
    ((_machine, needs, unknown, stmts),) = machine_checks(cfn, result)
    assert unknown == []
    assert [str(n) for n in needs if not iam.allows(stmts, n.action, n.resource)] == []
    assert not iam.allows(stmts, "s3:ListBucket", "arn:aws:s3:::another-bucket")
    assert not iam.allows(stmts, "s3:GetObject", "arn:aws:s3:::archive/other.json")
    assert not iam.allows(stmts, "batch:SubmitJob", "arn:aws:batch:us-east-1:123456789012:job-queue/other")
    assert iam.star_actions(stmts) - _logging_actions() == {"batch:DescribeJobs", "batch:TerminateJob"}


def _logging_actions() -> set[str]:
    return set(iam.TABLE["integrations"]["logging"]["grants"][0]["actions"])


def test_every_table_row_cites_an_aws_page():
    rows = [*iam.TABLE["integrations"].items(), *iam.TABLE["aws-sdk"]["exceptions"].items()]
    for key, r in rows:
        assert r["doc"].startswith("https://docs.aws.amazon.com/"), key
        for grant in r["grants"]:
            assert grant["actions"] and grant["on"], key
    assert iam.TABLE["aws-sdk"]["doc"].startswith("https://docs.aws.amazon.com/")


SQS_SOURCES = [WORKFLOWS / n for n in EXAMPLES] + [CORPUS / n for n in CORPUS_FILES if n not in (
    "dataflow.flow", "distributed_map.flow", "integrations.flow")]  # what the SQS chain compiles


@pytest.mark.parametrize("source", SQS_SOURCES, ids=[p.name for p in SQS_SOURCES])
def test_parliament_finds_nothing_in_the_sqs_chain_policies(source, tmp_path):
    from flowc.targets.output import write_outputs
    from flowc.targets.sqs.target import render as render_sqs

    result = analyse([source])
    out = tmp_path / "out"
    assert write_outputs(out, render_sqs(result, out, [str(source)])) == []
    cfn = translate(out / "template.yaml", base_dir=out)
    documented = iam.documented_star_actions()
    for where, doc in iam.every_role_policy(cfn):
        findings = [f for f in iam.parliament_findings(doc)
                    if not (f.startswith("RESOURCE_STAR") and set(eval_list(f)) <= documented)]
        assert findings == [], f"{where}: {findings}"
        assert iam.star_actions(iam.statements([doc])) <= documented, where


def test_docs_carry_the_current_table():
    from flowc.targets.iam import markdown_table

    from tests.helpers import REPO

    assert markdown_table() in (REPO / "docs" / "iam.md").read_text(encoding="utf-8"), \
        "regenerate: python -m flowc.targets.iam, paste into docs/iam.md"


KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_customer_managed_keys_encrypt_and_are_granted(tmp_path):
    result = compile_text(tmp_path, f"""
        workflow W
          topic Alerts kms "{KEY}"
          queue Jobs kms "{KEY}"
          table Orders kms "{KEY}"
          queue Plain
          Publish: sns.publish Alerts message "x"
          Send: sqs.send Jobs body "x"
          Put: dynamodb.putItem Orders item {{ id: "1" }}
          SendPlain: sqs.send Plain body "x"
    """)
    assert result.ok, result.diagnostics
    cfn = translated(result, tmp_path / "t.flow", tmp_path)
    res = cfn["Resources"]
    assert res["AlertsTopic"]["Properties"]["KmsMasterKeyId"] == KEY
    assert res["JobsQueue"]["Properties"]["KmsMasterKeyId"] == KEY
    assert res["OrdersTable"]["Properties"]["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS",
                                                                     "KMSMasterKeyId": KEY}
    assert res["PlainQueue"]["Properties"]["SqsManagedSseEnabled"] is True
    ((_m, needs, unknown, stmts),) = machine_checks(cfn, result)
    assert unknown == []
    kms = {(n.action, n.key) for n in needs if n.action.startswith("kms:")}
    assert ("kms:GenerateDataKey", "sns:publish") in kms and ("kms:GenerateDataKey", "sqs:sendMessage") in kms
    assert ("kms:Decrypt", "dynamodb:putItem") in kms
    assert [str(n) for n in needs if not iam.allows(stmts, n.action, n.resource)] == []
    assert not iam.allows(stmts, "kms:Decrypt", KEY.replace("1234abcd", "99999999"))


def test_an_alias_is_not_a_key_for_iam(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          topic Alerts kms "alias/mine"
          Go: pass
    """)
    assert [d.code for d in result.errors] == ["FLOW101"]


def test_every_integration_form_the_language_emits(tmp_path):
    """The forms the examples and the corpus do not use, each through the same oracle."""
    (tmp_path / "h.py").write_text("def worker(event, context):\n    return event\n")
    result = compile_text(tmp_path, """
        workflow Parent
          function worker handler "h.worker" code "."
          table Orders key id
          topic Alerts
          bus Commerce
          activity review
          Live: invoke worker qualifier "live" with { a: 1 }
          Get: dynamodb.getItem Orders key { id: "1" }
          Ask: sns.publish Alerts callback message { token: $$.Task.Token }
          Emit: events.put Commerce callback detail { token: $$.Task.Token } detail_type "T" source "s"
          Child: start Child with { a: 1 }
          ChildSync: start Child sync with { a: 1 }
          ChildWait: start Child callback with { token: $$.Task.Token }
          Review: activity review
          Describe: call aws-sdk:sfn:describeStateMachine with { StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:other" }
          Batch: call "arn:aws:states:::batch:submitJob" with { JobName: "j", JobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/q", JobDefinition: "d" }
        workflow Child
          Go: pass
    """)
    assert result.ok, result.diagnostics
    cfn = translated(result, tmp_path / "t.flow", tmp_path)
    checks = machine_checks(cfn, result)
    keys = {n.key for _, needs, _, _ in checks for n in needs}
    assert {"lambda-arn", "sns:publish.waitForTaskToken", "events:putEvents.waitForTaskToken",
            "states:startExecution", "states:startExecution.sync", "states:startExecution.waitForTaskToken",
            "aws-sdk:sfn:describeStateMachine", "batch:submitJob"} <= keys
    for machine, needs, unknown, stmts in checks:
        assert unknown == [], machine
        assert [str(n) for n in needs if not iam.allows(stmts, n.action, n.resource)] == [], machine
    (parent,) = [stmts for m, _, _, stmts in checks if m.startswith("Parent")]
    # scoped, not `*`: the aws-sdk call's ARN parameter, the qualifier's versions, the child's executions
    assert iam.allows(parent, "states:DescribeStateMachine",
                      "arn:aws:states:us-east-1:123456789012:stateMachine:other")
    assert not iam.allows(parent, "states:DescribeStateMachine",
                          "arn:aws:states:us-east-1:123456789012:stateMachine:another")
    assert iam.allows(parent, "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:"
                                                       "flowc-stack-WorkerFunction:live")
    assert not iam.allows(parent, "states:DescribeExecution",
                          "arn:aws:states:us-east-1:123456789012:execution:flowc-stack-Other:run-1")
    for where, doc in iam.every_role_policy(cfn):
        findings = [f for f in iam.parliament_findings(doc) if not (f.startswith("NO_VERSION") and sam_event_role(where))
                    and not (f.startswith("RESOURCE_STAR") and set(eval_list(f)) <= iam.documented_star_actions())]
        assert findings == [], f"{where}: {findings}"
