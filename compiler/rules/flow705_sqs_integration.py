from flowc.compiler.rules.base import Rule


class SqsIntegration(Rule):
    code = "FLOW705"
    name = "sqs-integration"
    summary = "A task resource or integration pattern the SQS runtime cannot call the way Step Functions does."
    target = "compiler"
    docs = """\
`flowc compile --target sqs` only. The SQS runtime calls, with boto3: the workflow's own functions (in
process), external functions, DynamoDB, SNS, SQS, EventBridge, `aws-sdk:*` request-response actions, child
workflows of the same compilation (`start X`, `sync`, `sync2`) and fire-and-forget starts of external state
machines. It does not emulate the other optimised integrations (`arn:aws:states:::batch:submitJob.sync`,
`glue:startJobRun`, ...) nor `.sync` on resources that are not flowc workflows (it would have to poll the
job), so those are refused instead of behaving differently.

Bad (for `--target sqs`):
```
  Reindex: call "arn:aws:states:::batch:submitJob.sync" with { JobName: "reindex", ... }
```
Good: call the API request-response and wait for the job in a loop, or keep this workflow on Step Functions:
```
  Reindex: call aws-sdk:batch:submitJob with { JobName: "reindex", ... }
```
"""
