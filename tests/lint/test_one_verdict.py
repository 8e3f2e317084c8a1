"""`check`, `compile` and `lint` give one verdict on the same file (issue 14 item 1)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main

from tests.helpers import WORKFLOWS

DEAD = """workflow W
  function f handler "h.f" code "."
  A: pass
    result $.x
  B: succeed
  C: pass
    result $.y
"""
UNASSIGNED = """workflow V
  query jsonata
  A: pass
    output "{% $missing %}"
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dead.flow").write_text(DEAD)
    (tmp_path / "h.py").write_text("def f(event, context):\n    return event\n")  # the handler exists (FLOW106)
    (tmp_path / "unassigned.flow").write_text(UNASSIGNED)
    return tmp_path


def _codes(output: str) -> list[tuple[str, str]]:
    return sorted({(line.split(": ")[1].split()[0], line.split(": ")[1].split()[1])
                   for line in output.splitlines() if ": error FLOW" in line or ": warning FLOW" in line})


@pytest.mark.parametrize("name", ["dead.flow", "unassigned.flow"])
def test_check_reports_what_lint_reports(project, name):
    runner = CliRunner()
    lint = runner.invoke(main, ["lint", name])
    check = runner.invoke(main, ["check", name])
    assert _codes(lint.output), lint.output
    assert _codes(check.output) == _codes(lint.output)
    assert check.exit_code == lint.exit_code


def test_error_rule_fails_check_and_compile_writes_nothing(project):
    runner = CliRunner()
    check = runner.invoke(main, ["check", "dead.flow"])
    assert check.exit_code == 1 and "error FLOW603" in check.output and "warning FLOW601" in check.output
    compiled = runner.invoke(main, ["compile", "dead.flow", "-o", "out"])
    assert compiled.exit_code == 1 and "error FLOW603" in compiled.output and "nothing written" in compiled.output
    assert not (project / "out").exists()


def test_warnings_print_but_pass(project):
    result = CliRunner().invoke(main, ["check", "unassigned.flow"])
    assert result.exit_code == 0, result.output
    assert "warning FLOW208" in result.output and "ok: 1 workflow checked (0 errors, 1 warning)" in result.output


def test_configured_severity_and_suppression_apply_to_check_and_compile(project):
    (project / "pyproject.toml").write_text('[tool.flowc.lint.severity]\nFLOW603 = "warning"\n'
                                            'FLOW208 = "error"\n')
    runner = CliRunner()
    assert runner.invoke(main, ["check", "dead.flow"]).exit_code == 0
    assert runner.invoke(main, ["compile", "dead.flow", "-o", "out"]).exit_code == 0
    assert (project / "out" / "W.asl.json").is_file()
    unassigned = runner.invoke(main, ["check", "unassigned.flow"])
    assert unassigned.exit_code == 1 and "error FLOW208" in unassigned.output
    (project / "unassigned.flow").write_text(UNASSIGNED.replace('%}"', '%}"  # flowc: ignore[FLOW208]'))
    assert runner.invoke(main, ["check", "unassigned.flow"]).exit_code == 0


def test_strict_config_fails_check_on_warnings(project):
    (project / "pyproject.toml").write_text("[tool.flowc.lint]\nstrict = true\n")
    assert CliRunner().invoke(main, ["check", "unassigned.flow"]).exit_code == 1


def test_unknown_code_in_config_is_a_usage_error_for_check(project):
    (project / "pyproject.toml").write_text('[tool.flowc.lint]\nignore = ["FLOW6O1"]\n')
    result = CliRunner().invoke(main, ["check", "dead.flow"])
    assert result.exit_code == 2 and "did you mean 'FLOW601'" in result.output


def test_directories_are_accepted_by_check_and_compile(project):
    (project / "src").mkdir()
    (project / "src" / "a.flow").write_text("workflow A\n  Done: succeed\n")
    (project / "src" / "b.flow.yaml").write_text("workflow: B\nsteps:\n  - Done: succeed\n")
    (project / "src" / "notes.json").write_text("{}")
    runner = CliRunner()
    check = runner.invoke(main, ["check", "src"])
    assert check.exit_code == 0 and "ok: 2 workflows checked" in check.output, check.output
    compiled = runner.invoke(main, ["compile", "src", "--output", "build"])
    assert compiled.exit_code == 0, compiled.output
    assert {p.name for p in (project / "build").glob("*.asl.json")} == {"A.asl.json", "B.asl.json"}
    assert runner.invoke(main, ["check", str(project / "build")]).exit_code == 2  # no workflow sources there


def test_check_json_lists_warnings_too(project):
    result = CliRunner().invoke(main, ["check", "-f", "json", "unassigned.flow"])
    assert [d["code"] for d in json.loads(result.stdout)] == ["FLOW208"]


def test_examples_agree(project):
    runner = CliRunner()
    for name in ("member_onboarding.flow", "user_fanout.flow"):
        path = str(WORKFLOWS / name)
        lint, check = runner.invoke(main, ["lint", path]), runner.invoke(main, ["check", path])
        assert _codes(check.output) == _codes(lint.output)


def test_configuration_cannot_turn_a_program_that_does_not_build_into_output(project):
    """Severities grade rules; they do not make an unknown function compile (no template with a dangling ARN)."""
    (project / "pyproject.toml").write_text('[tool.flowc.lint]\nignore = ["FLOW2"]\n'
                                            '[tool.flowc.lint.severity]\nFLOW201 = "off"\n')
    (project / "broken.flow").write_text("workflow B\n  A: invoke missing\n")
    runner = CliRunner()
    for args in (["check", "broken.flow"], ["lint", "broken.flow"], ["compile", "broken.flow", "-o", "out"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1 and "error FLOW201: unknown function 'missing'" in result.output, args
    assert not (project / "out").exists()
