"""Unknown rule codes in --select/--ignore/[tool.flowc.lint] are usage errors (exit 2), never a silent pass."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main

BAD = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}}}\n'


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.asl.json").write_text(BAD)
    return tmp_path


@pytest.mark.parametrize("args, shown, suggestion", [
    (["--select", "FLOW21"], "--select", "FLOW201"),
    (["--ignore", "FLW201"], "--ignore", "FLOW201"),
    (["--select", "flow2o1"], "--select", "FLOW201"),
])
def test_cli_typo_exits_two_with_did_you_mean(tree, args, shown, suggestion):
    result = CliRunner().invoke(main, ["lint", *args])
    assert result.exit_code == 2, result.output
    assert f"in {shown}; did you mean '{suggestion}'?" in result.output


def test_nothing_close_points_at_flowc_rules(tree):
    result = CliRunner().invoke(main, ["lint", "--select", "E501"])
    assert result.exit_code == 2
    assert "`flowc rules` lists every code" in result.output


@pytest.mark.parametrize("table", [
    'select = ["FLOW9"]',
    'ignore = ["FLOW2011"]',
    '[tool.flowc.lint.severity]\nFLOW5O3 = "error"',
    '[tool.flowc.lint.per-file-ignores]\n"*.json" = ["FLOW20X"]',
])
def test_config_typo_exits_two(tree, table):
    (tree / "pyproject.toml").write_text(f"[tool.flowc.lint]\n{table}\n")
    result = CliRunner().invoke(main, ["lint"])
    assert result.exit_code == 2, result.output
    assert "[tool.flowc.lint]" in result.output and "unknown rule code" in result.output


@pytest.mark.parametrize("args", [["--select", "FLOW2"], ["--select", "flow201"], ["--ignore", "FLOW5"],
                                  ["--select", "FLOW000", "--select", "FLOW201"]])
def test_valid_codes_and_prefixes_still_run(tree, args):
    result = CliRunner().invoke(main, ["lint", *args])
    assert result.exit_code == 1, result.output
    assert "FLOW201" in result.output
