"""Mutation fuzzing of every front end and `lint`, shared by the suite (tests/test_fuzz.py, a few seconds)
and the long run (benchmarks/fuzz.py).

A case is bytes plus a file suffix. It is written to a scratch folder and run in-process through the real
CLI (click's test runner): `check`, `compile --target asl`, `compile --target sqs` for workflow sources,
`lint` for everything. A run fails when flowc raises (the CLI would exit 3), takes longer than a bound, or
prints a diagnostic whose position is outside the file.
"""

from __future__ import annotations

import functools
import random
import re
import shutil
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from flowc.compiler.cli import RECURSION_LIMIT

REPO = Path(__file__).resolve().parents[1]
sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))  # what the CLI sets, before any test
SEED_GLOBS = ("tests/corpus/flow/*.flow", "workflows/*.flow", "workflows/*.flow.yaml")
SUFFIXES = (".flow", ".flow.yaml", ".asl.json", ".asl.yaml")
COMMANDS = {
    ".flow": ("check", "compile-asl", "compile-sqs", "lint", "fmt-to-yaml"),
    ".flow.yaml": ("check", "compile-asl", "compile-sqs", "lint", "fmt-to-flow"),
    ".asl.json": ("lint",),
    ".asl.yaml": ("lint",),
}
_POSITION = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?:error|warning|info) ", re.M)

# Fragments a mutation splices in: the syntax every front end cares about, and what broke it before.
TOKENS = [
    b"{", b"}", b"[", b"]", b"(", b")", b":", b",", b'"', b"'", b"\n", b"\t", b"  ", b"#", b"$", b"$.", b"{%",
    b"%}", b"\\", b"\r\n", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\xe2\x82", b"\x00", b"&a ", b"*a", b"&a [*a, *a]",
    b"!lit ", b"!Ref ", b"? [a]: 1", b"1e999", b"-1e999", b"9" * 5000, b"0x", b"1.5", b"-0", b"null", b"true",
    b"workflow ", b"function ", b"table ", b"import ", b'import "/dev/null"', b"goto ", b"end", b"choose",
    b"parallel", b"map ", b"retry ", b"catch ", b"backoff 1e999", b"States.ALL", b"States.ArrayRange(1, 99999999999, 1)",
    b"invoke ", b"result ", b"workflow: ", b"steps:", b"- ", b"resources:", b"settings: {a: 1}", b"../../x",
    b"/tmp/x", b"a_b", b"aB", "\u2028".encode(), b"'a\nb'", b"\"a\\nb\"",
    b"StartAt", b"States", b"Type", b"Next", b"Task", b"Choice", b"Map",
]


@dataclass
class Outcome:
    command: str
    exit_code: int
    problem: str | None = None  # crash / hang / position; None when the run behaved


@dataclass
class Stats:
    inputs: int = 0
    runs: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (suffix, command, problem)


@functools.cache
def seeds() -> list[tuple[bytes, str]]:
    """The repository's workflows in both syntaxes, and their compiled ASL as JSON and YAML."""
    out: list[tuple[bytes, str]] = []
    for pattern in SEED_GLOBS:
        for path in sorted(REPO.glob(pattern)):
            suffix = ".flow.yaml" if path.name.endswith(".flow.yaml") else ".flow"
            out.append((path.read_bytes(), suffix))
    out.extend(_asl_seeds())
    return out


def _asl_seeds() -> list[tuple[bytes, str]]:
    import json

    from flowc.compiler.pipeline import analyse
    from flowc.targets.output import dump_yaml

    out = []
    for path in sorted(REPO.glob("workflows/*.flow")):
        result = analyse([path])
        for emitted in result.asl.values():
            out.append((json.dumps(emitted.definition, indent=2).encode(), ".asl.json"))
            out.append((dump_yaml(emitted.definition).encode(), ".asl.yaml"))
    return out


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four edits: delete, duplicate, splice a token, swap lines, nest deeply, repeat a line."""
    for _ in range(rng.randint(1, 4)):
        n = len(data)
        at = rng.randrange(n + 1) if n else 0
        kind = rng.randrange(8)
        if kind == 0 and n:
            data = data[:at] + data[at + rng.randint(1, 40):]
        elif kind == 1 and n:
            length = rng.randint(1, 200)
            data = data[:at] + data[at:at + length] * rng.randint(2, 4) + data[at:]
        elif kind in (2, 3):
            data = data[:at] + rng.choice(TOKENS) + data[at:]
        elif kind == 4:
            lines = data.split(b"\n")
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif kind == 5:
            depth = rng.choice((50, 300, 700, 1500))
            opener, closer = rng.choice(((b"[", b"]"), (b"{a: ", b"}"), (b'{"a": ', b"}"), (b"(", b")")))
            data = data[:at] + opener * depth + b"1" + closer * depth + data[at:]
        elif kind == 6:
            lines = data.split(b"\n")
            i = rng.randrange(len(lines))
            indent = rng.choice((b"  ", b"\t", b" "))
            block = [indent * k + lines[i].lstrip() for k in range(rng.choice((3, 50, 450)))]
            data = b"\n".join(lines[:i] + block + lines[i + 1:])
        else:
            data = data[:at] + bytes([rng.randrange(256)]) + data[at + 1:]
    return data


_ODD_VALUES = [None, True, 0, -1, 10**30, 1.5, "", "x", "a\nb", "$.x", "{% $x %}", "../../x", "/tmp/x", "a_b",
               "States.ArrayRange(1, 99999999999, 1)", [], [1, [2]], {}, {"a": {"b": [None]}}, [[["deep"]]]]


def confuse(data: bytes, suffix: str, rng: random.Random) -> bytes:
    """Type confusion on YAML/JSON sources: one value (or key) replaced by a value of another type."""
    import json

    import yaml

    try:
        doc = json.loads(data) if suffix == ".asl.json" else yaml.safe_load(data)
    except Exception:
        return mutate(data, rng)
    holders = []

    def walk(node):
        if isinstance(node, dict):
            holders.append(node)
            for v in list(node.values()):
                walk(v)
        elif isinstance(node, list):
            holders.append(node)
            for v in node:
                walk(v)

    walk(doc)
    if not holders:
        return mutate(data, rng)
    for _ in range(rng.randint(1, 3)):
        holder = rng.choice(holders)
        if not holder:
            continue
        odd = rng.choice(_ODD_VALUES)
        if isinstance(holder, dict):
            key = rng.choice(list(holder))
            if rng.random() < 0.2 and isinstance(odd, str):
                holder[odd] = holder.pop(key)
            else:
                holder[key] = odd
        else:
            holder[rng.randrange(len(holder))] = odd
    if suffix == ".asl.json":
        return json.dumps(doc, indent=2).encode()
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode()


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - only on a hang
    raise _Timeout


def _args(command: str, path: Path, out: Path) -> list[str]:
    if command.startswith("compile-"):
        return ["compile", str(path), "--target", command.split("-", 1)[1], "--out", str(out)]
    if command.startswith("fmt-to-"):
        return ["fmt", "--to", command.rsplit("-", 1)[1], str(path)]
    return [command, str(path)]


def positions_outside(output: str, path: Path, data: bytes) -> list[str]:
    """Diagnostics about `path` whose line:col is not in the file (a column may sit just past the line end)."""
    text = data.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    bad = []
    for m in _POSITION.finditer(output):
        if not m.group("file").endswith(path.name):
            continue
        line, col = int(m.group("line")), int(m.group("col"))
        if not 1 <= line <= len(lines) or not 1 <= col <= len(lines[line - 1].rstrip("\r")) + 1:
            bad.append(f"{line}:{col}")
    return bad


def run_case(data: bytes, suffix: str, workdir: Path, *, timeout: int = 20,
             commands: tuple[str, ...] | None = None) -> list[Outcome]:
    """Run every command for one input; each outcome says what went wrong, if anything."""
    from click.testing import CliRunner
    from flowc.compiler.cli import main

    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"case{suffix}"
    path.write_bytes(data)
    outcomes = []
    for command in commands or COMMANDS[suffix]:
        out = workdir / "out"
        shutil.rmtree(out, ignore_errors=True)
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(timeout)
        try:
            result = CliRunner().invoke(main, _args(command, path, out), catch_exceptions=True)
        except _Timeout:
            outcomes.append(Outcome(command, -1, f"hang (> {timeout}s)"))
            continue
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        problem = None
        if isinstance(result.exception, _Timeout):
            problem = f"hang (> {timeout}s)"
        elif result.exception is not None and not isinstance(result.exception, SystemExit):
            problem = f"crash: {type(result.exception).__name__}: {str(result.exception)[:200]}"
        elif result.exit_code not in (0, 1):
            problem = f"exit {result.exit_code}: {result.output[-300:]}"
        else:
            bad = positions_outside(result.output, path, data)
            if bad:
                problem = f"position outside the file: {', '.join(bad[:3])}"
        outcomes.append(Outcome(command, result.exit_code, problem))
    return outcomes
