"""Definitions embedded in deployment templates, linted in place; what `flowc lint .` skips (issue 14 item 4)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.lint.discovery import discover

from tests.lint.helpers import REPO

SERVERLESS = """service: orders
provider:
  name: aws
stepFunctions:
  stateMachines:
    orders:
      type: EXPRESS
      definition:
        StartAt: Charge
        States:
          Charge:
            Type: Task
            Resource:
              Fn::GetAtt: [charge, Arn]
            Next: Dnoe
          Done:
            Type: Succeed
"""
SAM = """AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions:
        Fn: !GetAtt Charge.Arn
      Definition:
        StartAt: A
        States:
          A:
            Type: Task
            Resource: ${Fn}
            Retry:
              - ErrorEquals: [States.ALL]
                MaxDelaySeconds: 5
            Next: Missing
  Legacy:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineType: EXPRESS
      DefinitionString: !Sub |
        {
          "StartAt": "A",
          "States": {
            "A": {"Type": "Pass", "Next": "Gone"}
          }
        }
"""
CFN_JOIN = {"Resources": {"Joined": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
    "DefinitionString": {"Fn::Join": ["", [
        '{"StartAt": "A",\n',
        ' "States": {"A": {"Type": "Task", "Resource": "',
        {"Fn::GetAtt": ["Fn", "Arn"]},
        '", "Next": "Nope", "Retry": [{"ErrorEquals": ["States.ALL"], "MaxDelaySeconds": 5}]}}}',
    ]]}}}}}


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "serverless.yml").write_text(SERVERLESS)
    (tmp_path / "sam").mkdir()
    (tmp_path / "sam" / "template.yaml").write_text(SAM)
    (tmp_path / "cfn.json").write_text(json.dumps(CFN_JOIN, indent=2))
    return tmp_path


def _findings(output: str) -> set[tuple[str, int, str]]:
    return {(m[0], int(m[1]), m[2]) for m in re.findall(r"^(\S+?):(\d+):\d+: \w+ (FLOW\d+)", output, re.M)}


def test_templates_are_found_and_linted_at_their_lines(project):
    result = CliRunner().invoke(main, ["lint", "."])
    assert result.exit_code == 1
    assert "3 files linted" in result.output
    found = _findings(result.output)
    assert ("serverless.yml", _line_of(SERVERLESS, "Next: Dnoe"), "FLOW201") in found
    assert ("sam/template.yaml", _line_of(SAM, "Next: Missing"), "FLOW201") in found
    assert ("sam/template.yaml", _line_of(SAM, '"Next": "Gone"'), "FLOW201") in found
    cfn = (project / "cfn.json").read_text()
    assert ("cfn.json", _line_of(cfn, "Nope"), "FLOW201") in found


def test_the_caret_points_at_the_value_inside_a_block_scalar(project):
    result = CliRunner().invoke(main, ["lint", "sam/template.yaml"])
    lines = result.output.splitlines()
    head = next(i for i, line in enumerate(lines) if "unknown state 'Gone'" in line)
    source, caret = lines[head + 1], lines[head + 2]
    assert source[caret.index("^"):].startswith('"Gone"')


def test_definition_substitutions_and_workflow_type_come_from_the_template(project):
    result = CliRunner().invoke(main, ["lint", "-f", "json", "."])
    data = json.loads(result.stdout)
    # ${Fn} is declared in DefinitionSubstitutions: no FLOW113; EXPRESS from StateMachineType / type
    assert not [d for d in data if d["code"] == "FLOW113"]
    (project / "serverless.yml").write_text(SERVERLESS.replace("type: EXPRESS\n", "type: EXPRESS\n")
                                            .replace("Fn::GetAtt: [charge, Arn]",
                                                     "arn:aws:states:::states:startExecution.sync"))
    data = json.loads(CliRunner().invoke(main, ["lint", "-f", "json", "serverless.yml"]).stdout)
    assert "FLOW402" in {d["code"] for d in data}  # .sync is not supported by EXPRESS


def test_a_template_without_inline_definitions_lints_clean(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "template.yaml").write_text("Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n"
                                            "    Properties:\n      DefinitionUri: sm.asl.json\n")
    result = CliRunner().invoke(main, ["lint", "."])
    assert result.exit_code == 0 and "1 file linted" in result.output


def test_invalid_json_in_a_definition_string_is_located(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = SAM.replace('"Next": "Gone"}', '"Next": "Gone",}')
    (tmp_path / "template.yaml").write_text(bad)
    result = CliRunner().invoke(main, ["lint", "template.yaml"])
    assert f"template.yaml:{_line_of(bad, 'Gone')}:" in result.output and "FLOW100" in result.output


def test_flowc_output_is_skipped_by_its_manifest(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "w.flow").write_text('workflow W\n  function f handler "h.f" code "."\n  Call: invoke f\n')
    (tmp_path / "h.py").write_text("def f(event, context):\n    return event\n")
    assert CliRunner().invoke(main, ["compile", "w.flow", "-o", "out"]).exit_code == 0
    (tmp_path / "out" / "mine.asl.json").write_text('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}')
    assert sorted(t.path for t in discover(["."])) == ["out/mine.asl.json", "w.flow"]
    result = CliRunner().invoke(main, ["lint", "."])
    assert result.output.count("FLOW504") == 1  # once, on the source; not again on out/W.asl.json


def test_gitignore_is_honoured_in_directories_not_for_named_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q"], check=True)
    (tmp_path / ".gitignore").write_text("generated/\n*.tmp.asl.json\n")
    (tmp_path / "generated").mkdir()
    good = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
    (tmp_path / "generated" / "x.asl.json").write_text(good)
    (tmp_path / "scratch.tmp.asl.json").write_text(good)
    (tmp_path / "kept.asl.json").write_text(good)
    assert [t.path for t in discover(["."])] == ["kept.asl.json"]
    assert [t.path for t in discover(["scratch.tmp.asl.json"])] == ["scratch.tmp.asl.json"]


def test_pre_commit_files_regex_and_content_sniffing_agree_with_a_directory_walk(project):
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    pattern = re.compile(hooks[0]["files"])
    (project / "package.json").write_text('{"name": "not a workflow"}')
    (project / "sm.json").write_text('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}')
    (project / "w.flow").write_text("workflow W\n  Done: succeed\n")
    (project / "README.md").write_text("StartAt States")
    everything = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
    staged = [p for p in everything if pattern.search(p)]  # what pre-commit passes
    by_hook = sorted(t.path for t in discover(staged, sniff_named=True))
    by_walk = sorted(t.path for t in discover(["."]))
    assert by_hook == by_walk
    assert "sm.json" in by_walk and "serverless.yml" in by_walk and "package.json" not in by_walk


# -- no template shape crashes the linter (FLOW000 is a crashed rule; an exception would escape) -------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.lint.test_robustness import VALUES  # noqa: E402

STRING_DEFS = st.one_of(st.text(max_size=40), st.sampled_from(['{"StartAt": "A", "States": {}}', "{", "[]", ""]))
DEFINITION_VALUES = st.one_of(VALUES, STRING_DEFS,
                              st.builds(lambda s: {"Fn::Sub": s}, STRING_DEFS),
                              st.builds(lambda d, parts: {"Fn::Join": [d, parts]}, st.sampled_from(["", "\n", ","]),
                                        st.lists(st.one_of(STRING_DEFS, st.just({"Ref": "X"})), max_size=4)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DEFINITION_VALUES, st.sampled_from(["Definition", "DefinitionString"]),
       st.sampled_from(["AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"]),
       st.sampled_from(["t.json", "t.yaml"]))
def test_no_template_shape_crashes(value, key, kind, name):
    from flowc.compiler.lint.runner import lint_template_text

    template = {"Resources": {"M": {"Type": kind, "Properties": {key: value}}}}
    text = json.dumps(template) if name.endswith(".json") else yaml.safe_dump(template)
    diags = lint_template_text(text, name)
    assert "FLOW000" not in {d.code for d in diags}, [d.message for d in diags if d.code == "FLOW000"]
    assert all(d.span.line >= 1 for d in diags)
