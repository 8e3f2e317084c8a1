"""What linting raw ASL imports: never the compiler's IR, pydantic, the parser or the JSONPath runtime's
siblings it does not need (issue 14 item 10). Load-independent, unlike a wall-clock bound."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.lint.helpers import REPO

PROBE = """
import sys
from flowc.compiler.cli import main
try:
    main(["lint", "-q", *sys.argv[1:]])
except SystemExit:
    pass
print("MODULES=" + ",".join(sorted(sys.modules)), file=sys.stderr)
"""
HEAVY = ("pydantic", "flowc.compiler.ir", "flowc.compiler.pipeline", "flowc.dsl.ast", "lark", "boto3", "moto",
         "jinja2")


def _modules(*args: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True)
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("MODULES="))
    return set(line[len("MODULES="):].split(","))


def test_raw_asl_lint_stays_light(tmp_path):
    path = tmp_path / "sm.asl.json"
    path.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.a",
                                                                 "Next": "B"}, "B": {"Type": "Succeed"}}}))
    loaded = _modules(str(path))
    assert "flowc.compiler.rules.flow301_jsonpath" in loaded  # the rules did run
    assert not [m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY]


def test_flow_lint_does_compile(tmp_path):
    path = tmp_path / "w.flow"
    path.write_text("workflow W\n  Done: succeed\n")
    assert "flowc.compiler.pipeline" in _modules(str(path))  # the probe can see a heavy import


def test_raw_asl_lint_loads_only_the_runtime_parsers(tmp_path):
    """A filter and an intrinsic need the JSONPath and intrinsic parsers; not Choice evaluation, the context
    object, payload templates, nor what only running an intrinsic needs (hashing, Base64, UUIDs)."""
    path = tmp_path / "sm.asl.json"
    path.write_text(json.dumps({"StartAt": "A", "States": {"A": {
        "Type": "Pass", "InputPath": "$.items[?(@.qty > 1)]",
        "Parameters": {"m.$": "States.Format('x {}', $.a)", "h.$": "States.Hash($.a, 'SHA-256')"}, "End": True}}}))
    loaded = _modules(str(path))
    assert {"flowc.targets.runtime.jsonpath", "flowc.targets.runtime.intrinsics"} <= loaded
    runtime = "flowc.targets.runtime."
    assert not loaded & {runtime + "choice", runtime + "context", runtime + "payload", "hashlib", "base64"}
