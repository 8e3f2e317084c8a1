import pytest

from tests.lint.helpers import codes, lint, machine, task


@pytest.mark.parametrize("resource", [
    "foo:bar",
    "arn:aws-xx:lambda:us-east-1:123456789012:function:f",
    "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:",
    "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:$*#$7485",
    "arn:aws:lambda:us-east-1:ACCOUNT:function:f",
    "arn:aws:states:::lambda",
    "arn:aws:states:::aws-sdk:s3:getObject.sync",
    "${WorkerArn",
    ["arn:aws:lambda:us-east-1:1:function:f"],
])
def test_bad(resource):
    assert "FLOW111" in codes(lint(machine({"A": task(Resource=resource)})))


@pytest.mark.parametrize("resource", [
    "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST",
    "arn:aws-cn:lambda:cn-north-1:123456789012:function:f:live",
    "arn:aws-us-gov:states:::lambda:invoke.waitForTaskToken",
    "arn:${AWS::Partition}:states:::states:startExecution.sync:2",
    "arn:aws:states:::aws-sdk:s3:listObjectsV2",
    "arn:aws:states:us-east-1:123456789012:activity:approve",
    "arn:aws:swf:us-east-1:123456789012:task:X",
    "${WorkerArn}",
    {"Fn::GetAtt": ["Worker", "Arn"]},
])
def test_good(resource):
    assert "FLOW111" not in codes(lint(machine({"A": task(Resource=resource)})))


def test_bad_result_writer_resource():
    state = {"Type": "Map", "ResultWriter": {"Resource": "arn:aws:states:::s3:getObject",
                                             "Parameters": {"Bucket": "b"}},
             "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "X",
                               "States": {"X": {"Type": "Succeed"}}}, "End": True}
    assert "FLOW111" in codes(lint(machine({"A": state})))
