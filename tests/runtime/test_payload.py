"""Payload templates and the InputPath -> Parameters -> ResultSelector -> ResultPath -> OutputPath flow."""

from __future__ import annotations

import copy

import pytest
from flowc.targets.runtime import errors
from flowc.targets.runtime.context import build_context, enter_state, with_map_item
from flowc.targets.runtime.payload import (
    apply_input_path,
    apply_output_path,
    apply_result_path,
    render_template,
    resolve,
)

DATA = {"comment": "An input comment.", "data": {"val1": 23, "val2": 17}, "extra": "foo",
        "lambda": {"who": "AWS Step Functions"}, "items": [{"id": 1}, {"id": 2}]}


def test_template_paths_literals_nesting_and_arrays() -> None:
    template = {
        "flagged": True,
        "parts": {"first.$": "$.data.val1", "literal": "$.not.a.path", "n": None},
        "list": [1, {"id.$": "$.items[1].id"}, [{"x.$": "$.extra"}], "$.extra"],
        "ids.$": "$.items[*].id",
        "greeting.$": "States.Format('Hello, {}', $.lambda.who)",
        "whole.$": "$",
    }
    assert render_template(template, DATA) == {
        "flagged": True,
        "parts": {"first": 23, "literal": "$.not.a.path", "n": None},
        "list": [1, {"id": 2}, [{"x": "foo"}], "$.extra"],
        "ids": [1, 2],
        "greeting": "Hello, AWS Step Functions",
        "whole": DATA,
    }


def test_template_context_and_variables() -> None:
    ctx = enter_state(build_context(state_machine="sm", execution="run-1", execution_input={}), "Step")
    out = render_template({"exec.$": "$$.Execution.Name", "state.$": "$$.State.Name", "total.$": "$total",
                           "sum.$": "States.MathAdd($total, $.data.val2)"},
                          DATA, context=ctx, variables={"total": 5})
    assert out == {"exec": "run-1", "state": "Step", "total": 5, "sum": 22}


def test_item_selector_reads_map_item_value() -> None:
    ctx = build_context(state_machine="sm", execution="e", execution_input={})
    selector = {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "id.$": "$$.Map.Item.Value.id",
                "source.$": "$$.Map.Item.Source", "shared.$": "$.extra"}
    rendered = [render_template(selector, DATA, context=with_map_item(ctx, i, item))
                for i, item in enumerate(DATA["items"])]
    assert rendered == [
        {"index": 0, "value": {"id": 1}, "id": 1, "source": "STATE_DATA", "shared": "foo"},
        {"index": 1, "value": {"id": 2}, "id": 2, "source": "STATE_DATA", "shared": "foo"},
    ]


def test_non_object_templates_pass_through() -> None:
    assert render_template([0, {"a.$": "$.extra"}], DATA) == [0, {"a": "foo"}]
    assert render_template("$.extra", DATA) == "$.extra"
    assert render_template(None, DATA) is None


@pytest.mark.parametrize(("template", "fragment"), [
    ({"a.$": "$.missing"}, "The JSONPath '$.missing' specified for the field 'a.$' could not be found"),
    ({"a.$": "States.Format('{}', $.missing)"}, "could not be found"),
    ({"a.$": "not a path"}, "is not a valid JSONPath or intrinsic"),
    ({"a.$": "States.Format("}, "is not a valid JSONPath or intrinsic"),
    ({"a.$": ["$.x"]}, "must be a STRING"),
    ({"deep": {"a.$": "$.nums[-1]"}}, "could not be found"),
])
def test_template_failures_are_states_runtime(template: dict, fragment: str) -> None:
    with pytest.raises(errors.StatesError) as info:
        render_template(template, DATA)
    assert info.value.error == errors.RUNTIME
    assert fragment in info.value.cause


def test_intrinsic_failure_keeps_its_name() -> None:
    with pytest.raises(errors.IntrinsicFailure):
        render_template({"a.$": "States.ArrayGetItem($.items, 5)"}, DATA)


def test_template_does_not_mutate_input() -> None:
    before = copy.deepcopy(DATA)
    render_template({"x.$": "$.data", "y.$": "States.JsonMerge($.data, $.lambda, false)"}, DATA)
    assert before == DATA


def test_resolve_reports_the_field() -> None:
    assert resolve("$.extra", DATA) == "foo"
    with pytest.raises(errors.StatesError, match=r"field 'a\.\$'"):
        resolve("$.nope", DATA, field="a.$")
    # InputPath/OutputPath misses are worded as the service words them (targets/runtime/messages.py)
    with pytest.raises(errors.StatesError, match=r"^States.Runtime: Invalid path '\$.nope' : No results for path: "
                                                 r"\$\['nope'\]$"):
        resolve("$.nope", DATA, field="InputPath")


# --------------------------------------------------------------------------- InputPath / ResultPath / OutputPath


@pytest.mark.parametrize(("input_path", "expected"), [
    ("$", DATA), (None, {}), ("$.lambda", {"who": "AWS Step Functions"}), ("$.items[*].id", [1, 2]),
])
def test_input_path(input_path: str | None, expected: object) -> None:
    assert apply_input_path(DATA, input_path) == expected


def test_input_path_default_is_dollar() -> None:
    assert apply_input_path(DATA) is DATA


def test_input_path_missing_fails() -> None:
    with pytest.raises(errors.StatesError) as info:
        apply_input_path(DATA, "$.nope")
    assert info.value.error == errors.RUNTIME


def test_input_path_can_read_context() -> None:
    ctx = build_context(state_machine="sm", execution="e", execution_input={"orig": 1})
    assert apply_input_path(DATA, "$$.Execution.Input", context=ctx) == {"orig": 1}


RESULT_PATHS = [
    # The guide's examples: replace, keep input, merge at a new key, nested new objects.
    ("$", "Hello, AWS Step Functions!", "Hello, AWS Step Functions!"),
    (None, "ignored", DATA),
    ("$.taskresult", "Hello", {**DATA, "taskresult": "Hello"}),
    ("$.data.result", 40, {**DATA, "data": {"val1": 23, "val2": 17, "result": 40}}),
    ("$.a.b.c", {"x": 1}, {**DATA, "a": {"b": {"c": {"x": 1}}}}),
    ("$.extra", ["replaced"], {**DATA, "extra": ["replaced"]}),
    ("$.items[0]", "first", {**DATA, "items": ["first", {"id": 2}]}),
    ("$.error-info", {"Error": "E", "Cause": "c"}, {**DATA, "error-info": {"Error": "E", "Cause": "c"}}),
]


@pytest.mark.parametrize(("result_path", "result", "expected"), RESULT_PATHS)
def test_result_path(result_path: str | None, result: object, expected: object) -> None:
    before = copy.deepcopy(DATA)
    assert apply_result_path(DATA, result, result_path) == expected
    assert before == DATA


def test_result_path_default_is_dollar() -> None:
    assert apply_result_path(DATA, 5) == 5


@pytest.mark.parametrize(("raw_input", "result_path"), [
    ("a string input", "$.x"), ([1, 2], "$.x"), ({"extra": "foo"}, "$.extra.deeper"), ({"items": []}, "$.items[0]"),
])
def test_result_path_match_failure(raw_input: object, result_path: str) -> None:
    with pytest.raises(errors.StatesError) as info:
        apply_result_path(raw_input, 1, result_path)
    assert info.value.error == errors.RESULT_PATH_MATCH_FAILURE


def test_result_path_must_be_a_reference_path() -> None:
    with pytest.raises(errors.StatesError) as info:
        apply_result_path(DATA, 1, "$.items[*]")
    assert info.value.error == errors.RUNTIME


def test_catcher_result_path_merges_error_output() -> None:
    error = errors.StatesError("Lambda.Unknown", "boom")
    assert apply_result_path({"a": 1}, error.to_output(), "$.error") == {
        "a": 1, "error": {"Error": "Lambda.Unknown", "Cause": "boom"}}


@pytest.mark.parametrize(("output_path", "expected"), [
    ("$", DATA), (None, {}), ("$.data.val1", 23), ("$.items[?(@.id > 1)]", [{"id": 2}]),
])
def test_output_path(output_path: str | None, expected: object) -> None:
    assert apply_output_path(DATA, output_path) == expected


def test_output_path_missing_fails() -> None:
    with pytest.raises(errors.StatesError) as info:
        apply_output_path(DATA, "$.nope")
    assert info.value.error == errors.RUNTIME


def test_full_task_pipeline_from_the_guide() -> None:
    state_input = {"comment": "Example for InputPath.", "dataset1": {"val1": 1, "val2": 2, "val3": 3},
                   "dataset2": {"val1": "a", "val2": "b", "val3": "c"}}
    effective = apply_input_path(state_input, "$.dataset2")
    params = render_template({"first.$": "$.val1", "all.$": "$"}, effective)
    raw_result = {"resourceType": "elasticmapreduce", "ClusterId": "AKIAIOSFODNN7EXAMPLE", "ok": params}
    selected = render_template({"ClusterId.$": "$.ClusterId", "first.$": "$.ok.first"}, raw_result)
    combined = apply_result_path(state_input, selected, "$.result")
    assert apply_output_path(combined, "$.result") == {"ClusterId": "AKIAIOSFODNN7EXAMPLE", "first": "a"}
    assert combined["dataset1"] is state_input["dataset1"]
