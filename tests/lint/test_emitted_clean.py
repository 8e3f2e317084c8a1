"""Every workflow the compiler emits lints without errors, as `.flow` and as the raw ASL it writes."""

from __future__ import annotations

import pytest
from flowc.compiler.lint.runner import lint_flow_file
from flowc.compiler.pipeline import analyse

from tests.helpers import CORPUS, WORKFLOWS
from tests.lint.helpers import lint

SOURCES = sorted([*WORKFLOWS.glob("*.flow"), *WORKFLOWS.glob("*.flow.yaml"), *CORPUS.glob("*.flow")])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_flow_source_lints_without_errors(path):
    errors = [d for d in lint_flow_file(str(path)) if d.severity.value == "error"]
    assert errors == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_emitted_asl_lints_without_errors_as_raw_asl(path):
    result = analyse([path])
    assert result.ok
    for name, emitted in result.asl.items():
        diags = lint(emitted.to_json(), f"{name}.asl.json", workflow_type=result.program.workflows[name].type)
        assert [d for d in diags if d.severity.value == "error"] == [], name
