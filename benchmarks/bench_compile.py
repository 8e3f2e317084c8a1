"""Compile speed and memory: synthetic workflows of 100, 1,000 and 10,000 steps, and CLI start-up.

Run: `python benchmarks/bench_compile.py` (add `--sizes 100,1000` to choose).
Each size runs in a fresh process (cold imports excluded from the timing, the
way a user's second invocation in a warm OS cache behaves) and reports wall time
of the full `flowc compile --target asl` path (parse, lower, emit, rules, SAM,
write) and the peak RSS of one compile. Goals (issue 2): 10,000 steps < 2 s,
near-linear growth, `flowc --version` < 0.2 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {bench!r})
from synthetic import synthetic_flow
from flowc.compiler.pipeline import analyse, paused_gc
from flowc.targets.asl.target import render
from flowc.targets.output import write_outputs

steps = int(sys.argv[1]); work = Path(sys.argv[2])
src = work / f"synthetic_{{steps}}.flow"
src.write_text(synthetic_flow(steps))
(work / "handlers").mkdir(exist_ok=True)
analyse([src])  # warm imports and grammar tables once
best = peak = None
result = files = None
for _ in range(3):
    result = files = None  # the previous run's objects are freed here, outside the timing
    t0 = time.perf_counter()
    with paused_gc(process_ends=True):  # as `flowc compile` runs it
        result = analyse([src])
        files = render(result, work / "out", [str(src)])
        write_outputs(work / "out", files, force=True)
    elapsed = time.perf_counter() - t0
    best = elapsed if best is None else min(best, elapsed)
    if peak is None:  # one compile's peak, as a `flowc compile` process has it
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
states = sum(len(list(w.graph.walk())) for w in result.program.workflows.values())
print(json.dumps({{"steps": steps, "states": states, "bytes": src.stat().st_size, "seconds": best,
                  "peak_rss_mb": peak,
                  "errors": [d.code for d in result.errors][:3]}}))
"""


def bench_size(steps: int) -> dict:
    with tempfile.TemporaryDirectory() as work:
        out = subprocess.run([sys.executable, "-c", CHILD.format(bench=str(HERE)), str(steps), work],
                             capture_output=True, text=True, cwd=REPO, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_version(runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flowc.compiler.cli", "--version"], capture_output=True, check=True,
                       cwd=REPO)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    args = parser.parse_args()
    rows = [bench_size(int(s)) for s in args.sizes.split(",")]
    version = bench_version()
    if args.json:
        print(json.dumps({"compile": rows, "version_seconds": version}, indent=2))
        return
    print(f"{'steps':>7} {'states':>7} {'source KB':>10} {'seconds':>8} {'µs/step':>8} {'peak RSS MB':>12}")
    for r in rows:
        print(f"{r['steps']:>7} {r['states']:>7} {r['bytes'] / 1024:>10.0f} {r['seconds']:>8.3f} "
              f"{r['seconds'] / r['steps'] * 1e6:>8.0f} {r['peak_rss_mb']:>12.0f}"
              + (f"   (diagnostics: {', '.join(r['errors'])})" if r["errors"] else ""))
    print(f"flowc --version: {version * 1000:.0f} ms (median of 15, includes Python start-up)")


if __name__ == "__main__":
    main()
