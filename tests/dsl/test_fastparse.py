"""The fast front end (dsl/fastparse.py) builds exactly the LALR parser's AST, spans included, or declines.

The grammar in flow.lark is the definition: every test compares with the LALR path (the lean driver, itself
held to lark's own driver by test_lalr.py, or lark directly), and a fast answer that differs in any node,
field or span fails. Declining is always allowed, except on the files a test names as accepted (so the fast
path is proven in use) and the common constructs listed below.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from flowc.dsl import fastparse
from flowc.dsl.diagnostics import FlowError
from flowc.dsl.fastparse import ALL_KEYWORDS, parse_fast
from flowc.dsl.parser import _parser, parse_flow, parse_with_start
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import shared
from tests.fuzzing import TOKENS, mutate

REPO = Path(__file__).resolve().parents[2]
FLOW_FILES = sorted([*REPO.glob("workflows/*.flow"), *REPO.glob("tests/corpus/flow/*.flow")])
sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import synthetic_flow  # noqa: E402


def _old(text: str, file: str = "x.flow"):
    """What `parse_flow` answered before the fast path: the LALR parse, or its diagnostics."""
    text = text.removeprefix("\ufeff")
    try:
        return ("ok", parse_with_start(text if text.endswith("\n") else text + "\n", file, "start"))
    except FlowError as err:
        return ("error", [(d.code, d.message, d.span) for d in err.diagnostics])


def _lark(text: str, file: str):
    parsers = _parser()
    parsers.builder.file, parsers.builder.text, parsers.builder.diagnostics = file, text, []
    return parsers.lark.parse(text if text.endswith("\n") else text + "\n", start="start")


def _agrees(text: str, file: str = "x.flow") -> bool:
    """The fast answer is a decline or the old path's very AST; True when it was an AST."""
    fast = parse_fast(text.removeprefix("\ufeff"), file)
    if fast is None:
        return False
    old = _old(text, file)
    assert old[0] == "ok", f"the fast path accepted what the LALR path refuses: {old[1]}\n{text}"
    assert fast == old[1], text
    return True


@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda p: p.name)
def test_every_example_and_corpus_file_is_accepted_with_lark_s_ast(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = parse_fast(text, str(path))
    assert fast is not None, "the fast path declined a file of the repository"
    assert fast == _lark(text, str(path))


@shared.marker
def test_shared_corpus_flow_files_are_accepted() -> None:
    # (the shared corpora hold ASL today; any .flow they gain is held to the same bar)
    for path in sorted(shared.path("corpus").glob("**/*.flow")):
        text = path.read_text(encoding="utf-8")
        assert parse_fast(text, str(path)) is not None, path
        assert _agrees(text, str(path))


@pytest.mark.parametrize("steps", [1, 10, 49, 50, 137, 500])
def test_the_synthetic_workflow_is_accepted_with_lark_s_ast(steps: int) -> None:
    text = synthetic_flow(steps)
    fast = parse_fast(text, "s.flow")
    assert fast is not None
    assert fast == _lark(text, "s.flow")


def test_parse_flow_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Valid input never reaches the LALR path (which would raise here)."""
    import flowc.dsl.parser as parser_module

    def refuse(*args, **kwargs):
        raise AssertionError("the LALR path ran")

    monkeypatch.setattr(parser_module, "parse_with_start", refuse)
    for path in FLOW_FILES:
        assert parse_flow(path.read_text(encoding="utf-8"), str(path)).workflows


def test_valid_input_parses_without_lark_or_the_lalr_tables(tmp_path: Path) -> None:
    """With no table cache at all, valid input neither imports lark nor builds the tables."""
    import os
    import subprocess

    probe = ("import sys\nfrom flowc.dsl.parser import parse_flow\n"
             "module = parse_flow('workflow W\\n  A: pass\\n  B: succeed\\n', 'w.flow')\n"
             "print(len(module.workflows[0].body), sorted({m.split('.')[0] for m in sys.modules} & {'lark'}))\n")
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "2 []"
    assert not list(tmp_path.glob("flowc/flow-lean-*"))


def test_what_the_fast_path_declines_parse_flow_still_parses_and_reports() -> None:
    ok = "workflow W\n\tA: pass\n"  # a tab: declined, parsed by the LALR path
    assert parse_fast(ok, "t.flow") is None
    assert parse_flow(ok, "t.flow").workflows[0].body[0].name == "A"
    bad = "workflow W\n  A: invoke f with { a: 1, a: 2 }\n"
    assert parse_fast(bad, "t.flow") is None
    with pytest.raises(FlowError) as err:
        parse_flow(bad, "t.flow")
    assert "duplicate key 'a'" in err.value.diagnostics[0].message


HEAD = "workflow W\n"

# Constructs a big hand-written workflow uses: each must be accepted, with the LALR path's AST.
ACCEPTED = [
    # keywords as names and keys, where the table reads them so
    HEAD + "  A: invoke result with { result: 1, input: $.x, map: true, if: null, goto: \"g\" }\n",
    HEAD + "  A: map $.items as item, index\n    do\n      B: pass\n",
    HEAD + "  A: map distributed $.items as item\n    label \"L\"\n    do\n      B: pass\n",
    HEAD + "  A: map\n    do\n      B: pass\n",
    HEAD + "  A: map distributed\n    reader { Resource: \"arn:aws:states:::s3:getObject\" }\n    do\n      B: pass\n",
    HEAD + "  A: map Items concurrency 3\n    do\n      B: pass\n",
    HEAD + "  A: dynamodb.putItem Items item { id: $.id }\n",
    HEAD + "  A: dynamodb.putItem retry item { id: $.id }\n",
    HEAD + "  A: dynamodb.putItem item { id: $.id }\n",
    HEAD + "  A: sns.publish sync message \"m\"\n",
    HEAD + "  A: invoke with sync2 with { a: 1 }\n",
    HEAD + "  A: pass\n  goto \"B c\"\n  \"B c\": pass\n  end\n",
    # every value kind, nested objects and arrays
    HEAD + "  A: pass with { s: \"a\\\"b\\u00e9\\n\", n: -1.5, i: 42, t: true, f: false, z: null, p: $$.Execution.Id,"
           " j: {% $x + 1 %}, r: Orders, ra: Orders.arn, d: N($.n), dd: S(States.Format('{}', $.a)),"
           " a: [1, [2, [3, {}]], []], o: { \"k e y\": { deep: [ { x: 1 } ] } }, trailing: [1, 2,], }\n",
    HEAD + "  A: pass with { a: States.Array(1, 'two', $.x, true, false, null, States.UUID()) }\n",
    HEAD + "  A: pass with { p: $.a[0].b, q: $[1], r: $.a[?(@.x > 1)], s: $ }\n",
    HEAD + "  A: pass with { big: 12345678901234567890, e: 1e3, neg: -0, f: 0.25 }\n",
    # conditions with and/or/not/parens, every comparison
    HEAD + "  A: choose\n    if $.a == \"x\" and not ($.b > 2 or $.c is present) goto B\n"
           "    elif $.n NumericLessThanPath $.m and $.s matches \"a*\" or $.z is not null goto B\n"
           "    elif not not $.a != 1 assign { seen: true } output $.o comment \"c\" goto B\n"
           "    elif ($.a <= 1) and (($.b >= 2)) goto B\n"
           "    elif $.t == false or $.n == null or $.n != null goto B\n"
           "    elif {% $x > 1 %} goto B\n"
           "    elif $.ts TimestampLessThan \"2030-01-01T00:00:00Z\" and $.q IsPresent true goto B\n"
           "    else\n      C: succeed\n  B: succeed\n",
    HEAD + "  A: choose\n    if $.a == 1 or $.b == 2 or $.c == 3 and $.d == 4 and $.e == 5 goto B\n"
           "    else raise States.NoChoiceMatched\n  B: succeed\n",
    # switch/case, parallel, waits, fail with cause, service calls with modes
    HEAD + "  A: switch $.kind\n    case \"a\", \"b\" goto B\n    case 1 assign { x: 1 } goto B\n"
           "    case true\n      C: pass\n    default goto B\n  B: succeed\n",
    HEAD + "  A: parallel\n    branch\n      B: pass\n    branch\n      C: invoke f\n        result $.c\n"
           "    result $.both\n    catch States.ALL into $.error output $.o assign { e: true } goto F\n"
           "  F: fail Oops cause \"it broke\"\n",
    HEAD + "  A: wait 1h30m\n  B: wait until \"2030-01-01T00:00:00Z\"\n  C: wait until $.t\n  D: wait $.n\n"
           "  E: wait {% 1 + 1 %}\n  G: wait 10\n",
    HEAD + "  A: fail\n  B: fail States.Timeout\n  C: fail \"E\" cause $.c\n  D: fail $.e cause {% 'x' %}\n"
           "  E: fail {% 'E' %}\n  G: fail States.Format('{}', $.e) cause States.Format('{}', $.c)\n  H: fail cause \"c\"\n",
    HEAD + "  A: invoke f async with { a: 1 }\n  B: start M sync2 name $.id\n  C: activity act callback\n"
           "  D: call aws-sdk:s3:listObjectsV2 with { Bucket: \"b\" }\n"
           "  E: call \"arn:aws:states:::batch:submitJob.sync\" sync with { a: 1 }\n"
           "  G: call lambda:invoke.waitForTaskToken with { Payload: { t: $$.Task.Token } }\n"
           "  H: call arn:aws:states:::aws-sdk:s3:getObject with { a: 1 }\n"
           "  I: sqs.send Q callback body $ delay 5\n  J: pass\n",
    HEAD + "  A: invoke f\n    retry States.ALL\n    retry A.B, \"C D\", E interval 2 attempts 3 backoff 1.5 max_delay 1m"
           " jitter none comment \"r\"\n    retry X jitter \"full\"\n    catch States.ALL into null comment \"c\" goto B\n"
           "    catch \"X\", Y.Z goto \"B\"\n    timeout 30s\n    heartbeat $.h\n    tolerate 5%\n  B: succeed\n",
    HEAD + "  A: map $.x\n    tolerate count $.n\n    do\n      B: pass\n  C: map $.x\n    tolerate percent {% 5 %}\n"
           "    do\n      D: pass\n  E: map $.x\n    tolerate 3\n    do\n      G: pass\n  H: map $.x\n    tolerate 2.5 %\n"
           "    do\n      I: pass\n",
    # triggers, resources, settings, imports, comments, blank lines
    "# a comment\n\nimport \"other.flow\"\nimport \"b.flow\"  # trailing comment\n"
    "function shared handler \"m.f\" code \"h\"\n\nworkflow W  # the workflow\n"
    "  doc \"d\"\n  type express\n  timeout 1d\n  version \"1.0\"\n  logging all data\n  tracing on\n"
    "  query jsonata\n  timeout 300\n"
    "  function f handler \"m.f\" code \"h\" memory 512 timeout 20s env { STAGE: \"prod\" } policies [\"a\", \"b\"]\n"
    "  table T key id sort created key_type S sort_type N\n  topic Tp fifo\n  queue Q visibility 60s retention 4d fifo\n"
    "  bus B\n  bucket Bk\n  activity act\n  machine M arn \"arn:aws:states:us-east-1:1:stateMachine:m\"\n"
    "  function g handler \"m.g\" code \"h\" uses T read write, Q send, Tp publish kms \"k\"\n"
    "  function h uses T read\n"
    "  on http POST \"/x\" auth jwt issuer \"i\" audience \"a\" scopes [\"s/w\"] throttle 20 burst 40\n"
    "  on http GET \"/y\" auth public\n  on schedule \"rate(1 hour)\" input { source: \"s\" } enabled false\n"
    "  on event { source: [\"a\"], detail-type: [\"b\"] } bus B name \"n\" description \"d\"\n"
    "\n    # an indented comment\n  A: pass   \n\n\n  B: succeed\n\n\n",
    # indentation: deep nesting, odd widths, no final newline, trailing blank lines
    HEAD + "   A: choose\n        if $.a == 1\n         B: choose\n            if $.b == 2\n                   C: pass\n"
           "                     result $.c\n            else\n             D: succeed\n        else goto A\n",
    HEAD + "  A: pass",
    HEAD + "  A: pass\n\n   \n",
    HEAD + "  A: pass with { k: \"#not a comment\", u: \"\u00e9\u2028\" } # a comment\n",
    HEAD + "  A: pass\n    input $.a\n    output $.b\n    select { x: $.c }\n    assign { y: 1 }\n    result null\n"
           "    query jsonpath\n    execution express\n    credentials { RoleArn: \"r\" }\n",
    HEAD + "  A: pass\nworkflow V\n  B: pass\n",
    "\ufeffworkflow W\n  A: pass\n",
]


@pytest.mark.parametrize("text", ACCEPTED, ids=range(len(ACCEPTED)))
def test_common_constructs_are_accepted_with_the_lalr_ast(text: str) -> None:
    assert parse_fast(text.removeprefix("\ufeff"), "x.flow") is not None, "declined"
    assert _agrees(text)


# Input the fast path must decline (an error, a diagnostic, a limit, or a reading it cannot be sure of);
# each is held to the LALR path's answer by `_agrees` too.
DECLINED = [
    HEAD + "  A: pass with { a: 1, a: 2 }\n",  # a builder diagnostic
    HEAD + "  A: pass with { a: \"\\q\" }\n",
    HEAD + "  A: invoke f\n    retry X attempts 1.5\n",
    HEAD + "  A: choose\n    if $.a < true goto A\n",
    HEAD + "  A: choose\n    if $.a == $.b goto A\n",
    HEAD + "  A: choose\n    else raise Other.Error\n",
    HEAD + "  A: pass\n    if $.a == 1 goto A\n",
    HEAD + "  A: parallel\n",
    HEAD + "  result: pass\n",  # a step named like a keyword
    HEAD + "  map: pass\n",
    HEAD + "  A: pass with {\n    a: 1\n  }\n",  # brackets across lines
    HEAD + "  A: pass with { a: {% 1 +\n 2 %} }\n",
    HEAD + "  A: pass with { a: $.b[\n0] }\n",
    HEAD + "  A: pass with { a: 'x\n' }\n",
    HEAD + "  A: pass \\\n    with { a: 1 }\n",  # a continuation
    HEAD + "\tA: pass\n", HEAD + "  A: pass\r\n",
    "  workflow W\n  A: pass\n",
    HEAD + "  A: pass with { a: " + "[" * 200 + "]" * 200 + " }\n",
    HEAD + "  A: pass with { a: 1" + "0" * 500 + " }\n",
    HEAD + "  A: pass with { a: 1e999 }\n",
    HEAD + "    A: pass\n  B: pass\n",
    HEAD + "  A: pass\n      B: pass\n",
    HEAD + "  A: pass with { a: @ }\n",
    HEAD + "  A: invoke f.g\n",
    HEAD + "  A: pass with { a: States.Format ('x') }\n",
    HEAD + "  A: pass with { a: Foo('x') }\n",
    HEAD + "  A: fail N($.x)\n",
    HEAD + "  A: wait\n",
    "workflow W\n",
    HEAD + "  doc: pass\n",
]


@pytest.mark.parametrize("text", DECLINED, ids=range(len(DECLINED)))
def test_what_it_cannot_be_sure_of_is_declined(text: str) -> None:
    assert parse_fast(text, "x.flow") is None
    assert not _agrees(text)


def test_the_quick_path_class_is_the_grammar_s_on_every_code_point() -> None:
    grammar, quick = re.compile(fastparse._PATH_CLASS), re.compile(fastparse._PATH_CHAR)
    assert fastparse._PATH_CLASS in fastparse._DEFINITIONS["PATH"]
    text = "".join(map(chr, range(0x110000)))
    assert grammar.findall(text) == quick.findall(text)


def test_the_line_tokeniser_splits_as_the_grammar_s_terminals_do() -> None:
    """The quick token forms (dsl/fastparse.py's `_QUICK`) never change how a line splits: the same pieces as
    the plain terminals in the lexer's order, on every line here and 100,000 random strings of the
    characters that matter."""
    plain = [t.replace(fastparse._PATH_CHAR, fastparse._PATH_CLASS) for t in fastparse._FULL]
    full = re.compile(" *(?:" + "|".join(plain) + ")")
    lines = [line for text in SEEDS for line in text.split("\n")]
    rng = random.Random(3)
    alphabet = "aZ_.$$[]{}%\"'\\  0123456789smhdeE-.,:()=<>!#@*\u00e9"
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(100_000)]
    for line in lines:
        assert fastparse._TOKEN.findall(line) == full.findall(line), repr(line)


# -- differential fuzzing --------------------------------------------------------------------------------
SEEDS = [p.read_text(encoding="utf-8") for p in FLOW_FILES] + [synthetic_flow(60)]
_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
POOL = [*sorted(ALL_KEYWORDS), "S", "N", "States.Format", "Orders", "Orders.arn", "x", "$.a", "$", "1", "2s", "-3",
                                "1.5", '"s"', "'q'", "{% $x %}", "{", "}", "[", "]", "(", ")", ",", ":", "%", "==",
                                "<", "!=", "#", "  ", "\n", "\n  ", "\n    ", "goto A"]


def _gentle(text: str, rng: random.Random) -> str:
    """A small edit that often stays valid: a word swapped for a keyword or token, a token dropped, a line
    repeated, re-indented or moved."""
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(5)
        if kind <= 1:
            words = list(_WORDS.finditer(text))
            if words:
                m = rng.choice(words)
                text = text[:m.start()] + (rng.choice(POOL) if kind == 0 else "") + text[m.end():]
        elif kind == 2:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(POOL) + (" " if rng.random() < 0.5 else "") + text[at:]
        else:
            lines = text.split("\n")
            i = rng.randrange(len(lines))
            if kind == 3:
                lines.insert(rng.randrange(len(lines) + 1), lines[i])
            else:
                lines[i] = " " * rng.choice((0, 1, 2, 4, 6)) + lines[i].lstrip(" ")
            text = "\n".join(lines)
    return text


def test_gently_mutated_sources_get_the_lalr_answer_or_a_decline() -> None:
    rng = random.Random(16)
    accepted = 0
    for _ in range(2500):
        text = _gentle(rng.choice(SEEDS), rng)
        accepted += _agrees(text)
    assert accepted > 500, accepted  # (most small edits keep a file valid: the comparison is exercised)


def test_fuzzer_mutations_get_the_lalr_answer_or_a_decline() -> None:
    rng = random.Random(1)
    seeds = [s.encode() for s in SEEDS]
    for _ in range(1500):
        data = mutate(rng.choice(seeds), rng)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        _agrees(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, len(SEEDS) - 1), at=st.integers(0, 10**6), length=st.integers(0, 8),
       insert=st.sampled_from([t.decode("utf-8", "replace") for t in TOKENS] + POOL))
def test_spliced_sources_get_the_lalr_answer_or_a_decline(seed: int, at: int, length: int, insert: str) -> None:
    text = SEEDS[seed]
    at %= len(text) + 1
    _agrees(text[:at] + insert + text[at + length:])


@pytest.mark.parametrize("word", sorted(ALL_KEYWORDS | {"true", "false", "null", "Orders.arn", "S", "N"}))
def test_every_keyword_in_every_name_and_key_position(word: str) -> None:
    """A keyword where a name, key or value goes: the table's reading (a name, a keyword, an error) or a
    decline, never another reading."""
    places = [
        "workflow {w}\n  A: pass\n", "function {w} handler \"m\"\nworkflow W\n  A: pass\n",
        HEAD + "  {w}: pass\n", HEAD + "  A: pass\n  {w}: pass\n", HEAD + "  A: goto {w}\n",
        HEAD + "  A: invoke {w}\n", HEAD + "  A: start {w} sync\n", HEAD + "  A: dynamodb.getItem {w}\n",
        HEAD + "  A: dynamodb.getItem {w} key {{ id: 1 }}\n", HEAD + "  A: pass with {{ {w}: 1 }}\n",
        HEAD + "  A: pass with {{ a: {w} }}\n", HEAD + "  A: pass with {{ a: [{w}, {w}] }}\n",
        HEAD + "  A: pass result {w}\n", HEAD + "  A: map {w} as {w}, {w}\n    do\n      B: pass\n",
        HEAD + "  A: map {w}\n    do\n      B: pass\n", HEAD + "  A: wait {w}\n", HEAD + "  A: wait until {w}\n",
        HEAD + "  A: fail {w}\n", HEAD + "  A: fail X cause {w}\n",
        HEAD + "  A: invoke f\n    retry {w} interval 1s\n    catch {w}, X goto {w}\n",
        HEAD + "  A: invoke f\n    retry X jitter {w}\n", HEAD + "  A: invoke f\n    {w} $.x\n",
        HEAD + "  A: choose\n    if $.a {w} 1 goto A\n    else goto A\n",
        HEAD + "  A: choose\n    if $.a is {w} goto A\n", HEAD + "  A: switch $.a\n    case {w} goto A\n",
        HEAD + "  A: choose\n    if $.a == 1 {w} $.b == 2 goto A\n",
        HEAD + "  {w} x\n", HEAD + "  on http {w} \"/x\" {w} {w}\n", HEAD + "  logging {w}\n",
        HEAD + "  table T key {w} {w} uses {w} {w} {w}, {w} {w}\n", HEAD + "  A: choose\n    else\n      {w}: pass\n",
        HEAD + "  A: choose\n    else\n      B: pass\n      {w}: pass\n",
    ]
    for place in places:
        _agrees(place.format(w=word))


def test_declining_stops_at_the_first_unsure_line() -> None:
    """A bad line near the top is declined without reading the rest."""
    calls = 0
    real = fastparse._Parser.next_line

    def counting(self):
        nonlocal calls
        calls += 1
        return real(self)

    text = HEAD + "  A: pass with { a: @ }\n" + "  B: pass\n" * 1000
    try:
        fastparse._Parser.next_line = counting
        assert parse_fast(text, "x.flow") is None
    finally:
        fastparse._Parser.next_line = real
    assert calls == 2


def test_the_direct_constructors_build_what_the_classes_build() -> None:
    """fastparse's `_span`, `_path`... skip the classes' `__init__`: each must set every slot of its class (a field
    added to a node must be added there too) and give an object equal to the class's own."""
    from flowc.dsl import ast
    from flowc.dsl.diagnostics import Span

    span = Span("f.flow", 3, 4, 3, 9)
    made = fastparse._span("f.flow", 3, 4, 3, 9)
    assert made == span and [getattr(made, n) for n in Span.__slots__] == [getattr(span, n) for n in Span.__slots__]
    cases = [
        (fastparse._path(span, "$.a"), ast.PathValue(span=span, text="$.a")),
        (fastparse._literal(span, 1.5), ast.LiteralValue(span=span, value=1.5)),
        (fastparse._name_ref(span, "Step"), ast.NameRef(span=span, name="Step")),
        (fastparse._option(span, "result", None), ast.Option(span=span, name="result", value=None)),
        (fastparse._item("k", span, None), ast.ObjectItem(key="k", key_span=span, value=None)),
    ]
    for made, expected in cases:
        assert made.__class__ is expected.__class__
        # every field present (a missing slot raises here) and equal to the class-built object's
        assert [getattr(made, n) for n in ast.field_names(made.__class__)] == expected.field_values()
        assert made == expected


def test_every_node_built_by_slot_stores_has_every_field() -> None:
    """The nodes fastparse and the shared assembly build with `object.__new__` (steps, task actions, retry and
    catch specs, objects, durations...) have each field of their class set, on both paths."""
    from flowc.dsl import ast

    text = synthetic_flow(60)
    seen: set[type] = set()

    def walk(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, ast.AstModel):
            seen.add(node.__class__)
            for name in ast.field_names(node.__class__):
                walk(getattr(node, name))  # (AttributeError: a field left unset)

    for tree in (parse_fast(text, "s.flow"), _old(text, "s.flow")[1]):
        walk(tree)
    assert {ast.Step, ast.TaskAction, ast.RetrySpec, ast.CatchSpec, ast.Option, ast.ObjectValue, ast.ObjectItem,
            ast.Duration, ast.PathValue, ast.LiteralValue, ast.NameRef} <= seen


# -- repeated option lines: copied from their first parse ------------------------------------------------------
RETRY = "retry Lambda.ServiceException, \"X Y\" interval 1s attempts 3 backoff 1.5 max_delay 10s jitter full comment \"r\""
CATCH = "catch States.ALL, A.B into $.error output $.o assign { e: true, n: [1, $.x] } comment \"c\" goto F"
REPEATED = [RETRY, CATCH, "result $.r", "result null", "timeout 30s", "heartbeat $.h", "input { a: $.a, b: [1, 2] }",
            "tolerate 5%", "tolerate count $.n", "concurrency 10", "label \"L\"", "execution express",
            "result $.r  # a comment", "retry X jitter \"full\"", "catch States.ALL into null goto F"]


def _repeated_file(seed: int) -> str:
    """Steps at several depths and indentations (top level, choose branches, parallel branches, a map's body)
    whose bodies repeat the same option lines in a random order, some with a comment."""
    rng = random.Random(seed)
    out = ["workflow W"]

    def body(indent: str) -> None:
        for line in rng.sample(REPEATED, rng.randint(0, 4)):
            out.append(indent + line)

    def steps(indent: str, depth: int, count: int) -> None:
        for _ in range(count):
            name = f"S{len(out)}"
            kind = rng.choice(["invoke", "invoke", "choose", "parallel", "map"] if depth < 3 else ["invoke"])
            inner = indent + rng.choice(["  ", "    ", "   "])
            if kind == "invoke":
                out.append(f"{indent}{name}: invoke f with {{ a: $.a }}")
                body(inner)
            elif kind == "choose":
                out.append(f"{indent}{name}: choose")
                body(inner)
                out.append(f"{inner}if $.a == 1")
                steps(inner + "  ", depth + 1, 2)
                out.append(f"{inner}else goto F")
            elif kind == "parallel":
                out.append(f"{indent}{name}: parallel")
                body(inner)
                for _ in range(2):
                    out.append(f"{inner}branch")
                    steps(inner + " " * rng.randint(1, 3), depth + 1, 2)
            else:
                out.append(f"{indent}{name}: map $.items")
                body(inner)
                out.append(f"{inner}do")
                steps(inner + "  ", depth + 1, 2)

    steps("  ", 0, 12)
    out.append("  F: fail Oops")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("seed", range(40))
def test_repeated_option_lines_at_any_depth_get_the_lalr_ast(seed: int) -> None:
    """The same option line under steps at the top level and in branches, at other indentations (another
    text), with a comment: every copy is the node the LALR path builds at that line."""
    text = _repeated_file(seed)
    assert parse_fast(text, "x.flow") is not None, text
    assert _agrees(text)


def _objects(node: object, found: dict[int, object]) -> dict[int, object]:
    """Every node, list and span of a tree by id (scalars left out: they are immutable)."""
    from flowc.dsl import ast
    from flowc.dsl.diagnostics import Span

    if isinstance(node, (list, ast.AstModel, Span)):
        found[id(node)] = node
    if isinstance(node, list):
        for item in node:
            _objects(item, found)
    elif isinstance(node, ast.AstModel):
        for name in ast.field_names(node.__class__):
            _objects(getattr(node, name), found)
    return found


def test_copies_of_a_repeated_line_share_nothing_and_are_copied_not_parsed() -> None:
    """Three steps with the same retry and catch lines: the line is parsed once, each occurrence is its own
    tree (changing one leaves the others as they were), with the sharing a parse gives (a spec's span is its
    option's)."""
    text = HEAD + "".join(f"  S{n}: invoke f\n    {RETRY}\n    {CATCH}\n    input {{ a: [], b: {{}} }}\n"
                          for n in range(3)) + "  F: succeed\n"
    calls = 0
    real = fastparse._Parser.body_item

    def counting(self, indent):
        nonlocal calls
        calls += 1
        return real(self, indent)

    try:
        fastparse._Parser.body_item = counting
        module = parse_fast(text, "x.flow")
    finally:
        fastparse._Parser.body_item = real
    assert calls == 3  # each of the three lines' texts once
    assert module == _old(text)[1]
    steps = module.workflows[0].body[:3]
    trees = [[_objects(option, {}) for option in step.options] for step in steps]
    for a in range(3):
        for b in range(a + 1, 3):
            for line in range(3):
                assert not set(trees[a][line]) & set(trees[b][line])
    for step in steps:
        retry, catch, _ = step.options
        assert step.options[2].value.items[0].value.items == []
        assert retry.value.span is retry.span and catch.value.span is catch.span
        # nothing else met twice within a line (as in a parse)
        for option in step.options:
            spans = [o for o in _objects(option, {}).values() if o.__class__.__name__ == "Span"]
            assert len(spans) == len({id(s) for s in spans})
    steps[1].options[0].value.errors[0].span.col = 99
    steps[1].options[1].value.into.text = "$.changed"
    steps[1].options[2].span.end_col = 1
    steps[1].options[2].value.items[1].value.items.append(steps[0].options[2].value.items[0])
    assert [step.options for step in steps[::2]] == [_old(text)[1].workflows[0].body[n].options for n in (0, 2)]
    assert [step.options[0].span.line for step in steps] == [3, 7, 11]


def test_a_repeated_line_first_read_as_a_clause_or_declined_is_parsed_each_time() -> None:
    """A body line met first as a clause stays parsed (a clause depends on the lines after it); a line whose
    first reading declines declines the file; the same text as a step line and as an option line."""
    clause = HEAD + "".join(f"  S{n}: choose\n    if $.a == 1 goto F\n    else goto F\n" for n in range(3)) + \
        "  F: succeed\n"
    assert _agrees(clause)
    assert parse_fast(HEAD + "  A: pass\n    retry X attempts 1.5\n  B: pass\n    retry X attempts 1.5\n",
                      "x.flow") is None
    option = "  A: pass\n      result $.r\n  C: pass\n      result $.r\n"
    statement = "  B: choose\n    if $.a == 1\n      result $.r\n    else goto A\n"
    for text in (HEAD + option + statement, HEAD + statement + option):  # (`result` as a step name: declined)
        assert parse_fast(text, "x.flow") is None
        assert not _agrees(text)
    assert _agrees(HEAD + option)


def test_what_cannot_be_copied_exactly_is_not_copied() -> None:
    """The check before a line's first parse becomes its template: spans of its line and file only, no object
    met twice but a spec's span."""
    from flowc.dsl import ast
    from flowc.dsl.diagnostics import Span

    file = "x.flow"

    def option(value_span_line=4, shared=False):
        span = Span(file, 4, 5, 4, 20)
        inner = Span(file, value_span_line, 12, value_span_line, 20)
        value = ast.PathValue(span=span if shared else inner, text="$.a")
        return ast.Option(span=span, name="result", value=value)

    assert fastparse._copyable(option(), file, 4)
    assert not fastparse._copyable(option(), "y.flow", 4)  # another file object
    assert not fastparse._copyable(option(value_span_line=5), file, 4)
    assert not fastparse._copyable(option(shared=True), file, 4)
    item = ast.ObjectItem(key="k", key_span=Span(file, 4, 1, 4, 2),
                          value=ast.LiteralValue(span=Span(file, 4, 3, 4, 4), value=1))
    twice = ast.Option(span=Span(file, 4, 1, 4, 9), name="input",
                       value=ast.ObjectValue(span=Span(file, 4, 5, 4, 9), items=[item, item]))
    assert not fastparse._copyable(twice, file, 4)
    spec_span = Span(file, 4, 5, 4, 20)
    retry = ast.Option(span=spec_span, name="retry", value=ast.RetrySpec(
        span=Span(file, 4, 5, 4, 20), errors=[ast.NameRef(span=Span(file, 4, 11, 4, 12), name="X")]))
    assert not fastparse._copyable(retry, file, 4)  # its spec's span not its option's
    retry.value.span = spec_span
    assert fastparse._copyable(retry, file, 4)
    retry.value.attempts = [1]
    assert not fastparse._copyable(retry, file, 4)  # a field taken as it is holding a list


# -- lines differing in their digits only: tokenised once --------------------------------------------------------
def test_the_token_pattern_never_tells_one_ascii_digit_from_another() -> None:
    """`next_line` reuses a line's cuts for any line equal to it but for its ASCII digits: sound only if every
    place `_TOKEN` mentions a digit holds all ten alike (no literal digit, no class with some of them)."""
    import re._constants as c
    import re._parser as sre_parse

    digits = set(range(ord("0"), ord("9") + 1))
    categories = {c.CATEGORY_DIGIT: digits, c.CATEGORY_WORD: digits, c.CATEGORY_NOT_DIGIT: set(),
                  c.CATEGORY_SPACE: set(), c.CATEGORY_NOT_SPACE: digits, c.CATEGORY_NOT_WORD: set()}
    checked = 0

    def in_class(items: list) -> set[int]:
        found: set[int] = set()
        negate = False
        for op, arg in items:
            if op is c.NEGATE:
                negate = True
            elif op is c.LITERAL:
                found |= {arg} & digits
            elif op is c.RANGE:
                found |= {d for d in digits if arg[0] <= d <= arg[1]}
            elif op is c.CATEGORY:
                found |= categories[arg]
            else:
                raise AssertionError(f"unexpected class item {op}")
        return digits - found if negate else found

    def walk(pattern) -> None:
        nonlocal checked
        for op, arg in pattern:
            if op in (c.LITERAL, c.NOT_LITERAL):
                assert arg not in digits, chr(arg)
            elif op is c.IN:
                assert in_class(arg) in (set(), digits), arg
                checked += 1
            elif op is c.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op is c.SUBPATTERN:
                walk(arg[3])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                walk(arg[2])
            elif op in (c.ASSERT, c.ASSERT_NOT):
                walk(arg[1])
            elif op is c.CATEGORY:
                assert categories[arg] in (set(), digits)
            else:
                assert op in (c.ANY, c.AT), op

    walk(sre_parse.parse(fastparse._TOKEN.pattern, fastparse._TOKEN.flags))
    assert checked > 10
    table = fastparse._DIGITS_AS_ZERO  # (and the shape changes digits only: every other byte maps to itself)
    assert all(table[b] == b for b in range(256) if b not in digits)
    assert all(chr(table[d]) == "0" for d in digits)


def test_lines_differing_in_digits_only_get_the_lalr_ast() -> None:
    """Lines of one shape (the same text but for ASCII digits) one after another: numbers with leading zeros,
    signs, fractions and exponents, durations, names, paths, strings, comments, a non-ASCII digit."""
    shapes = [
        "  S{0}: invoke work{0} with {{ id: $.id{0}, step: {0}, f: -{0}.{0}e{0}, s: \"x{0}\" }}  # {0}",
        "  S{0}: wait {0}s",
        "  S{0}: pass with {{ a: [{0}, {0}], b: $.a[{0}], c: States.MathAdd($.n, {0}) }}",
        "  S{0}: dynamodb.putItem Items item {{ id: N($.x{0}), d: 1h{0}m }}",
        "  S{0}: map $.items{0}\n    concurrency {0}\n    do\n      I{0}: pass\n        result $.r{0}",
        "  S{0}: invoke f\n    timeout {0}s\n    retry E{0} interval {0} attempts {0}",
        "  S{0}: pass with {{ k\u0663{0}: {0} }}",
    ]
    fills = ["0", "1", "00", "07", "10", "99", "123", "000", "5"]
    rng = random.Random(7)
    for shape in shapes:
        for _ in range(6):
            values = rng.sample(fills, 4)
            text = HEAD + "".join(shape.format(v) + "\n" for v in values) + "  F: succeed\n"
            _agrees(text)
    accepted = HEAD + "".join(shapes[0].format(v) + "\n" for v in ("1", "2", "03", "40")) + "  F: succeed\n"
    assert _agrees(accepted)
    steps = parse_fast(accepted, "x.flow").workflows[0].body
    assert [s.name for s in steps] == ["S1", "S2", "S03", "S40", "F"]
    assert [s.options[0].value.items[1].value.value for s in steps[:4]] == [1, 2, 3, 40]


def test_reading_a_line_of_the_same_shape_leaves_the_previous_line_s_tokens_alone() -> None:
    """A line's token list stays as it was when the next line of its shape is cut (the descent may still hold it)."""
    parser = fastparse._Parser(HEAD + "  S1: wait 10s\n  S2: wait 20s\n  S3: wait 5s\n", "x.flow")
    parser.next_line()
    seen = []
    for _ in range(3):
        parser.next_line()
        seen.append((parser.toks, list(parser.toks), parser.stops))
    for toks, copy, _ in seen:
        assert toks == copy
    assert [copy[0] for _, copy, _ in seen] == ["S1", "S2", "S3"] and [copy[3] for _, copy, _ in seen] == [
        "10s", "20s", "5s"]
    assert seen[0][2] is seen[1][2] and seen[0][0] is not seen[1][0]
