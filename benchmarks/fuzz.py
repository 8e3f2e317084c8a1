"""The long fuzz run: mutated workflows (.flow, .flow.yaml) and ASL (.asl.json, .asl.yaml) through every
front end (`check`, `compile --target asl|sqs`) and `lint`, in-process through the real CLI.

    python benchmarks/fuzz.py [--inputs N] [--seed S] [--timeout SECONDS] [--show K]

Prints inputs, runs, and failures (exit 3 / crash, hang, position outside the file) grouped by kind, with
a reproducer for each kind written to `--keep DIR`. The goal is 0 failures.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fuzzing import confuse, mutate, run_case, seeds  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=int, default=20, help="seconds per run before it counts as a hang")
    parser.add_argument("--keep", type=Path, default=None, help="write one reproducer per failure kind here")
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    corpus = seeds()
    kinds: collections.Counter[str] = collections.Counter()
    examples: dict[str, tuple[bytes, str]] = {}
    runs = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.inputs):
            data, suffix = rng.choice(corpus)
            case = confuse(data, suffix, rng) if suffix != ".flow" and rng.random() < 0.4 else mutate(data, rng)
            for outcome in run_case(case, suffix, Path(tmp) / "w", timeout=args.timeout):
                runs += 1
                if outcome.problem:
                    kind = f"{suffix} {outcome.command}: {outcome.problem.split(':')[0]}: " + \
                        outcome.problem.split(":", 1)[-1][:120]
                    kinds[kind] += 1
                    examples.setdefault(kind, (case, suffix))
            if (i + 1) % 200 == 0:
                print(f"  {i + 1} inputs, {runs} runs, {sum(kinds.values())} failures "
                      f"({time.perf_counter() - started:.0f}s)", file=sys.stderr)
    elapsed = time.perf_counter() - started
    print(f"inputs {args.inputs}, runs {runs}, failures {sum(kinds.values())}, kinds {len(kinds)}, "
          f"{elapsed:.0f}s (seed {args.seed})")
    for kind, count in kinds.most_common(args.show):
        print(f"{count:6d}  {kind}")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for n, (kind, (case, suffix)) in enumerate(sorted(examples.items())):
            (args.keep / f"case{n:03d}{suffix}").write_bytes(case)
            (args.keep / f"case{n:03d}.txt").write_text(kind + "\n", encoding="utf-8")
    return 1 if kinds else 0


if __name__ == "__main__":
    sys.exit(main())
