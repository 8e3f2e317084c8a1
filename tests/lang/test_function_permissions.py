"""Issue 12 item 2: functions get the permissions their code needs, declared in the language.

Before: `policies` was `unexpected 'policies'` and nothing granted a handler access to the workflow's
table or let a callback handler call SendTaskSuccess. Proven on both templates and by the SAM translator,
which expands each policy template into the IAM statements checked here.
"""

from __future__ import annotations

import json

import pytest
from flowc.compiler import permissions
from flowc.dsl.parser import parse_flow
from flowc.dsl.yaml_loader import parse_flow_yaml
from flowc.targets.asl.target import render

from tests.helpers import codes, compile_text
from tests.oracles.cfnlint import template_errors
from tests.oracles.sam import load_template, translate

APPROVAL = """
workflow Approval
  table Orders
  topic Notifications
  queue Jobs
  function ask handler "h.main" code "handlers" uses Orders read, Notifications publish
  function answer handler "h.main" code "handlers" uses Approval callback, Orders read write policies { SQSPollerPolicy: { QueueName: Jobs } }
  Ask: invoke ask callback with { token: $$.Task.Token, order: $.id }
  Notify: sns.publish Notifications message "approved"
"""


def _handlers(tmp_path):
    (tmp_path / "handlers").mkdir(exist_ok=True)
    (tmp_path / "handlers" / "h.py").write_text("def main(event, context):\n    return event\n")


def _render(tmp_path, target="asl"):
    _handlers(tmp_path)
    result = compile_text(tmp_path, APPROVAL)
    assert result.ok, [str(d) for d in result.diagnostics]
    if target == "asl":
        files = render(result, tmp_path / "out", [str(tmp_path / "t.flow")])
    else:
        from flowc.targets.sqs.target import render as render_sqs

        files = render_sqs(result, tmp_path / "out", [str(tmp_path / "t.flow")])
    return result, files


def test_uses_and_callback_become_scoped_sam_policy_templates_and_env(tmp_path):
    from flowc.compiler.permissions import CALLBACK_POLICY

    _, files = _render(tmp_path)
    resources = load_template(files["template.yaml"])["Resources"]
    ask = resources["AskFunction"]["Properties"]
    assert ask["Policies"] == [
        {"DynamoDBReadPolicy": {"TableName": {"Ref": "OrdersTable"}}},
        {"SNSPublishMessagePolicy": {"TopicName": {"Fn::GetAtt": ["NotificationsTopic", "TopicName"]}}},
        CALLBACK_POLICY,
    ]
    assert ask["Environment"]["Variables"] == {"NOTIFICATIONS_TOPIC_ARN": {"Ref": "NotificationsTopic"},
                                               "ORDERS_TABLE": {"Ref": "OrdersTable"}}
    answer = resources["AnswerFunction"]["Properties"]
    assert answer["Policies"] == [
        CALLBACK_POLICY,
        {"DynamoDBReadPolicy": {"TableName": {"Ref": "OrdersTable"}}},
        {"DynamoDBWritePolicy": {"TableName": {"Ref": "OrdersTable"}}},
        {"SQSPollerPolicy": {"QueueName": {"Fn::GetAtt": ["JobsQueue", "QueueName"]}}},
    ]
    assert answer["Environment"]["Variables"]["APPROVAL_STATE_MACHINE_ARN"]["Fn::Sub"].endswith(
        ":stateMachine:${AWS::StackName}-Approval")


def test_the_sam_transform_expands_them_to_least_privilege_statements(tmp_path):
    _, files = _render(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for rel, body in files.items():
        (out / rel).write_text(body)
    cfn = translate(load_template(out / "template.yaml"), base_dir=out)
    assert template_errors(cfn) == []
    role = cfn["Resources"]["AskFunctionRole"]["Properties"]
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    by_action = {a: s["Resource"] for s in statements for a in (s["Action"] if isinstance(s["Action"], list)
                                                                 else [s["Action"]])}
    assert "states:SendTaskSuccess" in by_action and "states:SendTaskFailure" in by_action
    assert "dynamodb:GetItem" in by_action and "dynamodb:PutItem" not in by_action
    assert "sns:Publish" in by_action
    # SendTask* take no resource-level permission: `*` there, and only there
    assert by_action["states:SendTaskSuccess"] == "*"
    scoped = [s["Resource"] for s in statements if not str(s["Action"]).count("states:SendTask")]
    assert "*" not in json.dumps(scoped).replace("/index/*", "")


def test_the_sqs_chain_gives_the_handler_function_the_same_permissions(tmp_path):
    """The handler runs in its own function (as in the Step Functions template); the step's function, which
    runs the flowc runtime, gets none of what the handler `uses` and only invokes it."""
    _handlers(tmp_path)
    result = compile_text(tmp_path, """
        workflow Orders
          table Orders
          function save handler "h.main" code "handlers" uses Orders write
          Save: invoke save
        """)
    from flowc.targets.sqs.target import render as render_sqs

    files = render_sqs(result, tmp_path / "out", [str(tmp_path / "t.flow")])
    resources = load_template(files["template.yaml"])["Resources"]
    handler = resources["SaveFunction"]["Properties"]
    assert handler["Policies"] == [{"DynamoDBWritePolicy": {"TableName": {"Ref": "OrdersTable"}}}]
    assert handler["Environment"]["Variables"] == {"ORDERS_TABLE": {"Ref": "OrdersTable"}}
    step = resources["OrdersSaveFunction"]["Properties"]
    assert {"DynamoDBWritePolicy": {"TableName": {"Ref": "OrdersTable"}}} not in step["Policies"]
    assert "ORDERS_TABLE" not in step["Environment"]["Variables"]
    assert {"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": {"Fn::GetAtt": ["SaveFunction", "Arn"]}} \
        in step["Policies"][0]["Statement"]


def test_both_front_ends_write_uses_the_same_way(tmp_path):
    flow = parse_flow('function f handler "h.m" code "c" uses T read write, Q send\n', "a.flow")
    yaml = parse_flow_yaml("resources:\n  - function: f\n    handler: h.m\n    code: c\n"
                           "    uses: {T: [read, write], Q: send}\nworkflows: []\n", "a.flow.yaml")

    def shape(module):
        uses = next(o for o in module.resources[0].props if o.name == "uses").value
        return [(i.key, [v.value for v in i.value.items] if i.value.kind == "array" else i.value.value)
                for i in uses.items]

    assert shape(flow) == shape(yaml) == [("T", ["read", "write"]), ("Q", "send")]


@pytest.mark.parametrize(("decl", "fragment"), [
    ("uses Orders publish", "cannot 'publish' a table"),
    ("uses Ordrs read", "not a declared resource"),
    ("policies { DynamoDBReadPolicyy: { TableName: Orders } }", "not a SAM policy template"),
    ("policies { DynamoDBReadPolicy: { Table: Orders } }", "has no parameter 'Table'"),
])
def test_mistakes_in_permissions_are_reported_at_the_line(tmp_path, decl, fragment):
    _handlers(tmp_path)
    result = compile_text(tmp_path, f'workflow W\n  table Orders\n  function f handler "h.main" code "handlers" '
                                    f'{decl}\n  S: invoke f\n')
    found = [d for d in result.errors if fragment in d.message]
    assert found, [str(d) for d in result.diagnostics]
    assert found[0].span.line == 3
    assert set(codes(result)) <= {"FLOW101", "FLOW103", "FLOW201"}


def test_the_policy_template_list_matches_the_sam_translator():
    """flowc checks template names offline; its copy must be the translator's list."""
    from importlib.resources import files

    import samtranslator.policy_templates_data as data

    theirs = json.loads(files(data).joinpath("policy_templates.json").read_text())["Templates"]
    assert permissions.policy_templates() == {k: sorted(v.get("Parameters", {})) for k, v in theirs.items()}
    for template, parameter in permissions.ACCESS.values():
        assert list(theirs[template]["Parameters"]) == [parameter]


@pytest.mark.parametrize("target", ["asl", "sqs"])
def test_local_runs_give_the_handler_its_environment(tmp_path, target):
    """`flowc run`: the handler reads the variables `uses` and `env` declare, as it would on Lambda."""
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "h.py").write_text(
        "import os\ndef main(event, context):\n"
        "    return {'table': os.environ['ORDERS_TABLE'], 'stage': os.environ['STAGE']}\n")
    result = compile_text(tmp_path, """
        workflow E
          table Orders
          function f handler "h.main" code "handlers" uses Orders read env { STAGE: "dev" }
          Go: invoke f
        """)
    assert result.ok, [str(d) for d in result.diagnostics]
    if target == "asl":
        from flowc.targets.asl.interpreter import run_workflow

        run = run_workflow(result, "E", {})
    else:
        from flowc.targets.sqs.simulator import simulate

        run = simulate(result, "E", {})
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert run.output["stage"] == "dev" and run.output["table"].startswith("Orders")


def test_the_yaml_twin_declares_the_same_permissions(tmp_path):
    _handlers(tmp_path)
    flow = compile_text(tmp_path, """
        workflow W
          table Orders
          function f handler "h.main" code "handlers" uses Orders read policies ["AWSXRayDaemonWriteAccess", { DynamoDBWritePolicy: { TableName: Orders } }] env { T: Orders.arn }
          S: invoke f
        """, name="w.flow")
    yaml = compile_text(tmp_path, """
        workflow: W
        resources:
          - table: Orders
          - function: f
            handler: h.main
            code: handlers
            uses: {Orders: read}
            policies: [AWSXRayDaemonWriteAccess, {DynamoDBWritePolicy: {TableName: !ref Orders}}]
            env: {T: !ref Orders.arn}
        steps:
          - S:
              invoke: f
        """, name="w.flow.yaml")
    assert flow.ok and yaml.ok, [str(d) for d in flow.diagnostics + yaml.diagnostics]
    templates = [load_template(render(r, tmp_path / "out", [str(tmp_path / n)])["template.yaml"])
                 for r, n in ((flow, "w.flow"), (yaml, "w.flow.yaml"))]
    functions = [t["Resources"]["FFunction"]["Properties"] for t in templates]
    assert functions[0] == functions[1]
    assert functions[0]["Policies"][1] == "AWSXRayDaemonWriteAccess"
    assert functions[0]["Environment"]["Variables"]["T"] == {"Fn::GetAtt": ["OrdersTable", "Arn"]}
