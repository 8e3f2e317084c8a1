"""Talking to an AWS account (or an emulator on loopback): deploy, run remotely, rebuild histories.

Everything here imports boto3/botocore lazily (they are in the `run` extra, not the core install):
`session` makes clients with retries on throttling, `package` turns a compiled app into a CloudFormation
template with its code in S3, `stack` deploys it through a change set, `execution` starts and follows a
Step Functions execution, `chain` starts and follows an SQS-chain execution (and `driver` stands in for
Lambda's pollers on an emulator that cannot run code), `history` rebuilds an SQS-chain execution's
history from its tracking table.
"""
