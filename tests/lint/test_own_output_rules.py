"""The ASL rules the compile path skips (pipeline.GUARANTEED_BY_EMITTER) stay silent on flowc's own output.

Each skipped rule runs on the compiled output of every example and corpus `.flow` (and, with --shared, of every
shared real-world definition imported to `.flow`), of hypothesis-mutated examples (broken programs too: the rules
run whatever the front end reported) and of hypothesis-made programs that reuse a few step names across
branches and map processors. Any finding means a skip would change what `flowc` reports.
"""

from __future__ import annotations

import csv
import json
import random
import textwrap
from pathlib import Path

import pytest
from flowc.compiler.asldoc import AslDocument
from flowc.compiler.engine import run_rules
from flowc.compiler.pipeline import GUARANTEED_BY_EMITTER, analyse, own_output_document
from flowc.compiler.rules import all_rules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import shared
from tests.fuzzing import mutate
from tests.helpers import CORPUS, REPO, WORKFLOWS

SKIPPED = [all_rules()[code]() for code in sorted(GUARANTEED_BY_EMITTER)]
SOURCES = sorted([*WORKFLOWS.glob("**/*.flow"), *WORKFLOWS.glob("**/*.flow.yaml"), *CORPUS.glob("*.flow"),
                  *REPO.glob("tests/**/*.flow"), *REPO.glob("tests/**/*.flow.yaml")])
SOURCES = sorted(set(SOURCES))
REAL = shared.path("corpus", "real-asl")


def skipped_findings(path: Path, text: str | None = None) -> list[str]:
    """What the skipped rules say about the compiled output of `path` (or of `text` as if it were `path`)."""
    result = analyse([path], sources=None if text is None else {path.resolve(): text})
    if result.program is None:
        return []
    out = []
    for name, wf in result.program.workflows.items():
        if name in result.asl:
            doc = own_output_document(result.program, wf, result.asl[name])
            out.extend(f"{d.code} {d.message}" for d in run_rules(doc, SKIPPED))
    return out


def test_every_skip_names_a_rule_and_its_reason() -> None:
    registry = all_rules()
    for code, reason in GUARANTEED_BY_EMITTER.items():
        assert code in registry and registry[code].target == "asl", code
        assert len(reason) > 40, code


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_skipped_rules_are_silent_on_every_example(path: Path) -> None:
    assert skipped_findings(path) == []


def test_the_check_can_fail() -> None:
    """The same rules do fire on definitions flowc would never write (so the tests above can fail)."""
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}], "Next": "B"},
        "B": {"Type": "Succeed"}}}
    doc = AslDocument(definition, "x.asl.json", lambda _p: None)
    assert [d.code for d in run_rules(doc, SKIPPED)] == ["FLOW202"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SOURCES), st.integers(0, 2**32 - 1))
def test_skipped_rules_are_silent_on_mutated_examples(path: Path, seed: int) -> None:
    text = mutate(path.read_bytes(), random.Random(seed)).decode("utf-8", errors="replace")
    assert skipped_findings(path, text) == []


NAMES = st.sampled_from(["A", "B", "C", "Step"])


@st.composite
def block(draw, depth: int) -> list[str]:
    """Steps of one block: passes, waits, parallels and maps whose bodies reuse the same few names."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(NAMES)
        kind = draw(st.sampled_from(["pass", "wait", "parallel", "map"] if depth < 3 else ["pass", "wait"]))
        if kind == "pass":
            lines.append(f"{name}: pass with {{ x: $.x }}")
        elif kind == "wait":
            lines.append(f"{name}: wait 1s")
        elif kind == "parallel":
            lines.append(f"{name}: parallel")
            for _ in range(draw(st.integers(1, 2))):
                lines.append("  branch")
                lines.extend("    " + line for line in draw(block(depth + 1)))
        else:
            lines += [f"{name}: map $.items", "  do"]
            lines.extend("    " + line for line in draw(block(depth + 1)))
    return lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block(0), st.sampled_from(["Done: succeed", "Done: fail Oops", "goto A", ""]))
def test_skipped_rules_are_silent_on_made_up_programs(tmp_path_factory, steps: list[str], last: str) -> None:
    text = "workflow W\n" + textwrap.indent("\n".join([*steps, last]), "  ") + "\n"
    path = tmp_path_factory.mktemp("made") / "w.flow"
    path.write_text(text, encoding="utf-8")
    assert skipped_findings(path) == [], text


def _real_rows() -> list[str]:
    manifest = REAL / "manifest.tsv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8") as f:
        return [r["path"] for r in csv.DictReader(f, delimiter="\t") if r["parse"] == "ok"]


@shared.marker
@pytest.mark.parametrize("row", _real_rows())
def test_skipped_rules_are_silent_on_the_imported_shared_corpus(tmp_path: Path, row: str) -> None:
    from flowc.compiler.importer import import_definition

    file = REAL / row
    text = file.read_text(encoding="utf-8")
    if file.suffix in (".yaml", ".yml"):
        from ruamel.yaml import YAML

        definition = json.loads(json.dumps(YAML(typ="safe").load(text), default=str))
    else:
        definition = json.loads(text)
    imported = import_definition(definition, name="Imported", check=False)
    path = tmp_path / "imported.flow"
    path.write_text(imported.flow, encoding="utf-8")
    assert skipped_findings(path) == []


# Rules that never fired on the suite's compiled output, yet stay on the compile path: each can fire on it.
CAN_FIRE = {
    "FLOW102": "  M: map distributed $.items\n    reader { Resource: \"arn:aws:states:::s3:getObject\", Bogus: 1 }\n"
               "    do\n      X: pass\n  B: succeed\n",
    "FLOW112": "  M: map distributed $.items\n    reader { Resource: \"arn:aws:states:::s3:getObject\" }\n"
               "    do\n      X: pass\n  B: succeed\n",
    "FLOW209": "  A: pass\n    assign { states: 1 }\n  B: succeed\n",
}


@pytest.mark.parametrize("code", sorted(CAN_FIRE))
def test_rules_left_on_the_compile_path_can_fire_on_its_output(tmp_path: Path, code: str) -> None:
    assert code not in GUARANTEED_BY_EMITTER
    path = tmp_path / "w.flow"
    path.write_text("workflow W\n" + CAN_FIRE[code], encoding="utf-8")
    result = analyse([path], rules=[])
    wf = result.program.workflows["W"]
    doc = own_output_document(result.program, wf, result.asl["W"])
    assert code in [d.code for d in run_rules(doc, [all_rules()[code]()])]
