"""Raw ASL loaders: values, positions of keys and values, duplicates, YAML traps, syntax errors."""

from __future__ import annotations

import json

from flowc.compiler.lint.sources import parse_json, parse_yaml

TEXT = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Next": "B"},\n    "B": {"Type": "Succeed"}\n  }\n}'


def test_json_values_match_the_standard_library():
    src = parse_json(TEXT, "t.json")
    assert src.error is None and src.value == json.loads(TEXT)
    for text in ['[1, -2.5e3, true, false, null, "\\u00e9\\n"]', '{"a": {"b": [[]]}}', '"x"', "0"]:
        assert parse_json(text, "t.json").value == json.loads(text)


def test_json_positions_of_values_and_keys():
    src = parse_json(TEXT, "t.json")
    nxt = src.value_span("/States/A/Next")
    assert (nxt.line, nxt.col, nxt.end_col) == (4, 35, 38)
    key = src.key_span("/States/B")
    assert (key.line, key.col) == (5, 5)
    assert (src.locate("/States/A").line, src.locate("/States/A").col) == (4, 5)  # containers at their key


def test_json_errors_are_located_not_raised():
    for text, where in [('{"a": 1,}', (1, 9)), ('{"a" 1}', (1, 6)), ("[1, 2", (1, 6)), ("", (1, 1)),
                        ('{"a": "\x01"}', (1, 8)), ("{} x", (1, 4)), ("[" * 100_000, None)]:
        src = parse_json(text, "t.json")
        assert src.error is not None, text
        if where:
            assert (src.error.line, src.error.col) == where, (text, src.error)


def test_json_duplicates_keep_both_positions():
    src = parse_json('{"a": 1,\n "a": 2}', "t.json")
    (dup,) = src.duplicates
    assert src.position(dup.first).line == 1 and src.position(dup.second).line == 2 and src.value == {"a": 2}


def test_yaml_values_positions_tags_and_traps():
    text = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: !Sub arn:${AWS::Partition}:x\n" \
           "    TimeoutSeconds: 0x10\n    Next: No\n  No:\n    Type: Succeed\n"
    src = parse_yaml(text, "t.yaml")
    assert src.value["States"]["A"]["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:x"}
    assert src.value["States"]["A"]["TimeoutSeconds"] == 16
    assert src.value["States"]["A"]["Next"] == "No"
    assert {(b.pointer, b.is_key) for b in src.yaml_booleans} == {("/States/A/Next", False), ("/States/No", True)}
    span = src.value_span("/States/A/Next")
    assert (span.line, span.col) == (7, 11)


def test_yaml_errors_and_recursive_aliases():
    assert parse_yaml("a: [", "t.yaml").error is not None
    assert parse_yaml("a: &x [*x]\n", "t.yaml").error is not None
    assert parse_yaml("", "t.yaml").value is None


def test_yaml_without_libyaml_gives_the_same_values_and_positions(monkeypatch):
    import yaml

    text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: {a: 1, b: [true, ~, 2.5, '3']}\n" \
           "    Next: B\n  B:\n    Type: Succeed\n  B:\n    Type: Fail\n"
    fast = parse_yaml(text, "t.yaml")
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    pure = parse_yaml(text, "t.yaml")
    assert fast.value == pure.value
    assert fast.value["States"]["A"]["Result"] == {"a": 1, "b": [True, None, 2.5, "3"]}
    for ptr in ("/States/A/Next", "/States/A/Result/b/2"):
        assert fast.value_span(ptr) == pure.value_span(ptr)
    assert len(fast.duplicates) == len(pure.duplicates) == 1
