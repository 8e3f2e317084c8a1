"""The ASL models: every field real ASL uses is modelled, round-trips, and is tagged by query language."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from flowc.targets.asl import models
from flowc.targets.asl.models import (
    STATE_MODELS,
    STRUCTURE_MODELS,
    Catcher,
    ChoiceRule,
    Retrier,
    TaskState,
    allowed_fields,
    dump,
    field_query_language,
    load,
    to_json,
)
from pydantic import ValidationError
from ruamel.yaml import YAML

from tests import shared

REAL_ASL = shared.path("corpus", "real-asl")
VALIDATION = shared.path("corpus", "asl-validation")

# Real files that are not valid ASL, with the reason. They must keep failing to load:
# if one starts loading, the model was loosened (or the file fixed) and this list must be revisited.
NOT_ASL = {
    "shared-fallback-state-jsonata/statemachine/statemachine.asl.json":
        'has "QueryLanguage": "JSONata" inside "States" (a state whose value is a string, not an object)',
}
# "valid" fixtures that are not plain ASL: reported, not accommodated by loosening the models.
NOT_PLAIN_ASL = {
    "asl-validator/valid-task-intrisic-function.json":
        'CloudFormation extension: "Resource" is {"Ref": ...} / {"Fn::GetAtt": [...]}, an object, not an ASL string',
}


def _rows(manifest: Path) -> list[dict[str, str]]:
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _read(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        return YAML(typ="safe", pure=True).load(text)
    return json.loads(text)


def _real_params() -> list:
    params = []
    for row in _rows(REAL_ASL / "manifest.tsv"):
        if row["parse"].lower() in ("error", "parse_error"):
            continue
        path = row["path"]
        marks = [pytest.mark.xfail(reason=NOT_ASL[path], raises=ValidationError, strict=True)] if path in NOT_ASL else []
        params.append(pytest.param(path, id=path, marks=marks))
    return params


def _valid_params() -> list:
    params = []
    for row in _rows(VALIDATION / "manifest.tsv"):
        if row["expected"] != "valid":
            continue
        path = row["path"]
        marks = ([pytest.mark.xfail(reason=NOT_PLAIN_ASL[path], raises=ValidationError, strict=True)]
                 if path in NOT_PLAIN_ASL else [])
        params.append(pytest.param(path, id=path, marks=marks))
    return params


REAL = _real_params()
VALID = _valid_params()


def _round_trip(data: dict) -> None:
    machine = load(data)
    assert dump(machine) == data
    # and serialising is stable: the text re-loads to the same definition
    assert json.loads(to_json(machine)) == data


@shared.marker
@pytest.mark.parametrize("path", REAL)
def test_real_asl_round_trips(path: str) -> None:
    _round_trip(_read(REAL_ASL / path))


@shared.marker
@pytest.mark.parametrize("path", VALID)
def test_valid_fixture_round_trips(path: str) -> None:
    _round_trip(_read(VALIDATION / path))


@shared.marker
def test_corpus_is_large() -> None:
    assert (REAL_ASL / "manifest.tsv").is_file(), f"the shared corpus is incomplete: {REAL_ASL}"
    assert len(REAL) > 150 and len(VALID) >= 100


# -- the models reject what ASL does not define ------------------------------------------------

def _machine(state: dict) -> dict:
    return {"StartAt": "S", "States": {"S": state}}


def test_unknown_state_field_is_rejected() -> None:
    with pytest.raises(ValidationError, match="Resourse"):
        load(_machine({"Type": "Task", "Resourse": "arn:aws:states:::lambda:invoke", "End": True}))


def test_unknown_type_is_rejected() -> None:
    with pytest.raises(ValidationError, match="Type"):
        load(_machine({"Type": "Loop", "End": True}))
    with pytest.raises(ValidationError):
        load(_machine({"End": True}))


def test_unknown_fields_rejected_at_every_level() -> None:
    bad_top = {"StartAt": "S", "States": {"S": {"Type": "Succeed"}}, "Start": "S"}
    bad_retry = _machine({"Type": "Task", "Resource": "r", "End": True,
                          "Retry": [{"ErrorEquals": ["States.ALL"], "Jitter": "FULL"}]})
    bad_rule = _machine({"Type": "Choice", "Default": "S",
                         "Choices": [{"Variable": "$.x", "StringEqual": "a", "Next": "S"}]})
    bad_nested = _machine({"Type": "Parallel", "End": True,
                           "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Succeed", "Next": "B"}}}]})
    bad_reader = _machine({"Type": "Map", "End": True, "ItemReader": {"Resource": "r", "Config": {}},
                           "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}})
    for bad in (bad_top, bad_retry, bad_rule, bad_nested, bad_reader):
        with pytest.raises(ValidationError):
            load(bad)


def test_values_are_not_coerced() -> None:
    with pytest.raises(ValidationError):
        load(_machine({"Type": "Wait", "Seconds": 1.5, "End": True}))
    with pytest.raises(ValidationError):
        load(_machine({"Type": "Task", "Resource": "r", "End": "true"}))
    with pytest.raises(ValidationError):
        load(_machine({"Type": "Map", "End": True, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "PARALLEL"}, "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}}))


def test_placeholders_and_jsonata_in_numeric_fields() -> None:
    data = _machine({"Type": "Task", "Resource": "${Fn}", "TimeoutSeconds": "${Timeout}",
                     "HeartbeatSeconds": "{% $hb %}", "Retry": [{"ErrorEquals": ["States.ALL"],
                                                                 "MaxAttempts": "${Attempts}", "BackoffRate": 1.5}],
                     "End": True})
    _round_trip(data)


def test_explicit_null_paths_round_trip() -> None:
    data = _machine({"Type": "Pass", "InputPath": None, "Result": None, "ResultPath": None,
                     "OutputPath": None, "End": True})
    machine = load(data)
    assert dump(machine) == data
    state = machine.states["S"]
    assert state.result_path is None and "result_path" in state.model_fields_set


def test_free_form_payload_keeps_its_order() -> None:
    params = {"z": 1, "a.$": "$.a", "m": {"y": None, "b": [3, 2, 1]}}
    data = _machine({"Type": "Task", "Resource": "r", "Parameters": params, "End": True})
    assert list(dump(load(data))["States"]["S"]["Parameters"]) == ["z", "a.$", "m"]
    assert list(dump(load(data))["States"]["S"]["Parameters"]["m"]) == ["y", "b"]


# -- key order -------------------------------------------------------------------------------------

def test_to_json_orders_a_task_like_a_reader() -> None:
    task = TaskState(
        next="Done", catch=[Catcher(next="Failed", error_equals=["States.ALL"], result_path="$.error")],
        retry=[Retrier(error_equals=["States.TaskFailed"], max_attempts=2)], result_path="$.out",
        resource="arn:aws:states:::lambda:invoke", parameters={"FunctionName": "${Fn}", "Payload.$": "$"},
        comment="call", type="Task",
    )
    keys = list(json.loads(to_json(task)))
    assert keys == ["Type", "Comment", "Resource", "Parameters", "ResultPath", "Retry", "Catch", "Next"]
    assert to_json(task).endswith("\n")
    end = TaskState(end=True, output="{% $states.result %}", arguments={}, resource="r", type="Task")
    assert list(dump(end)) == ["Type", "Resource", "Arguments", "Output", "End"]
    assert list(dump(Catcher(next="F", error_equals=["E"], comment="c"))) == ["ErrorEquals", "Comment", "Next"]


def test_loaded_keys_are_reordered_canonically() -> None:
    data = _machine({"End": True, "Resource": "r", "Type": "Task", "Comment": "c"})
    data = {"States": data["States"], "StartAt": "S", "Comment": "top"}
    out = dump(load(data))
    assert list(out) == ["Comment", "StartAt", "States"]
    assert list(out["States"]["S"]) == ["Type", "Comment", "Resource", "End"]


def test_to_json_keeps_unicode() -> None:
    machine = load(_machine({"Type": "Succeed", "Comment": "réussi ✓"}))
    assert "réussi ✓" in to_json(machine)


# -- introspection ----------------------------------------------------------------------------------

def test_state_models_table() -> None:
    assert set(STATE_MODELS) == {"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"}
    for type_name, cls in STATE_MODELS.items():
        assert cls.model_fields["type"].alias == "Type"
        assert load(_machine({"Type": type_name, **_minimal(type_name)})).states["S"].__class__ is cls


def _minimal(type_name: str) -> dict:
    sub = {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    return {"Task": {"Resource": "r", "End": True}, "Pass": {"End": True}, "Wait": {"Seconds": 1, "End": True},
            "Choice": {"Choices": [{"Condition": "{% true %}", "Next": "S"}]}, "Succeed": {}, "Fail": {},
            "Parallel": {"Branches": [sub], "End": True}, "Map": {"ItemProcessor": sub, "End": True}}[type_name]


def test_every_field_has_query_language_metadata() -> None:
    for cls in [*STATE_MODELS.values(), *STRUCTURE_MODELS.values()]:
        table = models.asl_fields(cls)
        assert table and set(table.values()) <= {"jsonpath", "jsonata", "both"}
        for name, info in cls.model_fields.items():
            assert info.alias and info.alias[0].isupper(), (cls.__name__, name)


@pytest.mark.parametrize(("state", "field", "jsonpath", "jsonata"), [
    ("Task", "Parameters", True, False),
    ("Task", "Arguments", False, True),
    ("Task", "InputPath", True, False),
    ("Task", "ResultSelector", True, False),
    ("Task", "ResultPath", True, False),
    ("Task", "OutputPath", True, False),
    ("Task", "Output", False, True),
    ("Task", "Assign", True, True),
    ("Task", "Resource", True, True),
    ("Task", "Credentials", True, True),
    ("Task", "TimeoutSeconds", True, True),
    ("Task", "TimeoutSecondsPath", True, False),
    ("Task", "HeartbeatSecondsPath", True, False),
    ("Wait", "Seconds", True, True),
    ("Wait", "Timestamp", True, True),
    ("Wait", "SecondsPath", True, False),
    ("Wait", "TimestampPath", True, False),
    ("Pass", "Result", True, False),
    ("Pass", "Output", False, True),
    ("Pass", "Parameters", True, False),
    ("Pass", "Arguments", False, False),
    ("Succeed", "Next", False, False),
    ("Succeed", "End", False, False),
    ("Succeed", "Assign", False, False),
    ("Succeed", "Output", False, True),
    ("Succeed", "OutputPath", True, False),
    ("Fail", "Next", False, False),
    ("Fail", "End", False, False),
    ("Fail", "Assign", False, False),
    ("Fail", "Output", False, False),
    ("Fail", "InputPath", False, False),
    ("Fail", "Error", True, True),
    ("Fail", "ErrorPath", True, False),
    ("Fail", "CausePath", True, False),
    ("Choice", "Next", False, False),
    ("Choice", "End", False, False),
    ("Choice", "Assign", True, True),
    ("Choice", "Output", False, True),
    ("Parallel", "Arguments", False, True),
    ("Parallel", "Parameters", True, False),
    ("Map", "Items", False, True),
    ("Map", "ItemsPath", True, False),
    ("Map", "ItemSelector", True, True),
    ("Map", "MaxConcurrency", True, True),
    ("Map", "MaxConcurrencyPath", True, False),
    ("Map", "ToleratedFailurePercentagePath", True, False),
    ("Map", "ToleratedFailureCountPath", True, False),
    ("Map", "Iterator", True, True),
    ("Map", "Parameters", True, False),
    ("Map", "Arguments", False, False),
    ("Map", "Label", True, True),
    ("ChoiceRule", "Condition", False, True),
    ("ChoiceRule", "Variable", True, False),
    ("ChoiceRule", "StringEqualsPath", True, False),
    ("ChoiceRule", "And", True, False),
    ("ChoiceRule", "Next", True, True),
    ("ChoiceRule", "Output", False, True),
    ("Catcher", "ResultPath", True, False),
    ("Catcher", "Output", False, True),
    ("Catcher", "Assign", True, True),
    ("ItemReader", "Parameters", True, False),
    ("ItemReader", "Arguments", False, True),
    ("ResultWriter", "Arguments", False, True),
    ("ReaderConfig", "MaxItemsPath", True, False),
    ("ItemBatcher", "MaxItemsPerBatchPath", True, False),
    ("ItemBatcher", "BatchInput", True, True),
])
def test_allowed_fields(state: str, field: str, jsonpath: bool, jsonata: bool) -> None:
    assert (field in allowed_fields(state, "JSONPath")) is jsonpath
    assert (field in allowed_fields(state, "JSONata")) is jsonata


def test_allowed_fields_contract() -> None:
    assert allowed_fields("Task", "jsonata") == allowed_fields("Task", "JSONata")
    assert allowed_fields(ChoiceRule, "JSONPath") == allowed_fields("ChoiceRule", "JSONPath")
    assert isinstance(allowed_fields("Map", "JSONPath"), frozenset)
    # every comparison operator of a Choice rule, with its *Path twin, is JSONPath-only
    jsonpath_only = allowed_fields("ChoiceRule", "JSONPath") - allowed_fields("ChoiceRule", "JSONata")
    for family in ("String", "Numeric", "Timestamp"):
        for op in ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"):
            assert {family + op, family + op + "Path"} <= jsonpath_only
    assert {"BooleanEquals", "BooleanEqualsPath", "StringMatches", "IsNull", "IsPresent", "IsNumeric",
            "IsString", "IsBoolean", "IsTimestamp", "Not", "Or"} <= jsonpath_only
    with pytest.raises(KeyError):
        allowed_fields("Loop", "JSONPath")
    with pytest.raises(ValueError):
        allowed_fields("Task", "XPath")


def test_field_query_language() -> None:
    assert field_query_language(TaskState, "Parameters") == "jsonpath"
    assert field_query_language(TaskState, "Arguments") == "jsonata"
    assert field_query_language(TaskState, "Next") == "both"
    assert field_query_language(STATE_MODELS["Map"], "Items") == "jsonata"
    with pytest.raises(KeyError):
        field_query_language(TaskState, "Resourse")


def test_load_state_dispatches_on_type() -> None:
    state = models.load_state({"Type": "Wait", "Seconds": "{% $delay %}", "Next": "X"})
    assert isinstance(state, models.WaitState) and state.seconds == "{% $delay %}"


def test_ten_thousand_states_round_trip() -> None:
    """Correctness at size; the speed is measured in benchmarks/, not asserted here."""
    states = {f"S{i}": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                        "Parameters": {"FunctionName": "${Fn}", "Payload.$": "$"},
                        "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
                        "Next": f"S{i + 1}"} for i in range(10_000)}
    states["S10000"] = {"Type": "Succeed"}
    data = {"StartAt": "S0", "States": states}
    assert dump(load(data)) == data
