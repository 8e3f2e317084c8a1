"""`flowc compare` tells the truth (issue 15): infeasible architectures are never recommended, the time a
workflow waits is in its latency and Express duration, runs that need mocks get numbers, prices can be
overridden and every source is public, the chart marks the volume and states the ratios, and the break-even
is shown under the idle-polling range with the inputs that move the conclusion most."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.compare import fmt
from flowc.compiler.compare.pricing import PriceBook
from flowc.compiler.compare.report import CompareError, build_report

from tests.compare.test_formats import render
from tests.helpers import REPO

FLOWS = Path(__file__).resolve().parent / "flows"
TRUTH = Path(__file__).resolve().parent / "truth"  # workflows of these tests only (not in the moto agreement set)
WORKFLOWS = REPO / "workflows"
DAY_MS = 86_400_000


@pytest.fixture(scope="module")
def fanout():
    return build_report(WORKFLOWS / "user_fanout.flow", input_spec="@" + str(WORKFLOWS / "user_fanout.compare-input.json"))


# -- 1. an architecture that cannot run the workflow is never recommended --------------------------------
def test_express_cannot_run_a_sync2_fan_out_and_is_shown_so_everywhere(fanout) -> None:
    assert not fanout.feasibility["express"].feasible
    assert fanout.feasibility["standard"].feasible and fanout.feasibility["sqs"].feasible
    assert any("sync" in b for b in fanout.feasibility["express"].blockers)
    assert "express" not in fanout.cost_curve
    assert all("express" not in c.between for c in fanout.break_even)
    assert not any("Express is cheaper" in c.text for c in fanout.break_even)
    first = fmt.conclusions(fanout)[0]
    assert "Step Functions Express cannot run this workflow" in first and "keep the parent Standard" in first
    md = render(fanout, "markdown", None)
    assert "| Step Functions Express ✗ |" in md  # every table's header marks it
    assert md.count("Step Functions Express ✗") >= 5
    assert "✗ cannot run ($" in md
    assert "Express is cheaper" not in md
    assert "cannot run this workflow (not drawn)" in render(fanout, "html", None)


def test_a_callback_workflow_is_infeasible_on_express_with_what_would_fix_it() -> None:
    report = build_report(TRUTH / "approval.flow", input_spec="{}",
                          mocks=_mocks({"Ask": {"result": {"approved": True}, "seconds": 3600}}))
    assert not report.feasibility["express"].feasible
    assert any(".waitForTaskToken" in b for b in report.feasibility["express"].blockers)
    assert report.feasibility["express"].remedies
    assert not report.feasibility["sqs"].feasible  # callbacks are refused by the SQS target (FLOW701)
    assert set(report.cost_curve) == {"volumes", "standard"}
    assert report.break_even == []


# -- 2. the time a workflow waits is measured ------------------------------------------------------------
def test_latency_and_express_duration_include_waits_until_timestamps() -> None:
    report = build_report(TRUTH / "waits.flow", input_spec='{"at": "2026-01-02T00:00:00Z"}')
    latency = report.latency[0].values
    for arch in ("standard", "express", "sqs"):
        assert DAY_MS <= latency[arch] < DAY_MS + 1_000, (arch, latency)
    express = next(r for r in report.limits if r.limit.startswith("Duration"))
    assert express.cells["express"].status == "fail" and "86400" in express.cells["express"].text
    assert not report.feasibility["express"].feasible
    duration = next(r for r in report.units if r.label.startswith("Express billed duration"))
    assert duration.values["express"] >= DAY_MS


def test_a_callback_wait_counts_in_the_latency() -> None:
    report = build_report(TRUTH / "approval.flow", input_spec="{}",
                          mocks=_mocks({"Ask": {"result": {"approved": True}, "seconds": 3600}}))
    assert report.latency[0].values["standard"] >= 3_600_000


def test_the_sqs_chain_pays_its_long_wait_re_deliveries() -> None:
    report = build_report(TRUTH / "waits.flow", input_spec='{"at": "2026-01-02T00:00:00Z"}')
    delay = next(r for r in report.limits if r.limit.startswith("Delay"))
    assert "visibility change" in delay.cells["sqs"].text
    requests = next(r for r in report.units if r.label.startswith("SQS requests"))
    assert requests.values["sqs"] > 6  # more than a send, receive and delete per hop of two states


# -- 3. runs that need mocks get numbers --------------------------------------------------------------------
def _mocks(raw: dict) -> dict:
    from flowc.targets.local import Mock

    return {k: Mock(v) for k, v in raw.items()}


DMAP = REPO / "tests" / "corpus" / "flow" / "distributed_map.flow"
DMAP_INPUT = '{"bucket": "b", "key": "k.csv", "results_bucket": "r"}'
DMAP_MOCKS = ['ProcessFile.ItemReader={"result": [{"id": 1}, {"id": 2}, {"id": 3}]}',
              'ProcessFile.ResultWriter={"result": {"ok": true}}']


def test_a_distributed_map_over_s3_gets_costs_with_mocks(tmp_path: Path) -> None:
    args = ["compare", str(DMAP), "--input", DMAP_INPUT, "-f", "json"]
    without = CliRunner().invoke(main, args)
    assert json.loads(without.output)["costs"] == []  # the run is denied: no bucket
    with_mocks = CliRunner().invoke(main, [*args, *[x for m in DMAP_MOCKS for x in ("--mock", m)]])
    assert with_mocks.exit_code == 0, with_mocks.output
    report = json.loads(with_mocks.output)
    totals = {c["architecture"]: c["total_usd"] for c in report["costs"]}
    assert totals["standard"] > 0 and totals["express"] > 0
    assert report["feasibility"]["sqs"]["feasible"] is False  # FLOW703: the SQS chain cannot read from S3


def test_a_test_case_is_the_measured_run() -> None:
    report = build_report(WORKFLOWS / "member_onboarding.flow", case="throttling is retried with backoff, then succeeds")
    assert report.input_source.startswith("case 'throttling is retried with backoff, then succeeds'")
    transitions = next(r for r in report.units if r.label == "State transitions")
    assert transitions.values["standard"] == 8  # the case's mocks fail twice: 6 states + 2 retries


def test_an_unknown_case_names_the_ones_there_are() -> None:
    with pytest.raises(CompareError, match="have: 'a new member") as err:
        build_report(WORKFLOWS / "member_onboarding.flow", case="nope")
    assert err.value.status == 2


# -- 4. prices --------------------------------------------------------------------------------------------
def test_every_figure_names_a_public_source() -> None:
    book = PriceBook()
    for figure in book.figures.values():
        assert figure.url.startswith("https://"), figure.key
        assert "shared/" not in figure.url
    assert all(s["url"].startswith("https://") for s in book.sources.values())
    aws = ("https://aws.amazon.com/", "https://docs.aws.amazon.com/")
    for key in ("sqs.standard.request", "sns.publish.request", "dynamodb.ondemand.wru", "eventbridge.custom_event",
                "lambda.duration.x86_64.tiers", "sfn.express.free_tier"):
        assert book.figures[key].url.startswith(aws), key


def test_a_prices_file_overrides_figures(tmp_path: Path) -> None:
    base = build_report(FLOWS / "three_tasks.flow", input_spec="{}")
    prices = tmp_path / "negotiated.json"
    prices.write_text(json.dumps({"figures": [{
        "key": "sfn.standard.transition_per_1k.regional",
        "value": {region: price / 2 for region, price in
                  PriceBook().figures["sfn.standard.transition_per_1k.regional"].value.items()},
        "unit": "USD/1000 transitions", "region": "all", "source": ["DEAL"], "url": "https://example.com/deal",
        "as_of": "2026-12", "confidence": "P"}], "sources": {"DEAL": {"url": "https://example.com/deal",
                                                                      "title": "our negotiated prices"}}}))
    cheaper = build_report(FLOWS / "three_tasks.flow", input_spec="{}", prices=prices)
    def transitions(report) -> float:
        standard = next(c for c in report.costs if c.architecture == "standard")
        return next(x.usd for x in standard.lines if x.item == "Step Functions state transitions")

    assert transitions(cheaper) == pytest.approx(transitions(base) / 2)
    assert cheaper.prices_file == prices.as_posix()
    assert prices.as_posix() in render(cheaper, "markdown", None)


@pytest.mark.parametrize(("content", "message"), [
    ("{", "not JSON"),
    ('{"figures": [{"key": "nope", "value": 1, "unit": "", "region": "", "source": ["SFN-PRICE"], '
     '"url": "https://x", "as_of": "", "confidence": "P"}]}', "'nope' is not one flowc compare uses"),
    ('{"figures": [{"key": "sqs.standard.request", "value": [1], "unit": "", "region": "", "source": ["SFN-PRICE"], '
     '"url": "https://x", "as_of": "", "confidence": "P"}]}', "must be a number"),
    ('{"figures": [{"key": "sqs.standard.request", "value": 1, "unit": "", "region": "", "source": ["X"], '
     '"url": "https://x", "as_of": "", "confidence": "P"}]}', "source 'X' is not defined"),
    ('{"figures": [{"key": "sqs.standard.request", "value": 1, "unit": "", "region": "", "source": ["SFN-PRICE"], '
     '"url": "shared/x", "as_of": "", "confidence": "P"}]}', "figures.[0] (sqs.standard.request).url"),
    ('{"figures": [{"key": "sqs.standard.request", "value": 1}]}', "Field required"),
])
def test_a_wrong_prices_file_is_a_usage_error(tmp_path: Path, content: str, message: str) -> None:
    prices = tmp_path / "p.json"
    prices.write_text(content)
    run = CliRunner().invoke(main, ["compare", str(FLOWS / "three_tasks.flow"), "--prices", str(prices)])
    assert run.exit_code == 2
    assert message in run.output


def test_the_shipped_prices_obey_the_schema() -> None:
    from flowc.compiler.compare.price_file import validate_builtin
    from flowc.compiler.compare.pricing import DATA

    validate_builtin(json.loads(DATA.read_text(encoding="utf-8")))


# -- 5. the picture -----------------------------------------------------------------------------------------
def test_the_chart_marks_the_volume_and_the_ratios_are_stated(fanout) -> None:
    html = render(fanout, "html", None)
    assert "1M/month (this report)" in html
    assert re.search(r"\$\d[\d,]* \(\d+\.\dx\)", html)  # each line's cost at the volume and its ratio
    md = render(fanout, "markdown", None)
    row = next(line for line in md.splitlines() if line.startswith("| Cost relative to the cheapest"))
    assert "1.0x" in row and "—" in row  # the cheapest, and Express (cannot run) has no ratio


def test_the_markdown_report_embeds_a_mermaid_graph_with_labelled_arcs() -> None:
    report = build_report(WORKFLOWS / "member_onboarding.flow")
    md = render(report, "markdown", None)
    block = md.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.startswith("flowchart TD")
    assert '-- "$.action == #quot;member_added#quot;" -->' in block  # a Choice arc with its condition
    assert '-. "States.ALL" .->' in block  # a Catch arc, dotted, with its errors
    fanout_md = render(build_report(WORKFLOWS / "user_fanout.flow"), "markdown", None)
    assert "subgraph" in fanout_md.split("```mermaid", 1)[1]  # the Map body is a nested box


# -- 6. sensitivity ---------------------------------------------------------------------------------------
def test_break_even_under_the_idle_polling_range(fanout) -> None:
    (text,) = fanout.sensitivity.break_even_ranges
    volumes = [int(v.replace(",", "")) for v in re.findall(r"(\d[\d,]*) (?:executions/month with|at its)", text)]
    middle, low, high = volumes
    assert low < middle < high


def test_the_inputs_that_move_the_conclusion_most(fanout) -> None:
    assert "SQS chain is the cheapest" in fanout.sensitivity.conclusion
    assert 1 <= len(fanout.sensitivity.movers) <= 3
    assert all("x" in m for m in fanout.sensitivity.movers)
