"""`flowc lint`, `flowc rules`, `flowc explain` from the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main

from tests.lint.helpers import REPO

GOOD = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}\n'
BAD = ('{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Choice", "Choices": [{"Variable": "$.a", '
       '"IsPresent": true, "Next": "Done"}], "Default": "Dnoe"},\n    "Done": {"Type": "Succeed"}\n  }\n}\n')
COL = BAD.splitlines()[3].index('"Dnoe"') + 1
WARN = ('{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, '
        '"Next": "D"}]}, "D": {"Type": "Succeed"}}}\n')


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.asl.json").write_text(GOOD)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad.json").write_text(BAD)
    (tmp_path / "package.json").write_text('{"name": "not a state machine"}')
    (tmp_path / "w.flow").write_text("workflow W\n  A: succeed\n")
    return tmp_path


def test_discovers_flow_and_asl_and_exits_one_on_errors(runner, tree):
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 1
    assert f"sub/bad.json:4:{COL}: error FLOW201: Default names unknown state 'Dnoe'" in result.output
    assert "3 files linted: 1 error, 0 warnings" in result.output
    assert "package.json" not in result.output


def test_clean_exit_zero_and_strict_fails_on_warnings(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "w.asl.json").write_text(WARN)
    assert runner.invoke(main, ["lint"]).exit_code == 0
    assert runner.invoke(main, ["lint", "--strict"]).exit_code == 1
    assert runner.invoke(main, ["lint", "--strict", "--ignore", "FLOW503"]).exit_code == 0


def test_json_format(runner, tree):
    result = runner.invoke(main, ["lint", "sub", "--format", "json"])
    data = json.loads(result.stdout)
    assert [(d["file"], d["line"], d["code"], d["rule"]) for d in data] == [
        ("sub/bad.json", 4, "FLOW201", "unknown-reference")]


def test_sarif_format_is_sarif_2_1_0(runner, tree):
    result = runner.invoke(main, ["lint", "sub", "--format", "sarif"])
    doc = json.loads(result.stdout)
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    (res,) = run["results"]
    assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == "FLOW201"
    assert res["level"] == "error"
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "sub/bad.json", "uriBaseId": "%SRCROOT%"}
    assert loc["region"]["startLine"] == 4 and loc["region"]["startColumn"] == COL
    assert all(r["helpUri"].endswith(f"/docs/rules/{r['id']}.md") for r in rules if "helpUri" in r)


def test_github_annotations_escape_properties_and_data(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a,b.asl.json").write_text(BAD)
    result = runner.invoke(main, ["lint", "--format", "github"])
    line = next(ln for ln in result.output.splitlines() if ln.startswith("::"))
    assert line.startswith(f"::error file=a%2Cb.asl.json,line=4,col={COL},")
    assert "title=FLOW201 unknown-reference::Default names unknown state 'Dnoe'%0Ahelp: " in line


def test_output_file(runner, tree):
    assert runner.invoke(main, ["lint", "sub", "--format", "sarif", "-o", "out.sarif"]).exit_code == 1
    assert json.loads((tree / "out.sarif").read_text())["runs"][0]["results"][0]["ruleId"] == "FLOW201"


def test_pyproject_config_select_ignore_severity_exclude(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "w.asl.json").write_text(WARN)
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "bad.asl.json").write_text(BAD)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flowc.lint]\nexclude = ["skip/**"]\n[tool.flowc.lint.severity]\nFLOW503 = "error"\n')
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 1 and "error FLOW503" in result.output and "FLOW201" not in result.output
    (tmp_path / "pyproject.toml").write_text('[tool.flowc.lint]\nignore = ["FLOW5"]\n')
    assert runner.invoke(main, ["lint", "w.asl.json"]).exit_code == 0
    (tmp_path / "pyproject.toml").write_text('[tool.flowc.lint]\nselect = ["FLOW2"]\n')
    assert "FLOW503" not in runner.invoke(main, ["lint", "w.asl.json"]).output
    (tmp_path / "pyproject.toml").write_text('[tool.flowc.lint]\nselct = ["FLOW2"]\n')
    bad = runner.invoke(main, ["lint"])
    assert bad.exit_code == 2 and "unknown [tool.flowc.lint] setting(s): selct" in bad.output


def test_per_file_ignores(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "samples").mkdir()
    (tmp_path / "samples" / "w.asl.json").write_text(WARN)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flowc.lint]\nstrict = true\n[tool.flowc.lint.per-file-ignores]\n"samples/**" = ["FLOW503"]\n')
    assert runner.invoke(main, ["lint"]).exit_code == 0


def test_inline_suppressions_in_flow_and_yaml(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "m.py").write_text("def f(event, context):\n    return event\n")
    (tmp_path / "w.flow").write_text(
        "workflow W\n  function f handler \"m.f\" code \"h\"  # flowc: ignore[FLOW601]\n"
        "  # flowc: ignore[FLOW503]\n  R: choose\n    if $.a == 1 goto Done\n  Done: succeed\n")
    (tmp_path / "m.asl.yaml").write_text(
        "# flowc: ignore-file[FLOW503]\nStartAt: C\nStates:\n  C:\n    Type: Choice\n    Choices:\n"
        "      - Variable: $.a\n        IsPresent: true\n        Next: D\n  D:\n    Type: Succeed\n")
    result = runner.invoke(main, ["lint", "--strict"])
    assert result.exit_code == 0, result.output


def test_substitutions_file(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "w.asl.json").write_text('{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": '
                                         '"${Fn}", "End": true}}}')
    (tmp_path / "subs.json").write_text('{"Fn": "not-an-arn"}')
    assert runner.invoke(main, ["lint", "--ignore", "FLOW5"]).exit_code == 0
    result = runner.invoke(main, ["lint", "--substitutions", "subs.json"])
    assert result.exit_code == 1 and "FLOW111" in result.output


def test_parallel_jobs_give_the_same_report(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for i in range(6):
        (tmp_path / f"w{i}.asl.json").write_text(BAD if i % 2 else WARN)
    one = runner.invoke(main, ["lint", "--format", "json", "-j", "1"]).stdout
    two = runner.invoke(main, ["lint", "--format", "json", "-j", "2"]).stdout
    assert json.loads(one) == json.loads(two) and len(json.loads(one)) == 6


def test_rules_and_explain(runner):
    listing = runner.invoke(main, ["rules"]).output
    assert "FLOW501  warning  ASL" in listing and "FLOW603  error    .flow" in listing
    data = json.loads(runner.invoke(main, ["rules", "--format", "json"]).output)
    assert {r["code"] for r in data} >= {"FLOW102", "FLOW307", "FLOW505", "FLOW601"}
    page = runner.invoke(main, ["explain", "flow501"])
    assert page.exit_code == 0 and page.output.startswith("# FLOW501: retry-max-delay") and "Bad:" in page.output
    assert runner.invoke(main, ["explain", "501"]).exit_code == 0
    missing = runner.invoke(main, ["explain", "FLOW999"])
    assert missing.exit_code == 2


def test_pre_commit_hooks_and_actions_example_run_flowc_lint():
    import yaml

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"]: h["entry"] for h in hooks} == {"flowc-lint": "flowc lint --by-content",
                                                    "flowc-lint-strict": "flowc lint --strict --by-content"}
    example = yaml.safe_load((REPO / ".github" / "workflows" / "flowc-lint.example.yml").read_text())
    runs = [s.get("run", "") for s in example["jobs"]["lint"]["steps"]]
    assert "flowc lint --format github" in runs and any("--format sarif" in r for r in runs)


def test_json_that_only_mentions_startat_is_not_a_definition(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "table.json").write_text('{"Task": {"StartAt": "both", "States": "both"}}')
    (tmp_path / "nested.yaml").write_text("spec:\n  StartAt: A\n  States: {}\n")
    (tmp_path / "real.yaml").write_text("StartAt: A\nStates:\n  A:\n    Type: Succeed\n")
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 0 and "1 file linted" in result.output
