"""Issue 12 item 5: a missing handler module, function or `code` directory is a compile error at the
`function` line, and `flowc run` never reports a user's mistake as an internal error.

Before: all three passed check, compile and lint (CodeUri pointing nowhere), then `flowc run` said
`internal error: FileNotFoundError`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, codes, compile_text

SOURCE = 'workflow W\n  function f handler "{handler}" code "{code}"\n  Go: invoke f\n'


def _write_handlers(tmp_path: Path, body: str = "def main(event, context):\n    return {'ok': True}\n") -> None:
    (tmp_path / "handlers").mkdir(exist_ok=True)
    (tmp_path / "handlers" / "orders.py").write_text(body)


@pytest.mark.parametrize(("handler", "code", "fragment", "hint"), [
    ("orders.main", "handlerz", "code directory 'handlerz' does not exist", "relative to the .flow file"),
    ("order.main", "handlers", "handler module 'order' not found", "did you mean 'orders'?"),
    ("orders.mian", "handlers", "defines no function 'mian'", "did you mean 'orders.main'?"),
    ("main", "handlers", "must be written module.function", None),
    # found by the fuzzer: paths the system will not look at were internal errors (OSError ENAMETOOLONG)
    ("orders.main", "h" * 300, "code directory cannot be read: File name too long", "relative to the .flow file"),
    ("m" * 300 + ".main", "handlers", "cannot be read: File name too long", "def handle(event, context)"),
])
def test_missing_handler_pieces_are_errors_at_the_function_line(tmp_path, handler, code, fragment, hint):
    _write_handlers(tmp_path)
    result = compile_text(tmp_path, SOURCE.format(handler=handler, code=code))
    assert codes(result) == ["FLOW106"], [str(d) for d in result.diagnostics]
    diag = result.errors[0]
    assert fragment in diag.message and diag.span.line == 2
    if hint:
        assert hint in (diag.hint or "")


def test_a_present_handler_compiles_and_packages_are_found(tmp_path):
    _write_handlers(tmp_path)
    assert compile_text(tmp_path, SOURCE.format(handler="orders.main", code="handlers")).ok
    (tmp_path / "handlers" / "pkg").mkdir()
    (tmp_path / "handlers" / "pkg" / "__init__.py").write_text("from .impl import run as handle\n")
    assert compile_text(tmp_path, SOURCE.format(handler="pkg.handle", code="handlers")).ok


def test_a_handler_with_a_syntax_error_is_reported_without_running_it(tmp_path):
    _write_handlers(tmp_path, "raise SystemExit('imported!')\ndef main(:\n")
    result = compile_text(tmp_path, SOURCE.format(handler="orders.main", code="handlers"))
    assert codes(result) == ["FLOW106"] and "syntax error" in result.errors[0].message


def test_lint_reports_it_too(tmp_path):
    (tmp_path / "w.flow").write_text(SOURCE.format(handler="orders.main", code="handlers"))
    proc = subprocess.run([sys.executable, "-m", "flowc", "lint", str(tmp_path / "w.flow")], capture_output=True,
                          text=True, env={"PYTHONPATH": str(REPO), "PATH": ""}, cwd=tmp_path)
    assert proc.returncode == 1 and "FLOW106" in proc.stdout + proc.stderr


@pytest.mark.parametrize("target", ["asl", "sqs"])
def test_run_reports_a_failing_handler_import_as_the_users_error(tmp_path, target):
    _write_handlers(tmp_path, "import not_installed_anywhere\ndef main(event, context):\n    return 1\n")
    (tmp_path / "w.flow").write_text(SOURCE.format(handler="orders.main", code="handlers"))
    proc = subprocess.run([sys.executable, "-m", "flowc", "run", "w.flow", "--target", target],
                          capture_output=True, text=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(REPO), "PATH": "", "HOME": str(tmp_path)})
    assert proc.returncode == 1, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert "not_installed_anywhere" in proc.stderr and "orders" in proc.stderr


def test_load_handler_raises_handler_error_for_missing_pieces(tmp_path):
    from flowc.targets.local import HandlerError, load_handler

    _write_handlers(tmp_path)
    with pytest.raises(HandlerError, match="not found"):
        load_handler(tmp_path / "handlers", "nothere.main")
    with pytest.raises(HandlerError, match="no function 'other'"):
        load_handler(tmp_path / "handlers", "orders.other")
    assert load_handler(tmp_path / "handlers", "orders.main")({}, None) == {"ok": True}
