import json

from flowc.compiler.asldoc import AslDocument
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
        for ref in doc.states():
            body = ref.body
            for field in () if small else LITERAL_FIELDS:
                if field in body and isinstance(body[field], (dict, list, str)):
                    size = len(json.dumps(body[field], separators=(",", ":"), ensure_ascii=False).encode())
                    if size > LIMIT:
                        yield Finding(f"{field} of '{ref.name}' is {size:,} bytes; payloads are limited to "
                                      f"{LIMIT:,} bytes", f"{ref.pointer}/{field}", key=True,
                                      hint="store large data in S3 and pass its key")
            if ref.type != "Task":
                continue
            found = integration(body.get("Resource"))
            if found is None or (found[0], found[1]) not in LARGE_RESULTS:
                continue
            if keeps_whole_result(body, ref.query_language):
                what = "Output" if ref.query_language == "JSONata" else "ResultSelector or OutputPath"
                yield Finding(f"'{ref.name}' keeps the whole {found[0].removeprefix('aws-sdk:')} {found[1]} "
                              f"response, which is often over 256 KiB", ref.pointer, key=True,
                              hint=f"keep only what later states need ({what}), or page through the results")
