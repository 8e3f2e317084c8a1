"""What reading a `.flow` file into its AST costs: the fast front end (dsl/fastparse.py), in its phases.

    python benchmarks/bench_parse.py [--steps 10000] [--rounds 7] [--lalr]
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \\
        python benchmarks/bench_parse.py --steps 2000 --callgrind

On the synthetic workflow (benchmarks/synthetic.py) it prints the best process CPU time of the rounds for:
`lines`, splitting the text into its lines; `tokens`, that and tokenising every line in turn (`next_line`, with
its caches, but no line skipped: an upper bound of what the parse spends there); `parse`, the whole
`parse_fast` (the AST of the previous round freed first, as a command's would not be: it holds no cycles);
with --lalr also `lalr`, the LALR path `parse_flow` falls back on. The collector is off, as `parse_fast`
turns it off itself. With --callgrind one warm parse runs, then one inside `functools.reduce` (freeing the
warm one's AST), so that callgrind, told to collect only inside that function, counts the instructions of
exactly one warm parse (the machine is shared: instruction counts do not drift with the neighbours).
"""

from __future__ import annotations

import argparse
import functools
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from synthetic import synthetic_flow  # noqa: E402


def phases(text: str, lalr: bool) -> dict[str, Callable[[], Any]]:
    from flowc.dsl import fastparse

    def lines() -> Any:
        return fastparse._Parser(text, "synthetic.flow")

    def tokens() -> Any:
        parser = fastparse._Parser(text, "synthetic.flow")
        last = len(parser.lines) - 1
        while parser.k < last:
            parser.next_line()
        return parser

    def parse() -> Any:
        module = fastparse.parse_fast(text, "synthetic.flow")
        assert module is not None, "the fast path declined the synthetic workflow"
        return module

    found = {"lines": lines, "tokens": tokens, "parse": parse}
    if lalr:
        from flowc.dsl.parser import parse_with_start

        found["lalr"] = lambda: parse_with_start(text, "synthetic.flow", "start")
    return found


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--steps", type=int, default=10000)
    args.add_argument("--rounds", type=int, default=7)
    args.add_argument("--lalr", action="store_true", help="time the LALR path too")
    args.add_argument("--callgrind", action="store_true", help="one warm parse inside functools.reduce")
    opts = args.parse_args()
    text = synthetic_flow(opts.steps)
    found = phases(text, opts.lalr)
    if opts.callgrind:
        functools.reduce(lambda previous, _: found["parse"](), [found["parse"](), 1])
        return
    gc.disable()
    lines = len(text.splitlines())
    print(f"synthetic_flow({opts.steps}): {lines} lines, {len(text)} characters; best of {opts.rounds} rounds")
    for name, run in found.items():
        best = float("inf")
        kept = None
        for _ in range(opts.rounds):
            kept = None  # (the previous round's result freed before the clock starts)
            start = time.process_time()
            kept = run()
            best = min(best, time.process_time() - start)
        del kept
        print(f"  {name:7} {best * 1000:8.1f} ms CPU")


if __name__ == "__main__":
    main()
