"""What `flowc compile --target asl` costs once the AST exists (issue 16 goal 1: the phases after the AST).

    python benchmarks/bench_after_ast.py [--steps 10000] [--rounds 7] [--part whole|lower|emit|rules|flow-rules|render]
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \\
        python benchmarks/bench_after_ast.py --steps 2000 --callgrind

The synthetic workflow (benchmarks/synthetic.py) is parsed once; the loader then hands that AST back, so each
round runs exactly what bench_compile.py's whole path runs after parsing: lower, collisions, emit, the ASL
and `.flow` rules `flowc compile` runs (`analyse_flow`: every rule `[tool.flowc.lint]` enables, at any severity),
the SAM template, rendering and writing. Prints the median and
the best process CPU time of the rounds. With --callgrind the part runs once warm and once inside
`functools.reduce`, so that callgrind, told to collect only inside that function, counts the instructions of
exactly one warm run (the machine is shared: instruction counts do not drift with the neighbours).
"""

from __future__ import annotations

import argparse
import functools
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from synthetic import synthetic_flow  # noqa: E402


def parts(work: Path, steps: int) -> dict[str, Any]:
    from flowc.compiler.collisions import check_collisions
    from flowc.compiler.engine import FlowContext, flow_rules, run_flow_rules, run_rules
    from flowc.compiler.lint.config import load_config
    from flowc.compiler.lint.runner import Options, _asl_rules, analyse_flow
    from flowc.compiler.lower import lower
    from flowc.compiler.pipeline import GUARANTEED_BY_EMITTER, own_output_document
    from flowc.dsl import loader
    from flowc.targets.asl.emit import emit_workflow
    from flowc.targets.asl.target import render
    from flowc.targets.output import write_outputs

    src = work / f"synthetic_{steps}.flow"
    src.write_text(synthetic_flow(steps))
    (work / "handlers").mkdir()
    (work / "handlers" / "bench.py").write_text("def work(event, context):\n    return event\n")
    out = work / "out"
    modules, front = loader.load_program([src])
    loader.load_program = lambda paths, sources=None: (modules, list(front))  # the AST, as parsed
    options = Options(load_config())  # what `flowc compile` runs: analyse_flow with [tool.flowc.lint] (none here)
    result = analyse_flow([src], options).result
    program, _ = lower(modules)
    wf = next(iter(program.workflows.values()))
    emitted = emit_workflow(program, wf)
    rules = [r for r in _asl_rules(options.config) if r.code not in GUARANTEED_BY_EMITTER]
    checks = [r for r in flow_rules() if options.config.enabled(r.code)]

    def whole() -> None:
        done = analyse_flow([src], options).result
        write_outputs(out, render(done, out, [str(src)]), force=True)

    return {
        "whole": whole,
        "lower": lambda: check_collisions(lower(modules)[0]),
        "emit": lambda: emit_workflow(program, wf),
        "rules": lambda: run_rules(own_output_document(program, wf, emitted), rules),
        "flow-rules": lambda: run_flow_rules(FlowContext(modules, program, {wf.name: emitted}), checks),
        "render": lambda: write_outputs(out, render(result, out, [str(src)]), force=True),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--part", default="whole", choices=["whole", "lower", "emit", "rules", "flow-rules", "render"])
    parser.add_argument("--callgrind", action="store_true", help="run the part once warm, once inside reduce")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flowc-after-ast-") as work:
        fn = parts(Path(work), args.steps)[args.part]
        gc.disable()  # as `flowc compile` runs it (compiler/gcpause.py)
        fn()
        if args.callgrind:
            functools.reduce(lambda _acc, _item: fn(), [0], None)
            return
        times = []
        for _ in range(args.rounds):
            gc.enable()
            gc.collect()
            gc.disable()
            start = time.process_time()
            fn()
            times.append(time.process_time() - start)
    print(f"{args.part} after the AST, synthetic_flow({args.steps}): median {statistics.median(times) * 1000:.0f} ms, "
          f"best {min(times) * 1000:.0f} ms of {args.rounds} rounds (process CPU)")


if __name__ == "__main__":
    main()
