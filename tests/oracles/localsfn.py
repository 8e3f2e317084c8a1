"""aws-local-stepfunctions (npm, pinned in tests/oracles/node/) as a second, independent ASL engine.

It is a TypeScript implementation of the States Language with `jsonpath-plus` for paths, so it shares no
code with flowc, moto or LocalStack. It has no Assign/variables, no JSONata, no Distributed Map
tolerances and no service integrations: the differential tests use it for the JSONPath cases only
(tests/oracles/README.md lists what it supports and where it deviates).

One Node process serves a whole session: `run.mjs` reads one JSON job per line and answers one JSON line.
Every Task state is replaced by a mock sequence (`{"result": ...}` / `{"error": ..., "cause": ...}`, the
last repeating), Wait states and Retry intervals are zeroed: nothing reaches AWS.

The pinned package is installed on first use (`npm ci --prefix tests/oracles/node`, from its lock file), so the
README's test command needs nothing more; a machine without Node does not run these tests and the run says so
(tests/conftest.py).
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


def available() -> bool:
    """Node and npm are on PATH (the tests that use this engine run only then)."""
    return shutil.which("node") is not None and shutil.which("npm") is not None


def ensure_installed() -> None:
    """`npm ci` from the lock file, once per checkout (a file lock keeps parallel test workers from racing)."""
    if (NODE_DIR / "node_modules" / "aws-local-stepfunctions").is_dir():
        return
    import fcntl

    with (NODE_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (NODE_DIR / "node_modules" / "aws-local-stepfunctions").is_dir():
            return
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR)],
                              capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            raise NotInstalled(f"`{INSTALL}` failed: {done.stderr.strip()[-2000:]}")


class LocalStepFunctions:
    """`run(definition, input, mocks)` -> {"status", "output", "error", "cause"}."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise NotInstalled("node is not on PATH: aws-local-stepfunctions needs Node 20 or later")
        ensure_installed()
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
