"""What compiling a large workflow costs apart from lexing and parsing, against the floor (issue 16 goal 1).

    python benchmarks/bench_compile_bound.py [--steps 10000] [--rounds 5] [--markdown]

The `.flow` front end is lark's grammar run by a table-driven LALR driver whose reductions call the
grammar's Transformer (`dsl/parser.py`'s builder), which builds the AST. This splits one compile of the
synthetic workflow (benchmarks/synthetic.py) into:

- lex + drive: the lexer and the driver on lark's table with every builder method a no-op (no AST);
- build: the builder's methods alone, replayed on the very children they got during a real parse;
- lower, emit, the ASL rules on flowc's own output and the `.flow` rules (as `flowc compile` runs them:
  `analyse_flow`, every rule `[tool.flowc.lint]` enables, at any severity), render + write;

and measures each against the floor (benchmarks/floor.py) in the same round, in rounds, printing the round
with the median ratio of "everything but lex + drive" to the floor. That sum is what a front end that lexed
and parsed for free would still pay with this AST, IR and these back ends; adding the floor's own trivial
lexer gives what one that only tokenised would.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from floor import floor, lex  # noqa: E402
from synthetic import synthetic_flow  # noqa: E402

PARTS = ("lex + drive", "build", "lower", "emit", "rules", "flow rules", "render")


class _NoOp:
    """A builder whose every method returns None: the driver still shifts, reduces and splices helper lists."""

    def __getattr__(self, name: str) -> Any:
        return lambda children: None


class _Recorder:
    """The real builder's methods, each call recorded with a copy of its children for replay."""

    def __init__(self, builder: Any, calls: list):
        self._builder, self._calls = builder, calls

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._builder, name)
        if not callable(method):
            return method
        calls = self._calls

        def record(children: list) -> Any:
            calls.append((method, list(children)))
            return method(children)

        return record


def cpu(fn: Any) -> tuple[float, Any]:
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        result = fn()
        return time.process_time() - start, result
    finally:
        gc.enable()


def measure(steps: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="flowc-bound-") as work:
        return _measure(steps, rounds, Path(work))


def _measure(steps: int, rounds: int, work: Path) -> dict:
    from flowc.compiler.collisions import check_collisions
    from flowc.compiler.engine import FlowContext, flow_rules, run_flow_rules, run_rules
    from flowc.compiler.lint.config import load_config
    from flowc.compiler.lint.runner import _asl_rules
    from flowc.compiler.lower import lower
    from flowc.compiler.pipeline import GUARANTEED_BY_EMITTER, analyse, own_output_document
    from flowc.dsl import parser as flow_parser
    from flowc.dsl.diagnostics import Span
    from flowc.dsl.fastparse import parse_fast
    from flowc.dsl.lalr import END, LeanParser, tables_from_lark
    from flowc.dsl.loader import load_program
    from flowc.targets.asl.emit import emit_workflow
    from flowc.targets.asl.target import render
    from flowc.targets.output import write_outputs

    src = work / f"synthetic_{steps}.flow"
    src.write_text(synthetic_flow(steps))
    (work / "handlers").mkdir()
    (work / "handlers" / "bench.py").write_text("def work(event, context):\n    return event\n")
    out = work / "out"
    result = analyse([src])
    definition = next(iter(result.asl.values())).definition
    text = src.read_text()

    builder = flow_parser._parser().builder
    tables = tables_from_lark(flow_parser._build_lark(builder), builder)
    lexer = flow_parser._parser().lexer
    noop = LeanParser(tables, _NoOp())
    calls: list = []
    recording = LeanParser(tables, _Recorder(builder, calls))
    builder.file, builder.text, builder.diagnostics = str(src), text, []
    recording.parse(lambda stack, rows: lexer.tokens(text, stack, rows, recording.dropped, END), "start")

    def lex_and_drive() -> Any:
        return noop.parse(lambda stack, rows: lexer.tokens(text, stack, rows, noop.dropped, END), "start")

    def build() -> None:
        for method, children in calls:
            method(list(children))

    modules, _ = load_program([src])
    nodes, spans = _constructors(modules)

    def construct() -> None:
        for cls, fields in nodes:
            cls(**fields)
        for args in spans:
            Span(*args)

    config = load_config()  # what `flowc compile` reads (no [tool.flowc.lint] here: the defaults)
    rules = [r for r in _asl_rules(config) if r.code not in GUARANTEED_BY_EMITTER]
    checks = [r for r in flow_rules() if config.enabled(r.code)]
    program, _ = lower(modules)
    wf = next(iter(program.workflows.values()))
    emitted = emit_workflow(program, wf)

    def lower_phase() -> Any:
        lowered, _ = lower(modules)
        check_collisions(lowered)
        return lowered

    parts = {
        "lex + drive": lex_and_drive,
        "build": build,
        "lower": lower_phase,
        "emit": lambda: emit_workflow(program, wf),
        "rules": lambda: run_rules(own_output_document(program, wf, emitted), rules),
        "flow rules": lambda: run_flow_rules(FlowContext(modules, program, {wf.name: emitted}), checks),
        "render": lambda: write_outputs(out, render(result, out, [str(src)]), force=True),
    }
    floor_out = work / "floor.asl.json"
    if parse_fast(text, str(src)) is None:
        raise SystemExit("the fast front end declined the synthetic workflow")
    for fn in parts.values():  # warm
        fn()
    measured = []
    for _ in range(rounds):
        row = {"floor": cpu(lambda: floor(src, definition, floor_out))[0], "trivial lexer": cpu(lambda: lex(text))[0],
               "construct": cpu(construct)[0],
               # (not a part: the whole front end that replaces lex + drive + build, dsl/fastparse.py)
               "fast front end": cpu(lambda: parse_fast(text, str(src)))[0]}
        row.update({name: cpu(fn)[0] for name, fn in parts.items()})
        measured.append(row)
    measured.sort(key=lambda r: sum(r[p] for p in PARTS[1:]) / r["floor"])
    states = sum(len(list(w.graph.walk())) for w in result.program.workflows.values())
    return {"steps": steps, "states": states, "reductions built": len(calls), "nodes": len(nodes),
            "spans": len(spans), "round": measured[len(measured) // 2]}


def _constructors(modules: list) -> tuple[list[tuple[type, dict]], list[tuple]]:
    """Every AST node of `modules` as (class, its fields) and every span as its arguments: constructing them
    again is the least any front end building this AST pays, without lexing, parsing or a builder's logic."""
    from flowc.dsl import ast
    from flowc.dsl.diagnostics import Span

    nodes: list[tuple[type, dict]] = []
    spans: list[tuple] = []
    stack: list[Any] = list(modules)
    while stack:
        item = stack.pop()
        if isinstance(item, ast.AstModel):
            fields = {name: getattr(item, name) for name in ast.field_names(item.__class__)}
            nodes.append((item.__class__, fields))
            stack.extend(fields.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Span):
            spans.append((item.file, item.line, item.col, item.end_line, item.end_col))
    return nodes, spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--markdown", action="store_true", help="print a section for docs/performance.md")
    args = parser.parse_args()
    found = measure(args.steps, args.rounds)
    r = found["round"]
    floor_ms = r["floor"] * 1000
    beyond = sum(r[p] for p in PARTS[1:]) * 1000
    if args.markdown:
        print("## Compile without lexing and parsing\n")
        print(f"One compile of the {found['states']:,}-state synthetic workflow split by part, each part measured "
              f"against the floor in the same round (median of {args.rounds} rounds, process CPU time). "
              "*lex + drive* runs the lexer and the LALR driver with every builder method a no-op; *build* "
              f"replays the builder's {found['reductions built']:,} calls on the children they got in a real "
              "parse. The last column is what a front end that lexed and parsed for free would still pay.\n")
    head = ["floor ms", *(f"{p} ms" for p in PARTS), "all but lex + drive", "x floor"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---:|" * len(head))
    cells = [f"{floor_ms:.0f}", *(f"{r[p] * 1000:.0f}" for p in PARTS), f"{beyond:.0f}", f"{beyond / floor_ms:.2f}x"]
    print("| " + " | ".join(cells) + " |")
    lexer_ms, construct_ms = r["trivial lexer"] * 1000, r["construct"] * 1000
    later_ms = sum(r[p] for p in PARTS[2:]) * 1000
    print(f"\n- lex + drive alone: {r['lex + drive'] * 1000 / floor_ms:.2f}x the floor.")
    print(f"- The floor's own trivial lexer takes {lexer_ms:.0f} ms ({lexer_ms / floor_ms:.2f}x the floor). A front end "
          f"that only tokenised, as cheaply, and built this AST for these phases would take "
          f"{(beyond + lexer_ms) / floor_ms:.2f}x the floor.")
    print(f"- Constructing the AST's {found['nodes']:,} nodes and {found['spans']:,} spans from their finished fields "
          f"(no lexing, parsing or builder logic) takes {construct_ms:.0f} ms; the phases after the AST take "
          f"{later_ms:.0f} ms ({later_ms / floor_ms:.2f}x the floor). Within 4x the floor, a front end would have "
          f"{4 * floor_ms - later_ms - construct_ms:.0f} ms to read, lex and parse the file and run its builder's "
          f"logic: {(4 * floor_ms - later_ms - construct_ms) / lexer_ms:.2f}x the trivial lexer's time.")
    fast_ms = r["fast front end"] * 1000
    print(f"- The fast front end (dsl/fastparse.py: lines tokenised by one regex each, recursive descent, the "
          f"same AST) reads the file into the whole AST in {fast_ms:.0f} ms ({fast_ms / floor_ms:.2f}x the floor) "
          f"where lex + drive + build take {(r['lex + drive'] + r['build']) * 1000:.0f} ms; with the phases after "
          f"the AST, a compile takes {(fast_ms + later_ms) / floor_ms:.2f}x the floor.")
    if args.markdown:
        print(f"\nReproduce: `python benchmarks/bench_compile_bound.py --markdown --steps {args.steps}`")


if __name__ == "__main__":
    main()
