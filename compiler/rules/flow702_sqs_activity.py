from flowc.compiler.rules.base import Rule


class SqsActivity(Rule):
    code = "FLOW702"
    name = "sqs-activity"
    summary = "An `activity` task cannot be compiled to the SQS target."
    target = "compiler"
    docs = """\
`flowc compile --target sqs` only. Activities are Step Functions resources polled by workers through
`GetActivityTask`; an SQS chain has no activity endpoint for those workers to poll.

Bad (for `--target sqs`):
```
  activity review
  Review: activity review with { id: $.id }
```
Good: have the worker consume a queue of its own and answer through a function, or invoke a function:
```
  function review handler "review.handle" code "handlers"
  Review: invoke review with { id: $.id }
```
"""
