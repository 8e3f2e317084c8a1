from flowc.compiler.lint.discovery import discover
from flowc.compiler.lint.runner import Options, lint_targets

from tests.lint.helpers import codes, lint_flow


def test_bad_missing_path_and_import(tmp_path):
    (report,) = lint_targets(discover([tmp_path / "nope.asl.json"]), Options())
    assert codes(report.diagnostics) == ["FLOW106"]
    assert "FLOW106" in codes(lint_flow(tmp_path, 'import "missing.flow"\nworkflow W\n  A: succeed\n'))


def test_bad_not_utf8(tmp_path):
    (tmp_path / "x.asl.json").write_bytes(b'{"a": "\xff"}')
    (report,) = lint_targets(discover([tmp_path / "x.asl.json"]), Options())
    assert codes(report.diagnostics) == ["FLOW106"]


def test_good(tmp_path):
    assert "FLOW106" not in codes(lint_flow(tmp_path, "workflow W\n  A: succeed\n"))
