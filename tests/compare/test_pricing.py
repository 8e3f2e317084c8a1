"""Prices and costs, checked against numbers worked out by hand from the figures in prices.json."""

from __future__ import annotations

import json
import math

import pytest
from flowc.compiler.compare import pricing
from flowc.compiler.compare.pricing import PriceBook, Units, break_even, monthly_cost, tiered

from tests import shared

REFERENCE = shared.path("reference", "aws-prices-limits.json")


@pytest.fixture
def book() -> PriceBook:
    return PriceBook()


def test_every_figure_is_sourced(book: PriceBook) -> None:
    legend = set(book.meta["confidence_legend"])
    for f in book.figures.values():
        assert f.unit and f.region and f.as_of, f.key
        assert f.confidence in legend, (f.key, f.confidence)
        assert f.source and all(s in book.sources for s in f.source), f.key
        assert f.url == book.sources[f.source[0]]["url"], f.key
        assert f.url.startswith("https://"), f.key  # public: users never have the shared reference folder


@shared.marker
def test_figures_copied_from_the_reference_keep_their_values(book: PriceBook) -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    by_key = {f["key"]: f for f in reference["prices"] + reference["limits"]}
    copied = [k for k in book.figures if k in by_key]
    assert len(copied) > 30
    for key in copied:
        assert book.figures[key].value == by_key[key]["value"], key
    # renamed or split on the way in
    assert book.value("sqs.standard.request.volume_tiers") == by_key["sqs.standard.request.tiers"]["value"]
    assert book.value("sqs.standard.request") == pytest.approx(
        by_key["sqs.standard.request.tiers"]["value"][0]["usd_per_million"] / 1e6)


def test_weak_figures_are_the_s_d_u_ones(book: PriceBook) -> None:
    assert book.figures["sqs.idle_esm_poll_requests_per_queue_month"].weak
    assert book.figures["latency.sqs_hop_ms"].weak  # S
    assert not book.figures["dynamodb.ondemand.wru"].weak  # P*: the AWS page, read through third parties
    assert not book.figures["sfn.standard.transition"].weak
    assert not book.figures["sns.publish.request"].weak  # P*


def test_tiered() -> None:
    tiers = [(10, 1.0), (30, 0.5), (None, 0.1)]
    assert tiered(0, tiers) == 0
    assert tiered(10, tiers) == 10
    assert tiered(20, tiers) == 10 + 5
    assert tiered(40, tiers) == pytest.approx(10 + 10 + 1)


def test_standard_three_transitions_a_million_times(book: PriceBook) -> None:
    units = Units(state_transitions=3)
    assert monthly_cost("standard", units, 1_000_000, book).total == pytest.approx(3_000_000 * 0.000025)  # $75
    free = monthly_cost("standard", units, 1_000_000, book, free_tier=True).total
    assert free == pytest.approx((3_000_000 - 4_000) * 0.000025)
    # regional price (per 1,000 transitions on the pricing page)
    assert monthly_cost("standard", units, 1_000_000, book, region="sa-east-1").total == pytest.approx(3_000 * 0.0375)
    assert pricing.regional_note(book, "us-east-1") is None
    assert "sa-east-1" in pricing.regional_note(book, "sa-east-1")


def test_express_request_and_duration(book: PriceBook) -> None:
    # 1 request, 400 ms at 64 MB: 0.4 s x 0.0625 GB = 0.025 GB-s per execution
    units = Units(express_requests=1, express_billed_ms=400, express_billed_mb=64)
    cost = monthly_cost("express", units, 1_000_000, book)
    lines = {line.item: line for line in cost.lines}
    assert lines["Step Functions Express requests"].usd == pytest.approx(1.00)
    assert lines["Step Functions Express duration"].quantity == pytest.approx(25_000)
    assert lines["Step Functions Express duration"].usd == pytest.approx(25_000 * 1.667e-05)


def test_express_pricing_page_example(book: PriceBook) -> None:
    """AWS's own example: 100M executions of 10 s at 64 MB = $482.97/month (requests $100 + duration $382.97)."""
    units = Units(express_requests=1, express_billed_ms=10_000, express_billed_mb=64)
    assert monthly_cost("express", units, 100_000_000, book).total == pytest.approx(482.97, abs=0.5)


def test_sqs_chain_requests_lambda_and_idle_polling(book: PriceBook) -> None:
    units = Units(lambda_invocations=5, lambda_gb_seconds=0.03, sqs_requests=12, dynamodb_writes=13, idle_queues=4)
    cost = monthly_cost("sqs", units, 1_000_000, book)
    idle = 4 * (259_200 + 648_000) / 2
    expected = (5e6 * 2e-07 + 30_000 * 1.66667e-05 + (12e6 + idle) * 4e-07 + 13e6 * 6.25e-07)
    assert cost.total == pytest.approx(expected)
    assert any("idle polling of 4 queues" in line.item for line in cost.lines)


def test_free_tiers(book: PriceBook) -> None:
    units = Units(lambda_invocations=1, lambda_gb_seconds=0.1, sqs_requests=1, sns_publishes=1)
    cost = monthly_cost("sqs", units, 1_000_000, book, free_tier=True)
    assert cost.total == pytest.approx(0.0)  # 1M requests, 100K GB-s, 1M SQS requests, 1M publishes: all free
    assert monthly_cost("sqs", units, 2_000_000, book, free_tier=True).total > 0


def test_break_even_matches_the_closed_form(book: PriceBook) -> None:
    """Standard at a per execution vs SQS at b per execution + a fixed idle cost F: equal at F / (a - b)."""
    standard = Units(state_transitions=6)
    sqs = Units(sqs_requests=4, idle_queues=3)
    a = 6 * 0.000025
    b = 4 * 4e-07
    fixed = 3 * (259_200 + 648_000) / 2 * 4e-07
    found = break_even("standard", standard, "sqs", sqs, book, region="us-east-1", free_tier=False)
    assert len(found) == 1
    assert found[0].cheaper_below == "standard" and found[0].cheaper_above == "sqs"
    assert found[0].volume == math.ceil(fixed / (a - b))


def test_no_break_even_when_one_is_always_cheaper(book: PriceBook) -> None:
    found = break_even("standard", Units(state_transitions=2), "express",
                       Units(express_requests=1, express_billed_ms=100, express_billed_mb=64),
                       book, region="us-east-1", free_tier=False)
    assert found == []


def test_unknown_architecture(book: PriceBook) -> None:
    with pytest.raises(ValueError):
        monthly_cost("fargate", Units(), 1, book)
