"""The shipped examples' reports (workflows/*.compare.md and *.compare.html) match what flowc compare
produces now. When this fails, regenerate them: `python workflows/regenerate_reports.py`."""

from __future__ import annotations

import importlib.util

from tests.helpers import REPO, WORKFLOWS


def _script():
    spec = importlib.util.spec_from_file_location("regenerate_reports", WORKFLOWS / "regenerate_reports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_example_has_a_report() -> None:
    script = _script()
    top = {p.relative_to(WORKFLOWS).as_posix().removesuffix(".flow") for p in WORKFLOWS.rglob("*.flow")}
    assert set(script.EXAMPLES) == top, "add the new example to workflows/regenerate_reports.py (and its input)"
    for name in script.EXAMPLES:  # measured on a compare input, or on a test case of the example
        assert (WORKFLOWS / f"{name}.compare-input.json").exists() or name in script.CASES


def test_reports_are_current() -> None:
    stale = _script().stale()
    assert not stale, ("stale reports (regenerate with `python workflows/regenerate_reports.py`): "
                       + ", ".join(str(p.relative_to(REPO)) for p in stale))
