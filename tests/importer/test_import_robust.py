"""Bad input never crashes `flowc import`: real definitions with fields replaced by values of every JSON type
(seeded, so a failure reproduces) import with diagnostics, never an exception; broken templates too."""

from __future__ import annotations

import copy
import csv
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.importer import import_definition

from tests import shared

REAL = shared.path("corpus", "real-asl")
JUNK = [None, 1, -3, 2.5, True, "x", "$.a b", "{% %}", "States.Format(", [], [1, "a"], {}, {"a": 1},
        {"Type": "Task"}, "${X}"]
FIELDS = ["Next", "End", "Default", "ItemsPath", "Resource", "Choices", "Branches", "Retry", "Catch", "Seconds",
          "And", "QueryLanguage", "StartAt", "ItemProcessor", "Parameters", "Comment", "Type"]


def _definitions() -> list:
    if not (REAL / "manifest.tsv").exists():
        return []
    with (REAL / "manifest.tsv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["parse"] == "ok" and r["path"].endswith(".json")]
    return [json.loads((REAL / r["path"]).read_text(encoding="utf-8")) for r in rows[::6]]


DEFINITIONS = _definitions()


def _mutate(value, rnd: random.Random):
    if isinstance(value, dict):
        value = dict(value)
        if value and rnd.random() < 0.3:
            value[rnd.choice(list(value))] = rnd.choice(JUNK)
        if rnd.random() < 0.1:
            value[rnd.choice(FIELDS)] = rnd.choice(JUNK)
        return {k: _mutate(v, rnd) for k, v in value.items()}
    if isinstance(value, list):
        return [_mutate(v, rnd) for v in value]
    return value


@shared.marker
@pytest.mark.parametrize("seed", range(8))
def test_mutated_definitions_import_without_crashing(seed: int) -> None:
    rnd = random.Random(seed)
    failed = 0
    for _ in range(25):
        definition = _mutate(copy.deepcopy(rnd.choice(DEFINITIONS)), rnd)
        result = import_definition(definition, yaml=seed % 2 == 1)
        if not result.ok:
            failed += 1
            assert result.diagnostics or result.roundtrip.differences  # a failure always says why
    assert failed  # the mutations do break things: the test exercises the error paths


@pytest.mark.parametrize("text", [
    '{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": []}}}',
    '{"Resources": {"M": {"Type": "AWS::Serverless::StateMachine", "Properties": {"DefinitionString": "{nope"}}}}',
    '{"stepFunctions": [1, 2]}',
    '{"StartAt": {"x": 1}, "States": {"A": {"Type": "Pass", "End": true}}}',
    '{"StartAt": "A", "States": {"A": [1]}}',
    '[1, 2, 3]',
])
def test_broken_files_are_diagnostics(tmp_path: Path, text: str) -> None:
    src = tmp_path / "x.json"
    src.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(src)], catch_exceptions=False)
    assert result.exit_code == 1 and " error FLOW80" in result.stderr and "Traceback" not in result.output
