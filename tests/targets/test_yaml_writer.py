"""`dump_yaml` writes common documents without ruamel.yaml, byte for byte what ruamel.yaml writes.

`flowc.targets.output._block_yaml` reproduces the emitter's output for plain templates and returns None
for anything it is unsure of (ruamel.yaml then writes the document). These tests compare the two on
every template the examples and the corpus compile to (both targets) and on generated documents whose
strings are chosen to hit the quoting rules: indicators, `: ` and ` #`, YAML booleans and nulls,
numbers, dates, quotes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler.pipeline import analyse
from flowc.targets.output import _block_yaml, dump_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import CORPUS, WORKFLOWS

SOURCES = sorted([*WORKFLOWS.glob("*.flow"), *WORKFLOWS.glob("*.flow.yaml"), *CORPUS.glob("*.flow")])


def ruamel_dump(data: Any) -> str:
    """What dump_yaml wrote before the fast path (its ruamel.yaml configuration)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda *args: True
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _templates(path: Path, out: Path) -> list[Any]:
    from flowc.targets.asl.sam import build_template
    from flowc.targets.sqs.target import render as render_sqs
    from ruamel.yaml import YAML

    result = analyse([path])
    assert result.program is not None
    docs = [build_template(result.program, result.asl, out)]
    if result.ok:
        files = render_sqs(result, out, [str(path)])
        docs += [YAML(typ="safe", pure=True).load(text) for name, text in files.items() if name.endswith(".yaml")]
    return docs


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_templates_of_every_example_are_written_as_ruamel_writes_them(path: Path, tmp_path: Path) -> None:
    for doc in _templates(path, tmp_path):
        fast = _block_yaml(doc)
        assert fast is None or fast == ruamel_dump(doc)


def test_the_step_functions_templates_take_the_fast_path(tmp_path: Path) -> None:
    from flowc.targets.asl.sam import build_template

    taken = 0
    for path in SOURCES:
        result = analyse([path])
        taken += _block_yaml(build_template(result.program, result.asl, tmp_path)) is not None
    assert taken >= len(SOURCES) // 2  # (an inline webhook verifier, multi-line code, is left to ruamel)


TRICKY = ["*", "yes", "No", "on", "Y", "n", "true", "True", "TRUE", "tRUE", "false", "null", "Null", "NULL", "~",
          "30", "2.0", "1_000", "0x1F", "2012-10-17", "3rd", "-", "-x", "- x", "?", ":", "a:b", "a: b", "a:", "a #b",
          "a#b", "#a", "./x", "../x", ".5", "...", "---", "=", "<<", "${AWS::StackName}-x", "/aws/x", "'", "a'b",
          'a"b', '{"k":"v"}', "[x]", "x, y", "@x", "`x", "%x", "!x", "&x", "|x", ">x", " x", "x ", "", "a\nb", "é",
          "a\tb", "x" * 1200]
scalars = st.one_of(st.sampled_from(TRICKY), st.text(alphabet="aZ09 :#'\"-_./${}*,?", max_size=12),
                    st.integers(-10**6, 10**6), st.booleans(), st.floats(allow_nan=True, allow_infinity=True),
                    st.none())
keys = st.one_of(st.sampled_from(TRICKY), st.text(alphabet="aZ09 :#'-_./$", max_size=10))
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(keys, inner, max_size=4)), max_leaves=25)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, documents, min_size=1, max_size=5))
def test_generated_documents_are_written_as_ruamel_writes_them_or_left_to_it(doc: dict) -> None:
    fast = _block_yaml(doc)
    assert fast is None or fast == ruamel_dump(doc)
    assert dump_yaml(doc, "a\n\nb") == "# a\n#\n# b\n" + ruamel_dump(doc)


# Documents shaped like templates (non-empty containers, no list directly in a list, no None): most take
# the fast path, so the comparison above is exercised on what it writes, not only on what it declines.
template_scalars = st.one_of(st.sampled_from([t for t in TRICKY if t and len(t) < 100]),
                             st.text(alphabet="aZ09 :#'-_./${}*", min_size=1, max_size=12),
                             st.integers(-10**6, 10**6), st.booleans(), st.floats(-1e6, 1e6))
template_docs = st.recursive(template_scalars, lambda inner: st.one_of(
    st.lists(st.one_of(template_scalars, st.dictionaries(keys, inner, min_size=1, max_size=3)), min_size=1,
             max_size=3),
    st.dictionaries(keys, inner, min_size=1, max_size=4)), max_leaves=20)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.from_regex(r"[A-Za-z][A-Za-z0-9:]{0,12}", fullmatch=True), template_docs, min_size=1,
                       max_size=4))
def test_template_like_documents_are_written_as_ruamel_writes_them(doc: dict) -> None:
    fast = _block_yaml(doc)
    assert fast is None or fast == ruamel_dump(doc)


def test_a_plain_template_is_written_without_ruamel() -> None:
    doc = {"A": "x", "B": {"C": ["d", {"E": 1, "F": True}], "G": "2012-10-17", "H": "a: b", "I": 0.5}}
    assert _block_yaml(doc) == ("A: x\nB:\n  C:\n    - d\n    - E: 1\n      F: true\n  G: '2012-10-17'\n"
                                "  H: 'a: b'\n  I: 0.5\n")
