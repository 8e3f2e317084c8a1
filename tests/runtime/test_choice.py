"""Choice rules: every operator, type mismatches, timestamps, wildcards and rule selection."""

from __future__ import annotations

import pytest
from flowc.targets.runtime import errors
from flowc.targets.runtime.choice import (
    OPERATORS,
    NoChoiceMatched,
    evaluate_rule,
    parse_timestamp,
    select_next,
    select_rule,
)

DATA = {
    "type": "Private", "value": 22, "float": 22.5, "zero": 0, "flag": True, "off": False, "nothing": None,
    "name": "foo23.log", "star": "a*b", "slash": "a\\b", "other": 22, "text22": "22",
    "t1": "2016-03-14T01:59:00Z", "t2": "2016-03-14T02:59:00+01:00", "t3": "2016-03-14T01:59:00.5Z",
    "t_bad": "2016-03-14t01:59:00z", "list": [1, 2], "obj": {"k": "v"}, "emoji": "\U0001F600",
    "bmp": "\uFFFF",
}


def rule(op: str, operand: object, variable: str = "$.value") -> dict:
    return {"Variable": variable, op: operand}


TRUE_RULES = [
    rule("NumericEquals", 22), rule("NumericEquals", 22.0), rule("NumericLessThan", 23),
    rule("NumericGreaterThan", 21.5), rule("NumericLessThanEquals", 22), rule("NumericGreaterThanEquals", 22),
    rule("NumericEqualsPath", "$.other"), rule("NumericLessThanPath", "$.float"),
    rule("NumericGreaterThanPath", "$.zero"), rule("NumericLessThanEqualsPath", "$.other"),
    rule("NumericGreaterThanEqualsPath", "$.other"),
    rule("StringEquals", "Private", "$.type"), rule("StringLessThan", "Q", "$.type"),
    rule("StringGreaterThan", "A", "$.type"), rule("StringLessThanEquals", "Private", "$.type"),
    rule("StringGreaterThanEquals", "Private", "$.type"), rule("StringEqualsPath", "$.type", "$.type"),
    rule("StringLessThan", "\uFFFF", "$.emoji"), rule("StringGreaterThanPath", "$.emoji", "$.bmp"),
    rule("BooleanEquals", True, "$.flag"), rule("BooleanEquals", False, "$.off"),
    rule("BooleanEqualsPath", "$.flag", "$.flag"),
    rule("TimestampEquals", "2016-03-14T01:59:00Z", "$.t1"), rule("TimestampEqualsPath", "$.t2", "$.t1"),
    rule("TimestampLessThan", "2016-03-14T01:59:00.5Z", "$.t1"), rule("TimestampGreaterThanPath", "$.t1", "$.t3"),
    rule("TimestampLessThanEquals", "2016-03-14T02:59:00+01:00", "$.t1"),
    rule("TimestampGreaterThanEquals", "2016-03-14T01:00:00-00:30", "$.t1"),
    rule("TimestampLessThanPath", "$.t3", "$.t2"), rule("TimestampLessThanEqualsPath", "$.t2", "$.t1"),
    rule("TimestampGreaterThanEqualsPath", "$.t2", "$.t1"),
    rule("StringEquals", "2016-03-14T01:59:00Z", "$.t1"), rule("StringLessThanPath", "$.name", "$.type"),
    rule("StringLessThanEqualsPath", "$.type", "$.type"), rule("StringGreaterThanEqualsPath", "$.type", "$.name"),
    rule("TimestampGreaterThan", "2016-03-14T01:58:59.999Z", "$.t1"),
    rule("StringMatches", "foo*.log", "$.name"), rule("StringMatches", "*.log", "$.name"),
    rule("StringMatches", "foo*.*", "$.name"), rule("StringMatches", "*", "$.name"),
    rule("StringMatches", "a\\*b", "$.star"), rule("StringMatches", "a\\\\b", "$.slash"),
    rule("StringMatches", "foo23.log", "$.name"),
    rule("IsNull", True, "$.nothing"), rule("IsNull", False, "$.value"),
    rule("IsPresent", True, "$.nothing"), rule("IsPresent", False, "$.missing"),
    rule("IsNumeric", True), rule("IsNumeric", False, "$.text22"), rule("IsNumeric", False, "$.flag"),
    rule("IsString", True, "$.type"), rule("IsString", False, "$.nothing"),
    rule("IsBoolean", True, "$.off"), rule("IsBoolean", False, "$.zero"),
    rule("IsTimestamp", True, "$.t2"), rule("IsTimestamp", False, "$.t_bad"), rule("IsTimestamp", False, "$.value"),
]


@pytest.mark.parametrize("choice_rule", TRUE_RULES, ids=lambda r: next(k for k in r if k != "Variable"))
def test_rule_holds(choice_rule: dict) -> None:
    assert evaluate_rule(choice_rule, DATA) is True


FALSE_RULES = [
    # Type mismatches compare false instead of failing.
    rule("NumericEquals", "22"), rule("StringEquals", "22"), rule("StringEquals", 22, "$.text22"),
    rule("NumericEquals", 1, "$.flag"), rule("BooleanEquals", 1, "$.flag"), rule("BooleanEquals", True, "$.value"),
    rule("NumericEqualsPath", "$.text22"), rule("StringEqualsPath", "$.value", "$.text22"),
    rule("NumericLessThan", 100, "$.list"), rule("StringEquals", "v", "$.obj"), rule("NumericEquals", 0, "$.nothing"),
    rule("TimestampEquals", "2016-03-14T01:59:00Z", "$.t_bad"), rule("TimestampEquals", "not a time", "$.t1"),
    rule("TimestampLessThan", "2016-03-14T01:59:00Z", "$.value"),
    rule("StringMatches", "foo", "$.name"), rule("StringMatches", "b*", "$.slash"), rule("StringMatches", "*", "$.value"),
    rule("StringMatches", "a\\*b", "$.slash"),
    # Ordinary falsehoods.
    rule("NumericGreaterThan", 22), rule("StringLessThan", "Private", "$.type"),
    rule("IsNull", True, "$.value"), rule("IsPresent", True, "$.missing"), rule("IsPresent", False, "$.nothing"),
]


@pytest.mark.parametrize("choice_rule", FALSE_RULES, ids=lambda r: next(k for k in r if k != "Variable"))
def test_rule_fails(choice_rule: dict) -> None:
    assert evaluate_rule(choice_rule, DATA) is False


@pytest.mark.parametrize("choice_rule", [
    rule("NumericEquals", 1, "$.missing"), rule("IsNull", True, "$.missing"), rule("IsString", False, "$.missing"),
    rule("NumericEqualsPath", "$.missing"), rule("StringMatches", "*", "$.missing"),
    rule("BooleanEquals", True, "$.list[5]"),
])
def test_absent_variable_is_a_states_runtime_error(choice_rule: dict) -> None:
    with pytest.raises(errors.StatesError) as info:
        evaluate_rule(choice_rule, DATA)
    assert info.value.error == errors.RUNTIME


def test_every_operator_is_exercised() -> None:
    used = {next(k for k in r if k != "Variable") for r in TRUE_RULES + FALSE_RULES}
    assert used >= OPERATORS


def test_boolean_composition() -> None:
    in_twenties = {"And": [rule("NumericGreaterThanEquals", 20), rule("NumericLessThan", 30)]}
    assert evaluate_rule(in_twenties, DATA)
    assert evaluate_rule({"Or": [rule("NumericEquals", 1), in_twenties]}, DATA)
    assert not evaluate_rule({"Not": in_twenties}, DATA)
    assert evaluate_rule({"Not": {"Or": [rule("NumericEquals", 1), {"Not": in_twenties}]}}, DATA)
    # And/Or stop at the first decisive rule, so a later absent Variable does not fail them.
    assert not evaluate_rule({"And": [rule("NumericEquals", 1), rule("NumericEquals", 1, "$.missing")]}, DATA)
    assert evaluate_rule({"Or": [in_twenties, rule("NumericEquals", 1, "$.missing")]}, DATA)


def test_context_and_variables_as_variable() -> None:
    ctx = {"Map": {"Item": {"Index": 0}}}
    assert evaluate_rule({"Variable": "$$.Map.Item.Index", "NumericEquals": 0}, {}, context=ctx)
    assert evaluate_rule({"Variable": "$count", "NumericGreaterThanPath": "$.limit"}, {"limit": 1},
                         variables={"count": 2})


@pytest.mark.parametrize("bad", [{"Variable": "$.value"}, {"Variable": "$.value", "NumericEquals": 1, "StringEquals": "x"},
                                 {"Variable": "$.value", "NumericEqual": 1}, {"NumericEquals": 1}])
def test_malformed_rules(bad: dict) -> None:
    with pytest.raises(ValueError):
        evaluate_rule(bad, DATA)


@pytest.mark.parametrize(("text", "parsed"), [
    ("2016-03-14T01:59:00Z", (1457920740, 0)),
    ("2016-03-14T02:59:00+01:00", (1457920740, 0)),
    ("2016-03-14T01:59:00.123456789Z", (1457920740, 123456789)),
    ("2016-03-14T01:59:00.1234567891Z", (1457920740, 123456789)),
    ("2016-03-14t01:59:00Z", None), ("2016-03-14T01:59:00z", None), ("2016-03-14T01:59:00", None),
    ("2016-03-14 01:59:00Z", None), ("2016-02-30T00:00:00Z", None), ("2016-03-14T24:00:00Z", None),
    ("2016-03-14T01:59:00+25:00", None), ("2016-3-14T01:59:00Z", None),
])
def test_parse_timestamp(text: str, parsed: tuple[int, int] | None) -> None:
    assert parse_timestamp(text) == parsed


# --------------------------------------------------------------------------- selecting the next state

STATE = {
    "Type": "Choice",
    "Choices": [
        {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
        {"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"},
        {"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20},
                 {"Variable": "$.value", "NumericLessThan": 30}], "Next": "ValueInTwenties",
         "Assign": {"seen.$": "$.value"}},
    ],
    "Default": "DefaultState",
}


@pytest.mark.parametrize(("data", "expected"), [
    ({"type": "Private", "value": 22}, "ValueInTwenties"),
    ({"type": "Public", "value": 22}, "Public"),
    ({"type": "Private", "value": 0}, "ValueIsZero"),
    ({"type": "Private", "value": 99}, "DefaultState"),
])
def test_select_next(data: dict, expected: str) -> None:
    assert select_next(STATE, data) == expected


def test_select_rule_returns_the_rule_for_its_assign() -> None:
    matched = select_rule(STATE, {"type": "Private", "value": 22})
    assert matched is not None and matched["Assign"] == {"seen.$": "$.value"}
    assert select_rule(STATE, {"type": "Private", "value": 99}) is None


def test_no_match_without_default() -> None:
    state = {k: v for k, v in STATE.items() if k != "Default"}
    with pytest.raises(NoChoiceMatched) as info:
        select_next(state, {"type": "Private", "value": 99})
    assert info.value.error == errors.NO_CHOICE_MATCHED


def test_missing_variable_fails_the_state() -> None:
    with pytest.raises(errors.StatesError) as info:
        select_next(STATE, {"value": 1})
    assert info.value.error == errors.RUNTIME


def test_jsonata_conditions_use_the_callback() -> None:
    state = {"Type": "Choice", "QueryLanguage": "JSONata", "Default": "D", "Choices": [
        {"Condition": "{% $states.input.n > 10 %}", "Next": "Big"},
        {"Condition": True, "Next": "Always"},
    ]}
    seen: list[tuple[str, object]] = []

    def engine(condition: str, data: object) -> object:
        seen.append((condition, data))
        return data["n"] > 10  # type: ignore[index]

    assert select_next(state, {"n": 11}, jsonata_eval=engine) == "Big"
    assert select_next(state, {"n": 1}, jsonata_eval=engine) == "Always"
    assert seen == [("{% $states.input.n > 10 %}", {"n": 11}), ("{% $states.input.n > 10 %}", {"n": 1})]


def test_jsonata_condition_must_be_boolean() -> None:
    state = {"Choices": [{"Condition": "{% 'yes' %}", "Next": "X"}]}
    with pytest.raises(errors.StatesError) as info:
        select_next(state, {}, jsonata_eval=lambda condition, data: "yes")
    assert info.value.error == errors.QUERY_EVALUATION_ERROR
    with pytest.raises(ValueError, match="jsonata_eval"):
        select_next(state, {})
