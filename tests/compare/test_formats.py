"""Output formats: markdown table shape, the json schema, self-contained html with SVG, determinism."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import jsonschema
import pytest
from flowc.compiler.commands.compare import render
from flowc.compiler.compare.report import Report, build_report

from tests.compare.cases import FLOWS
from tests.helpers import WORKFLOWS


@functools.cache
def report(name: str = "fan_out") -> Report:
    inputs = {"fan_out": '{"items": [1, 2, 3]}', "user_fanout": "@" + str(WORKFLOWS / "user_fanout.compare-input.json")}
    path = FLOWS / f"{name}.flow" if (FLOWS / f"{name}.flow").exists() else WORKFLOWS / f"{name}.flow"
    return build_report(path, input_spec=inputs.get(name), display_path=f"{name}.flow")


def test_json_matches_the_schema_and_round_trips() -> None:
    text = render(report(), "json", None)
    data = json.loads(text)
    jsonschema.validate(data, Report.model_json_schema())
    assert Report.model_validate(data) == report()
    assert set(data["architectures"]) == {"standard", "express", "sqs"}
    assert data["schema_version"] == 1


def test_markdown_tables_are_well_formed() -> None:
    text = render(report(), "markdown", "flowc compare fan_out.flow")
    lines = text.splitlines()
    tables = 0
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and re.fullmatch(r"\|(-{3}:?\|)+", lines[i + 1]):
            tables += 1
            columns = lines[i + 1].count("|") - 1
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                cells = re.split(r"(?<!\\)\|", lines[j])[1:-1]
                assert len(cells) == columns, lines[j]
                j += 1
            i = j
        else:
            i += 1
    assert tables >= 10  # summary, resources, types, extra functions, units, costs, limits, failure, latency, figures
    for heading in ("## Resources deployed", "## Billed units per execution", "## Cost per month",
                    "## Limits", "## Failure handling and observability", "## Latency (the run's time plus modelled overheads)",
                    "## Figures"):
        assert heading in text
    assert "\n\n\n" not in text


def test_html_is_self_contained_with_graph_and_chart() -> None:
    text = render(report("user_fanout"), "html", "flowc compare user_fanout.flow")
    assert text.startswith("<!DOCTYPE html>")
    assert text.count("<svg") == 2
    assert 'class="chart"' in text and 'class="graph"' in text
    assert "<script" not in text
    assert not re.search(r'(src|href)="(?!https?://[^"]*")[^"#]', text)  # no local or relative resources
    assert not re.search(r"<(link|img|iframe)\b", text)
    # every architecture that can run the workflow has a line in the chart (Express cannot: `.sync:2`), and the
    # legend says so; the Map's frame is in the graph
    assert text.count("<polyline") == 2
    assert "Step Functions Express: cannot run this workflow (not drawn)" in text
    assert "InvokeWorkers" in text and "stroke-dasharray=\"5 4\"" in text


def test_text_has_every_section() -> None:
    text = render(report(), "text", None)
    for title in ("Summary", "Resources deployed", "Billed units per execution", "Limits",
                  "Failure handling and observability", "Latency (the run's time plus modelled overheads)", "Figures"):
        assert f"\n{title}\n" in text


@pytest.mark.parametrize("fmt", ["json", "markdown", "html", "text"])
def test_same_input_same_bytes(fmt: str) -> None:
    a = render(build_report(FLOWS / "three_tasks.flow", display_path="t.flow"), fmt, "c")
    b = render(build_report(FLOWS / "three_tasks.flow", display_path="t.flow"), fmt, "c")
    assert a == b


def test_unconfirmed_figures_are_flagged() -> None:
    r = report()
    weak = {f.key for f in r.figures if f.weak}
    assert "sqs.idle_esm_poll_requests_per_queue_month" in weak  # U in the reference data
    assert "latency.sfn.state_ms" in weak
    sqs = next(c for c in r.costs if c.architecture == "sqs")
    assert any(line.weak for line in sqs.lines)
    md = render(r, "markdown", None)
    assert "| †`sqs.idle_esm_poll_requests_per_queue_month` |" in md
    assert "U (unconfirmed)" in md


def test_sample_input_is_found_next_to_the_file(tmp_path: Path) -> None:
    flow = tmp_path / "t.flow"
    flow.write_text((FLOWS / "inline_only.flow").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "t.compare-input.json").write_text('{"go": false}', encoding="utf-8")
    r = build_report(flow)
    assert r.input_source.endswith("t.compare-input.json")
    assert r.units[0].values["standard"] == 2  # Route, Skip
    (tmp_path / "t.input.json").write_text('{"go": true}', encoding="utf-8")
    assert build_report(flow).units[0].values["standard"] == 3  # `flowc run`'s sample input wins


def test_a_failed_run_is_warned_about() -> None:
    r = build_report(FLOWS / "retried.flow", display_path="retried.flow")  # the real handler never fails
    assert r.warnings == []
    r = build_report(FLOWS / "fan_out.flow", input_spec='{"items": "not a list"}', display_path="fan_out.flow")
    assert len(r.warnings) == 2 and all("ended FAILED: States.Runtime" in w for w in r.warnings)
    assert r.runs[0].output_matches is True  # both fail the same way
    assert "> ⚠ the Step Functions run ended FAILED" in render(r, "markdown", None)
    assert '<p class="warning">⚠ the SQS chain run ended FAILED' in render(r, "html", None)
