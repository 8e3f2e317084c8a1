"""No input crashes the linter: every rule survives any JSON shape (FLOW000 would report a crashed rule)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.lint.helpers import lint

KEYS = ["Type", "Next", "End", "States", "StartAt", "Choices", "Variable", "NumericEquals", "Retry", "Catch",
        "ErrorEquals", "Branches", "ItemProcessor", "Iterator", "Parameters", "x.$", "Assign", "QueryLanguage",
        "Resource", "TimeoutSeconds", "Seconds", "ItemReader", "ReaderConfig", "ResultWriter", "ItemBatcher",
        "Items", "Output", "Arguments", "Condition", "And", "Not", "Default", "ProcessorConfig", "Mode", "Label",
        "Timestamp", "BackoffRate", "MaxAttempts", "WriterConfig", "CSVHeaders", "InputType", "A", "B"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from(["", "$", "$.a", "$x", "{% %}", "{% $states.result %}", "States.Format(",
                                     "A", "B", "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel",
                                     "Map", "JSONata", "DISTRIBUTED", "CSV", "${X", "${X}", "arn:aws:lambda:::"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
                      max_leaves=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALUES, VALUES, st.sampled_from(["JSONPath", "JSONata"]))
def test_no_rule_crashes_on_any_shape(a, b, ql):
    for doc in ({"StartAt": "A", "QueryLanguage": ql, "States": {"A": a, "B": b}}, a):
        diags = lint(json.dumps(doc))
        assert "FLOW000" not in {d.code for d in diags}, [d.message for d in diags if d.code == "FLOW000"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_no_crash_on_garbage_text(text):
    for name in ("g.asl.json", "g.asl.yaml"):
        assert "FLOW000" not in {d.code for d in lint(text, name)}
