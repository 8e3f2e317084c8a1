"""README "Already have state machines?": its three commands work as written (run from the repository root)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main

from tests.helpers import REPO


def commands() -> list[list[str]]:
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Already have state machines?", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [shlex.split(line) for line in block.strip().splitlines()]


def test_three_commands(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(REPO)
    run, test, imp = commands()
    assert [c[:2] for c in (run, test, imp)] == [["flowc", "run"], ["flowc", "test"], ["flowc", "import"]]
    runner = CliRunner()
    ran = runner.invoke(main, run[1:], catch_exceptions=False)
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout)["charge"] == {"approved": True}
    tested = runner.invoke(main, test[1:], catch_exceptions=False)
    assert tested.exit_code == 0 and "3 passed, 0 failed" in tested.stdout, tested.output
    out = tmp_path / "order.flow"
    imported = runner.invoke(main, [*imp[1:-1], str(out)], catch_exceptions=False)
    assert imported.exit_code == 0 and "round trip: identical ASL" in imported.stderr, imported.output
    # the imported workflow passes the same Step Functions Local test cases
    again = runner.invoke(main, ["test", "--mock-config", test[3], str(out), "--target", "asl"],
                          catch_exceptions=False)
    assert again.exit_code == 0 and "3 passed, 0 failed" in again.stdout, again.output
