from flowc.compiler.rules.base import Rule


class WrongResourceKind(Rule):
    code = "FLOW206"
    name = "wrong-resource-kind"
    summary = "A step names a resource of the wrong kind (e.g. invokes a table)."
    target = "compiler"
    docs = """\
Each task kind needs one kind of resource: `invoke` a function,
`dynamodb.putItem` a table, `sns.publish` a topic, `sqs.send` a queue, `start` a
workflow. A workflow that starts itself is reported as a warning.

Bad:
```
  table Members key id
  Add: invoke Members
```
Good:
```
  function add handler "members.add" code "handlers"
  Add: invoke add
```
"""
