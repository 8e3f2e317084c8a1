from functools import lru_cache

from flowc.compiler.asldoc import AslDocument, StateRef
from flowc.compiler.rules._shapes import by_shape
from flowc.compiler.rules._values import arn_problem, integration, is_substituted, json_type
from flowc.compiler.rules.base import Finding, Rule

READERS = {("s3", "getObject"), ("s3", "listObjectsV2"), ("aws-sdk:s3", "getObject"), ("aws-sdk:s3", "listObjectsV2")}
WRITERS = {("s3", "putObject"), ("aws-sdk:s3", "putObject")}


# Thousands of Tasks share a handful of Resource strings; the answer depends only on the string.
_arn_problem = lru_cache(maxsize=4096)(arn_problem)
#: every field whose value `state` looks at (rules/_shapes)
READS: dict[str, tuple[type, ...]] = {"Resource": (), "ItemReader": (), "ResultWriter": ()}


class ResourceArn(Rule):
    code = "FLOW111"
    name = "resource-arn"
    summary = "A Task (or ItemReader/ResultWriter) Resource that is not an ARN Step Functions accepts."
    docs = """\
A Task's `Resource` is an ARN: a Lambda function
(`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:ALIAS|VERSION|$LATEST]`), an
activity (`arn:aws:states:REGION:ACCOUNT:activity:NAME`), an optimized
integration (`arn:aws:states:::SERVICE:ACTION[.sync|.sync:2|.waitForTaskToken]`)
or an SDK integration (`arn:aws:states:::aws-sdk:SERVICE:ACTION`), in any
partition (`aws`, `aws-cn`, `aws-us-gov`, the ISO partitions). A Distributed
Map's `ItemReader` reads with `s3:getObject` or `s3:listObjectsV2`, and its
`ResultWriter` writes with `s3:putObject`.

`${Placeholder}` segments (`arn:${AWS::Partition}:states:::lambda:invoke`,
`${WorkerArn}`) and CloudFormation intrinsics are accepted: the deployment fills
them in.

Bad:
```json
"Resource": "arn:aws:lambda:us-east-1:123456789012:function:worker:"
```
Good:
```json
"Resource": "arn:aws:lambda:us-east-1:123456789012:function:worker:live"
```
"""

    def check(self, doc: AslDocument):
        yield from by_shape(doc, self.code, READS, self.state)

    def state(self, ref: StateRef):
        """The findings of one state (the long way; `check` runs it once per clean shape)."""
        body = ref.body
        if ref.type == "Task" and "Resource" in body:
            resource = body["Resource"]
            ptr = f"{ref.pointer}/Resource"
            if is_substituted(resource) and not (isinstance(resource, str) and resource.startswith("arn:")):
                return  # (a Task is not a Map)
            if not isinstance(resource, str):
                yield Finding(f"Resource must be an ARN string, not {json_type(resource)}", ptr)
                return
            problem = _arn_problem(resource)
            if problem:
                yield Finding(f"invalid Resource {resource!r}: {problem}", ptr)
        if ref.type == "Map":
            yield from self.nested(body.get("ItemReader"), f"{ref.pointer}/ItemReader", READERS,
                                   "an ItemReader reads with s3:getObject or s3:listObjectsV2")
            writer = body.get("ResultWriter")
            yield from self.nested(writer, f"{ref.pointer}/ResultWriter", WRITERS,
                                   "a ResultWriter writes with s3:putObject")

    def nested(self, holder, ptr: str, allowed: set, expected: str):
        if not isinstance(holder, dict) or "Resource" not in holder:
            return
        resource = holder["Resource"]
        if is_substituted(resource) and not (isinstance(resource, str) and resource.startswith("arn:")):
            return
        if not isinstance(resource, str):
            yield Finding(f"Resource must be an ARN string, not {json_type(resource)}", f"{ptr}/Resource")
            return
        problem = arn_problem(resource)
        if problem:
            yield Finding(f"invalid Resource {resource!r}: {problem}", f"{ptr}/Resource")
            return
        found = integration(resource)
        if found is not None and (found[0], found[1]) not in allowed and "${" not in resource:
            yield Finding(f"{resource!r}: {expected}", f"{ptr}/Resource")
