"""The `.flow` and `.flow.yaml` printers (dsl/printer.py, dsl/yaml_printer.py): every example and corpus file,
parsed and printed, parses back to the same tree (spans aside) and compiles to the same ASL and template
inputs; printing is deterministic; values the lexer would misread are quoted."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest
from flowc.compiler.lower import lower
from flowc.dsl import ast, printer, yaml_printer
from flowc.dsl.diagnostics import Span
from flowc.dsl.parser import parse_flow
from flowc.dsl.yaml_loader import parse_flow_yaml
from flowc.targets.asl.emit import emit_workflow

from tests.helpers import CORPUS, WORKFLOWS

FILES = sorted(CORPUS.glob("*.flow")) + sorted(WORKFLOWS.glob("*.flow"))


def shape(node):
    """A node as plain data without source positions (what the printer must preserve)."""
    if isinstance(node, list):
        return [shape(x) for x in node]
    if isinstance(node, (ast.Node, ast.ObjectItem)):
        return {k: shape(getattr(node, k)) for k in ast.field_names(node.__class__)
                if not isinstance(getattr(node, k), Span)}
    return node


def compiled(module: ast.Module) -> dict:
    program, diags = lower([module])
    out = {name: json.dumps(emit_workflow(program, wf).definition, sort_keys=True)
           for name, wf in program.workflows.items()}
    out["triggers"] = json.dumps([[{k: v for k, v in asdict(t).items() if k not in ("span", "pattern", "input")}
                                    for t in wf.triggers]
                                  for wf in program.workflows.values()], sort_keys=True)
    out["resources"] = json.dumps(sorted((k, r.arn, json.dumps(r.props, sort_keys=True))
                                         for k, r in program.resources.items()))
    out["errors"] = sorted(d.code for d in diags if d.severity.value == "error")
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_flow_printer_round_trips(path: Path) -> None:
    module = parse_flow(path.read_text(encoding="utf-8"), str(path))
    text = printer.format_module(module)
    again = parse_flow(text, str(path))
    assert shape(again) == shape(module)
    assert printer.format_module(again) == text  # a fixed point: printing is stable


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_yaml_printer_compiles_to_the_same(path: Path) -> None:
    module = parse_flow(path.read_text(encoding="utf-8"), str(path))
    text = yaml_printer.format_module(module)
    twin = parse_flow_yaml(text, str(path) + ".yaml")
    assert compiled(twin) == compiled(module)
    assert yaml_printer.format_module(module) == text


def test_names_keys_and_strings_that_need_quotes() -> None:
    src = ('workflow W\n  "my step": pass\n    with { "a b": "x", true: 1, "k.$": "$.p", s: "line\\nbreak" }\n'
           '  goto "end"\n  "end": succeed\n')
    module = parse_flow(src, "q.flow")
    text = printer.format_module(module)
    assert '"my step": pass' in text and '"end": succeed' in text and 'goto "end"' in text
    assert '"true": 1' in text and '"k.$": "$.p"' in text and '"line\\nbreak"' in text
    assert shape(parse_flow(text, "q.flow")) == shape(module)


def test_yaml_literal_strings_that_look_like_expressions_are_tagged() -> None:
    src = 'workflow W\n  A: pass\n    with { price: "$5", d: "10s" }\n    comment "10s"\n'
    module = parse_flow(src, "l.flow")
    text = yaml_printer.format_module(module)
    assert '!lit "$5"' in text and 'comment: !lit "10s"' in text
    assert compiled(parse_flow_yaml(text, "l.flow.yaml")) == compiled(module)


def test_long_objects_break_one_entry_per_line() -> None:
    items = ", ".join(f"field_{i}: $.input.value_{i}" for i in range(8))
    module = parse_flow(f"workflow W\n  A: pass\n    with {{ {items} }}\n", "w.flow")
    text = printer.format_module(module)
    assert "    with {\n      field_0: $.input.value_0,\n" in text
    assert shape(parse_flow(text, "w.flow")) == shape(module)


def test_a_choose_on_one_path_against_literals_prints_as_switch() -> None:
    src = ('workflow W\n  Route: choose\n    if $.kind == "a" or $.kind == "b" goto A\n    elif $.kind == "c" goto B\n'
           '    else goto B\n  A: succeed\n  B: succeed\n')
    module = parse_flow(src, "s.flow")
    text = printer.format_module(module)
    assert '  Route: switch $.kind\n    case "a", "b" goto A\n    case "c" goto B\n    default goto B\n' in text
    assert shape(parse_flow(text, "s.flow")) == shape(module)
    assert compiled(parse_flow_yaml(yaml_printer.format_module(module), "s.flow.yaml")) == compiled(module)
    mixed = parse_flow(src.replace('elif $.kind == "c"', 'elif $.other == "c"'), "m.flow")
    assert "Route: choose" in printer.format_module(mixed)
