"""`flowc deploy`, `flowc run --remote` and `flowc history` end to end against moto's server on 127.0.0.1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main

from tests.deploy.moto_server import ACCESS_KEY_ID, SECRET_ACCESS_KEY, MotoAccount
from tests.helpers import WORKFLOWS


@pytest.fixture(scope="module")
def account():
    with MotoAccount() as acc:
        yield acc


def flowc(account: MotoAccount, *args: str):
    result = CliRunner().invoke(main, [*args, *account.cli_options()], catch_exceptions=False)
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert ACCESS_KEY_ID not in text and SECRET_ACCESS_KEY not in text
    return result


def test_asl_onboarding(account):
    src = str(WORKFLOWS / "member_onboarding.flow")
    r = flowc(account, "deploy", src, "--target", "asl", "--stack", "onb-asl")
    print(r.output)
    assert r.exit_code == 0
    r = flowc(account, "run", src, "--remote", "--stack", "onb-asl", "--input",
              "@" + str(WORKFLOWS / "member_onboarding.input.json"))
    print(r.output)
    assert r.exit_code == 0
