"""The defaults a security review expects, in both templates, and the CloudFormation they translate to lints
clean (cfn-lint on aws-sam-translator's output)."""

from __future__ import annotations

import pytest
from flowc.targets.asl.target import render as render_asl
from flowc.targets.output import write_outputs
from flowc.targets.sqs.target import render as render_sqs

from tests.helpers import compile_text
from tests.oracles.cfnlint import template_errors
from tests.oracles.sam import translate

SOURCE = """
    workflow W
      function work handler "h.work" code "."
      table Orders key id
      topic Alerts
      queue Jobs
      queue Ordered fifo
      Work: invoke work
      Put: dynamodb.putItem Orders item { id: "1" }
      Send: sqs.send Jobs body "x"
      Publish: sns.publish Alerts message "x"
"""


@pytest.fixture(params=["asl", "sqs"])
def cfn(request, tmp_path):
    (tmp_path / "h.py").write_text("def work(event, context):\n    return event\n")
    result = compile_text(tmp_path, SOURCE)
    assert result.ok, result.diagnostics
    out = tmp_path / "out"
    render = render_asl if request.param == "asl" else render_sqs
    assert write_outputs(out, render(result, out, [str(tmp_path / "t.flow")])) == []
    translated = translate(out / "template.yaml", base_dir=out)
    assert template_errors(translated) == []
    return request.param, translated["Resources"]


def of_type(resources: dict, kind: str) -> dict:
    return {k: v for k, v in resources.items() if v["Type"] == kind}


def test_tables_are_encrypted_with_point_in_time_recovery(cfn):
    _, res = cfn
    for name, table in of_type(res, "AWS::DynamoDB::Table").items():
        props = table["Properties"]
        assert props["SSESpecification"]["SSEEnabled"] is True, name
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, name


def test_topics_and_queues_are_encrypted(cfn):
    _, res = cfn
    for name, topic in of_type(res, "AWS::SNS::Topic").items():
        assert topic["Properties"]["KmsMasterKeyId"], name
    for name, queue in of_type(res, "AWS::SQS::Queue").items():
        props = queue["Properties"]
        assert props.get("SqsManagedSseEnabled") is True or props.get("KmsMasterKeyId"), name


def test_owned_queues_have_a_dead_letter_queue_and_an_alarm_on_it(cfn):
    _, res = cfn
    alarms = of_type(res, "AWS::CloudWatch::Alarm")
    for queue in ("JobsQueue", "OrderedQueue"):
        redrive = res[queue]["Properties"]["RedrivePolicy"]
        dlq = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert res[dlq]["Type"] == "AWS::SQS::Queue"
        watched = [a for a in alarms.values()
                   if a["Properties"]["Dimensions"][0]["Value"] == {"Fn::GetAtt": [dlq, "QueueName"]}]
        assert len(watched) == 1 and watched[0]["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert res["OrderedQueueDLQ"]["Properties"]["FifoQueue"] is True


def test_every_function_has_a_log_group_with_retention(cfn):
    _, res = cfn
    groups = {g["Properties"]["LogGroupName"]["Fn::Sub"]: g["Properties"]["RetentionInDays"]
              for g in of_type(res, "AWS::Logs::LogGroup").values() if "Fn::Sub" in g["Properties"]["LogGroupName"]}
    for name in of_type(res, "AWS::Lambda::Function"):
        assert groups.get("/aws/lambda/${" + name + "}") == 30, name


def test_state_machine_logs_errors_without_execution_data_by_default(cfn):
    target, res = cfn
    if target != "asl":
        return
    ((_, machine),) = of_type(res, "AWS::StepFunctions::StateMachine").items()
    logging = machine["Properties"]["LoggingConfiguration"]
    assert logging["Level"] == "ERROR" and logging["IncludeExecutionData"] is False
    group = logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    assert res[group]["Properties"]["RetentionInDays"] == 30


def test_logging_off_turns_it_off(tmp_path):
    result = compile_text(tmp_path, "workflow W\n  logging off\n  Go: pass\n")
    template = render_asl(result, tmp_path / "o", ["t.flow"])["template.yaml"]
    assert "Logging" not in template and "logs:CreateLogDelivery" not in template


def test_every_dead_letter_queue_has_an_alarm(cfn):
    """Declared queues' DLQs and, in the SQS chain, every step's and ingress's DLQ."""
    _, res = cfn
    watched = {a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
               for a in of_type(res, "AWS::CloudWatch::Alarm").values()}
    dlqs = {q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            for q in of_type(res, "AWS::SQS::Queue").values() if "RedrivePolicy" in q["Properties"]}
    assert dlqs and dlqs <= watched
