"""The per-state rules run by shape (rules/_shapes.by_shape) report exactly what they report state by state, and
FLOW204's layout shortcut exactly what its walk reports.

Each rule's `check` is compared with the same `check` whose `by_shape` is replaced by the long way (`state` on
every state, in order): on the compiled output of every example and test `.flow`, every `.asl.json` of the
repository (and of the shared corpus, with --shared), and on hypothesis-made definitions
whose states share a few layouts with values that tell the rules apart.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from flowc.compiler.asldoc import AslDocument
from flowc.compiler.lint.sources import parse_source
from flowc.compiler.pipeline import analyse, own_output_document
from flowc.compiler.rules import _shapes, all_rules
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests import shared
from tests.helpers import REPO, WORKFLOWS

CODES = ["FLOW102", "FLOW103", "FLOW109", "FLOW110", "FLOW111", "FLOW209", "FLOW304"]
# every rule that decides through rules/_shapes (by_shape or verdicts)
SHAPED = [*CODES, "FLOW404", "FLOW501", "FLOW502", "FLOW504"]
DEFAULT_FEW = _shapes.FEW  # (read before the fixture below sets it to 0 for this module)


@pytest.fixture(autouse=True, scope="module")
def every_layout_by_shape():
    """Here layouts of any size go through the shape machinery (by default those of at most `_shapes.FEW` states
    are decided state by state, which would leave the two-state cases below nothing to compare)."""
    kept = _shapes.FEW
    _shapes.FEW = 0
    yield
    _shapes.FEW = kept
RULES = [all_rules()[code]() for code in CODES]
FLOWS = sorted({*WORKFLOWS.glob("**/*.flow"), *WORKFLOWS.glob("**/*.flow.yaml"), *REPO.glob("tests/**/*.flow"),
                *REPO.glob("tests/**/*.flow.yaml")})
ASL = sorted({*REPO.glob("docs/**/*.asl.json"), *REPO.glob("tests/**/*.asl.json"), *REPO.glob("tests/**/*.asl.yaml")})
SHARED_ASL = sorted(p for p in shared.path("corpus").rglob("*") if p.suffix in (".json", ".yaml", ".asl"))


def _long_way(doc, _code, _reads, state):
    for ref in doc.states():
        yield from state(ref)


def both_ways(make_doc, monkeypatch) -> list[tuple[str, list, list]]:
    """(code, findings by shape, findings state by state) for each rule, each on a fresh document."""
    out = []
    for rule in RULES:
        fast = list(rule.check(make_doc()))
        module = __import__(type(rule).__module__, fromlist=["by_shape"])
        with monkeypatch.context() as patch:
            patch.setattr(module, "by_shape", _long_way)
            slow = list(rule.check(make_doc()))
        out.append((rule.code, fast, slow))
    return out


def assert_same(make_doc, monkeypatch) -> None:
    for code, fast, slow in both_ways(make_doc, monkeypatch):
        assert fast == slow, code
    # FLOW204 decides once per layout that no state can be reported
    transitions = all_rules()["FLOW204"]()
    assert list(transitions.check(make_doc())) == list(transitions.walk(make_doc()))


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_compiled_examples(path: Path, monkeypatch) -> None:
    result = analyse([path])
    if result.program is None:
        return
    for name, wf in result.program.workflows.items():
        if name in result.asl:
            assert_same(lambda wf=wf, name=name: own_output_document(result.program, wf, result.asl[name]),
                        monkeypatch)


def _raw_doc(path: Path):
    src = parse_source(path.read_text(encoding="utf-8", errors="replace"), str(path))
    if src.error is not None:
        return None
    return lambda: AslDocument(src.value, str(path), src.locate, source_kind="asl", source=src)


@pytest.mark.parametrize("path", ASL, ids=lambda p: str(p.relative_to(REPO)))
def test_raw_asl_files(path: Path, monkeypatch) -> None:
    make = _raw_doc(path)
    if make is not None:
        assert_same(make, monkeypatch)


@shared.marker
@pytest.mark.parametrize("path", SHARED_ASL, ids=lambda p: p.name)
def test_shared_corpus(path: Path, monkeypatch) -> None:
    make = _raw_doc(path)
    if make is not None:
        assert_same(make, monkeypatch)


# Made-up states: a few layouts (types, fields) filled with values each rule tells apart, so that states of
# one layout differ in what a rule reads, and a shape found clean would hide a finding if the rule's `READS`
# missed a field.
_SCALARS = st.sampled_from(["$.x", "{% $x %}", "${Arn}", "arn:aws:states:::lambda:invoke", "arn:aws:lambda:x",
                            "JSONPath", "JSONata", "2030-01-01T00:00:00Z", "nope", "", 0, 5, -1, 1.5, 101, True, None,
                            float("nan")])
_ENTRY_KEYS = st.sampled_from(["ErrorEquals", "Next", "ResultPath", "Output", "MaxAttempts", "BackoffRate",
                               "Variable", "StringEquals", "Condition", "Bogus", "ReaderConfig", "MaxItems",
                               "MaxItemsPath", "Resource", "InputType", "Mode", "ProcessorConfig"])
_OBJECTS = st.dictionaries(_ENTRY_KEYS, st.one_of(_SCALARS, st.lists(_SCALARS, max_size=2)), max_size=3)
_LISTS = ("Retry", "Catch", "Choices", "Branches", "Items")
_DICTS = ("ItemReader", "ItemBatcher", "ResultWriter", "ItemProcessor", "Credentials", "Parameters", "Arguments",
          "Assign")
_FIELDS = st.sampled_from([*_LISTS, *_DICTS, "Resource", "Next", "End", "ResultPath", "InputPath", "Default",
                           "Seconds", "Timestamp", "TimeoutSeconds", "HeartbeatSeconds", "ItemsPath",
                           "QueryLanguage", "Error", "Cause", "MaxConcurrency", "Comment", "Output", "Bogus"])
#: one field per layout that some rule reads the value of
_READ = st.sampled_from([*_LISTS, "ItemReader", "ItemBatcher", "ResultWriter", "ItemProcessor", "Credentials",
                         "Resource", "QueryLanguage", "TimeoutSeconds", "Timestamp", "Seconds"])
_TYPES = st.sampled_from(["Task", "Pass", "Choice", "Wait", "Fail", "Map", "Parallel", "Bogus", 3])


def _value(field: str):
    """Values of the kind the field takes, mostly (a list of entries, an object), and now and then not."""
    if field in _LISTS:
        return st.one_of(st.lists(st.one_of(_OBJECTS, _SCALARS), min_size=1, max_size=2), _SCALARS)
    if field in _DICTS:
        return st.one_of(_OBJECTS, st.dictionaries(_ENTRY_KEYS, _OBJECTS, max_size=2), _SCALARS)
    return _SCALARS


@st.composite
def _definitions(draw) -> dict:
    layouts = draw(st.lists(st.tuples(_TYPES, _READ, st.lists(_FIELDS, max_size=3, unique=True),
                                      st.sampled_from([None, "JSONPath", "JSONata"])), min_size=1, max_size=2))
    states = {}
    for i in range(draw(st.integers(2, 8))):
        kind, read, more, ql = layouts[draw(st.integers(0, len(layouts) - 1))]
        fields = dict.fromkeys([read, *more])
        body = {"Type": kind, **{f: draw(_value(f)) for f in fields}}
        if ql is not None:
            body["QueryLanguage"] = ql
        states[f"S{i}"] = body
    top = draw(st.sampled_from([{}, {"QueryLanguage": "JSONata"}]))
    return {**top, "StartAt": "S0", "States": states}


_RETRY = [{"ErrorEquals": ["States.ALL"]}]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_definitions())
@example({"StartAt": "A", "States": {  # one layout: the first Catch clean, the second without Next
    "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [{"ErrorEquals": ["X"], "Next": "A"}],
          "End": True},
    "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [{"ErrorEquals": ["X"]}],
          "End": True}}})
@example({"StartAt": "A", "States": {  # one layout: a valid Resource, then a bad one
    "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True},
    "B": {"Type": "Task", "Resource": "arn:aws:lambda:", "End": True}}})
@example({"StartAt": "A", "States": {  # a Retry with null (orjson would also write NaN as null)
    "A": {"Type": "Task", "Resource": "x", "Retry": [{"ErrorEquals": ["E"], "BackoffRate": None}], "End": True},
    "B": {"Type": "Task", "Resource": "x", "Retry": [{"ErrorEquals": ["E"], "BackoffRate": float("nan")}],
          "End": True}}})
def test_made_up_definitions(definition: dict) -> None:
    with pytest.MonkeyPatch.context() as patch:
        assert_same(lambda: AslDocument(json.loads(json.dumps(definition)), "t.asl.json", lambda _p: None), patch)


def test_the_comparison_can_fail(monkeypatch) -> None:
    """A rule whose READS misses a field it reads is caught (here FLOW103 without Catch: the second catcher's
    missing Next would be hidden behind the first, clean one)."""
    from flowc.compiler.rules import flow103_missing_field

    monkeypatch.setattr(flow103_missing_field, "READS", {"Retry": ()})
    states = {"A": {"Type": "Task", "Resource": "r", "Catch": [{"ErrorEquals": ["X"], "Next": "A"}], "End": True},
              "B": {"Type": "Task", "Resource": "r", "Catch": [{"ErrorEquals": ["X"]}], "End": True}}
    found = {code: (fast, slow) for code, fast, slow in
             both_ways(lambda: AslDocument({"StartAt": "A", "States": states}, "t", lambda _p: None), monkeypatch)}
    fast, slow = found["FLOW103"]
    assert [f.message for f in slow] == ["Catch entry 0 of 'B' needs Next"]
    assert fast == []


def _random_definition(rng: random.Random, size: int, top: dict) -> dict:
    """`size` states drawn from a few types and fields and small pools of values: many states share a layout
    and differ in the values a rule reads, or in others."""
    scalars = ["$.x", "{% $x %}", "${Arn}", "arn:aws:states:::lambda:invoke", "arn:aws:lambda:x", "JSONPath",
               "JSONata", "2030-01-01T00:00:00Z", "nope", 0, 5, -1, 1.5, 101, True, None]
    keys = ["ErrorEquals", "Next", "ResultPath", "Output", "MaxAttempts", "BackoffRate", "Variable", "StringEquals",
            "Condition", "Bogus", "ReaderConfig", "MaxItems", "MaxItemsPath", "Resource", "InputType", "Mode",
            "ProcessorConfig", "JitterStrategy", "IntervalSeconds", "Assign", "states", "bad-name"]

    def entry() -> dict:
        return {k: rng.choice([*scalars, ["States.ALL"], ["E"], {"MaxItems": 1}])
                for k in rng.sample(keys, rng.randint(0, 3))}

    def value(field: str):
        if rng.random() < 0.15:
            return rng.choice(scalars)
        if field in _LISTS:
            return [entry() for _ in range(rng.randint(1, 2))]
        if field in _DICTS:
            return entry()
        return rng.choice(scalars)

    fields = [*_LISTS, *_DICTS, "Resource", "Next", "End", "ResultPath", "Default", "Seconds", "Timestamp",
              "TimeoutSeconds", "HeartbeatSeconds", "QueryLanguage", "Error", "Output", "Bogus"]
    layouts = [(rng.choice(["Task", "Pass", "Choice", "Wait", "Fail", "Map", "Parallel", "Succeed"]),
                rng.sample(fields, rng.randint(1, 3))) for _ in range(12)]
    states = {}
    for i in range(size):
        kind, names = rng.choice(layouts)
        states[f"S{i}"] = {"Type": kind, **{f: value(f) for f in names}}
    return {**top, "StartAt": "S0", "States": states}


@pytest.mark.parametrize("seed", range(12))
def test_large_random_definitions(seed: int, monkeypatch) -> None:
    rng = random.Random(seed)
    definition = _random_definition(rng, 400, rng.choice([{}, {"QueryLanguage": "JSONata"}]))
    assert_same(lambda: AslDocument(json.loads(json.dumps(definition)), "t.asl.json", lambda _p: None), monkeypatch)


def _random_choices(rng: random.Random, size: int) -> dict:
    """`size` Choice states whose rules come from a small pool: many are equal but for their Next targets, some
    differ in another value."""
    values = ["$.x", "fast", "{% true %}", "${X}", "2030-01-01T00:00:00Z", "nope", 7, 1.5, True, None, [1]]

    def rule(depth: int) -> dict:
        pick = rng.random()
        if depth < 2 and pick < 0.25:
            out: dict = {rng.choice(["And", "Or"]): [rule(depth + 1) for _ in range(rng.randint(0, 2))]}
        elif depth < 2 and pick < 0.35:
            out = {"Not": rule(depth + 1)}
        elif pick < 0.55:
            out = {"Condition": rng.choice(values)}
        else:
            out = {"Variable": rng.choice(["$.x", 5]),
                   rng.choice(["StringEquals", "NumericEquals", "TimestampEquals", "IsPresent", "BooleanEquals",
                               "StringEqualsPath", "NumericGreaterThan"]): rng.choice(values)}
        if rng.random() < (0.8 if depth == 0 else 0.1):
            out["Next"] = rng.choice(["A", "B", "C", 5])
        return out

    pool = [[rule(0) for _ in range(rng.randint(1, 2))] for _ in range(6)]
    states = {}
    for i in range(size):
        choices = json.loads(json.dumps(rng.choice(pool)))
        for entry in choices:
            if "Next" in entry and rng.random() < 0.7:
                entry["Next"] = f"S{rng.randrange(size)}"
            others = [k for k in entry if k != "Next"]
            if others and rng.random() < 0.3:  # now and then another value differs too
                entry[rng.choice(others)] = rng.choice(values)
        body = {"Type": "Choice", "Choices": choices, "Default": "S0"}
        if rng.random() < 0.6:
            body["QueryLanguage"] = rng.choice(["JSONPath", "JSONata"])
        states[f"S{i}"] = body
    return {"StartAt": "S0", "States": states}


@pytest.mark.parametrize("seed", range(20))
def test_large_random_choice_states(seed: int, monkeypatch) -> None:
    definition = _random_choices(random.Random(seed), 200)
    assert_same(lambda: AslDocument(json.loads(json.dumps(definition)), "t.asl.json", lambda _p: None), monkeypatch)


# -- small layouts decided state by state (`_shapes.FEW`) give what the shapes give ----------------------------
def _shaped_findings(make_doc, few: int) -> list[tuple[str, list]]:
    kept = _shapes.FEW
    _shapes.FEW = few
    try:
        return [(code, list(all_rules()[code]().check(make_doc()))) for code in SHAPED]
    finally:
        _shapes.FEW = kept


def _small_layouts_agree(make_doc) -> None:
    assert DEFAULT_FEW > 0
    assert _shaped_findings(make_doc, DEFAULT_FEW) == _shaped_findings(make_doc, 0)


def test_small_layouts_agree_on_every_example_and_asl_file() -> None:
    compared = 0
    for path in FLOWS:
        result = analyse([path])
        for name, wf in (result.program.workflows.items() if result.program is not None else ()):
            if name in result.asl:
                _small_layouts_agree(lambda result=result, wf=wf, name=name:
                                     own_output_document(result.program, wf, result.asl[name]))
                compared += 1
    for path in ASL:
        make = _raw_doc(path)
        if make is not None:
            _small_layouts_agree(make)
            compared += 1
    assert compared > 40


@shared.marker
def test_small_layouts_agree_on_the_shared_corpus() -> None:
    for path in SHARED_ASL:
        make = _raw_doc(path)
        if make is not None:
            _small_layouts_agree(make)


@pytest.mark.parametrize("seed", range(6))
def test_small_layouts_agree_on_random_definitions(seed: int) -> None:
    rng = random.Random(seed)
    definition = _random_definition(rng, rng.choice([8, 30, 120]), rng.choice([{}, {"QueryLanguage": "JSONata"}]))
    _small_layouts_agree(lambda: AslDocument(json.loads(json.dumps(definition)), "t.asl.json", lambda _p: None))


def test_small_layouts_are_decided_state_by_state(monkeypatch) -> None:
    """With the default `FEW`, a layout of two states is not told apart by shape: the READS bug that
    `test_the_comparison_can_fail` plants cannot hide a finding there."""
    from flowc.compiler.rules import flow103_missing_field

    monkeypatch.setattr(flow103_missing_field, "READS", {"Retry": ()})
    monkeypatch.setattr(_shapes, "FEW", DEFAULT_FEW)
    states = {"A": {"Type": "Task", "Resource": "r", "Catch": [{"ErrorEquals": ["X"], "Next": "A"}], "End": True},
              "B": {"Type": "Task", "Resource": "r", "Catch": [{"ErrorEquals": ["X"]}], "End": True}}
    found = list(flow103_missing_field.MissingField().check(
        AslDocument({"StartAt": "A", "States": states}, "t", lambda _p: None)))
    assert [f.message for f in found] == ["Catch entry 0 of 'B' needs Next"]
