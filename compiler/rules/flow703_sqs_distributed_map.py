from flowc.compiler.rules.base import Rule


class SqsDistributedMapIO(Rule):
    code = "FLOW703"
    name = "sqs-distributed-map-io"
    summary = "A distributed Map that reads, batches or writes items through S3 cannot be compiled to the SQS target."
    target = "compiler"
    docs = """\
`flowc compile --target sqs` only. `reader` (ItemReader), `batch` (ItemBatcher) and `writer`
(ResultWriter) are Step Functions features that read items from S3, group them and write results back; the
SQS runtime scatters the items of the state input only. A `map distributed` without them compiles (it runs
like an inline Map whose iterations are messages).

Bad (for `--target sqs`):
```
  Each: map distributed
    reader { Resource: "arn:aws:states:::s3:getObject", ... }
    do
      Work: invoke work
```
Good: read the items in a step before the Map and map over them:
```
  Load: invoke load_items
    result $.items
  Each: map $.items
    do
      Work: invoke work
```
"""
