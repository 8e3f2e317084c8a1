"""`flowc lint --format json` is written by orjson but must stay byte-identical to
`json.dumps(..., indent=2, ensure_ascii=False)`, the format the report always had."""

from __future__ import annotations

import json

from flowc.compiler.lint.formatters import as_json, dumps_indented
from flowc.dsl.diagnostics import Diagnostic, Severity, Span
from hypothesis import given
from hypothesis import strategies as st

# What a report holds: strings (any code point, lone surrogates included), ints, bools, None, lists, dicts.
SCALARS = st.none() | st.booleans() | st.integers() | st.text(st.characters(codec=None, min_codepoint=0))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=6), inner, max_size=4), max_leaves=20)


@given(st.lists(VALUES, max_size=5) | st.dictionaries(st.text(max_size=6), VALUES, max_size=5))
def test_same_bytes_as_the_standard_library(value):
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_what_orjson_refuses_falls_back_to_json():
    for value in (["lone \ud800 surrogate"], [2**70], [{"k": -(2**64)}], {"x": ["\udfff"]}):
        assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_report_with_control_characters_and_non_ascii():
    diags = [Diagnostic("FLOW301", "invalid JSONPath '$.a\u0001b' \u00e9\u2028\U0001F600 \"q\" \\",
                        Span("dir/sm.asl.json", 3, 7, 3, 12), severity=Severity.ERROR, hint="tab\there"),
             Diagnostic("FLOW999", "no rule by that code", Span("x.json", 1, 1))]
    expected = []
    for d in diags:
        item = d.to_dict()
        if d.code == "FLOW301":
            item["rule"] = "invalid-jsonpath"
        expected.append(item)
    assert as_json(diags) == json.dumps(expected, indent=2, ensure_ascii=False)
    assert as_json([]) == "[]"
