"""What a CI job pays: `flowc lint` vs statelint from the command line, on the same files, in the same run.

    python benchmarks/bench_lint_cli.py [--corpus DIR] [--rounds N] [--min-ratio R]

Both tools get the same explicit list of the corpus' JSON definitions (statelint reads JSON only) in one
process each; the rounds alternate flowc and statelint so that load on the machine hits both alike, and
the best round of each is compared (files/s). Also timed: a small `.flow` file linted in one process (the
goal is under 0.2 s wall). statelint is the PyPI package (the Python port of awslabs/statelint), installed
on demand: it is not a flowc dependency. Exit 1 when `--min-ratio` is given and flowc's files/s fall below
that multiple of statelint's.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
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
    exe = shutil.which("statelint")
    return [exe] if exe else [sys.executable, "-m", "statelint"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--min-ratio", type=float, default=None)
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
        small_flow = min(wall([sys.executable, "-m", "flowc", "lint", "-q", str(small)]) for _ in range(args.rounds))
    best_flowc = min(times["flowc"])
    print(f"{len(files)} ASL JSON files under {args.corpus}, {args.rounds} alternating rounds, best of each")
    print(f"{'':14} {'wall':>8} {'files/s':>8} {'CPU':>8}")
    print(f"flowc lint     {best_flowc:7.3f}s {len(files) / best_flowc:8.0f} {min(CPU['flowc']):7.3f}s")
    if statelint:
        best_state = min(times["statelint"])
        ratio = best_state / best_flowc
        print(f"statelint      {best_state:7.3f}s {len(files) / best_state:8.0f} {min(CPU['statelint']):7.3f}s")
        print(f"flowc / statelint files/s (wall): {ratio:.2f}x; by CPU time: "
              f"{min(CPU['statelint']) / min(CPU['flowc']):.2f}x; load average {os.getloadavg()[0]:.1f}")
    else:
        ratio = None
        print("statelint: not installable here")
    print(f"small .flow file, one process: {small_flow:.3f} s wall")
    if args.min_ratio is not None and ratio is not None and ratio < args.min_ratio:
        sys.exit(1)


if __name__ == "__main__":
    main()
