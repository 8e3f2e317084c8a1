"""shared/corpus/real-asl: definitions from AWS's public sample collection.

flowc reports no error on the definitions AWS deploys. Two files in the collection cannot be deployed as
written and are pinned with their errors: one is not JSON, one puts "QueryLanguage" inside "States". Every
warning is pinned in data/real_asl_warnings.tsv (regenerate with FLOWC_UPDATE_SNAPSHOTS=1).
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from flowc.compiler.lint.discovery import discover
from flowc.compiler.lint.runner import Options, lint_targets

from tests import shared
from tests.lint.helpers import REPO

pytestmark = shared.marker

ROOT = shared.path("corpus", "real-asl")
SNAPSHOT = REPO / "tests" / "lint" / "data" / "real_asl_warnings.tsv"

NOT_DEPLOYABLE = {
    # manifest parse=PARSE_ERROR: '"Messages": "Messages.$": "$.Messages"' is not JSON.
    "sfn-iot-data-analytics-dataset/statemachine/statemachine.asl.json": {"FLOW100": 1},
    # "QueryLanguage": "JSONata" is written inside "States", where every member must be a state object (ASL
    # specification, "Top-level fields": States is an object of states); the machine is therefore JSONPath and
    # its states' Arguments/Output are JSONata-only fields.
    "shared-fallback-state-jsonata/statemachine/statemachine.asl.json": {"FLOW109": 1, "FLOW304": 9},
}
WARNINGS = {"FLOW110": 17, "FLOW403": 35, "FLOW404": 15, "FLOW405": 50, "FLOW501": 178, "FLOW502": 63,
            "FLOW503": 9, "FLOW504": 124, "FLOW505": 23}


@pytest.fixture(scope="module")
def reports():
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return lint_targets(discover(["."]), Options(), jobs=1)
    finally:
        os.chdir(cwd)


def test_every_definition_is_found(reports):
    assert len(reports) == 178
    assert all(r.kind == "asl" for r in reports)


def test_no_errors_on_deployed_definitions(reports):
    for r in reports:
        errors = Counter(d.code for d in r.diagnostics if d.severity.value == "error")
        assert dict(errors) == NOT_DEPLOYABLE.get(r.path, {}), (r.path, [
            f"{d.code}:{d.span.line}: {d.message}" for d in r.diagnostics if d.severity.value == "error"])


def test_warning_counts_per_code(reports):
    counts = Counter(d.code for r in reports for d in r.diagnostics if d.severity.value == "warning")
    assert dict(counts) == WARNINGS


def test_warnings_are_pinned(reports):
    lines = sorted(f"{r.path}\t{d.span.line}\t{d.span.col}\t{d.code}\t{d.message}"
                   for r in reports for d in r.diagnostics if d.severity.value == "warning")
    text = "\n".join(lines) + "\n"
    if os.environ.get("FLOWC_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert SNAPSHOT.read_text(encoding="utf-8") == text
