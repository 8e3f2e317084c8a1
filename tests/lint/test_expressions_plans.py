"""`_expressions._template_values` answers a template object of str keys from a plan made once per key layout;
the plan must give what the loop over the object's items gives (the order of `out` and of FLOW306's flags
included), on hypothesis-made templates whose layouts recur, with `.$` keys, their twins, keys that need
escaping in a pointer, and nested objects and arrays."""

from __future__ import annotations

from typing import Any

from flowc.compiler.rules import _expressions
from hypothesis import given, settings
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
