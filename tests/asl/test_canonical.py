"""The written `.asl.json` without the pydantic round trip is byte for byte what the models wrote.

`flowc.targets.asl.canonical` orders keys from a table derived from the models and hands
anything it cannot vouch for back to the models. These tests pin: the table matches
the models; every example and corpus workflow is written exactly as
`models.dump(models.load(d))` orders it; and on real, invalid and mutated ASL the
fast path either agrees with the models or steps aside (the plain dict is still
written when the models reject it).
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler.pipeline import analyse
from flowc.targets.asl import models
from flowc.targets.asl.canonical import build_shapes, canonical, shapes
from flowc.targets.asl.emit import EmitResult, _canonical
from flowc.targets.output import dump_json

from tests import shared
from tests.helpers import CORPUS, WORKFLOWS

SOURCES = sorted([*WORKFLOWS.glob("*.flow"), *WORKFLOWS.glob("*.flow.yaml"), *CORPUS.glob("*.flow")])
SHARED_ASL = shared.path("corpus")


def _models_path(definition: Any) -> str:
    """What `to_json` wrote before the fast path: the models' dump, or the plain dict if they reject it."""
    return dump_json(_canonical(definition))


def _written(definition: Any) -> str:
    return EmitResult("W", definition, {}, {}).to_json()


def _loads(definition: Any) -> dict | None:
    try:
        return models.dump(models.load(definition))
    except Exception:
        return None


def test_shape_table_matches_the_models() -> None:
    assert build_shapes() == shapes(), "run `python -m flowc.targets.asl.canonical` to rewrite asl_shapes.json"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_examples_are_written_in_model_order(path: Path) -> None:
    result = analyse([path])
    assert result.asl, "no workflow emitted"
    for name, emitted in result.asl.items():
        d = emitted.definition
        written = emitted.to_json()
        dumped = models.dump(models.load(d))
        assert json.dumps(dumped) == json.dumps(json.loads(written)), name  # same keys, same order
        assert written == _models_path(d), name
        assert canonical(d) is not None, f"{name} left the fast path"


def _shared_files() -> list[Path]:
    files = sorted(SHARED_ASL.rglob("*.json"))
    assert files, f"shared ASL corpus missing under {SHARED_ASL}"
    return files


@shared.marker
def test_real_and_validation_corpus_agree_with_the_models() -> None:
    fast = rejected = 0
    for path in _shared_files():
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        ordered, reference = canonical(d), _loads(d)
        if ordered is not None:
            fast += 1
            assert reference is not None, f"{path}: fast path accepted what the models reject"
            assert json.dumps(ordered) == json.dumps(reference), path
        rejected += reference is None
        assert _written(d) == _models_path(d), path
    assert fast and rejected  # both sides exercised


def _machine(**state: Any) -> dict:
    return {"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": "r", "End": True, **state}}}


INVALID_OR_UNUSUAL = [
    _machine(TimeoutSeconds=1.5),  # float where an integer is declared
    _machine(TimeoutSeconds=True),  # bool is not an int
    _machine(TimeoutSeconds=2**70),  # beyond int64: left to the models
    _machine(Extra=1),  # unknown field
    _machine(next="A"),  # Python field name: the models accept it and rename it
    _machine(Retry=[{"ErrorEquals": ["E"], "JitterStrategy": "SOME"}]),  # literal out of range
    _machine(Retry=[{"MaxAttempts": 2}]),  # missing required field
    _machine(Retry={"ErrorEquals": ["E"]}),  # object where a list is declared
    _machine(Catch=[{"ErrorEquals": ["E"], "Next": 3}]),
    _machine(Parameters={"a": float("nan")}),  # non-finite float in free-form JSON
    _machine(Parameters={1: "x"}),  # non-string key
    _machine(Parameters=("a", "b")),  # tuple: not plain JSON
    _machine(Comment="\ud800"),  # lone surrogate
    _machine(QueryLanguage="jsonata"),
    {"StartAt": "S", "States": {"S": {"Type": "Nope"}}},
    {"StartAt": "S", "States": {"S": "Succeed"}},
    {"StartAt": "S", "States": []},
    {"StartAt": 1, "States": {}},
    {"States": {"S": {"Type": "Succeed"}}},
    {"StartAt": "S", "States": {"S": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.x", "IsNull": 1}}]}}},
    {"Version": "1.0", "States": {"S": {"End": True, "Resource": "r", "Type": "Task"}}, "StartAt": "S"},
    [],
    "not a definition",
]


@pytest.mark.parametrize("definition", INVALID_OR_UNUSUAL, ids=lambda d: json.dumps(d, default=repr)[:60])
def test_invalid_or_unusual_shapes_are_written_as_before(definition: Any) -> None:
    ordered, reference = canonical(definition), _loads(definition)
    if ordered is not None:
        assert reference is not None and json.dumps(ordered) == json.dumps(reference)
    try:
        before = _models_path(definition)
    except Exception as err:  # the old path raised: the new one must raise the same way
        with pytest.raises(type(err)):
            _written(definition)
        return
    assert _written(definition) == before


_REPLACEMENTS: list[Any] = [None, True, 0, -1, 1.5, 2**64, "x", "JSONata", "FULL", [], ["a"], {}, {"a": 1},
                            [{"ErrorEquals": ["E"], "Next": "S"}], {"Type": "Succeed"}, float("inf")]


def _containers(value: Any, out: list) -> list:
    if isinstance(value, dict):
        out.append(value)
        for v in value.values():
            _containers(v, out)
    elif isinstance(value, list):
        out.append(value)
        for v in value:
            _containers(v, out)
    return out


def _mutate(definition: dict, rng: random.Random) -> dict:
    """Change, drop, add or rename one member somewhere in a copy of the definition."""
    d = copy.deepcopy(definition)
    target = rng.choice(_containers(d, []))
    if isinstance(target, list):
        if target and rng.random() < 0.5:
            target[rng.randrange(len(target))] = rng.choice(_REPLACEMENTS)
        else:
            target.append(rng.choice(_REPLACEMENTS))
        return d
    action = rng.randrange(4)
    keys = list(target)
    if action == 0 and keys:
        target[rng.choice(keys)] = rng.choice(_REPLACEMENTS)
    elif action == 1 and keys:
        del target[rng.choice(keys)]
    elif action == 2 and keys:
        key = rng.choice(keys)
        target[key.lower() if rng.random() < 0.5 else key + "X"] = target.pop(key)
    else:
        field = rng.choice(["Comment", "Next", "End", "ResultPath", "Seconds", "Items", "Mode", "ErrorEquals",
                            "QueryLanguage", "Assign", "Parameters", "result_path", "Unknown"])
        target[field] = rng.choice(_REPLACEMENTS)
    return d


def test_mutated_definitions_are_written_as_before() -> None:
    rng = random.Random(20240601)
    bases = [e.definition for p in SOURCES for e in analyse([p]).asl.values()]
    fast = slow = 0
    for _ in range(1500):
        mutated = _mutate(rng.choice(bases), rng)
        ordered, reference = canonical(mutated), _loads(mutated)
        if ordered is not None:
            fast += 1
            assert reference is not None, json.dumps(mutated, default=repr)[:400]
            assert json.dumps(ordered) == json.dumps(reference)
        else:
            slow += 1
        assert _written(mutated) == _models_path(mutated)
    assert fast > 100 and slow > 100


def test_model_order_comes_back_uncopied_and_a_nested_reorder_copies_only_its_way_up() -> None:
    """flowc's emitter writes model order, so its definition is returned as it is; a dict deep inside in
    another order is reordered in a copy of each dict above it, the input untouched."""
    def machine(branch: dict) -> dict:
        return {"StartAt": "S", "States": {
            "S": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}, branch],
                  "Next": "T"},
            "T": {"Type": "Pass", "Parameters": {"b.$": "$.b", "a": [1, {"z": 1, "y": 2}]}, "End": True}}}

    in_order = machine({"StartAt": "B", "States": {"B": {"Type": "Succeed"}}})
    assert canonical(in_order) is in_order
    late = machine({"States": {"B": {"Type": "Succeed"}}, "StartAt": "B"})
    before = json.dumps(late)
    ordered = canonical(late)
    assert json.dumps(late) == before  # the input is not reordered in place
    assert json.dumps(ordered) == json.dumps(_loads(late)) == json.dumps(in_order)
    assert ordered["States"]["T"] is late["States"]["T"]  # what needed no change is shared, not copied
    assert ordered["States"]["S"]["Branches"][0] is late["States"]["S"]["Branches"][0]
    assert ordered["States"]["S"] is not late["States"]["S"]


def test_a_layout_used_often_is_checked_by_its_compiled_function_with_the_same_answers(monkeypatch) -> None:
    """`_Model`'s in-order check runs as a loop for a layout's first uses and compiled after that: a definition
    whose states share one layout past the threshold, with a nested dict out of order (a copy) or a value the
    models must judge (a rejection) late in it, is written as the models write it and copied the same way."""
    from flowc.targets.asl import canonical as module

    monkeypatch.setattr(module, "_COMPILE_AFTER", 3)
    for model in module._models().values():  # forget what earlier tests counted
        model.layouts.clear()

    def definition(n: int, late: dict | None = None) -> dict:
        states: dict[str, Any] = {}
        for i in range(n):
            states[f"S{i}"] = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                               "Parameters": {"FunctionName": "f", "Payload": {"i": i}}, "ResultPath": f"$.r{i}",
                               "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}], "Next": f"S{i + 1}"}
        states[f"S{n}"] = {"Type": "Succeed"}
        if late is not None:
            states[f"S{n - 2}"]["Retry"] = [late]
        return {"StartAt": "S0", "States": states}

    plain = definition(10)
    assert canonical(plain) is plain  # past the threshold, compiled checks answered "unchanged" throughout
    assert _written(plain) == _models_path(plain)
    reordered = definition(10, {"MaxAttempts": 2, "ErrorEquals": ["States.ALL"]})
    ordered = canonical(reordered)
    assert ordered is not reordered and ordered["States"]["S0"] is reordered["States"]["S0"]
    assert _written(reordered) == _models_path(reordered)
    rejected = definition(10, {"ErrorEquals": ["States.ALL"], "MaxAttempts": 2.5})
    assert canonical(rejected) is None
    assert _written(rejected) == _models_path(rejected)
    monkeypatch.setattr(module, "_COMPILE_AFTER", 1)
    compiled = module._unchanged_check
    seen: list[int] = []
    monkeypatch.setattr(module, "_unchanged_check", lambda fields: seen.append(1) or compiled(fields))
    for path in SOURCES:  # every example through compiled checks from a layout's first use
        for emitted in analyse([path]).asl.values():
            assert emitted.to_json() == _models_path(emitted.definition), path
    assert seen  # the examples did go through compiled checks
