"""`flowc run --target both` agrees on every example, corpus and differential case, failing ones included
(issue 13), and each function of each run has its own handler module instance (item 9)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main

from tests.fidelity.cases import CASES
from tests.helpers import WORKFLOWS
from tests.sqs.test_differential import CASES as CHAIN_CASES
from tests.sqs.test_differential import compiled


def _sqs_supported(path) -> bool:
    """Examples the SQS target can run (invoice_batch reads S3 in a Distributed Map: FLOW703, ASL only)."""
    from flowc.compiler.pipeline import analyse
    from flowc.targets.sqs.target import check

    return not [d for d in check(analyse([path])) if d.is_error]


EXAMPLES = sorted(p.stem for p in WORKFLOWS.glob("*.flow") if _sqs_supported(p))
# the SQS differential cases that `flowc run` can express (no replaced handlers, the default start instant)
PLAIN = [c for c in CHAIN_CASES if not c.functions and c.start_time is None]


def both(*args: str):
    return CliRunner().invoke(main, ["run", *args, "--target", "both"], catch_exceptions=False)


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_agree(name: str) -> None:
    result = both(str(WORKFLOWS / f"{name}.flow"), "--input", f"@{WORKFLOWS / f'{name}.input.json'}")
    assert "asl and sqs agree" in result.stderr, result.stderr
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_differential_cases_agree(case) -> None:
    result = both(str(case.path), "--workflow", case.workflow, "--input", json.dumps(case.input))
    assert "asl and sqs agree" in result.stderr, result.stderr
    assert result.exit_code == (0 if case.status == "SUCCEEDED" else 1), result.stderr


@pytest.mark.parametrize("case", PLAIN, ids=[c.id for c in PLAIN])
def test_corpus_and_example_cases_agree(case) -> None:
    """What `flowc run --target both` compares, on the SQS differential's inputs (failing runs included)."""
    from flowc.compiler.commands.run import execute

    result = compiled(case)
    asl = execute(result, case.workflow, case.input, "asl", {}, 0)
    sqs = execute(result, case.workflow, case.input, "sqs", {}, 0)
    assert asl.same_outcome(sqs), f"\n  asl: {asl.comparable()}\n  sqs: {sqs.comparable()}"


def test_handler_state_does_not_leak_between_targets_or_functions() -> None:
    """Item 9: a handler counting its attempts in a module global, and two functions on one module. Under
    `--target both` each target gets fresh module instances, as each Lambda function has its own
    environment: both targets see 3 attempts, and the two functions count separately."""
    case = next(c for c in CASES if c.id == "handler-instances")
    alone = CliRunner().invoke(main, ["run", str(case.path), "--json"], catch_exceptions=False)
    assert alone.exit_code == 0, alone.stderr
    result = both(str(case.path), "--json")
    assert result.exit_code == 0 and "asl and sqs agree" in result.stderr, result.stderr
    runs = json.loads(result.stdout)
    expected = {"one": {"calls": 1}, "two": {"calls": 1}, "again": {"calls": 2}, "flaky": {"attempts": 3}}
    assert runs["asl"]["output"] == runs["sqs"]["output"] == json.loads(alone.stdout)["asl"]["output"] == expected
    assert runs["asl"]["billed"]["lambda_invocations"] == json.loads(alone.stdout)["asl"]["billed"][
        "lambda_invocations"] == 6  # one, two, again, and flaky three times
