"""`flowc compare` on the command line: formats, --out and --check, errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from flowc.compiler.cli import main

from tests.compare.cases import FLOWS

FLOW = str(FLOWS / "three_tasks.flow")


def invoke(*args: str):
    return CliRunner().invoke(main, ["compare", *args], catch_exceptions=False)


def test_text_is_the_default() -> None:
    res = invoke(FLOW)
    assert res.exit_code == 0
    assert res.output.startswith("ThreeTasks: Step Functions vs SQS chain\n")


def test_format_from_the_out_suffix_and_check(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert invoke(FLOW, "--out", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["workflow"] == "ThreeTasks" and data["executions_per_month"] == 1_000_000
    assert invoke(FLOW, "--out", str(out), "--check").exit_code == 0
    out.write_text("{}", encoding="utf-8")
    res = invoke(FLOW, "--out", str(out), "--check")
    assert res.exit_code == 1 and "stale" in res.output
    assert out.read_text(encoding="utf-8") == "{}"  # --check never writes


def test_options_reach_the_report() -> None:
    res = invoke(FLOW, "-f", "json", "--executions-per-month", "5000", "--region", "sa-east-1", "--free-tier",
                 "--input", '{"n": 1}')
    data = json.loads(res.output)
    assert (data["executions_per_month"], data["region"], data["free_tier"]) == (5000, "sa-east-1", True)
    assert data["input_source"] == "--input"
    standard = next(c for c in data["costs"] if c["architecture"] == "standard")
    # 15,000 transitions - 4,000 free, at sa-east-1's $0.0375 per 1,000; 15,000 invocations are inside Lambda's
    # free tier
    assert standard["total_usd"] == 0.4125
    assert any("sa-east-1" in n for n in data["notes"])


def test_markdown_carries_the_command_that_made_it() -> None:
    res = invoke(FLOW, "-f", "markdown", "-n", "2000")
    assert f"(`flowc compare {FLOW} --executions-per-month 2000`)" in res.output


def test_usage_errors(tmp_path: Path) -> None:
    assert invoke(FLOW, "--input", "{nope").exit_code == 2
    assert invoke(FLOW, "--input", "@" + str(tmp_path / "missing.json")).exit_code == 2
    assert invoke(FLOW, "--workflow", "Nope").exit_code == 2
    assert invoke(FLOW, "--check").exit_code == 2
    assert invoke(str(tmp_path / "missing.flow")).exit_code == 2
    assert invoke(FLOW, "--executions-per-month", "0").exit_code == 2


def test_compile_errors_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.flow"
    bad.write_text("workflow Bad\n  A: pass\n    goto Nowhere\n", encoding="utf-8")
    res = invoke(str(bad))
    assert res.exit_code == 1
