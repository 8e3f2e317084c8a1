"""Secure defaults for the infrastructure both templates write, in one place.

What a security review of a serverless stack asks for and AWS recommends: encryption at rest on every
table, topic and queue (a customer managed KMS key when the declaration gives `kms`, else the service's
own key), point-in-time recovery on tables, a dead-letter queue and an alarm on its depth for every queue
a workflow owns, log groups with a retention, execution logs at ERROR without execution data.
"""

from __future__ import annotations

from typing import Any

LOG_RETENTION_DAYS = 30
DEFAULT_LOG_LEVEL = "ERROR"
MAX_RECEIVE_COUNT = 5  # deliveries before a message of a user queue moves to its dead-letter queue
DLQ_RETENTION = 14 * 24 * 3600  # the SQS maximum: time to look at what failed
AWS_SNS_KEY = "alias/aws/sns"  # the AWS managed key for SNS: no key policy to write, no IAM grant needed


def log_group(name: Any) -> dict[str, Any]:
    return {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": name,
                                                          "RetentionInDays": LOG_RETENTION_DAYS}}


def table_defaults(kms: str | None) -> dict[str, Any]:
    sse: dict[str, Any] = {"SSEEnabled": True}
    if kms:
        sse.update(SSEType="KMS", KMSMasterKeyId=kms)
    return {"SSESpecification": sse,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}}


def topic_encryption(kms: str | None) -> dict[str, Any]:
    return {"KmsMasterKeyId": kms or AWS_SNS_KEY}


def queue_encryption(kms: str | None) -> dict[str, Any]:
    return {"KmsMasterKeyId": kms} if kms else {"SqsManagedSseEnabled": True}


def dead_letter(queue_logical: str, name: str, props: dict[str, Any]) -> dict[str, Any]:
    """`<Queue>DLQ` (FIFO like its queue, encrypted like it) and `<Queue>DLQAlarm` (any message in it)."""
    dlq = queue_logical + "DLQ"
    dlq_props: dict[str, Any] = {"MessageRetentionPeriod": DLQ_RETENTION, **queue_encryption(props.get("kms"))}
    if props.get("fifo"):
        dlq_props["FifoQueue"] = True
        dlq_props["QueueName"] = {"Fn::Sub": "${AWS::StackName}-" + name + "-dlq.fifo"}
    return {dlq: {"Type": "AWS::SQS::Queue", "Properties": dlq_props}, dlq + "Alarm": dlq_alarm(dlq)}


def dlq_alarm(dlq_logical: str) -> dict[str, Any]:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": f"Messages are waiting in {dlq_logical}: they could not be processed",
        "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
        "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_logical, "QueueName"]}}],
        "Statistic": "Maximum", "Period": 300, "EvaluationPeriods": 1, "Threshold": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching"}}
