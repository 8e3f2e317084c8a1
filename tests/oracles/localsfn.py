"""aws-local-stepfunctions (npm, pinned in tests/oracles/node/) as a second, independent ASL engine.

It is a TypeScript implementation of the States Language with `jsonpath-plus` for paths, so it shares no
code with flowc, moto or LocalStack. It has no Assign/variables, no JSONata, no Distributed Map
tolerances and no service integrations: the differential tests use it for the JSONPath cases only
(tests/oracles/README.md lists what it supports and where it deviates).

One Node process serves a whole session: `run.mjs` reads one JSON job per line and answers one JSON line.
Every Task state is replaced by a mock sequence (`{"result": ...}` / `{"error": ..., "cause": ...}`, the
last repeating), Wait states and Retry intervals are zeroed: nothing reaches AWS.

Install once: `npm ci --prefix tests/oracles/node` (Node 20+; the CI script runs it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).resolve().parent / "node"
INSTALL = "npm ci --prefix tests/oracles/node"


class NotInstalled(RuntimeError):
    pass


class LocalStepFunctions:
    """`run(definition, input, mocks)` -> {"status", "output", "error", "cause"}."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise NotInstalled("node is not on PATH: aws-local-stepfunctions needs Node 20 or later")
        if not (NODE_DIR / "node_modules" / "aws-local-stepfunctions").is_dir():
            raise NotInstalled(f"aws-local-stepfunctions is not installed: run `{INSTALL}`")
        self._proc = subprocess.Popen([node, str(NODE_DIR / "run.mjs")], cwd=NODE_DIR, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, bufsize=1)

    def run(self, definition: dict[str, Any], data: Any, mocks: dict[str, list[dict[str, Any]]] | None = None
            ) -> dict[str, Any]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        job = {"definition": definition, "input": data, "mocks": mocks or {}}
        self._proc.stdin.write(json.dumps(job) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"aws-local-stepfunctions stopped (exit {self._proc.poll()})")
        return json.loads(line)

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
