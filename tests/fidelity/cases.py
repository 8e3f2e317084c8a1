"""Issue 13's differential cases: where the two targets and Step Functions used to part ways.

Each case is a workflow in `flows/` (handlers in `handlers/fid.py`), an input, what AWS does (status,
error, output, and the exact cause where the service's wording is known) with the AWS page that says so,
and how each independent engine compares:

- `moto`: "same" (status, output, error and cause after tests/interpreter/harness.py's normalisations),
  "status" (status, output and error; the cause is worded differently), or a deviation id from
  `MOTO_DEVIATIONS` (moto does something else: asserted, so the test notices when moto changes);
- `node` (aws-local-stepfunctions): the same three, with `NODE_DEVIATIONS`, or None where the engine does
  not support the feature (Assign, JSONata, Distributed Map tolerances, service integrations). Its Task
  states run `node_mocks` (the handlers' behaviour as data: Node cannot call Python).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLOWS = Path(__file__).resolve().parent / "flows"

PAGES = {
    "paths": "https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html "
             "(JsonPath: Jayway; its FilterTest filters scalar elements: $.contents[?(@ == 2)] on [1,2,3] -> [2])",
    "variables": "https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html "
                 "(Assign in JSONPath states; the processing order recorded from AWS by LocalStack: Assign, then "
                 "ResultSelector, ResultPath, OutputPath)",
    "jsonata": "https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html "
               "(an expression that returns nothing: States.QueryEvaluationError)",
    "fail": "https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html "
            "(ErrorPath/CausePath: \"must select a field that contains a string value\")",
    "retry": "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html "
             "(IntervalSeconds x BackoffRate^n, capped by MaxDelaySeconds)",
    "distributed": "https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html "
                   "(ToleratedFailureCount/Percentage: Distributed Map fields)",
    "sync": "https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html "
            "(.sync:2 answers with parsed JSON Input/Output, .sync with escaped strings)",
    "errors": "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html "
              "(States.Runtime, States.ResultPathMatchFailure; causes as the service words them)",
    "lambda": "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html "
              "(each function has its own execution environment)",
}

MOTO_DEVIATIONS = {
    "moto-fail-path-number": "a Fail state's ErrorPath selecting a number: moto fails States.Runtime with the "
                             "Python text AttributeError('int' object has no attribute 'startswith')",
    "moto-result-path-type": "ResultPath through a string: moto fails States.Runtime with a Python TypeError "
                             "instead of States.ResultPathMatchFailure",
    "moto-assign-path-error": "an Assign path that selects nothing: moto fails with the error name 'Exception' "
                              "(its message quotes the raw result, confirming Assign reads it before ResultSelector); "
                              "AWS: States.Runtime",
    "moto-fail-cause-number": "a Fail state's CausePath selecting a number: moto fails with that number as the "
                              "cause; AWS: States.Runtime",
    "moto-tolerance-ignored": "ToleratedFailureCount/Percentage \"currently have no effect\" in moto (it logs so): "
                              "a Distributed Map succeeds however many iterations fail, each leaving null",
}

NODE_DEVIATIONS = {
    "node-negative-seconds": "a negative SecondsPath: aws-local-stepfunctions waits 0 s and succeeds; AWS fails "
                             "States.Runtime (\"The SecondsPath parameter references a negative value\")",
    "node-result-path-type": "ResultPath through a string: aws-local-stepfunctions overwrites the string and "
                             "succeeds; AWS fails States.ResultPathMatchFailure",
}


@dataclass
class Case:
    id: str
    item: int  # issue 13 item
    flow: str
    workflow: str
    input: Any
    status: str
    page: str  # a key of PAGES
    error: str | None = None
    output: Any = None
    cause: str | None = None  # the exact cause on both local targets, without the event id prefix part
    moto: str = "same"
    node: str | None = None
    node_mocks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return FLOWS / self.flow


def _prefixed(state: str, text: str) -> str:
    return f"An error occurred while executing the state '{state}'. {text}"


CASES = [
    Case("filter-scalars", 1, "filter_scalars.flow", "FilterScalars", {"xs": [1, 2, 3], "ys": [1, "a", {"a": 1}]},
         "SUCCEEDED", "paths", output={"big": [2, 3], "twos": [2], "strings": ["a"]}, node="same"),
    Case("assign-raw-result", 2, "assign_select.flow", "AssignSelect", {}, "SUCCEEDED", "variables",
         output={"raw": 3, "extra": "x", "selected": {"n": 3}}),
    Case("assign-not-selector", 2, "assign_select_key.flow", "AssignSelectKey", {}, "FAILED", "variables",
         error="States.Runtime", cause=_prefixed("Count", "The JSONPath '$.n' specified for the field 'sel.$' could "
                                                          "not be found in the input '{\"count\":3,\"extra\":\"x\"}'"),
         moto="moto-assign-path-error"),
    *[Case(f"jsonata-nothing-{name.lower()}", 4, "jsonata_nothing.flow", "JsonataNothing", {"field": name.lower()},
           "FAILED", "jsonata", error="States.QueryEvaluationError",
           cause=_prefixed(state, f"The JSONata expression '$states.input.missing' specified for the field '{name}' "
                                  "returned nothing (undefined)."), moto="status")
      for name, state in (("Output", "OutputNothing"), ("Assign", "AssignNothing"), ("Items", "ItemsNothing"),
                          ("Arguments", "ArgumentsNothing"))],
    Case("fail-error-path-number", 5, "fail_error_path.flow", "FailErrorPath", {"code": 500, "why": "x"}, "FAILED",
         "fail", error="States.Runtime", cause=_prefixed("Stop", "The ErrorPath must resolve to a string, got 500"),
         moto="moto-fail-path-number", node="status"),
    Case("fail-cause-path-number", 5, "fail_error_path.flow", "FailErrorPath", {"code": "E", "why": 7}, "FAILED",
         "fail", error="States.Runtime", cause=_prefixed("Stop", "The CausePath must resolve to a string, got 7"),
         moto="moto-fail-cause-number", node="status"),
    Case("fail-paths-strings", 5, "fail_error_path.flow", "FailErrorPath", {"code": "E500", "why": "x"}, "FAILED",
         "fail", error="E500", cause="x", node="same"),
    Case("retry-fraction", 6, "retry_fraction.flow", "RetryFraction", {}, "FAILED", "retry", error="Boom",
         moto="status"),
    Case("tolerated-null", 7, "tolerated.flow", "Tolerated", {"items": [{"n": 1}, {"n": 2, "bad": True}, {"n": 3}]},
         "SUCCEEDED", "distributed", output=[{"ok": 1}, None, {"ok": 3}]),
    Case("tolerated-exceeded", 7, "tolerated.flow", "Tolerated",
         {"items": [{"n": 1, "bad": True}, {"n": 2, "bad": True}]}, "FAILED", "distributed",
         error="States.ExceedToleratedFailureThreshold",
         cause="The specified tolerated failure threshold was exceeded", moto="moto-tolerance-ignored"),
    Case("child-fails-sync2", 7, "child_fails.flow", "ChildFails", {"sync2": True}, "FAILED", "sync",
         error="States.TaskFailed"),
    Case("child-fails-sync", 7, "child_fails.flow", "ChildFails", {"sync2": False}, "FAILED", "sync",
         error="States.TaskFailed"),
    Case("message-path", 8, "messages.flow", "Messages", {"case": "path"}, "FAILED", "errors", error="States.Runtime",
         cause=_prefixed("PathMiss", "The JSONPath '$.missing' specified for the field 'a.$' could not be found in "
                                     "the input '{\"case\":\"path\"}'"), node="status"),
    Case("message-context", 8, "messages.flow", "Messages", {"case": "context"}, "FAILED", "errors",
         error="States.Runtime", node="status"),
    Case("message-negative-seconds", 8, "messages.flow", "Messages", {"case": "seconds", "secs": -3}, "FAILED",
         "errors", error="States.Runtime",
         cause=_prefixed("NegativeSeconds", "The SecondsPath parameter references a negative value: $.secs == -3"),
         node="node-negative-seconds"),
    Case("message-result-path", 8, "messages.flow", "Messages", {"case": "result", "a": "s"}, "FAILED", "errors",
         error="States.ResultPathMatchFailure",
         cause=_prefixed("ResultPathMiss", "Unable to apply ResultPath '$.a.b': '$.a' is a string, not an object "
                                           "that can hold 'b'"),
         moto="moto-result-path-type", node="node-result-path-type"),
    Case("message-output-path", 8, "messages.flow", "Messages", {"case": "output"}, "FAILED", "errors",
         error="States.Runtime", cause=_prefixed("OutputMiss", "Invalid path '$.missing' : No results for path: "
                                                               "$['missing']"), node="status"),
    Case("handler-instances", 9, "handler_instances.flow", "HandlerInstances", {}, "SUCCEEDED", "lambda",
         output={"one": {"calls": 1}, "two": {"calls": 1}, "again": {"calls": 2}, "flaky": {"attempts": 3}}),
]
