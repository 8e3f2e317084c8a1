"""Benchmark `flowc lint` against statelint (PyPI, the Python port of awslabs/statelint) and cfn-lint.

    python benchmarks/bench_lint.py [--corpus DIR] [--cli-sample N]

All three tools read the same files: every ASL definition (JSON/YAML) of shared/corpus/real-asl. Measured in
the same run, on the same machine:

- in-process: each tool's API over every file, after one warm-up file (import and start-up cost shown apart);
- one CLI process for the whole tree (flowc: `flowc lint DIR`; statelint: `statelint f1 f2 ...`);
- one CLI process per file (the pre-commit / editor case): the median wall time of `--cli-sample` files.

statelint is installed with pip when it is missing (benchmark only: it is not a flowc dependency).
cfn-lint runs on a minimal CloudFormation template holding the definition (tests/oracles/cfnlint.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "real-asl"


def asl_files(root: Path) -> list[Path]:
    from flowc.compiler.lint.discovery import classify

    return sorted(p for p in root.rglob("*") if p.is_file() and classify(p, explicit=False) == "asl")


def load(path: Path):
    from flowc.compiler.lint.sources import parse_source

    src = parse_source(path.read_text(encoding="utf-8"), str(path))
    return None if src.error else src.value


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def wall(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False, **kw)
    return time.perf_counter() - start


def ensure_statelint() -> bool:
    if importlib.util.find_spec("statelint") is None:
        print("statelint is not installed: pip install statelint", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "statelint"], check=False)
        importlib.invalidate_caches()
    return importlib.util.find_spec("statelint") is not None


def bench_flowc(files: list[Path], root: Path, sample: list[Path]) -> dict:
    start = time.perf_counter()
    from flowc.compiler.lint.discovery import Target
    from flowc.compiler.lint.runner import Options, lint_targets

    targets = [Target(str(p), "asl") for p in files]
    lint_targets(targets[:1], Options(), jobs=1)
    startup = time.perf_counter() - start
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        reports = lint_targets(targets, Options(), jobs=1)
        runs.append(time.perf_counter() - t)
    flagged = sum(any(d.severity.value == "error" for d in r.diagnostics) for r in reports)
    findings = sum(len(r.diagnostics) for r in reports)
    tree = min(wall([sys.executable, "-m", "flowc.compiler.cli", "lint", str(root), "--format", "json"], cwd=REPO)
               for _ in range(3))
    tree_one = min(wall([sys.executable, "-m", "flowc.compiler.cli", "lint", str(root), "--format", "json", "-j", "1"],
                        cwd=REPO) for _ in range(2))
    per_file = [min(wall([sys.executable, "-m", "flowc.compiler.cli", "lint", str(p)], cwd=REPO) for _ in range(2))
                for p in sample]
    return {"startup": startup, "in_process": min(runs), "tree_cli": tree, "tree_cli_one_process": tree_one,
            "per_file_cli": statistics.median(per_file), "flagged": flagged, "findings": findings}


def bench_statelint(files: list[Path], sample: list[Path]) -> dict | None:
    if not ensure_statelint():
        return None
    start = time.perf_counter()
    from statelint.config import Config
    from statelint.linter import Linter

    json_cfg, yaml_cfg = Config([], False, False), Config([], True, False)
    texts = [(p.read_text(encoding="utf-8"), p.suffix in (".yaml", ".yml")) for p in files]
    Linter.validate(texts[0][0], yaml_cfg if texts[0][1] else json_cfg)
    startup = time.perf_counter() - start
    runs = []
    flagged = 0
    for _ in range(3):
        t = time.perf_counter()
        flagged = sum(bool(Linter.validate(text, yaml_cfg if is_yaml else json_cfg)) for text, is_yaml in texts)
        runs.append(time.perf_counter() - t)
    exe = [sys.executable, "-m", "statelint"]
    json_files = [str(p) for p in files if p.suffix not in (".yaml", ".yml")]
    tree = min(wall([*exe, *json_files]) for _ in range(3))
    per_file = [min(wall([*exe, str(p)]) for _ in range(2)) for p in sample]
    return {"startup": startup, "in_process": min(runs), "tree_cli": tree, "per_file_cli": statistics.median(per_file),
            "flagged": flagged}


def bench_cfnlint(files: list[Path], sample: list[Path]) -> dict:
    start = time.perf_counter()
    from tests.oracles.cfnlint import errors, lint_asl, wrap_definition

    defs = [(p, load(p)) for p in files]
    defs = [(p, d) for p, d in defs if isinstance(d, dict)]
    lint_asl(defs[0][1])
    startup = time.perf_counter() - start
    t = time.perf_counter()
    flagged = sum(bool(errors(lint_asl(d))) for _, d in defs)
    in_process = time.perf_counter() - t
    per_file = []
    with tempfile.TemporaryDirectory() as tmp:
        for p in sample:
            d = load(p)
            if not isinstance(d, dict):
                continue
            template = Path(tmp) / (p.stem.replace(".", "_") + ".json")
            template.write_text(json.dumps(wrap_definition(d)), encoding="utf-8")
            per_file.append(wall([sys.executable, "-m", "cfnlint", str(template)]))
    return {"startup": startup, "in_process": in_process, "per_file_cli": statistics.median(per_file),
            "flagged": flagged, "files": len(defs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cli-sample", type=int, default=8, help="files timed one CLI process each")
    args = parser.parse_args()
    files = asl_files(args.corpus)
    if not files:
        sys.exit(f"no ASL files under {args.corpus}")
    step = max(1, len(files) // args.cli_sample)
    sample = files[::step][: args.cli_sample]
    print(f"{len(files)} ASL files under {args.corpus}; per-file CLI timings on {len(sample)} of them\n")
    flowc = bench_flowc(files, args.corpus, sample)
    state = bench_statelint(files, sample)
    cfn = bench_cfnlint(files, sample)

    def ms(seconds: float | None) -> str:
        return "-" if seconds is None else f"{seconds * 1000:,.0f} ms"

    rows = [("flowc lint", flowc), ("statelint (PyPI)", state), ("cfn-lint (E3601)", cfn)]
    print(f"{'tool':<18} {'import+1st file':>16} {'all files, in-process':>22} {'per file':>10} "
          f"{'tree, 1 CLI run':>16} {'per-file CLI (median)':>22} {'files with errors':>18}")
    for name, r in rows:
        if r is None:
            print(f"{name:<18} not available")
            continue
        per = r["in_process"] / len(files)
        print(f"{name:<18} {ms(r['startup']):>16} {ms(r['in_process']):>22} {per * 1000:>8.2f}ms "
              f"{ms(r.get('tree_cli')):>16} {ms(r['per_file_cli']):>22} {r['flagged']:>18}")
    print(f"\nflowc tree run in one process (-j 1): {ms(flowc['tree_cli_one_process'])}; "
          f"{flowc['findings']} findings (errors and warnings)")
    if state:
        print(f"flowc vs statelint, in-process: {state['in_process'] / flowc['in_process']:.1f}x faster")
    print(f"flowc vs cfn-lint, in-process: {cfn['in_process'] / flowc['in_process']:.1f}x faster; "
          f"per-file CLI: {cfn['per_file_cli'] / flowc['per_file_cli']:.1f}x faster")


if __name__ == "__main__":
    main()
