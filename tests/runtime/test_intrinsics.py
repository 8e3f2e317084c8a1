"""Intrinsic functions: syntax, static checks and evaluation with the service's limits."""

from __future__ import annotations

import base64
import hashlib
import random
import re

import pytest
from flowc.targets.runtime import errors
from flowc.targets.runtime.intrinsics import (
    FUNCTIONS,
    Call,
    IntrinsicFailure,
    IntrinsicSyntaxError,
    Literal,
    PathArg,
    check,
    evaluate,
    is_intrinsic,
    parse_intrinsic,
)
from flowc.targets.runtime.jsonpath import PathNotFound

DATA = {
    "name": "Arnav",
    "template": "Hello, my name is {}.",
    "inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9],
    "dupes": [1, 2, 3, 3, 3, 3, 3, 3, 4, {"a": 1}, {"a": 1}, 1.0, True],
    "index": 5,
    "lookingFor": 5,
    "json1": {"a": {"a1": 1, "a2": 2}, "b": 2},
    "json2": {"a": {"a3": 1, "a4": 2}, "c": 3},
    "escapedJsonString": '{"foo": "bar"}',
    "unescapedJson": {"foo": "bar"},
    "input": "Data to encode",
    "base64": "RGF0YSB0byBlbmNvZGU=",
    "Data": "input data",
    "Algorithm": "SHA-1",
    "value1": 111,
    "step": -1,
    "inputString": "This.is+a,test=string",
    "splitter": ".+,=",
    "csv": "1,2,3,4,5",
    "ImageRecipe": {"Arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/sample.recipe/1.0.0"},
    "odd key": "spaced",
    "mixed": [1, "a", None, True, {"k": [1, 2]}],
}

# --------------------------------------------------------------------------- syntax


def test_parse_tree() -> None:
    call = parse_intrinsic("States.Format('a {} b', $.x, 3, -1.5, true, null, States.UUID())")
    assert call.name == "States.Format"
    first, path, three, number, flag, null, nested = call.args
    assert first == Literal("a {} b", 0, ("a ", " b"))
    assert isinstance(path, PathArg) and path.text == "$.x" and path.offset == 24
    assert (three.value, number.value, flag.value, null.value) == (3, -1.5, True, None)  # type: ignore[union-attr]
    assert nested == Call("States.UUID", (), 0)


@pytest.mark.parametrize(("text", "value"), [
    ("States.Array('it\\'s')", "it's"),
    ("States.Array('\\{\\}')", "{}"),
    ("States.Array('back\\\\slash')", "back\\slash"),
    ("States.Array('')", ""),
    ("States.Array('comma, paren) $.not.a.path')", "comma, paren) $.not.a.path"),
    ("States.Array('unicode ✓ 名前')", "unicode ✓ 名前"),
])
def test_string_escapes(text: str, value: str) -> None:
    assert evaluate(text, {}) == [value]


def test_escaped_braces_are_not_placeholders() -> None:
    assert evaluate("States.Format('\\{\\} {} \\{x\\}', $.name)", DATA) == "{} Arnav {x}"
    assert check("States.Format('\\{\\}')") == []
    assert check("States.Format('\\{\\}', 1)") == ["States.Format has 0 '{}' placeholders but 1 values"]


ACCEPTED = [
    "States.UUID()", " States.UUID( ) ", "States.Array()", "States.Array( 1 ,2 )",
    "States.Array($.a, $$.Execution.Id, $myVar, $myVar.x[0], $['odd key'], $.a[?(@.b == 'x, y')])",
    "States.Array($.a['b-c'], $.a[*], $..x, $.a[0:2])", "States.Array(1e3, -0, 0.5, 2E-2)",
    "States.Format('{}', States.Format('{}', States.Array(1)))", "States.NotAFunction(1)",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted(text: str) -> None:
    assert isinstance(parse_intrinsic(text), Call)


REJECTED = [
    ("Format('x')", 0), ("states.Format('x')", 0), ("States.Format", 13), ("States.Format('x'", 17),
    ("States.Format('x)", 14), ("States.Format(\"x\")", 14), ("States.Format('a\\n')", 16),
    ("States.Array(1,)", 15), ("States.Array(,1)", 13), ("States.Array(1 2)", 15), ("States.Array(1) x", 16),
    ("States.Array($.a-b)", 16), ("States.Array($.a b)", 17), ("States.Array($.)", 15), ("States.Array(tru)", 13),
    ("States.Array(12abc)", 13), ("States.Array(@.x)", 13), ("States.Array($.a[)", 17), ("", 0),
]


@pytest.mark.parametrize(("text", "offset"), REJECTED)
def test_rejected_with_offset(text: str, offset: int) -> None:
    with pytest.raises(IntrinsicSyntaxError) as info:
        parse_intrinsic(text)
    assert info.value.offset == offset, info.value.message


def test_paths_in_arguments_need_brackets_for_special_names() -> None:
    with pytest.raises(IntrinsicSyntaxError, match="bracket notation"):
        parse_intrinsic("States.Array($.foo-bar)")
    assert evaluate("States.Array($['odd key'])", DATA) == ["spaced"]


@pytest.mark.parametrize(("text", "expected"), [
    ("States.Format('x')", True), ("  States.Array()", True), ("$.States", False), ("States", False),
    ("$.a", False), (1, False), (None, False),
])
def test_is_intrinsic(text: object, expected: bool) -> None:
    assert is_intrinsic(text) is expected


# --------------------------------------------------------------------------- static checks

CHECKS = [
    ("States.Format('Hello {}', $.name)", []),
    ("States.Format($.template, $.name, $.other)", []),
    ("States.Format('{} {}', 1)", ["States.Format has 2 '{}' placeholders but 1 values"]),
    ("States.Format()", ["States.Format takes at least 1 argument, got 0"]),
    ("States.Format(1)", ["argument 1 of States.Format must be a string, not a number"]),
    ("States.Nope(1)", ["unknown intrinsic function States.Nope"]),
    ("States.UUID(1)", ["States.UUID takes 0 arguments, got 1"]),
    ("States.MathRandom(1)", ["States.MathRandom takes 2 to 3 arguments, got 1"]),
    ("States.MathRandom(1, 10, 3)", []),
    ("States.MathAdd('1', 2)", ["argument 1 of States.MathAdd must be a number, not a string"]),
    ("States.MathAdd(2147483648, 1)", ["States.MathAdd: 2147483648 is outside -2147483648..2147483647"]),
    ("States.ArrayLength('abc')", ["argument 1 of States.ArrayLength must be an array, not a string"]),
    ("States.ArrayLength(States.Array(1))", []),
    ("States.ArrayLength(States.UUID())", ["argument 1 of States.ArrayLength must be an array, not a string"]),
    ("States.ArrayPartition($.a, 0)", ["States.ArrayPartition: the chunk size must be a positive integer"]),
    ("States.ArrayRange(1, 9, 0)", ["States.ArrayRange: the step must not be 0"]),
    ("States.ArrayRange(1, 1000, 1)", []),
    ("States.ArrayRange(0, 1000, 1)", ["States.ArrayRange would produce 1001 items; at most 1000 are allowed"]),
    ("States.Hash($.x, 'SHA-256')", []),
    ("States.Hash($.x, 'sha256')",
     ["States.Hash: unknown algorithm 'sha256'; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"]),
    ("States.JsonMerge($.a, $.b, false)", []),
    ("States.JsonMerge($.a, $.b, true)",
     ["States.JsonMerge: the third argument must be false (only shallow merging is supported)"]),
    ("States.JsonMerge($.a, 'x', false)", ["argument 2 of States.JsonMerge must be an object, not a string"]),
    ("States.JsonToString('x')", ["States.JsonToString takes a path, not a literal"]),
    ("States.JsonToString($.x)", []),
    ("States.ArrayGetItem(null, 1)", ["argument 1 of States.ArrayGetItem must be an array, not null"]),
    ("States.Array(States.Nope(), States.UUID(1))",
     ["unknown intrinsic function States.Nope", "States.UUID takes 0 arguments, got 1"]),
]


@pytest.mark.parametrize(("text", "problems"), CHECKS)
def test_check(text: str, problems: list[str]) -> None:
    assert check(parse_intrinsic(text)) == problems


def test_check_counts_calls_per_field() -> None:
    nine = ("States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem("
            "States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit("
            "States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1), 'x')")
    assert check(nine) == []
    eleven = "States.Array(" + ", ".join(["States.UUID()"] * 10) + ")"
    assert check(eleven) == ["11 intrinsic functions in one field; at most 10 are allowed"]


def test_every_function_is_documented_in_the_table() -> None:
    assert set(FUNCTIONS) == {
        "States.Format", "States.StringToJson", "States.JsonToString", "States.Array", "States.ArrayPartition",
        "States.ArrayContains", "States.ArrayRange", "States.ArrayGetItem", "States.ArrayLength",
        "States.ArrayUnique", "States.Base64Encode", "States.Base64Decode", "States.Hash", "States.JsonMerge",
        "States.MathRandom", "States.MathAdd", "States.StringSplit", "States.UUID",
    }


# --------------------------------------------------------------------------- evaluation (guide examples first)

EVALUATIONS = [
    ("States.Format('Hello, my name is {}.', $.name)", "Hello, my name is Arnav."),
    ("States.Format($.template, $.name)", "Hello, my name is Arnav."),
    ("States.Format('{} {} {} {} {}', 1, 2.5, true, null, 'x')", "1 2.5 true null x"),
    ("States.Format('{}|{}', $.mixed, $.json1)", "[1, a, null, true, {k=[1, 2]}]|{a={a1=1, a2=2}, b=2}"),
    ("States.Format('no placeholders')", "no placeholders"),
    ("States.StringToJson($.escapedJsonString)", {"foo": "bar"}),
    ("States.StringToJson('[1, \"two\"]')", [1, "two"]),
    ("States.JsonToString($.unescapedJson)", '{"foo":"bar"}'),
    ("States.JsonToString($.mixed)", '[1,"a",null,true,{"k":[1,2]}]'),
    ("States.Array($.value1)", [111]),
    ("States.Array($.name, 1, States.Array())", ["Arnav", 1, []]),
    ("States.Array($.inputArray[?(@ > 100)])", [[]]),
    ("States.ArrayPartition($.inputArray, 4)", [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
    ("States.ArrayPartition($.inputArray, 3.6)", [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
    ("States.ArrayPartition(States.Array(), 2)", []),
    ("States.ArrayContains($.inputArray, $.lookingFor)", True),
    ("States.ArrayContains($.inputArray, 5.0)", True),
    ("States.ArrayContains($.dupes, States.StringToJson('{\"a\": 1}'))", True),
    ("States.ArrayContains($.inputArray, '5')", False),
    ("States.ArrayRange(1, 9, 2)", [1, 3, 5, 7, 9]),
    ("States.ArrayRange(5, 1, -2)", [5, 3, 1]),
    ("States.ArrayRange(1, 0, 1)", []),
    ("States.ArrayRange(1.4, 2.5, 1)", [1, 2, 3]),
    ("States.ArrayGetItem($.inputArray, $.index)", 6),
    ("States.ArrayGetItem($.inputArray, 0)", 1),
    ("States.ArrayGetItem($.mixed, 4.0)", {"k": [1, 2]}),
    ("States.ArrayLength($.inputArray)", 9),
    ("States.ArrayUnique($.dupes)", [1, 2, 3, 4, {"a": 1}, True]),
    ("States.Base64Encode($.input)", "RGF0YSB0byBlbmNvZGU="),
    ("States.Base64Decode($.base64)", "Data to encode"),
    ("States.Base64Encode('✓')", base64.b64encode("✓".encode()).decode()),
    ("States.Hash($.Data, $.Algorithm)", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
    ("States.Hash('input data', 'MD5')", hashlib.md5(b"input data").hexdigest()),
    ("States.Hash('input data', 'SHA-256')", hashlib.sha256(b"input data").hexdigest()),
    ("States.Hash('input data', 'SHA-384')", hashlib.sha384(b"input data").hexdigest()),
    ("States.Hash('input data', 'SHA-512')", hashlib.sha512(b"input data").hexdigest()),
    ("States.JsonMerge($.json1, $.json2, false)", {"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3}),
    ("States.MathAdd($.value1, $.step)", 110),
    ("States.MathAdd(2147483647, 0)", 2147483647),
    ("States.MathAdd(1.5, 2.5)", 5),
    ("States.MathAdd(-2.5, 0)", -2),
    ("States.MathAdd(-2.6, 0)", -3),
    ("States.StringSplit($.csv, ',')", ["1", "2", "3", "4", "5"]),
    ("States.StringSplit($.inputString, $.splitter)", ["This", "is", "a", "test", "string"]),
    ("States.StringSplit('a,,b,', ',')", ["a", "b"]),
    ("States.StringSplit('abc', '')", ["abc"]),
    ("States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit("
     "$.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem("
     "States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1), 'v1')", "1.0.v1"),
    ("States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 1)", "sample.recipe"),
]


@pytest.mark.parametrize(("text", "expected"), EVALUATIONS)
def test_evaluate(text: str, expected: object) -> None:
    assert evaluate(text, DATA) == expected


def test_evaluate_sees_context_and_variables() -> None:
    ctx = {"Execution": {"Name": "exec-1"}, "Map": {"Item": {"Index": 3, "Value": {"id": "z"}}}}
    assert evaluate("States.Format('{}/{}/{}', $$.Execution.Name, $$.Map.Item.Index, $item.id)", {},
                    context=ctx, variables={"item": {"id": "v"}}) == "exec-1/3/v"


FAILURES = [
    "States.Format('{} {}', $.name)",
    "States.Format('{}', $.name, $.name)",
    "States.Format($.template)",
    "States.Format($.inputArray, 1)",
    "States.StringToJson('{not json')",
    "States.StringToJson($.inputArray)",
    "States.ArrayPartition($.inputArray, 0)",
    "States.ArrayPartition($.inputArray, -1)",
    "States.ArrayPartition($.name, 2)",
    "States.ArrayContains($.name, 1)",
    "States.ArrayRange(1, 9, 0)",
    "States.ArrayRange(0, 1000, 1)",
    "States.ArrayRange(1, 9, 'x')",
    "States.ArrayGetItem($.inputArray, 9)",
    "States.ArrayGetItem($.inputArray, -1)",
    "States.ArrayGetItem($.inputArray, 1.5)",
    "States.ArrayGetItem($.inputArray, '1')",
    "States.ArrayGetItem($.name, 0)",
    "States.ArrayLength($.name)",
    "States.ArrayUnique($.json1)",
    "States.Base64Encode($.inputArray)",
    "States.Base64Decode('not base64!')",
    "States.Base64Decode('//79')",
    "States.Hash($.Data, 'SHA-3')",
    "States.Hash($.inputArray, 'MD5')",
    "States.JsonMerge($.json1, $.json2, true)",
    "States.JsonMerge($.json1, $.inputArray, false)",
    "States.MathRandom(5, 5)",
    "States.MathRandom(9, 1)",
    "States.MathRandom('a', 9)",
    "States.MathAdd(2147483648, 0)",
    "States.MathAdd(-2147483649, 0)",
    "States.MathAdd(true, 1)",
    "States.MathAdd($.name, 1)",
    "States.StringSplit($.inputArray, ',')",
    "States.Nope()",
    "States.UUID(1)",
]


@pytest.mark.parametrize("text", FAILURES)
def test_runtime_failures_are_intrinsic_failures(text: str) -> None:
    with pytest.raises(IntrinsicFailure) as info:
        evaluate(text, DATA)
    assert info.value.error == errors.INTRINSIC_FAILURE
    assert isinstance(info.value, errors.StatesError)


def test_missing_path_argument_is_a_runtime_error() -> None:
    with pytest.raises(PathNotFound) as info:
        evaluate("States.Format('{}', $.missing)", DATA)
    assert info.value.error == errors.RUNTIME


@pytest.mark.parametrize("name", ["States.Base64Encode", "States.Base64Decode", "States.Hash"])
def test_ten_thousand_character_limit(name: str) -> None:
    tail = ", 'MD5')" if name == "States.Hash" else ")"
    ok = "QUJD" * 2500  # 10,000 characters, valid Base64 too
    assert evaluate(f"{name}($.s{tail}", {"s": ok})
    with pytest.raises(IntrinsicFailure, match="10000"):
        evaluate(f"{name}($.s{tail}", {"s": ok + "A"})


def test_array_range_allows_exactly_one_thousand_items() -> None:
    assert len(evaluate("States.ArrayRange(1, 1000, 1)", {})) == 1000
    assert len(evaluate("States.ArrayRange(0, 999, 1)", {})) == 1000


def test_math_random_bounds_and_seed() -> None:
    rolls = {evaluate("States.MathRandom(1, 4)", {}, rng=random.Random(i)) for i in range(200)}
    assert rolls == {1, 2, 3}  # start inclusive, end exclusive
    seeded = [evaluate("States.MathRandom($.start, $.end, 42)", {"start": 1, "end": 999}) for _ in range(3)]
    assert len(set(seeded)) == 1 and 1 <= seeded[0] < 999
    assert evaluate("States.MathRandom(1, 999, 42)", {}) == seeded[0]


def test_uuid_is_v4_and_repeatable_with_rng() -> None:
    value = evaluate("States.UUID()", {})
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value)
    assert evaluate("States.UUID()", {}, rng=random.Random(7)) == evaluate("States.UUID()", {}, rng=random.Random(7))
    assert evaluate("States.UUID()", {}) != evaluate("States.UUID()", {})


def test_json_merge_is_shallow_and_does_not_mutate() -> None:
    data = {"x": {"a": {"deep": 1}, "k": 1}, "y": {"a": {"other": 2}}}
    merged = evaluate("States.JsonMerge($.x, $.y, false)", data)
    assert merged == {"a": {"other": 2}, "k": 1}
    assert data["x"] == {"a": {"deep": 1}, "k": 1}


def test_evaluate_accepts_a_parsed_call() -> None:
    call = parse_intrinsic("States.ArrayLength($.inputArray)")
    assert evaluate(call, DATA) == 9
