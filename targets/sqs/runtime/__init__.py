"""flowc_sqs: the routing runtime every function of an SQS-chain deployment runs.

One Lambda per task step reads envelopes from its own queue, applies the step's ASL data flow, calls the
user's handler (a synchronous invoke of the handler's own function, which has a role of its own) or the
native integration (boto3), evaluates the routing that follows (Pass/Choice/Succeed/Fail run inline,
Map/Parallel scatter and gather through the tracking table) and sends the envelope on to the next step's
queue. Per workflow, an ingress function starts executions, resumes
lines after child workflows and deferred waits, and runs workflows that begin with inline states.

This package is plain Python (standard library + boto3, which the Lambda Python runtime provides). flowc
copies it verbatim into every generated app as `runtime/python/flowc_sqs/` (a Lambda layer), together with
the ASL semantics shared with the other targets (`flowc_sqs/asl/`, a copy of flowc's `targets/runtime`)
and the workflow configurations (`flowc_sqs/flows/<Workflow>.json`). A workflow that uses JSONata also gets
a vendored copy of the pure-Python `jsonata` package next to it.
"""

from __future__ import annotations

RUNTIME_VERSION = "1"

__all__ = ["RUNTIME_VERSION"]
