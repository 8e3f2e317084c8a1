"""The ASL warning rules that take shortcuts (layouts, one verdict per shape: rules/_shapes.verdicts, orjson
bounds, a text test) report exactly what they reported state by state.

The long way is each rule's check as it was before the shortcuts, kept here as the oracle, compared on the
compiled output of every example and test `.flow`, every `.asl.json` of the repository (and of the shared corpus,
with --shared), hypothesis-made and large random definitions, and cases made for one shortcut each.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from flowc.compiler.asldoc import AslDocument
from flowc.compiler.pipeline import analyse, own_output_document
from flowc.compiler.rules import all_rules
from flowc.compiler.rules._expressions import assigned_names, variable_references
from flowc.compiler.rules._values import integration, is_activity, is_lambda_task, waiting_suffix
from flowc.compiler.rules.base import Finding
from flowc.compiler.rules.flow208_undefined_variable import visible_scopes
from flowc.compiler.rules.flow404_payload_size import LARGE_RESULTS, LIMIT, LITERAL_FIELDS, keeps_whole_result
from flowc.compiler.rules.flow501_retry_max_delay import _seconds, effective
from flowc.compiler.rules.flow504_lambda_retry import COVER_ALL, TRANSIENT
from flowc.dsl.diagnostics import Severity, did_you_mean
from hypothesis import HealthCheck, given, settings

from tests import shared
from tests.helpers import REPO
from tests.lint.test_state_shapes import (
    ASL,
    FLOWS,
    SHARED_ASL,
    _definitions,
    _random_definition,
    _raw_doc,
    every_layout_by_shape,  # noqa: F401  (its fixture applies here too)
)


# -- the long way: each rule's check as it was, state by state ------------------------------------------------
def _flow208(doc: AslDocument):
    by_scope: dict[int, set[str]] = {}
    everywhere: dict[str, list[str]] = {}
    for ref in doc.states():
        for _ptr, name in assigned_names(ref.body):
            by_scope.setdefault(id(ref.scope), set()).add(name)
            everywhere.setdefault(name, []).append(ref.name)
    for ref in doc.states():
        visible: set[str] = set()
        for scope in visible_scopes(ref.scope):
            visible |= by_scope.get(id(scope), set())
        reported: set[str] = set()
        for pointer, name in variable_references(ref):
            if name in visible or name in reported:
                continue
            reported.add(name)
            if name in everywhere:
                where = ", ".join(sorted(set(everywhere[name]))[:3])
                yield Finding(f"variable '${name}' is assigned (in {where}) only in a scope that "
                              f"'{ref.name}' cannot see", pointer, severity=Severity.ERROR,
                              hint="variables of a Parallel branch or Map iteration are not visible outside "
                                   "it, and a Distributed Map's children see no outer variables")
            else:
                near = did_you_mean(name, visible) if visible else None
                yield Finding(f"variable '${name}' is never assigned", pointer,
                              hint=f"did you mean '${near}'?" if near else "assign it with `Assign` first")


def _flow404(doc: AslDocument):
    small = doc.raw_size is not None and doc.raw_size <= LIMIT
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


def _flow405(doc: AslDocument):
    for ref in doc.states():
        if ref.type != "Pass" or len(ref.scope.states) < 2:
            continue
        if set(ref.body) <= {"Type", "Next", "End", "Comment", "QueryLanguage"}:
            yield Finding(f"Pass state '{ref.name}' does nothing but cost a state transition", ref.pointer,
                          key=True, hint="transition to the next state directly")


def _flow501(doc: AslDocument):
    for ref in doc.states():
        entries = ref.body.get("Retry")
        if not isinstance(entries, list):
            continue
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or "MaxDelaySeconds" in entry:
                continue
            rate = effective(entry, "BackoffRate", 2.0)
            attempts = effective(entry, "MaxAttempts", 3)
            interval = effective(entry, "IntervalSeconds", 1)
            if rate is None or attempts is None or interval is None or rate <= 1 or attempts < 2:
                continue
            worst = interval * rate ** (attempts - 1)
            yield Finding(f"exponential retry without MaxDelaySeconds: the last of {attempts:g} attempts waits "
                          f"{_seconds(worst)}", f"{ref.pointer}/Retry/{i}",
                          hint="add MaxDelaySeconds (and JitterStrategy FULL)")


def _flow502(doc: AslDocument):
    for ref in doc.states():
        if ref.type != "Task":
            continue
        resource = ref.body.get("Resource")
        suffix = waiting_suffix(resource)
        if suffix is None and not is_activity(resource):
            continue
        if any(k in ref.body for k in ("TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
                                       "HeartbeatSecondsPath")):
            continue
        what = f"waits ({suffix})" if suffix else "waits for an activity worker"
        yield Finding(f"'{ref.name}' {what} with no TimeoutSeconds or HeartbeatSeconds: it can wait up to a year",
                      f"{ref.pointer}/Resource", hint="add TimeoutSeconds (and HeartbeatSeconds for callbacks)")


def _flow503(doc: AslDocument):
    for ref in doc.states():
        if ref.type == "Choice" and "Default" not in ref.body:
            yield Finding(f"Choice state '{ref.name}' has no Default: unmatched input fails the execution "
                          "(States.NoChoiceMatched)", ref.pointer, key=True,
                          hint="add a Default state (or a Fail state that names the case)")


def _flow504(doc: AslDocument):
    for ref in doc.states():
        if ref.type != "Task" or not is_lambda_task(ref.body.get("Resource")):
            continue
        covered: set[str] = set()
        entries = ref.body.get("Retry")
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or entry.get("MaxAttempts") == 0:
                continue
            names = entry.get("ErrorEquals")
            if isinstance(names, list):
                covered.update(n for n in names if isinstance(n, str))
        if any(n in covered for n in COVER_ALL):
            continue
        missing = [n for n in TRANSIENT if n not in covered]
        if missing:
            yield Finding(f"Lambda task '{ref.name}' does not retry " + ", ".join(missing), ref.pointer, key=True,
                          hint="retry Lambda's transient errors with backoff")


def _flow505(doc: AslDocument):
    for ref in doc.states():
        if ref.type != "Map" or "MaxConcurrency" in ref.body or "MaxConcurrencyPath" in ref.body:
            continue
        processor = ref.body.get("ItemProcessor")
        config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
        if isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED":
            continue
        yield Finding(f"inline Map '{ref.name}' has no MaxConcurrency", ref.pointer, key=True,
                      hint="set MaxConcurrency to what the services it calls can take")


LONG_WAY = {"FLOW208": _flow208, "FLOW404": _flow404, "FLOW405": _flow405, "FLOW501": _flow501,
            "FLOW502": _flow502, "FLOW503": _flow503, "FLOW504": _flow504, "FLOW505": _flow505}
RULES = {code: all_rules()[code]() for code in [*LONG_WAY, "FLOW403"]}


def differences(make_doc) -> list[str]:
    """The codes whose shortcut reports other findings than the long way, each on a fresh document."""
    out = []
    for code, long_way in LONG_WAY.items():
        if list(RULES[code].check(make_doc())) != list(long_way(make_doc())):
            out.append(code)
    return out


def assert_same(make_doc) -> None:
    assert differences(make_doc) == []


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_compiled_examples(path: Path) -> None:
    result = analyse([path])
    if result.program is None:
        return
    for name, wf in result.program.workflows.items():
        if name in result.asl:
            assert_same(lambda wf=wf, name=name: own_output_document(result.program, wf, result.asl[name]))


@pytest.mark.parametrize("path", ASL, ids=lambda p: str(p.relative_to(REPO)))
def test_raw_asl_files(path: Path) -> None:
    make = _raw_doc(path)
    if make is not None:
        assert_same(make)


@shared.marker
@pytest.mark.parametrize("path", SHARED_ASL, ids=lambda p: p.name)
def test_shared_corpus(path: Path) -> None:
    make = _raw_doc(path)
    if make is not None:
        assert_same(make)


def _doc(definition: dict, source_text: bool = False, raw_size: int | None = None) -> AslDocument:
    """A fresh document; with `source_text`, as raw ASL is (FLOW208 tests that text), else as flowc's own output
    (FLOW208 tests the compact JSON)."""
    from flowc.compiler.lint.sources import parse_source

    value = json.loads(json.dumps(definition))
    if source_text:
        src = parse_source(json.dumps(definition), "t.asl.json")
        return AslDocument(src.value, "t.asl.json", src.locate, source=src, raw_size=raw_size)
    return AslDocument(value, "t.asl.json", lambda _p: None, raw_size=raw_size)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_definitions())
def test_made_up_definitions(definition: dict) -> None:
    assert_same(lambda: _doc(definition))


@pytest.mark.parametrize("seed", range(12))
def test_large_random_definitions(seed: int) -> None:
    rng = random.Random(seed)
    definition = _random_definition(rng, 400, rng.choice([{}, {"QueryLanguage": "JSONata"}]))
    assert_same(lambda: _doc(definition))


def _lambda(retry: list | None = None, **more) -> dict:
    body = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", **more, "End": True}
    if retry is not None:
        body["Retry"] = retry
    return body


CASES = {
    # one layout, verdicts that differ by Retry: the clean shape must not hide the others
    "lambda-retries": {"StartAt": "A", "States": {
        "A": _lambda([{"ErrorEquals": ["States.ALL"]}]), "B": _lambda([{"ErrorEquals": ["States.ALL"],
                                                                        "MaxAttempts": 0}]),
        "C": _lambda([{"ErrorEquals": ["Lambda.ServiceException"]}]), "D": _lambda([{"ErrorEquals": ["States.ALL"]}]),
        "E": _lambda([{"ErrorEquals": ["Lambda.ServiceException"], "BackoffRate": 3, "MaxAttempts": 9}]),
        "F": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "End": True},
        "G": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "TimeoutSeconds": 5,
              "End": True},
        "H": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:1:activity:x", "End": True},
        "I": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "End": True},
        "J": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "OutputPath": "$.x", "End": True},
        "K": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "ResultPath": None, "End": True}}},
    # payloads over the limit, one written by orjson shorter than json writes it (-Infinity), one in a layout of
    # small ones
    "payloads": {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": {"x": "a" * 100}, "End": True},
        "B": {"Type": "Pass", "Result": {"x": "b" * (LIMIT + 1)}, "End": True},
        "C": {"Type": "Pass", "Result": [float("-inf")] * (LIMIT // 9), "End": True},
        "D": {"Type": "Pass", "Result": [float("-inf")] * (LIMIT // 11), "End": True},
        "E": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Parameters": "é" * (LIMIT // 2),
              "End": True}}},
    # no-op Pass, Choice without Default, inline and distributed Maps without MaxConcurrency
    "layouts": {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Result": 1, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "A"}]},
        "D": {"Type": "Choice", "Choices": [], "Default": "A"},
        "E": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
              "End": True},
        "F": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P",
                                               "States": {"P": {"Type": "Pass", "End": True}}}, "End": True},
        "G": {"Type": "Map", "MaxConcurrency": 2, "ItemProcessor": {"StartAt": "P", "States": {
            "P": {"Type": "Pass", "End": True}}}, "End": True}}},
    # variables: assigned in a Map iteration and read after it, never assigned, read under another name
    "variables": {"StartAt": "M", "States": {
        "M": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {
            "P": {"Type": "Pass", "Assign": {"inner": 1}, "End": True}}}, "Next": "R"},
        "R": {"Type": "Pass", "Assign": {"count": 1}, "Parameters": {"a.$": "$inner", "b.$": "$cout",
                                                                      "c.$": "$.x"}, "Next": "S"},
        "S": {"Type": "Pass", "Parameters": {"a.$": "$inner", "b.$": "$cout"}, "Next": "T"},
        "T": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $count + $nope %}", "End": True}}},
}


@pytest.mark.parametrize(("name", "source_text"), [(name, False) for name in CASES] + [
    (name, True) for name in CASES if name != "payloads"])  # (raw ASL has no -Infinity)
def test_made_cases(name: str, source_text: bool) -> None:
    assert_same(lambda: _doc(CASES[name], source_text))
    assert any(list(RULES[code].check(_doc(CASES[name], source_text))) for code in LONG_WAY)


@pytest.mark.parametrize("mode", ["INLINE", "DISTRIBUTED"])
@pytest.mark.parametrize("wait", [True, False])
def test_history_events_found_through_layouts(mode: str, wait: bool) -> None:
    """FLOW403 finds its inline Maps and Wait states through the layouts: an inline Map of 50 tasks is estimated
    over the threshold (a distributed one is not), and a loop that waits a fixed time is found when there is one."""
    inner = {f"T{i}": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": f"T{i + 1}"}
             for i in range(50)}
    inner["T50"] = {"Type": "Succeed"}
    states = {"M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": mode}, "StartAt": "T0",
                                                       "States": inner}, "Next": "Poll"},
              "Poll": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Nap"},
              "Nap": ({"Type": "Wait", "Seconds": 1, "Next": "Poll"} if wait else
                      {"Type": "Pass", "Next": "Poll"})}
    found = list(RULES["FLOW403"].check(_doc({"StartAt": "M", "States": states})))
    expected = (["/StartAt"] if mode == "INLINE" else []) + (["/States/Poll"] if wait else [])
    assert [f.pointer for f in found] == expected


def test_the_comparison_can_fail(monkeypatch) -> None:
    """A shortcut that reads too little is caught: FLOW504 deciding by Resource alone hides a retry's difference,
    and FLOW404 trusting orjson's length alone misses the -Infinity payload."""
    from flowc.compiler.rules import flow404_payload_size, flow504_lambda_retry

    monkeypatch.setattr(flow504_lambda_retry, "READS", {"Resource": ()})
    assert differences(lambda: _doc(CASES["lambda-retries"])) == ["FLOW504"]
    monkeypatch.undo()
    assert differences(lambda: _doc(CASES["payloads"])) == []
    monkeypatch.setattr(flow404_payload_size, "ORJSON_BOUND", 1)
    assert differences(lambda: _doc(CASES["payloads"])) == ["FLOW404"]
