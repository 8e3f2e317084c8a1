"""The AST's plain nodes: the `.flow` parser builds them unchecked, `ast.validate` is the boundary check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flowc.dsl import ast
from flowc.dsl.diagnostics import Span
from flowc.dsl.parser import parse_flow
from flowc.dsl.yaml_loader import parse_flow_yaml

REPO = Path(__file__).resolve().parents[2]
FLOW_FILES = sorted(p for p in [*REPO.glob("workflows/**/*.flow"), *REPO.glob("tests/**/*.flow")])
YAML_FILES = sorted(p for p in [*REPO.glob("workflows/**/*.flow.yaml"), *REPO.glob("tests/**/*.flow.yaml")])
SPAN = Span("x.flow", 1, 1, 1, 2)


def _parse(path: Path) -> ast.Module:
    text = path.read_text(encoding="utf-8")
    return parse_flow_yaml(text, str(path)) if path.name.endswith(".yaml") else parse_flow(text, str(path))


@pytest.mark.parametrize("path", FLOW_FILES + YAML_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_parsed_file_validates_unchanged(path: Path) -> None:
    """What the parsers build is what the annotations say: validating converts nothing."""
    module = _parse(path)
    checked = ast.validate(module)
    assert checked is not module and checked == module
    assert repr(checked) == repr(module)  # same types too (1 == 1.0 == True would hide a conversion)


def test_the_corpus_is_there() -> None:
    assert len(FLOW_FILES) > 20 and len(YAML_FILES) > 4


def test_a_wrong_type_is_caught_at_any_depth() -> None:
    step = ast.Step(span=SPAN, name="A", name_span=SPAN, action=ast.PassAction(span=SPAN))
    module = ast.Module(span=SPAN, file="x.flow", workflows=[ast.Workflow(span=SPAN, name="W", name_span=SPAN,
                                                                         body=[step])])
    assert ast.validate(module) == module
    step.action = ast.NameRef(span=SPAN, name="oops")  # not an action
    with pytest.raises(ValueError, match="action"):
        ast.validate(module)
    with pytest.raises(ValueError, match="seconds"):
        ast.validate(ast.Duration(span=SPAN, seconds="soon"))
    with pytest.raises(ValueError, match="op"):
        ast.validate(ast.BoolOp(span=SPAN, op="xor", operands=[]))
    with pytest.raises(ValueError, match="span"):
        ast.validate(ast.PathValue(span=(1, 1), text="$.a"))


def test_validate_converts_what_the_yaml_reader_subclasses() -> None:
    from ruamel.yaml.scalarfloat import ScalarFloat
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    node = ast.ObjectValue(span=SPAN, items=[ast.ObjectItem(
        key="k", key_span=SPAN, value=ast.LiteralValue(span=SPAN, value=ScalarFloat(1.5, prec=1, width=3)))])
    literal = ast.validate(node).items[0].value
    assert type(literal.value) is float and literal.value == 1.5
    assert type(ast.validate(ast.NameRef(span=SPAN, name=DoubleQuotedScalarString("A"))).name) is str


def test_validated_reports_the_field() -> None:
    with pytest.raises(ValueError, match="attempts"):
        ast.validated(ast.RetrySpec, span=SPAN, errors=[], attempts="many")
    assert ast.validated(ast.RetrySpec, span=SPAN, errors=[], attempts=3).attempts == 3


def test_nodes_keep_the_keyword_api_equality_and_defaults() -> None:
    a = ast.Step(span=SPAN, name="A", name_span=SPAN, action=ast.SucceedAction(span=SPAN))
    b = ast.Step(span=SPAN, name="A", name_span=SPAN, action=ast.SucceedAction(span=SPAN))
    assert a == b and a.options == [] and a.options is not b.options  # a fresh list per node
    assert a != ast.Step(span=SPAN, name="B", name_span=SPAN, action=ast.SucceedAction(span=SPAN))
    assert repr(ast.NameRef(span=SPAN, name="A")) == "NameRef(span=Span('x.flow', 1, 1, 1, 2), name='A')"
    assert ast.field_names(ast.Step) == ("span", "kind", "name", "name_span", "action", "options")
    assert a.copy_with(name="C").name == "C" and a.name == "A"
    assert not hasattr(a, "__dict__")
    with pytest.raises(TypeError):
        ast.NameRef(span=SPAN, name="A", extra=1)


def test_parsing_flow_does_not_import_pydantic() -> None:
    probe = ("import sys\nfrom flowc.dsl.parser import parse_flow\n"
             "parse_flow('workflow W\\n  A: pass\\n  B: succeed\\n', 'w.flow')\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
