"""`_expressions._template_values` answers a template object of str keys from a plan made once per key layout;
the plan must give what the loop over the object's items gives (the order of `out` and of FLOW306's flags
included), on hypothesis-made templates whose layouts recur, with `.$` keys, their twins, keys that need
escaping in a pointer, and nested objects and arrays."""

from __future__ import annotations

from typing import Any

from flowc.compiler.rules import _expressions
from hypothesis import example, given, settings
from hypothesis import strategies as st

KEYS = st.sampled_from(["a", "a.$", "b.$", "b", "x/y.$", "t~1", "n", "list"])
SCALARS = st.one_of(st.sampled_from(["$.a", "States.Format('{}', $.b)", "v"]), st.integers(-2, 2), st.none(),
                    st.booleans())
TEMPLATES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                          st.dictionaries(KEYS, inner, max_size=4)), max_leaves=12)


def _walk(template: Any, planned: bool) -> tuple[list, list]:
    out: list = []
    flags: list = []
    kept = _expressions._template_plan
    try:
        if not planned:
            _expressions._template_plan = lambda layout: None  # every object through the loop over its items
        _expressions._TEMPLATE_PLANS.clear()
        _expressions._template_values(template, "/States/S/Parameters", out, flags)
        _expressions._template_values(template, "/States/T/Parameters", out, flags)  # the layouts again, planned
    finally:
        _expressions._template_plan = kept
        _expressions._TEMPLATE_PLANS.clear()
    return out, flags


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, TEMPLATES, max_size=5))
def test_a_planned_template_gives_what_the_loop_gives(template: dict) -> None:
    assert _walk(template, planned=True) == _walk(template, planned=False)


def test_an_object_with_a_key_that_is_not_a_str_goes_through_the_loop() -> None:
    template = {1: {"a.$": "$.a"}, "b.$": "$.b"}
    assert _expressions._template_plan(tuple(template)) is None
    assert _walk(template, planned=True) == _walk(template, planned=False)


# -- jsonpath_texts: the walk without pointers gives what the walk with pointers gives -------------------------

# objects where a `.$` key and its plain twin meet often (FLOW306's flag)
TWINS = st.dictionaries(st.sampled_from(["a", "a.$", "b.$", "b"]), st.one_of(SCALARS, TEMPLATES), min_size=2,
                        max_size=4)
STATE_FIELDS = st.sampled_from(["InputPath", "OutputPath", "ResultPath", "ErrorPath", "ItemsPath", "SecondsPath",
                                "Parameters", "ResultSelector", "ItemSelector", "Assign", "Credentials",
                                "ItemReader", "ItemBatcher", "Catch", "Choices", "Next", "Comment"])
PATHS = st.sampled_from(["$.a", "$.b", "States.Format('{}', $.b)"])
CATCHERS = st.lists(st.one_of(st.fixed_dictionaries({"ResultPath": st.one_of(PATHS, SCALARS)},
                                                    optional={"Assign": st.one_of(TEMPLATES, TWINS), "Next": PATHS}),
                              SCALARS), max_size=3)
RULES = st.recursive(st.dictionaries(st.sampled_from(["Variable", "StringEqualsPath", "IsPresent", "Assign"]),
                                     st.one_of(SCALARS, TEMPLATES, TWINS), max_size=3),
                     lambda inner: st.dictionaries(st.sampled_from(["And", "Or", "Not", "Variable"]),
                                                   st.one_of(st.lists(inner, max_size=2), inner, SCALARS), max_size=2),
                     max_leaves=6)


def _state_value(field: str):
    if field == "Catch":
        return st.one_of(CATCHERS, SCALARS)
    if field == "Choices":
        return st.one_of(st.lists(RULES, max_size=3), SCALARS)
    if field in ("ItemReader", "ItemBatcher"):
        return st.dictionaries(st.sampled_from(["Parameters", "ReaderConfig", "BatchInput"]),
                               st.one_of(TEMPLATES, TWINS), max_size=2)
    return st.one_of(SCALARS, st.dictionaries(KEYS, TEMPLATES, max_size=5), TWINS)


@st.composite
def _states(draw) -> dict:
    states = {}
    for i in range(draw(st.integers(1, 4))):
        fields = draw(st.lists(STATE_FIELDS, unique=True, max_size=6))
        states[f"S{i}"] = {"Type": "Pass", **{f: draw(_state_value(f)) for f in fields}, "End": True}
    return {"StartAt": "S0", "States": states}


def _texts_both_ways(definition: dict) -> tuple[tuple, tuple]:
    from flowc.compiler.asldoc import AslDocument

    fast_doc, slow_doc = (AslDocument(definition, "x.asl.json", lambda _pointer: None) for _ in range(2))
    fast = (_expressions.jsonpath_texts(fast_doc),
            [_expressions.template_keys_suspect(ref) for ref in _expressions.states_in(fast_doc, "JSONPath")])
    slow_refs = list(_expressions.states_in(slow_doc, "JSONPath"))
    slow = ({(kind, text) for ref in slow_refs for _ptr, kind, text in _expressions.jsonpath_expressions(ref)},
            [_expressions.template_keys_suspect(ref) for ref in slow_refs])
    return fast, slow


def _one(**fields) -> dict:
    return {"StartAt": "S0", "States": {"S0": {"Type": "Pass", **fields, "End": True}}}


@settings(max_examples=300, deadline=None)
@given(_states())
@example(_one(Parameters={"a.$": "$.a", "a": 1, "n": {"b.$": 2}}))
@example(_one(Catch=[{"ResultPath": "$.e", "Assign": {"x.$": "$.a", "x": 0}}, "junk"]))
@example(_one(Choices=[{"Variable": "$.v", "StringEqualsPath": "$.w", "Assign": {"y.$": "$.a"}},
                       {"And": [{"Not": {"Variable": "$.n", "IsPresent": True}}], "Next": "S0"}]))
@example(_one(ItemReader={"Parameters": {"k.$": "$.k"}, "ReaderConfig": {"r.$": 3}},
              ItemBatcher={"BatchInput": {1: {"a.$": "$.z"}}}, ResultPath="$.r", ErrorPath="States.Format('x')"))
def test_jsonpath_texts_without_pointers_give_what_the_pointer_walk_gives(definition: dict) -> None:
    fast, slow = _texts_both_ways(definition)
    assert fast == slow


def test_the_texts_comparison_can_fail(monkeypatch) -> None:
    definition = {"StartAt": "S0", "States": {"S0": {"Type": "Pass", "Parameters": {"a.$": "$.x", "a": 1},
                                                     "ResultPath": "$.r", "End": True}}}
    assert _texts_both_ways(definition)[0] == ({("template", "$.x"), ("reference", "$.r")}, [True])
    monkeypatch.setattr(_expressions, "_template_texts", lambda value, add, flags: None)
    fast, slow = _texts_both_ways(definition)
    assert fast != slow


def test_jsonpath_texts_on_every_compiled_example() -> None:
    from flowc.compiler.pipeline import analyse, own_output_document

    from tests.helpers import REPO, WORKFLOWS

    flows = sorted({*WORKFLOWS.glob("**/*.flow"), *WORKFLOWS.glob("**/*.flow.yaml"), *REPO.glob("tests/**/*.flow")})
    compared = 0
    for path in flows:
        result = analyse([path])
        if result.program is None:
            continue
        for name, wf in result.program.workflows.items():
            if name in result.asl:
                doc = own_output_document(result.program, wf, result.asl[name])
                fast, slow = _texts_both_ways(doc.definition)
                assert fast == slow, path
                compared += 1
    assert compared > 30
