import json
from functools import partial

from flowc.compiler.asldoc import AslDocument, StateRef
from flowc.compiler.rules._shapes import verdicts
from flowc.compiler.rules._values import integration
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

LIMIT = 256 * 1024
LITERAL_FIELDS = ("Result", "Parameters", "Arguments", "Output", "ItemSelector", "Assign")
# Integrations whose whole response is often larger than 256 KiB.
LARGE_RESULTS = {
    ("aws-sdk:s3", "getObject"), ("aws-sdk:s3", "listObjectsV2"), ("aws-sdk:s3", "listObjects"),
    ("athena", "getQueryResults"), ("aws-sdk:athena", "getQueryResults"),
    ("aws-sdk:dynamodb", "scan"), ("aws-sdk:dynamodb", "query"),
    ("aws-sdk:cloudwatchlogs", "getLogEvents"), ("aws-sdk:cloudwatchlogs", "filterLogEvents"),
    ("bedrock", "invokeModel"), ("aws-sdk:bedrockruntime", "invokeModel"),
    ("aws-sdk:textract", "getDocumentAnalysis"), ("aws-sdk:textract", "getDocumentTextDetection"),
}


def keeps_whole_result(body: dict, ql: str) -> bool:
    if ql == "JSONata":
        return "Output" not in body
    if "ResultSelector" in body or body.get("ResultPath", "$") is None:
        return False
    return body.get("OutputPath") in (None, "$") or "OutputPath" not in body


class PayloadSize(Rule):
    code = "FLOW404"
    name = "payload-size"
    summary = "A state likely to pass more than the 256 KiB payload limit."
    severity = Severity.WARNING
    docs = """\
Inputs, outputs, results and variables are limited to 256 KiB; a larger payload
fails the execution with `States.DataLimitExceeded`. flowc reports literal
payloads over the limit, and tasks whose whole response is kept although the
service commonly returns more (S3 GetObject and ListObjectsV2, Athena
GetQueryResults, DynamoDB Scan and Query, CloudWatch Logs, Bedrock InvokeModel,
Textract results).

Keep only what you need (`ResultSelector`, `OutputPath`, or `Output` under
JSONata), write large data to S3 and pass its key, or page through results.

Bad:
```json
"List": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
          "Parameters": { "Bucket": "b" }, "End": true }
```
Good:
```json
"List": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
          "Parameters": { "Bucket": "b", "MaxKeys": 100 },
          "ResultSelector": { "keys.$": "$.Contents[*].Key", "next.$": "$.NextContinuationToken" },
          "End": true }
```
"""

    def check(self, doc: AslDocument):
        small = doc.raw_size is not None and doc.raw_size <= LIMIT  # no field is larger than the file
        large = {} if small else _large_literals(doc)
        keeping = [(ref, found) for ref, found in verdicts(doc, self.code, READS, _large_result, ("Task",))
                   if keeps_whole_result(ref.body, ref.query_language)]
        if not large:
            for ref, found in keeping:
                yield _keeps(ref, found)
            return
        at = {id(ref): found for ref, found in keeping}
        for i, ref in enumerate(doc.states()):
            for field, size in large.get(i, ()):
                yield Finding(f"{field} of '{ref.name}' is {size:,} bytes; payloads are limited to "
                              f"{LIMIT:,} bytes", f"{ref.pointer}/{field}", key=True,
                              hint="store large data in S3 and pass its key")
            found = at.get(id(ref))
            if found is not None:
                yield _keeps(ref, found)


def _keeps(ref: StateRef, found: tuple[str, str]) -> Finding:
    what = "Output" if ref.query_language == "JSONata" else "ResultSelector or OutputPath"
    return Finding(f"'{ref.name}' keeps the whole {found[0].removeprefix('aws-sdk:')} {found[1]} "
                   f"response, which is often over 256 KiB", ref.pointer, key=True,
                   hint=f"keep only what later states need ({what}), or page through the results")


#: what `_large_result` reads of a state (rules/_shapes)
READS: dict[str, tuple[type, ...]] = {"Resource": ()}


def _large_result(ref: StateRef) -> tuple[str, str] | None:
    """(service, action) of a task whose response is often large, else None."""
    found = integration(ref.body.get("Resource"))
    if found is None or (found[0], found[1]) not in LARGE_RESULTS:
        return None
    return found[0], found[1]


#: JSON as `json.dumps` writes it is shorter than this many times what orjson writes (see `_large_literals`)
ORJSON_BOUND = 3


def _large_literals(doc: AslDocument) -> dict[int, list[tuple[str, int]]]:
    """State index -> (field, size) of its literal fields over the limit, in LITERAL_FIELDS order. Each field is
    first written by orjson (in C, a layout's values at once): JSON as `json.dumps` writes it is at most 2.25
    times as long (`-Infinity` where orjson writes `null`; `1e+16` for `1e16`), so a value under a third of the
    limit there is under it; the others, and what orjson cannot write, are measured the long way."""
    import orjson

    write = partial(orjson.dumps, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
                    | orjson.OPT_PASSTHROUGH_DATACLASS)
    states = doc.states()
    out: dict[int, list[tuple[str, int]]] = {}
    for (_kind, _ql, keys), members in doc.layouts():
        for field in LITERAL_FIELDS:
            if field not in keys:
                continue
            values = [states[i].body[field] for i in members]
            try:
                bounds: list[int] | None = list(map(len, map(write, values)))
            except TypeError:
                bounds = None
            if bounds is not None and max(bounds) * ORJSON_BOUND <= LIMIT:
                continue
            for n, (i, value) in enumerate(zip(members, values, strict=True)):
                if not isinstance(value, (dict, list, str)) or (bounds is not None and bounds[n] * ORJSON_BOUND <= LIMIT):
                    continue
                size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
                if size > LIMIT:
                    out.setdefault(i, []).append((field, size))
    return out
