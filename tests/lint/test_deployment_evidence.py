"""FLOW108's verdict follows the YAML loader of the tool that deploys the file, found by evidence (item 5)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main

YES = "StartAt: Ask\nStates:\n  Ask:\n    Type: Pass\n    Next: Yes\n  Yes:\n    Type: Succeed\n"


def _flow108(args: list[str]) -> list[dict]:
    data = json.loads(CliRunner().invoke(main, ["lint", "-f", "json", *args]).stdout)
    return [d for d in data if d["code"] == "FLOW108"]


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sm").mkdir()
    (tmp_path / "sm" / "flow.asl.yaml").write_text(YES)
    return tmp_path


def test_no_evidence_assumes_yaml_11_and_says_so(tree):
    found = _flow108(["sm/flow.asl.yaml"])
    assert {d["severity"] for d in found} == {"error"} and len(found) == 2
    assert all("assuming a YAML 1.1 loader" in d["message"] for d in found)


def test_serverless_project_reads_yes_as_a_string(tree):
    (tree / "serverless.yml").write_text("service: x\nstepFunctions:\n  stateMachines:\n"
                                         "    m:\n      definition: ${file(sm/flow.asl.yaml)}\n")
    found = _flow108(["sm/flow.asl.yaml"])
    assert {d["severity"] for d in found} == {"info"}
    assert all("Serverless Framework (js-yaml" in d["message"] and "serverless.yml" in d["message"]
               for d in found)
    assert CliRunner().invoke(main, ["lint", "sm/flow.asl.yaml"]).exit_code == 0


def test_sam_definition_uri_pointing_at_the_file_means_yaml_11(tree):
    (tree / "serverless.yml").write_text("service: x\n")  # further away than the SAM template
    (tree / "sm" / "template.yaml").write_text("Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n"
                                               "    Properties:\n      DefinitionUri: flow.asl.yaml\n")
    found = _flow108(["sm/flow.asl.yaml"])
    assert {d["severity"] for d in found} == {"error"}
    assert all("SAM CLI (YAML 1.1)" in d["message"] and "template.yaml" in d["message"] for d in found)


def test_definition_inside_serverless_yml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = "\n".join("        " + line for line in YES.splitlines())
    (tmp_path / "serverless.yml").write_text(f"service: x\nstepFunctions:\n  stateMachines:\n    m:\n"
                                             f"      definition:\n{body}\n")
    found = _flow108(["serverless.yml"])
    assert len(found) == 2 and {d["severity"] for d in found} == {"info"}
    assert found[0]["line"] == 10  # the `Next: Yes` line of serverless.yml
