"""The compile pipeline pauses the cycle collector, and a CLI command leaves it frozen, not traversing."""

from __future__ import annotations

import gc
from pathlib import Path

from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.pipeline import analyse, paused_gc

EXAMPLE = Path(__file__).resolve().parents[2] / "workflows" / "member_onboarding.flow"


def test_collection_is_paused_inside_and_resumed_after() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():  # nested: the outer one decides
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # library callers keep normal collection


def test_analyse_leaves_collection_as_it_found_it() -> None:
    analyse([EXAMPLE])
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        analyse([EXAMPLE])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_process_ending_command_freezes_what_the_compile_made() -> None:
    with paused_gc(process_ends=True):
        kept = [{"state": i} for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(kept)


def test_flowc_compile_resumes_collection_with_the_heap_frozen(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["compile", "-o", str(tmp_path / "out"), str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert gc.isenabled() and gc.get_freeze_count() > 0


def test_flowc_check_on_bad_input_still_resumes_collection(tmp_path: Path) -> None:
    bad = tmp_path / "bad.flow"
    bad.write_text("workflow W\n  A: invoke\n")
    result = CliRunner().invoke(main, ["check", str(bad)])
    assert result.exit_code == 1
    assert gc.isenabled()


def test_flowc_lint_resumes_collection_with_the_heap_frozen() -> None:
    result = CliRunner().invoke(main, ["lint", "--jobs", "1", str(EXAMPLE)])
    assert result.exit_code in (0, 1), result.output
    assert gc.isenabled() and gc.get_freeze_count() > 0
