from flowc.compiler.rules.base import Rule


class SqsCredentials(Rule):
    code = "FLOW706"
    name = "sqs-credentials"
    summary = "Task `credentials` (a role to assume) are not supported by the SQS target."
    target = "compiler"
    docs = """\
`flowc compile --target sqs` only. Step Functions assumes the role in `Credentials` before calling the
task's resource. The SQS runtime calls resources with its function's own role; assuming roles from inside
the chain is not implemented, so the workflow is refused rather than run with the wrong identity.

Bad (for `--target sqs`):
```
  Get: dynamodb.getItem Other key { id: $.id }
    credentials { RoleArn: "arn:aws:iam::123456789012:role/Reader" }
```
Good: grant the access to the deployment itself (declare the table with its `arn`), or keep this workflow
on Step Functions.
"""
