"""The SQS runtime does not write execution data (input, output, error causes) to its logs unless asked,
as Step Functions leaves it out unless IncludeExecutionData is set (`logging <level> data`)."""

from __future__ import annotations

import json

from flowc.targets.sqs.runtime.services import log_event

EVENT = {"type": "ExecutionStarted", "execution": "W/e1", "input": {"ssn": "123-45-6789"}}


def test_execution_data_is_left_out_by_default(monkeypatch, capsys):
    monkeypatch.delenv("FLOWC_LOG_DATA", raising=False)
    monkeypatch.setenv("FLOWC_LOG", "info")
    log_event(EVENT)
    log_event({"type": "TaskFailed", "error": "E", "cause": "secret detail"})
    lines = [json.loads(line)["flowc"] for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == {**EVENT, "input": "<omitted>"}
    assert lines[1] == {"type": "TaskFailed", "error": "E", "cause": "<omitted>"}
    assert "123-45-6789" not in json.dumps(lines) and "secret" not in json.dumps(lines)


def test_execution_data_is_logged_when_asked(monkeypatch, capsys):
    monkeypatch.setenv("FLOWC_LOG_DATA", "true")
    log_event(EVENT)
    assert json.loads(capsys.readouterr().out)["flowc"] == EVENT


def test_the_template_passes_the_workflow_logging_choice(tmp_path):
    from flowc.targets.sqs.target import render
    from ruamel.yaml import YAML

    from tests.helpers import compile_text

    for setting, expected in (("", "false"), ("  logging all data\n", "true")):
        result = compile_text(tmp_path, "workflow W\n" + setting + "  Go: pass\n")
        template = YAML(typ="safe", pure=True).load(render(result, tmp_path / "o", ["t.flow"])["template.yaml"])
        values = {r["Properties"]["Environment"]["Variables"]["FLOWC_LOG_DATA"]
                  for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"}
        assert values == {expected}
