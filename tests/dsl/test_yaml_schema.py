"""`flowc schema` and the models behind it (issue 18 item 3): the JSON Schema of `.flow.yaml` is generated from
the models the YAML front end validates every file with, every example validates against it, wrong files are
rejected by both, and the loader and the schema agree on mutated documents."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.dsl import yaml_model, yaml_printer
from flowc.dsl.diagnostics import FlowError
from flowc.dsl.parser import parse_flow
from flowc.dsl.yaml_loader import load_data, parse_flow_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import shared
from tests.helpers import CORPUS, REPO, WORKFLOWS

SCHEMA_FILE = REPO / "docs" / "flow.schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
EXAMPLES = sorted(WORKFLOWS.glob("*.flow.yaml"))
FLOW_SOURCES = sorted(CORPUS.glob("*.flow")) + sorted(WORKFLOWS.glob("*.flow"))


def schema_errors(data: Any) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(data)]


def loader_accepts(text: str) -> tuple[bool, list[str]]:
    try:
        parse_flow_yaml(text, "t.flow.yaml")
    except FlowError as err:
        return False, [d.message for d in err.diagnostics]
    return True, []


# ------------------------------------------------------------------------------------------ the command


def test_checked_in_schema_is_what_flowc_schema_prints():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    assert result.output == SCHEMA_FILE.read_text(encoding="utf-8") == yaml_model.schema_text()


def test_schema_output_is_byte_identical_across_processes(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": "12345"}
    out = tmp_path / "s.json"
    done = subprocess.run([sys.executable, "-m", "flowc", "schema", "-o", str(out)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == SCHEMA_FILE.read_bytes()


def test_schema_write_error_is_a_message_not_a_traceback(tmp_path):
    result = CliRunner().invoke(main, ["schema", "-o", str(tmp_path / "missing" / "s.json")])
    assert result.exit_code == 2 and "cannot write" in result.output and "Traceback" not in result.output


def test_schema_is_a_draft7_schema_with_identity():
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert SCHEMA["$id"].endswith("/docs/flow.schema.json") and SCHEMA["title"] and SCHEMA["description"]
    assert "$defs" not in json.dumps(SCHEMA)  # draft-07 readers resolve #/definitions/...


def test_readme_and_docs_bind_the_schema_the_way_editors_read_it():
    """The modeline, the VS Code settings and the SchemaStore entry name the checked-in schema's `$id`."""
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    modeline = f"# yaml-language-server: $schema={SCHEMA['$id']}\n"
    snippet = readme.split("```yaml\n" + modeline, 1)[1].split("```", 1)[0]
    assert schema_errors(load_data(snippet)) == [] and loader_accepts(modeline + snippet) == (True, [])
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", readme, re.S)]
    settings_block = next(b for b in blocks if "yaml.schemas" in b)
    assert "*.flow.yaml" in settings_block["yaml.schemas"][SCHEMA["$id"]]
    assert settings_block["yaml.customTags"] == ["!lit scalar", "!ref scalar"]
    [entry] = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", (REPO / "docs" / "schema.md").read_text(),
                                                  re.S)]
    assert entry["url"] == SCHEMA["$id"] and "*.flow.yaml" in entry["fileMatch"] and entry["name"]


# ------------------------------------------------------------------------------------------ documentation


def _properties(node: Any, where: str = "#"):
    """(path, name, property schema) of every object property anywhere in the schema."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{where}/properties/{name}", name, prop
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{where}/{i}")


PROPERTIES = list(_properties(SCHEMA))


def test_the_walk_finds_every_model_field():
    assert len(PROPERTIES) >= 150
    names = {name for _, name, _ in PROPERTIES}
    assert {"workflow", "steps", "retry", "catch", "dynamodb.putItem", "if", "else", "case", "http", "function",
            "tolerate", "max_delay"} <= names


@pytest.mark.parametrize("path, name, prop", PROPERTIES, ids=[p for p, _, _ in PROPERTIES])
def test_every_field_has_a_description_and_examples_that_validate(path, name, prop):
    assert len(prop.get("description", "")) >= 10, path
    examples = prop.get("examples")
    assert examples, path
    check = jsonschema.Draft7Validator({**prop, "definitions": SCHEMA["definitions"]})
    for example in examples:
        assert not list(check.iter_errors(example)), (path, example)


def test_every_definition_says_what_it_is():
    for name, definition in SCHEMA["definitions"].items():
        assert definition.get("description"), name


# ------------------------------------------------------------------------------------------ valid files


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates(path: Path):
    assert schema_errors(load_data(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", FLOW_SOURCES, ids=lambda p: p.name)
def test_every_flow_source_printed_as_yaml_validates(path: Path):
    """The corpus covers every construct of the language; its YAML twin must be schema-valid and loadable."""
    text = yaml_printer.format_module(parse_flow(path.read_text(encoding="utf-8"), str(path)))
    assert schema_errors(load_data(text)) == []
    assert loader_accepts(text) == (True, [])


REAL = shared.path("corpus", "real-asl")


@shared.marker
def test_real_state_machines_imported_as_yaml_validate():
    """Every real-world definition of the shared corpus that imports as `.flow.yaml` is schema-valid."""
    from flowc.compiler.importer import import_definition

    from tests.importer.test_roundtrip_corpus import REAL_ROWS, _load

    checked = 0
    for row in REAL_ROWS:
        result = import_definition(_load(REAL / row), name="Imported", yaml=True)
        if not result.flow or any(d.severity.value == "error" for d in result.diagnostics):
            continue
        assert schema_errors(load_data(result.flow)) == [], row
        checked += 1
    assert checked >= 50


# ------------------------------------------------------------------------------------------ wrong files

OK_STEP = "steps:\n  - A: succeed\n"
WRONG = {
    "unknown top-level key": ("workflow: W\nstepz: []\n" + OK_STEP, "FLOW100", 2),
    "unknown step option": ("workflow: W\nsteps:\n  - A:\n      pass:\n      resutl: $.x\n", "FLOW102", 5),
    "unknown resource property": ("workflow: W\nresources:\n  - table: T\n    keys: id\n" + OK_STEP, "FLOW102", 4),
    "trigger option of another kind": ("workflow: W\ntriggers:\n  - schedule: rate(1 day)\n    bus: B\n" + OK_STEP,
                                       "FLOW102", 4),
    "unknown retry field": ("workflow: W\nsteps:\n  - A: {invoke: f, retry: [{errors: [X], intervall: 2s}]}\n",
                            "FLOW100", 3),
    "wrong type of setting": ("workflow: W\ntimeout: {a: 1}\n" + OK_STEP, "FLOW101", 2),
    "wrong type of name": ("workflow: 12\n" + OK_STEP, "FLOW101", 1),
    "wrong type of property": ("workflow: W\nresources:\n  - function: f\n    handler: [1, 2]\n    code: h\n"
                               + OK_STEP, "FLOW101", 4),
    "wrong type in retry": ("workflow: W\nsteps:\n  - A: {invoke: f, retry: [{errors: [X], attempts: three}]}\n",
                            "FLOW100", 3),
    "environment value that is a mapping": ("workflow: W\nresources:\n  - function: f\n    handler: m.f\n"
                                            "    code: h\n    env: {A: {b: 1}}\n" + OK_STEP, "FLOW101", 6),
    "missing steps": ("workflow: W\ndoc: nothing to do\n", "FLOW100", 1),
    "missing catch target": ("workflow: W\nsteps:\n  - A: {invoke: f, catch: [{errors: [X]}]}\n", "FLOW100", 3),
    "missing branch target": ("workflow: W\nsteps:\n  - A:\n      choose:\n        - if: $.a == 1\n", "FLOW100", 5),
    "map without do": ("workflow: W\nsteps:\n  - A: {map: $.items}\n", "FLOW100", 3),
    "bad step kind": ("workflow: W\nsteps:\n  - A: {frobnicate: 1}\n", "FLOW100", 3),
    "two step kinds": ("workflow: W\nsteps:\n  - A: {pass: null, succeed: null}\n", "FLOW100", 3),
    "shorthand that needs a target": ("workflow: W\nsteps:\n  - A: invoke\n", "FLOW101", 3),
    "step that is a list": ("workflow: W\nsteps:\n  - A: [1]\n", "FLOW100", 3),
    "two resource kinds": ("workflow: W\nresources:\n  - {table: T, topic: U}\n" + OK_STEP, "FLOW100", 3),
    "bad duration in wait": ("workflow: W\nsteps:\n  - A: {wait: 10x}\n", "FLOW101", 3),
    "bad duration in retry": ("workflow: W\nsteps:\n  - A: {invoke: f, retry: [{errors: [X], interval: 2x}]}\n",
                              "FLOW100", 3),
    "bad duration in a resource": ("workflow: W\nresources:\n  - queue: Q\n    visibility: 30 seconds\n" + OK_STEP,
                                   "FLOW101", 4),
    "bad workflow type": ("workflow: W\ntype: fast\n" + OK_STEP, "FLOW101", 2),
    "bad query language": ("workflow: W\nsteps:\n  - A: {pass: null, query: xpath}\n", "FLOW101", 3),
    "bad logging level": ("workflow: W\nlogging: verbose\n" + OK_STEP, "FLOW101", 2),
    "bad jitter": ("workflow: W\nsteps:\n  - A: {invoke: f, retry: [{errors: [X], jitter: partial}]}\n",
                   "FLOW100", 3),
    "bad tolerate": ("workflow: W\nsteps:\n  - A: {map: $.x, distributed: true, tolerate: lots, do: [{B: succeed}]}\n",
                     "FLOW101", 3),
    "catch into that is not a path": ("workflow: W\nsteps:\n  - A: {invoke: f, catch: [{errors: [X], into: err, "
                                      "goto: A}]}\n", "FLOW100", 3),
    "http trigger without a path": ("workflow: W\ntriggers:\n  - http: POST\n" + OK_STEP, "FLOW100", 3),
    "empty parallel": ("workflow: W\nsteps:\n  - A: {parallel: []}\n", "FLOW100", 3),
    "not a mapping": ("- workflow: W\n", "FLOW100", 1),
    "workflows entry without a name": ("workflows:\n  - steps: []\n", "FLOW100", 2),
    "mode that does not exist": ("workflow: W\nsteps:\n  - A: {start: B, mode: eventually}\n", "FLOW101", 3),
    "fifo that is not a flag": ("workflow: W\nresources:\n  - topic: T\n    fifo: yes please\n" + OK_STEP,
                                "FLOW101", 4),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_files_are_rejected_by_the_schema_and_the_loader(name):
    text, code, line = WRONG[name]
    assert schema_errors(load_data(text)), f"the schema accepts: {name}"
    with pytest.raises(FlowError) as info:
        parse_flow_yaml(text, "bad.flow.yaml")
    found = [(d.code, d.span.line) for d in info.value.diagnostics]
    assert (code, line) in found, found


def test_model_errors_are_located_and_readable():
    text = ("workflow: W\ntimeout: {a: 1}\nresources:\n  - function: f\n    handler: m.f\n    code: h\n"
            "steps:\n  - A:\n      invoke: f\n      resutl: $.x\n")
    with pytest.raises(FlowError) as info:
        parse_flow_yaml(text, "bad.flow.yaml")
    by_code = {d.code: d for d in info.value.diagnostics}
    assert by_code["FLOW101"].message == "'timeout' takes a whole number, or a duration such as 30s or 1h30m"
    assert (by_code["FLOW101"].span.line, by_code["FLOW101"].span.col) == (2, 10)
    assert by_code["FLOW102"].message == "unknown key 'resutl'" and by_code["FLOW102"].hint == "did you mean 'result'?"
    assert (by_code["FLOW102"].span.line, by_code["FLOW102"].span.col) == (10, 7)


def test_the_cli_reports_model_errors_without_a_traceback(tmp_path):
    (tmp_path / "w.flow.yaml").write_text("workflow: W\ntype: fast\n" + OK_STEP)
    result = CliRunner().invoke(main, ["check", str(tmp_path / "w.flow.yaml")])
    assert result.exit_code == 1 and "w.flow.yaml:2:7: error FLOW101: 'type' takes standard or express" in \
        result.output and "Traceback" not in result.output


# ------------------------------------------------------------------------------------------ agreement

# Replacement values that are not expressions: the expression and condition grammar is the loader's alone
# (`$.a ===` is a well-formed string to JSON Schema), so no mutation writes one.
REPLACEMENTS = [7, -1, 2.5, True, None, "x", "10x", [], [1], {}, {"k": 1}, "end", {"goto": "A"}]
CONDITION_KEYS = {"if", "elif"}


def _containers(node: Any, path: tuple = ()):
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from _containers(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, (dict, list)):
                yield from _containers(value, (*path, i))


def mutate(data: Any, rng: random.Random) -> Any:
    """One structural change: a key dropped, an unknown key added, or a value replaced by one of another kind."""
    data = json.loads(json.dumps(data))
    containers = [c for c in _containers(data) if c[1]]
    _, node = rng.choice(containers)
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    key = rng.choice(keys)
    action = rng.choice(("drop", "add", "replace", "replace"))
    if action == "drop":
        del node[key]
    elif action == "add" and isinstance(node, dict):
        node[rng.choice(["bogus", "then", "goto", "retry", "doc", "as", "mode", "public"])] = rng.choice(REPLACEMENTS)
    elif key not in CONDITION_KEYS:
        node[key] = rng.choice(REPLACEMENTS)
    return data


SEEDS = [load_data(p.read_text(encoding="utf-8")) for p in EXAMPLES] + [
    load_data(yaml_printer.format_module(parse_flow(p.read_text(encoding="utf-8"), str(p)))) for p in
    sorted(CORPUS.glob("*.flow"))]


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(SEEDS) - 1), st.integers(0, 2**32 - 1), st.integers(1, 3))
def test_loader_and_schema_agree_on_mutated_documents(index, seed, changes):
    rng = random.Random(seed)
    data = SEEDS[index]
    for _ in range(changes):
        data = mutate(data, rng)
    text = json.dumps(data, indent=1)  # JSON is YAML (1.2) whose strings are all quoted
    valid = not schema_errors(load_data(text))
    accepted, messages = loader_accepts(text)
    assert valid == accepted, (valid, messages, text)


CLAUSES = "workflow: W\nsteps:\n  - A:\n      choose:\n{}"
IF, ELIF, ELSE = "        - if: $.a == 1\n          goto: A\n", "        - elif: $.b > 2\n          goto: A\n", \
    "        - else: [{B: succeed}]\n"


@pytest.mark.parametrize("clauses, ok", [
    (IF, True), (IF + ELIF + ELSE, True), (ELSE, True), (IF + ELIF + ELIF, True),
    (ELIF, False), (IF + IF, False), (ELIF + IF, False), (ELSE + IF, False),
])
def test_choose_clause_order_is_in_the_schema_too(clauses, ok):
    text = CLAUSES.format(clauses)
    assert (not schema_errors(load_data(text))) is ok
    assert loader_accepts(text)[0] is ok


@pytest.mark.parametrize("text", [
    CLAUSES.format("        - if: $.a === 1\n          goto: A\n"),  # the condition grammar
    "workflow: W\nsteps:\n  - A:\n      pass:\n      with: {a: States.Format(}\n",  # the expression grammar
    CLAUSES.format(IF + ELSE + ELIF),  # `else` last: draft-07 has no way to say "only at the end"
])
def test_what_only_the_loader_checks(text):
    """The loader's rules JSON Schema cannot state (so the agreement test above writes no such document; it
    would see the difference if it did): these are schema-valid and refused with a located FLOW100."""
    assert not schema_errors(load_data(text))
    accepted, messages = loader_accepts(text)
    assert accepted is False and messages
