"""What a CI job pays: `flowc lint` vs statelint from the command line, on the same files, in the same run.

    python benchmarks/bench_lint_cli.py [--corpus DIR] [--rounds N] [--min-ratio R] [--markdown]

Both tools get the same explicit list of the corpus' JSON definitions (statelint reads JSON only) in one
process each; the rounds alternate flowc and statelint so that load on the machine hits both alike, and
the best round of each is compared (files/s); medians and CPU time (user + system) are shown beside it.
`--markdown` prints the result as a `## Lint` section for docs/performance.md. `--instructions` also runs
each tool once under valgrind (callgrind) and compares instructions executed: on a shared machine wall and
even CPU time move with the load, the instruction count barely does. Also timed: a small `.flow` file linted in one process (the
goal is under 0.2 s wall), with what importing pydantic takes of it. statelint is the PyPI package (the Python port of awslabs/statelint), installed
on demand: it is not a flowc dependency. Exit 1 when `--min-ratio` is given and flowc's files/s fall below
that multiple of statelint's.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "real-asl"
SMALL_FLOW = 'workflow W\n  function f handler "h.f" code "."\n  Call: invoke f\n  Done: succeed\n'


# Installed packages run from compiled bytecode; a source checkout with PYTHONDONTWRITEBYTECODE would
# recompile flowc on every run and measure the compiler. Bytecode goes to a scratch folder, not the tree.
PYCACHE = tempfile.mkdtemp(prefix="flowc-bench-pycache-")
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(REPO),
       "PYTHONPYCACHEPREFIX": PYCACHE}


CPU: dict[str, list[float]] = {}


def wall(cmd: list[str], tool: str = "") -> float:
    """Wall time of one run; its CPU time (user + system) is kept under `tool`: on a loaded machine wall time
    mostly measures waiting for a core, CPU time what the tool itself costs."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False, env=ENV)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if tool:
        CPU.setdefault(tool, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return elapsed


def statelint_command() -> list[str] | None:
    if importlib.util.find_spec("statelint") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "statelint==3.1.0"], check=False)
        importlib.invalidate_caches()
    if importlib.util.find_spec("statelint") is None:
        return None
    # The console script beside this interpreter (as in a CI venv), not a version manager's shim in front of it.
    beside = Path(sys.executable).parent / "statelint"
    exe = str(beside) if beside.is_file() else shutil.which("statelint")
    return [exe] if exe else [sys.executable, "-m", "statelint"]


def instructions(cmd: list[str]) -> int | None:
    """Instructions one run executes (valgrind's callgrind), or None without valgrind. A console script is run
    by this interpreter so that valgrind follows Python, not a launcher."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    head = Path(cmd[0]).read_bytes()[:64] if cmd[0] != sys.executable else b""
    if head.startswith(b"#!") and b"python" in head:
        cmd = [sys.executable, *cmd]
    done = subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
                          capture_output=True, text=True, check=False, env=ENV)
    found = re.search(r"Collected : (\d+)", done.stderr) or re.search(r"refs:\s+([\d,]+)", done.stderr)
    return int(found.group(1).replace(",", "")) if found else None


def import_seconds(cmd: list[str], packages: tuple[str, ...], rounds: int) -> float:
    """Seconds importing `packages` (and what only they import) takes in one run of `cmd`, by `-X importtime`
    (best of `rounds`; 0 when none is imported): what a run would save once those imports are gone. An
    import of one of them made while another one is importing is counted inside that one, not twice."""
    best: float | None = None
    line = re.compile(r"^import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)$")
    for _ in range(rounds):
        done = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True, text=True, check=False,
                              env=ENV)
        rows = [(int(m.group(1)), len(m.group(2)), m.group(3).split(".")[0] in packages)
                for m in map(line.match, done.stderr.splitlines()) if m]
        total = 0
        for i, (cumulative, depth, ours) in enumerate(rows):
            # importtime lists a module after the ones it imported, one level less indented
            parent = next((r for r in rows[i + 1:] if r[1] < depth), None)
            if ours and not (parent and parent[2]):
                total += cumulative
        best = total / 1e6 if best is None else min(best, total / 1e6)
    return best or 0.0


# what `import pydantic` brings and dsl/ast.py (its pydantic models) will no longer need
PYDANTIC = ("pydantic", "pydantic_core", "annotated_types", "typing_inspection")


def peer_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("statelint")
    except PackageNotFoundError:
        return "not installed"


def reproduce(args: argparse.Namespace) -> str:
    corpus = "" if args.corpus.resolve() == DEFAULT_CORPUS.resolve() else f" --corpus {args.corpus}"
    extra = " --instructions" if args.instructions else ""
    return f"python benchmarks/bench_lint_cli.py{corpus} --rounds {args.rounds}{extra} --markdown"


def markdown(files: int, args: argparse.Namespace, times: dict[str, list[float]], small: tuple[float, float],
             counts: dict[str, int | None]) -> str:
    """The `## Lint` section of docs/performance.md: files/s (best and median wall, CPU) of both tools."""
    rows = []
    for tool in ("flowc", "statelint"):
        if times[tool]:
            best, median = min(times[tool]), statistics.median(times[tool])
            rows.append(f"| {'`flowc lint`' if tool == 'flowc' else f'statelint {peer_version()}'} | "
                        f"{files / best:.0f} | {files / median:.0f} | {best:.3f} s | {min(CPU[tool]):.3f} s |")
    lines = [
        "## Lint",
        "",
        f"`flowc lint` and statelint (the PyPI Python port of awslabs/statelint) from the command line, each in "
        f"one process on the same {files} ASL JSON definitions, {args.rounds} alternating rounds.",
        "",
        "| tool | files/s (best) | files/s (median) | wall (best) | CPU (best) |",
        "|---|---:|---:|---:|---:|",
        *rows,
    ]
    if times["statelint"]:
        lines += ["", f"flowc / statelint files/s: **{min(times['statelint']) / min(times['flowc']):.2f}x** "
                      f"(best wall), {statistics.median(times['statelint']) / statistics.median(times['flowc']):.2f}x "
                      f"(median wall), {min(CPU['statelint']) / min(CPU['flowc']):.2f}x (CPU time)."]
    else:
        lines += ["", "statelint could not be installed here: no ratio."]
    if counts.get("flowc") and counts.get("statelint"):
        lines += [f"Instructions executed (valgrind, one run each): flowc {counts['flowc'] / 1e6:,.0f} M, statelint "
                  f"{counts['statelint'] / 1e6:,.0f} M: **{counts['statelint'] / counts['flowc']:.2f}x**."]
    lines += [
        f"A small `.flow` file linted in one process: {small[0]:.3f} s wall (best){small_note(*small)}.",
        "",
        f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; Python "
        f"{platform.python_version()} ({platform.python_implementation()}), {platform.system()} {platform.machine()}.",
        "",
        f"Reproduce: `{reproduce(args)}`",
    ]
    return "\n".join(lines)


def small_note(seconds: float, pydantic: float) -> str:
    if not pydantic:
        return ""
    return (f"; importing pydantic takes {pydantic:.3f} s of it (`-X importtime`): {seconds - pydantic:.3f} s "
            f"without it (dsl/ast.py building its models costs more on top)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--min-ratio", type=float, default=None)
    parser.add_argument("--markdown", action="store_true", help="print a `## Lint` markdown section")
    parser.add_argument("--instructions", action="store_true", help="also count instructions under valgrind")
    args = parser.parse_args()
    from flowc.compiler.lint.discovery import classify

    files = sorted(str(p) for p in args.corpus.rglob("*.json") if p.is_file() and classify(p, explicit=False) == "asl")
    if not files:
        sys.exit(f"no ASL JSON files under {args.corpus}")
    statelint = statelint_command()
    flowc = [sys.executable, "-m", "flowc", "lint", "-q", "--no-progress", "-f", "json", *files]
    times: dict[str, list[float]] = {"flowc": [], "statelint": []}
    wall(flowc)  # warm the file cache and .pyc files for both
    if statelint:
        wall([*statelint, *files])
    for _ in range(args.rounds):
        times["flowc"].append(wall(flowc, "flowc"))
        if statelint:
            times["statelint"].append(wall([*statelint, *files], "statelint"))
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.flow"
        small.write_text(SMALL_FLOW, encoding="utf-8")
        small_cmd = [sys.executable, "-m", "flowc", "lint", "-q", str(small)]
        small_flow = min(wall(small_cmd) for _ in range(args.rounds))
        # dsl/ast.py imports pydantic for now (its removal is under way): the figure without it, estimated
        small_pydantic = import_seconds(small_cmd, PYDANTIC, args.rounds)
    counts: dict[str, int | None] = {}
    if args.instructions:
        counts = {"flowc": instructions(flowc), "statelint": instructions([*statelint, *files]) if statelint else None}
    best_flowc = min(times["flowc"])
    ratio = min(times["statelint"]) / best_flowc if statelint else None
    if args.markdown:
        print(markdown(len(files), args, times, (small_flow, small_pydantic), counts))
    else:
        print(f"{len(files)} ASL JSON files under {args.corpus}, {args.rounds} alternating rounds")
        print(f"{'':14} {'wall best':>9} {'median':>8} {'files/s':>8} {'median':>8} {'CPU best':>9} {'median':>8}")
        for tool in ("flowc", "statelint"):
            if times[tool]:
                best, median = min(times[tool]), statistics.median(times[tool])
                print(f"{tool:14} {best:8.3f}s {median:7.3f}s {len(files) / best:8.0f} {len(files) / median:8.0f} "
                      f"{min(CPU[tool]):8.3f}s {statistics.median(CPU[tool]):7.3f}s")
        if statelint:
            print(f"flowc / statelint files/s: {ratio:.2f}x best wall, "
                  f"{statistics.median(times['statelint']) / statistics.median(times['flowc']):.2f}x median wall, "
                  f"{min(CPU['statelint']) / min(CPU['flowc']):.2f}x CPU; statelint {peer_version()}; "
                  f"load average {os.getloadavg()[0]:.1f}")
        else:
            print("statelint: not installable here")
        if counts.get("flowc") and counts.get("statelint"):
            print(f"instructions (valgrind): flowc {counts['flowc']:,}, statelint {counts['statelint']:,}: "
                  f"{counts['statelint'] / counts['flowc']:.2f}x")
        elif args.instructions:
            print("instructions: valgrind is not installed here")
        print(f"small .flow file, one process: {small_flow:.3f} s wall{small_note(small_flow, small_pydantic)}")
    if args.min_ratio is not None and ratio is not None and ratio < args.min_ratio:
        sys.exit(1)


if __name__ == "__main__":
    main()
