from flowc.compiler.rules.base import Rule


class SqsCallback(Rule):
    code = "FLOW701"
    name = "sqs-callback"
    summary = "A `callback` task (.waitForTaskToken) cannot be compiled to the SQS target."
    target = "compiler"
    docs = """\
`flowc compile --target sqs` only. A callback task pauses the workflow until someone calls
`SendTaskSuccess`/`SendTaskFailure` with the task token. An SQS chain has no task tokens and no API that
resumes a paused line, so the behaviour could not be the same: the SQS target refuses the workflow instead
of silently doing something else.

Bad (for `--target sqs`):
```
  Approve: invoke reviewer callback with { token: $$.Task.Token }
```
Good: make the step request-response (the function returns the decision), or split the workflow where it
waits and start the second half from whatever delivers the decision.
```
  Approve: invoke reviewer with { order: $.id }
```
"""
