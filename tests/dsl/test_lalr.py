"""The lean LALR driver builds exactly what lark's own driver builds, and leaves errors to lark."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from flowc.dsl.diagnostics import FlowError
from flowc.dsl.lalr import END, Abandon
from flowc.dsl.lexer import IndentError
from flowc.dsl.parser import _parser, parse_flow, parse_with_start
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedCharacters

REPO = Path(__file__).resolve().parents[2]
FLOW_FILES = sorted([*REPO.glob("workflows/*.flow"), *REPO.glob("tests/corpus/flow/*.flow")])
sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import synthetic_flow  # noqa: E402


def _lean(text: str, file: str, start: str = "start"):
    parsers = _parser()
    parsers.builder.file, parsers.builder.text, parsers.builder.diagnostics = file, text, []
    return parsers.lean.parse(lambda stack, rows: parsers.lexer.tokens(text, stack, rows, parsers.lean.dropped, END),
                              start)


def _lark(text: str, file: str, start: str = "start"):
    parsers = _parser()
    parsers.builder.file, parsers.builder.text, parsers.builder.diagnostics = file, text, []
    return parsers.lark.parse(text, start=start)


def _outcome(text: str, lean: bool = True):
    """What `parse_flow` returns or reports, with or without the lean driver."""
    parsers = _parser()
    saved = parsers.lean
    if not lean:
        parsers.lean = None
    try:
        return ("ok", parse_flow(text, "x.flow"))
    except FlowError as err:
        return ("error", [(d.code, d.message, d.span) for d in err.diagnostics])
    finally:
        parsers.lean = saved


def test_the_lean_driver_is_in_use() -> None:
    assert _parser().lean is not None


@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda p: p.name)
def test_same_ast_as_lark_on_every_example_and_corpus_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _lean(text, str(path)) == _lark(text, str(path))


def test_same_ast_as_lark_on_a_synthetic_workflow() -> None:
    text = synthetic_flow(500) + "\n"
    assert _lean(text, "s.flow") == _lark(text, "s.flow")


@pytest.mark.parametrize(("start", "text"), [
    ("condition", '$.a == "x" and not ($.b > 2 or $.c is present)'),
    ("condition", "$.n NumericLessThanPath $.m"),
    ("value", "{ a: [1, 2.5, true, null], b: States.Format('{}', $.x), c: N($.n), \"d e\": {% $x %} }"),
    ("value", "$.items[0].name"),
])
def test_same_ast_as_lark_on_fragments(start: str, text: str) -> None:
    assert _lean(text, "f", start) == _lark(text, "f", start)


@pytest.mark.parametrize("text", [
    "workflow W\n  A: invoke f with { a: 1\n",
    "workflow W\n  A invoke f\n",
    "workflow W\n  A: invoke f with { a: 1, a: 2 } )\n",
    "workflow W\n  A: pass\n ` \n",
    "workflow W\n    A: pass\n  B: pass\n",
])
def test_bad_input_is_left_to_lark(text: str) -> None:
    with pytest.raises((Abandon, UnexpectedCharacters, IndentError)):
        _lean(text, "bad.flow")
    lean, lark_only = _outcome(text), _outcome(text, lean=False)
    assert lean[0] == "error"
    assert lean == lark_only


@pytest.mark.parametrize(("start", "text"), [
    ("value", "$.a , 1"), ("value", "$.a }"), ("value", "1 2"), ("condition", '$.a == "x" $.b'),
])
def test_a_fragment_with_trailing_tokens_is_refused(start: str, text: str) -> None:
    with pytest.raises(Abandon):
        _lean(text, "f", start)
    with pytest.raises(FlowError):
        parse_with_start(text, "f", start)


SAMPLE = (REPO / "workflows" / "member_onboarding.flow").read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.integers(0, len(SAMPLE) - 1), length=st.integers(1, 6), insert=st.sampled_from(["", ":", " ", "\n", "{", "  "]))
def test_mutated_sources_get_the_same_answer_with_or_without_the_lean_driver(start: int, length: int,
                                                                            insert: str) -> None:
    text = SAMPLE[:start] + insert + SAMPLE[start + length:]
    assert _outcome(text) == _outcome(text, lean=False)


def test_a_condition_fragment_through_the_public_entry() -> None:
    node = parse_with_start('$.a == "x"', "f", "condition")
    assert node.op == "StringEquals"


def _reference_shaping(plan: list[tuple[int, bool]], callback, children: list):
    """What lark's child filter does with a plan: keep some children, splice helper lists in place."""
    kept: list | None = None
    for i, splice in plan:
        if splice:
            kept = children[i] if not kept else kept + children[i]
        elif kept is None:
            kept = [children[i]]
        else:
            kept = [*kept, children[i]]
    return callback(kept if kept is not None else [])


@settings(max_examples=200, deadline=None)
@given(size=st.integers(1, 6), data=st.data(), single=st.booleans())
def test_a_generated_reducer_keeps_and_splices_like_lark(size: int, data, single: bool) -> None:
    from flowc.dsl.lalr import _compile

    indices = sorted(data.draw(st.sets(st.integers(0, size - 1), min_size=1)))
    plan = [(i, data.draw(st.booleans())) for i in indices]

    def callback(kids: list) -> tuple:
        return ("built", list(kids))

    spliced = {i for i, splice in plan if splice}

    def children() -> list:  # helper lists at the spliced places (never empty, as lark builds them)
        return [[f"h{i}a", f"h{i}b"] if i in spliced else f"c{i}" for i in range(size)]

    reduce = _compile(plan, size, callback, identity=False, single=single)
    expected = _reference_shaping(plan, callback, children())
    if single and len(expected[1]) == 1:
        expected = expected[1][0]
    assert reduce(children()) == expected
    identity = _compile(plan, size, callback, identity=True, single=False)
    assert identity(children()) == _reference_shaping(plan, lambda kids: list(kids), children())


# (indented by tabs, which the fast front end leaves to the LALR path: this is about the LALR tables' cache)
_PROBE = ("import sys\nfrom flowc.dsl.parser import parse_flow\n"
          "module = parse_flow('workflow W\\n\\tA: pass\\n\\tB: succeed\\n', 'w.flow')\n"
          "print(len(module.workflows[0].body), sorted({m.split('.')[0] for m in sys.modules} & {'lark', 'pydantic'}))\n")


def _probe(cache: Path) -> str:
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_valid_input_parses_without_lark_once_the_tables_are_cached(tmp_path: Path) -> None:
    assert _probe(tmp_path) == "2 ['lark']"  # the first run builds the tables with lark and caches them
    assert _probe(tmp_path) == "2 []"
    (lean,) = (tmp_path / "flowc").glob("flow-lean-*.pickle")
    lean.write_bytes(b"not a pickle")  # a damaged cache is rebuilt, not trusted
    assert _probe(tmp_path) == "2 ['lark']"
    assert _probe(tmp_path) == "2 []"


def test_the_cached_tables_are_what_lark_gives() -> None:
    import pickle

    from flowc.dsl.lalr import LeanParser, tables_from_lark

    parsers = _parser()
    tables = tables_from_lark(parsers.lark, parsers.builder)
    assert pickle.loads(pickle.dumps(tables)) == tables
    text = synthetic_flow(60) + "\n"
    parsers.builder.file, parsers.builder.text, parsers.builder.diagnostics = "s.flow", text, []
    fresh = LeanParser(pickle.loads(pickle.dumps(tables)), parsers.builder)
    assert fresh.parse(lambda stack, rows: parsers.lexer.tokens(text, stack, rows, end=END), "start") == _lark(text, "s.flow")


def test_tokens_no_rule_keeps_come_shared_and_the_ast_is_the_same() -> None:
    parsers = _parser()
    dropped = parsers.lean.dropped
    assert {"COLON", "_INDENT", "_DEDENT", "INVOKE", "GOTO", "_NL"} <= dropped  # (`end_stmt` reads only `end`)
    assert not {"NAME", "PATH", "STRING", "NUMBER", "LBRACE", "END"} & dropped  # kept by some rule
    text = synthetic_flow(40) + "\n"
    shared = [t for t in parsers.lexer.tokens(text, [0], {0: {"NAME": None}}, dropped) if t.type in dropped]
    assert shared and all(t is next(s for s in shared if s.type == t.type) for t in shared)
    # a token of a dropped kind is never read: parsing with positionless ones builds lark's AST, positions included
    assert _lean(text, "s.flow") == _lark(text, "s.flow")
    ended = "workflow W\n  A: choose\n    if $.a == 1\n      B: pass\n      end\n    else\n      goto A\n  C: pass\n"
    assert _lean(ended, "e.flow") == _lark(ended, "e.flow")


def _child(kind: str, n: int):
    from flowc.dsl import ast
    from flowc.dsl.diagnostics import Span
    from flowc.dsl.lexer import new_token

    if kind == "token":
        return new_token("NAME", "x", n, n + 1, n + 2, n + 3, n + 4, n + 5)
    if kind == "node":
        return ast.NameRef(span=Span("f", n + 1, n + 2, n + 3, n + 4), name="x")
    if kind == "item":
        return ast.ObjectItem(key="k", key_span=Span("f", n + 1, n + 2, 0, 0), value=None)
    if kind == "list":
        return [_child("token", n)]
    return {"none": None, "str": "mode", "empty": []}[kind]


@settings(max_examples=300, deadline=None)
@given(kinds=st.lists(st.sampled_from(["token", "node", "item", "list", "none", "str", "empty"]), max_size=5))
def test_the_span_of_fast_path_agrees_with_the_general_walk(kinds: list[str]) -> None:
    builder = _parser().builder
    builder.file = "f"
    children = [_child(kind, 10 * i) for i, kind in enumerate(kinds)]
    assert builder.span_of(children) == builder._span_of(children)
