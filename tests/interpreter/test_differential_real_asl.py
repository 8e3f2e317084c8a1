"""Differential: the real-world definitions of shared/corpus/real-asl on moto's Step Functions and on flowc's.

Every Task is a mock Lambda on both sides (tests/interpreter/realasl.py), answering with the same deterministic
value; inputs are synthesised from the paths the definition reads. Both engines must agree on status, output,
error, cause and states entered, or differ in one of the ways listed in DEVIATIONS, where moto departs from
AWS and flowc follows AWS (the test checks flowc's side of each).

Definitions that are not run, by reason (counts in docs/run.md), come from `realasl.skip_reason` and from
flowc's own run: a definition whose mocked run loops until the 25,000-event history limit (a poll loop waiting
for a status the mock never reports) is not run on moto, which has no such limit and would spin forever.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from tests import shared
from tests.interpreter import realasl
from tests.interpreter.harness import Outcome, run_on_flowc, run_on_moto, same

pytestmark = shared.marker

CANDIDATES = realasl.candidates()
RUNNABLE = [path for path, reason in CANDIDATES if reason is None]

# moto behaviour that differs from AWS, met on this corpus: id -> (what moto does, what AWS/flowc does)
DEVIATIONS = {
    "choice-no-match": "moto: States.Runtime 'No branching option reached'; AWS: States.NoChoiceMatched",
    "choice-missing-variable": "moto: a comparison on a missing Variable is false; AWS: States.Runtime "
                               "(targets/runtime/choice.py)",
    "task-parameters-error-name": "moto: a path error in a Lambda Task's Parameters fails with error 'Exception'; "
                                  "AWS: States.Runtime with the state/event prefix",
    "intrinsic-failure": "moto: a bad intrinsic argument is States.Runtime (or 'Exception') with a Python "
                         "exception text; AWS: States.IntrinsicFailure",
    "map-items-not-array": "moto: States.QueryEvaluationError for a JSONPath Map whose items are not an array; "
                           "flowc: States.Runtime",
    "states-error-from-iteration": "moto: a States.* error inside a branch/iteration becomes States.Runtime "
                                   "('Custom Error Names MUST NOT begin with States.'); AWS propagates it",
    "python-exception-cause": "moto: a run-time error whose cause is a Python exception repr (KeyError, "
                              "JsonPathParserError...) where AWS evaluates (Jayway) or names the path",
    "jsonata-uuid-hash": "moto: $uuid()/$hash() are unsupported strings; flowc implements them",
    "jsonata-error-name": "moto (with the oracle's jsonata-python bridge): a failing JSONata expression is error "
                          "'Exception'; AWS: States.QueryEvaluationError",
    "moto-internal-field-name": "moto names an internal class (AssignTemplateBinding...) as the field in a path "
                                "error; AWS names the field (e.g. 'name.$')",
    "jsonpath-non-array": "moto's JSONPath (jsonpath-ng) indexes or slices a non-array after a definite path; "
                          "Jayway (AWS, targets/runtime/jsonpath.py) finds nothing there",
}

# Where moto loops for ever (so it is not run on moto): flowc fails on the slice `Rows[1:]` of a string.
MOTO_SPINS = {
    "sfn-athena-query/statemachine/statemachine.asl.json": "jsonpath-non-array",
    "step-functions-athena-glue-sam/athenaquery.asl.json": "jsonpath-non-array",
}


def path_miss(cause: str) -> bool:
    """A path that selected nothing, in either of the service's wordings (InputPath/OutputPath: "Invalid path
    ... No results for path", other fields: "... could not be found in the input ...")."""
    return "could not be found" in cause or "No results for path" in cause


def explain(moto: Outcome, flowc: Outcome, definition: dict[str, Any]) -> str | None:
    """The deviation that accounts for a difference, after checking flowc's side of it."""
    mc, fc = str(moto.cause or ""), str(flowc.cause or "")
    if flowc.error == "States.NoChoiceMatched" and "No branching option reached" in mc:
        return "choice-no-match"
    if flowc.error == "States.Runtime" and "the choice state's Variable references a value that is not present" in fc:
        return "choice-missing-variable"
    if "Custom Error Names MUST NOT begin" in mc:
        return "states-error-from-iteration"
    if moto.error == "Exception" and flowc.error == "States.Runtime" and path_miss(fc):
        return "task-parameters-error-name"
    if flowc.error == "States.Runtime" and path_miss(fc) and moto.entered[:len(flowc.entered)] == \
            flowc.entered and len(moto.entered) > len(flowc.entered):
        # moto's 'Exception' error was caught by a States.ALL catcher, which never sees States.Runtime on AWS
        return "task-parameters-error-name"
    if moto.error == "Exception" and mc.startswith("('UNKNOWN'") and flowc.error == "States.QueryEvaluationError":
        return "jsonata-error-name"
    if "AssignTemplateBinding" in mc and flowc.error == moto.error:
        return "moto-internal-field-name"
    if flowc.error == "States.IntrinsicFailure" and moto.error in ("States.Runtime", "Exception"):
        return "intrinsic-failure"
    if "Map state input must be an array" in mc and flowc.error == "States.Runtime":
        return "map-items-not-array"
    if (re.match(r"^\w+(Error|Exception)\(", mc) and flowc.error in ("States.Runtime", None)) or \
            "JsonPathParserError" in mc:
        return "python-exception-cause"
    text = str(definition)
    if ("$uuid(" in text or "$hash(" in text) and "currently not supported" in str(moto.output) + mc:
        return "jsonata-uuid-hash"
    return None


_RESULTS: dict[str, str] = {}


def _run(oracle: Any, path: str) -> tuple[str, str]:
    definition = realasl.load(path)
    prepared, functions = realasl.prepare(definition)
    data = realasl.synthesise_input(prepared)
    shape = realasl.synthesise_input(prepared, suffixes=True)
    lambdas = {fn: realasl.mock_handler(state, shape) for fn, state in functions.items()}
    mine, _ = run_on_flowc(prepared, data, lambdas=lambdas)
    # With mocked results some definitions never reach their exit: flowc stops them where AWS would
    # (the 25,000-event history limit, the one-year execution limit); moto has neither limit and would
    # spin for ever, so these are checked on flowc's side only: the AWS outcome, asserted here.
    if mine.error == "States.Runtime" and "maximum number of history events" in str(mine.cause):
        assert mine.status == "FAILED" and len(mine.entered) > 1000, (mine.status, len(mine.entered))
        return "limit", "loops until the history limit with mocked results (moto would spin for ever)"
    if mine.status == "TIMED_OUT":
        assert mine.error == "States.Timeout", mine.error
        return "limit", "waits past the one-year execution limit with mocked results"
    if path in MOTO_SPINS:
        assert mine.error == "States.Runtime" and path_miss(str(mine.cause)), mine
        return "deviation", MOTO_SPINS[path]
    oracle.reset()
    theirs = run_on_moto(oracle, prepared, data, lambdas={fn: realasl.mock_handler(state, shape)
                                                         for fn, state in functions.items()})
    problems = same(theirs, mine, prepared)
    if not problems:
        return "agree", ""
    reason = explain(theirs, mine, prepared)
    if reason is None:
        return "differ", "\n".join(problems)
    return "deviation", reason


@pytest.mark.parametrize("path", RUNNABLE)
def test_real_definition_agrees_with_moto(sfn_oracle, path: str):
    verdict, detail = _run(sfn_oracle, path)
    _RESULTS[path] = verdict if verdict != "deviation" else f"deviation:{detail}"
    assert verdict != "differ", detail


def test_corpus_coverage():
    """Most of the corpus runs; every skip has a reason."""
    reasons = Counter(reason for _, reason in CANDIDATES if reason)
    assert len(CANDIDATES) >= 150
    assert len(RUNNABLE) >= 120, reasons
