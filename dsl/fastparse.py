"""A line-oriented recursive-descent front end for `.flow`: the same AST as the LALR parser, in bulk.

Why: issue 16 (goal 1) asks for a 10,001-state workflow to compile within 4x the measured floor (read, a
trivial regex lexer, orjson, write: ~170-210 ms). The LALR front end (dsl/lexer.py's contextual lexer,
dsl/lalr.py's lean driver on lark's table, dsl/parser.py's builder) is tuned to ~2.4 us per token, yet on
the synthetic 10,000-step file (27,000 lines, 392,000 lexer tokens) lexing and driving alone took ~930 ms
and building the AST ~245 ms: Python cannot step an LALR table per token much cheaper. Here each line is
tokenised by one `findall` (C-level work in bulk), and a hand-written recursive descent over the line's
tokens builds the AST directly with the builder's own assembly functions (dsl/parser.py: steps, structured
actions, retry/catch, comparisons...), so the AST's shape has one definition.

The grammar in `flow.lark` remains the definition of the language: this parser is a shortcut for input it
is sure of, and tests/dsl/test_fastparse.py holds it to lark on every example, corpus and synthetic file
and thousands of mutated inputs (same nodes, same spans, or a decline). Keywords are contextual in the
grammar (the lexer asks the LALR table which terminals it accepts); every place below that reads a word
says which reading the table gives there, and where LALR lookahead merging makes that uncertain (a step
named like a keyword) the parser declines.

Measured (callgrind instructions per parse of `synthetic_flow(2000)`, PYTHONHASHSEED=0, freeing the previous
AST included): the LALR path 1,155 M, this parser 415 M (2.8x fewer); the four workflows/*.flow 2.4x fewer.
On the 10,000-step file, process CPU in alternating rounds on a shared machine: 511 ms against the LALR
path's 1,501 ms (medians; 2.9x). Of what is left, about a quarter is tokenising (mostly the regex engine),
a quarter constructing the nodes and spans (as for the LALR path), half the descent: short of the ~300 ms
issue 16 aims at for that file.
Since then the commonest objects (spans, paths, literals, names, options, object items, durations, task
actions; steps, retry and catch specs in dsl/parser.py's shared assembly) are built by `object.__new__` and
slot stores instead of through `type.__call__` and keyword `__init__`s, and an object's loop, a `result`
line and a step's name build theirs inline: 415.6 M -> 331.0 M instructions per parse of
`synthetic_flow(2000)` (-20%); on the 10,000-step file, process CPU medians of 9 alternating rounds (fresh
processes, best of 3 parses each, a loaded machine) 491 ms -> 409 ms (-17%).
Then two caches keyed by a line's text: a step's option line met again is copied from its first parse (see
"repeated option lines" below: a retry line cost ~59,000 instructions to parse, a catch ~36,000), and lines
differing in their ASCII digits only (`S12: invoke f with { step: 12 }`, `S47: ... 47`) are tokenised once
(see `_DIGITS_AS_ZERO`). `python benchmarks/bench_parse.py --steps 2000 --callgrind` (one warm parse, freeing
the previous AST included): 338.2 M -> 250.8 M instructions (-26%); without the freeing 310 M -> 223 M. On the
10,000-step file, best of 7 parses, process CPU, three alternating rounds: 271 ms -> 184 ms (-32%).

`parse_fast` returns None ("decline") for anything it is not certain of, at the first such line, and
`parse_flow` then runs the LALR path, which keeps every diagnostic exactly as before. It declines on:
any syntax error; anything the builder would report (a duplicate key, a bad retry field...); the limits
of dsl/limits.py (nesting depth, long or overflowing numbers); tabs, form feeds or carriage returns
anywhere; backslash line continuations; tokens or brackets spanning lines; an indented first line.
"""

from __future__ import annotations

import gc
import json
import re
from itertools import accumulate, count, repeat
from pathlib import Path
from typing import Any

from flowc.dsl import ast
from flowc.dsl.diagnostics import Span
from flowc.dsl.durations import parse_duration
from flowc.dsl.limits import MAX_DEPTH, MAX_INT_DIGITS, LimitError, check_number
from flowc.dsl.parser import (
    _Clause,
    assemble_catch,
    assemble_module,
    assemble_retry,
    assemble_step,
    assemble_workflow,
    bare,
    check_keys,
    fail_action,
    raise_target,
    sugar_compare,
    trigger_option,
    type_test,
    uses_option,
)

_GRAMMAR = Path(__file__).with_name("flow.lark").read_text(encoding="utf-8")


# The grammar's rules and terminals by name, each with its continuation lines (one pass: importing this module
# compiles as few regexps as it can, since every command that reads a `.flow` file pays for them).
_DEFINITIONS = {name: body for name, body in re.findall(r"^!?(\w+)(?:\.\d+)?: (.*(?:\n +\|.*)*)", _GRAMMAR, re.M)}
# PATH's character class as the grammar writes it, and the same set of characters as a negated class, which
# the regex compiler builds ~50 times faster (the positive one makes it map all 65,536 characters of its range;
# a test compares the two on every code point).
_PATH_CLASS = r"[A-Za-z0-9_\-.*@\u00a0-\uffff]"
_PATH_CHAR = r"[^\x00-\x29\x2b\x2c\x2f\x3a-\x3f\x5b-\x5e\x60\x7b-\x9f\U00010000-\U0010ffff]"


def _terminal(name: str) -> str:
    """A regexp terminal of the grammar as written (`NAME: /.../`), its groups made non-capturing (for
    `findall`) and PATH's character class in its quick-to-compile form."""
    body = _DEFINITIONS[name]
    assert body.startswith("/") and body.endswith("/") and "\n" not in body, name
    return re.sub(r"(?<!\\)\((?!\?)", "(?:", body[1:-1]).replace(_PATH_CLASS, _PATH_CHAR)


def _words(rule: str) -> frozenset[str]:
    """The keywords a `!rule: "a" | "b" ...` of the grammar lists."""
    return frozenset(re.findall(r'"([A-Za-z_0-9]+)"', _DEFINITIONS[rule]))


_WORD = r"[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*)*"  # dsl/lexer.py's: a NAME or DOTTED_NAME
# One line's tokens as the lexer splits it: blanks, then a word, punctuation, path, JSONata, duration, number,
# string, 'string', comparison or a comment.
# The commonest tokens first, each in a quick form the regex engine matches without its costly repeat machinery
# (a third less work) and guarded by a lookahead so that it matches only where the full terminal after it would
# match exactly the same text (a word not followed by `.`, a path not followed by `[`, a string without
# escapes, one-unit durations, plain integers); tests compare this tokeniser with the plain terminals. Where
# two alternatives can start alike they keep the lexer's order (JSONATA before `{`, DURATION before NUMBER).
_PUNCT = r"[,:}\]\[()]"  # (`{` apart: quick only where no `%` follows, where JSONATA cannot start)
_QUICK = [r"[A-Za-z_][A-Za-z0-9_\-]*(?![.A-Za-z0-9_\-])", _PUNCT, r"\{(?!%)",
          rf"\$\$?{_PATH_CHAR}*(?![\[$]|{_PATH_CHAR})", r"-?\d+(?![0-9smhd.eE])", r"\d+[smhd](?![A-Za-z0-9_])",
          r'"[^"\\\n]*"']
_FULL = [_WORD, _PUNCT, _terminal("PATH"), _terminal("JSONATA"), r"\{", _terminal("DURATION"), _terminal("NUMBER"),
         _terminal("STRING"), _terminal("SQ_STRING"), "==|!=|<=|>=|<|>", "%", "#.*"]
_TOKEN = re.compile(" *(?:" + "|".join(_QUICK + _FULL) + ")")
_FINDALL = _TOKEN.findall
_LSTRIP = str.lstrip
_RESOURCE = re.compile(_terminal("RESOURCE"))
_OPERATOR = re.compile("|".join(f"(?:{alt.strip()[1:-1]})" for alt in _DEFINITIONS["OPERATOR"].split("\n")
                                 for alt in [alt.strip().removeprefix("| ")]))  # (its two lines)
_INTRINSIC = re.compile(r"States\.[A-Za-z0-9]+")  # INTRINSIC_NAME without its `(?=\()`, matched whole
_TYPED = re.compile(r"SS|NS|BS|S|N|B|BOOL|NULL|M|L")  # TYPED likewise
_CONTINUATION = re.compile(r"\\ *\n")

SETTING_KW = _words("setting_kw")
RESOURCE_KW = _words("resource_kw")
RES_PROP_KW = _words("res_prop_kw") | {"uses"}
TRIGGER_KW = _words("trigger_kw")
TRIGGER_PROP_KW = _words("trigger_prop_kw")
OPTION_KW = _words("option_kw")
MODES = _words("mode")
RETRY_KW = _words("retry_kw")
CATCH_KW = _words("catch_kw")
BRANCH_KW = _words("branch_kw")
TYPE_TEST = _words("type_test")
# Every word the grammar spells out somewhere: a step name must be none of them (see `_statement`).
ALL_KEYWORDS = frozenset(re.findall(r'"([A-Za-z_][A-Za-z0-9_\-]*)"', _GRAMMAR))
# The first word of a line in a step's body: an option or a clause.
_CLAUSES = frozenset({"if", "elif", "else", "case", "default", "branch", "do"})
_ACTIONS = frozenset({"invoke", "start", "call", "activity", "pass", "wait", "succeed", "fail", "choose",
                      "switch", "parallel", "map"})
_VALUE_WORDS = frozenset({"true", "false", "null"})
_TOP_WORDS = SETTING_KW | RESOURCE_KW | {"on"}  # the first words of a workflow's items other than statements
_LITERAL_WORDS = {"true": True, "false": False, "null": None}
_WORD_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NUMBER_START = frozenset("0123456789-")
_EOL = "\n"  # the sentinel after a line's last token (no token contains a newline)
# Lines that differ in their ASCII digits only (`S12: invoke f with { step: 12 }`, `S47: ...step: 47`) split into
# tokens at the same places: wherever `_TOKEN` mentions a digit it is in a class holding all ten (`\d`, `0-9`, the
# path class), never one apart; a test checks the pattern for that. So `next_line` keys its cache on this shape,
# taken on the line's UTF-8 bytes: `bytes.translate` costs a tenth of `str.translate` (~0.15 against ~1.8 us a
# line), and no byte of a multi-byte UTF-8 sequence is an ASCII digit, so the bytes' shape tells lines apart
# exactly as the text's would ("surrogatepass": a lone surrogate from an editor's buffer is bytes >= 0x80 too).
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_ASCII_DIGIT = re.compile("[0-9]")


LiteralValue, PathValue, ObjectItem, ObjectValue, RefValue, NameRef, Option, Duration, TaskAction = (
    ast.LiteralValue, ast.PathValue, ast.ObjectItem, ast.ObjectValue, ast.RefValue, ast.NameRef, ast.Option,
    ast.Duration, ast.TaskAction)
_DURATIONS: dict[str, int] = {}  # a duration's text -> seconds (a file repeats a few)

# The commonest objects built without calling their classes: `type.__call__` on a Python `__init__` (and
# keyword arguments, for the nodes) costs more than the object itself. Each sets every slot its class
# declares (a test checks them against `Span.__slots__` and `ast.field_names`), so the objects are the same.
_new = object.__new__


def _span(file: str, line: int, col: int, end_line: int, end_col: int) -> Span:
    """`Span(file, line, col, end_line, end_col)`, about half the cost."""
    s = _new(Span)
    s.file = file
    s.line = line
    s.col = col
    s.end_line = end_line
    s.end_col = end_col
    return s


def _path(span: Span, text: str) -> ast.PathValue:
    """`PathValue(span=span, text=text)`."""
    node = _new(PathValue)
    node.span = span
    node.kind = "path"
    node.text = text
    return node


def _literal(span: Span, value: Any) -> ast.LiteralValue:
    """`LiteralValue(span=span, value=value)`."""
    node = _new(LiteralValue)
    node.span = span
    node.kind = "literal"
    node.value = value
    return node


def _name_ref(span: Span, name: str) -> ast.NameRef:
    """`NameRef(span=span, name=name)`."""
    node = _new(NameRef)
    node.span = span
    node.name = name
    return node


def _option(span: Span, name: str, value: Any) -> ast.Option:
    """`Option(span=span, name=name, value=value)`."""
    node = _new(Option)
    node.span = span
    node.name = name
    node.value = value
    return node


def _item(key: str, key_span: Span, value: Any) -> ast.ObjectItem:
    """`ObjectItem(key=key, key_span=key_span, value=value)`."""
    node = _new(ObjectItem)
    node.key = key
    node.key_span = key_span
    node.value = value
    return node


# -- repeated option lines --------------------------------------------------------------------------------------
# A step's option line (`result $.x`, a `retry ...` or `catch ... goto X` line) parses to a function of its text
# (indentation and comment included) and its line number only: `body_item` reads nothing but the line's tokens
# for an option (no depth, no step, no other line). Real files repeat such lines verbatim, so the parser keeps,
# per text, a private copy of the first parse and rebuilds each later occurrence from it with the new line
# number: fresh nodes and fresh spans each time (no object shared between two places of the AST), sharing within
# the line what a parse shares (a retry's or catch's span is its option's, nothing else). A tree this cannot copy
# exactly (a span on another line or file, a value of another kind, anything else met twice) is parsed each time.
# On synthetic_flow(2000) a retry line costs ~59,000 instructions to parse, a catch line ~36,000.
_IMMUTABLE = frozenset({str, int, float, bool, type(None)})


def _copy_span(s: Span, file: str, ln: int) -> Span:
    copy = _new(Span)
    copy.file = file
    copy.line = copy.end_line = ln
    copy.col = s.col
    copy.end_col = s.end_col
    return copy


def _copy_value(value: Any, file: str, ln: int) -> Any:
    """A field's value: a scalar as it is, a span, a list or a node copied."""
    cls = value.__class__
    if cls in _IMMUTABLE:
        return value
    if cls is Span:
        return _copy_span(value, file, ln)
    if cls is list:
        return [_copy_value(item, file, ln) for item in value]
    return _COPIERS.get(cls, _copy_node)(value, file, ln)


def _copy_node(node: Any, file: str, ln: int) -> Any:
    """Any node, field by field (the commonest classes have a copier of their own below)."""
    cls = node.__class__
    copy = _new(cls)
    for name in ast.field_names(cls):
        setattr(copy, name, _copy_value(getattr(node, name), file, ln))
    return copy


def _copy_option(node: Any, file: str, ln: int) -> Any:
    """An option line's tree (a retry or catch spec gets its option's span, as `assemble_*` give it)."""
    s = node.span
    span = _new(Span)
    span.file = file
    span.line = span.end_line = ln
    span.col = s.col
    span.end_col = s.end_col
    copy = _new(Option)
    copy.span = span
    copy.name = node.name
    value = node.value
    cls = value.__class__
    if cls is PathValue:  # (`result $.x`, the commonest: `_copy_path` inline)
        s = value.span
        path_span = _new(Span)
        path_span.file = file
        path_span.line = path_span.end_line = ln
        path_span.col = s.col
        path_span.end_col = s.end_col
        path = copy.value = _new(PathValue)
        path.span = path_span
        path.kind = "path"
        path.text = value.text
    elif cls is RetrySpec:
        spec = _new(RetrySpec)
        spec.span = span
        spec.errors = [_copy_name(error, file, ln) for error in value.errors]
        interval, max_delay = value.interval, value.max_delay
        spec.interval = None if interval is None else _copy_duration(interval, file, ln)
        spec.max_delay = None if max_delay is None else _copy_duration(max_delay, file, ln)
        spec.attempts, spec.backoff, spec.jitter, spec.comment = (value.attempts, value.backoff, value.jitter,
                                                                  value.comment)
        copy.value = spec
    elif cls is CatchSpec:
        spec = _new(CatchSpec)
        spec.span = span
        spec.errors = [_copy_name(error, file, ln) for error in value.errors]
        spec.target = _copy_name(value.target, file, ln)
        into = value.into
        spec.into = _copy_path(into, file, ln) if into.__class__ is PathValue else _copy_value(into, file, ln)
        spec.output = _copy_value(value.output, file, ln)
        spec.assign = _copy_value(value.assign, file, ln)
        spec.comment = value.comment
        copy.value = spec
    else:
        copy.value = _copy_value(value, file, ln)
    return copy


def _copy_path(node: Any, file: str, ln: int) -> Any:
    copy = _new(PathValue)
    copy.span = _copy_span(node.span, file, ln)
    copy.kind = "path"
    copy.text = node.text
    return copy


def _copy_literal(node: Any, file: str, ln: int) -> Any:
    copy = _new(LiteralValue)
    copy.span = _copy_span(node.span, file, ln)
    copy.kind = "literal"
    copy.value = node.value  # (a scalar: `_copyable` checks)
    return copy


def _copy_name(node: Any, file: str, ln: int) -> Any:
    copy = _new(NameRef)
    copy.span = _copy_span(node.span, file, ln)
    copy.name = node.name
    return copy


def _copy_duration(node: Any, file: str, ln: int) -> Any:
    copy = _new(Duration)
    copy.span = _copy_span(node.span, file, ln)
    copy.seconds = node.seconds
    return copy


RetrySpec, CatchSpec = ast.RetrySpec, ast.CatchSpec
_COPIERS = {PathValue: _copy_path, LiteralValue: _copy_literal, NameRef: _copy_name, Duration: _copy_duration}


def _copyable(option: Any, file: str, ln: int) -> bool:
    """`option`'s tree is one `_copy_option` copies exactly: nodes each met once (a retry's or catch's span is
    its option's), spans of line `ln` of `file`, scalars where the copiers take a field as it is, and in a retry
    or catch spec the classes its copier builds."""
    value = option.value
    cls = value.__class__
    if cls is not RetrySpec and cls is not CatchSpec:
        return _copyable_value(option, file, ln, set())
    seen = {id(value)}
    if value.span is not option.span or not all(getattr(value, name).__class__ in _IMMUTABLE
                                                 for name in _SPEC_SCALARS[cls]):
        return False
    names = [error.__class__ for error in value.errors]
    if cls is RetrySpec:
        names += [d.__class__ for d in (value.interval, value.max_delay) if d is not None]
        if not all(kind is NameRef for kind in names[:len(value.errors)]) or not all(
                kind is Duration for kind in names[len(value.errors):]):
            return False
    elif value.target.__class__ is not NameRef or not all(kind is NameRef for kind in names):
        return False
    return (option.name.__class__ is str and _copyable_value(option.span, file, ln, seen) and all(
        _copyable_value(getattr(value, name), file, ln, seen) for name in ast.field_names(cls) if name != "span"))


# The fields of a retry or catch spec `_copy_option` takes as they are.
_SPEC_SCALARS = {RetrySpec: ("attempts", "backoff", "jitter", "comment"), CatchSpec: ("comment",)}


def _copyable_value(value: Any, file: str, ln: int, seen: set[int]) -> bool:
    cls = value.__class__
    if cls in _IMMUTABLE:
        return True
    if id(value) in seen:
        return False
    seen.add(id(value))
    if cls is Span:
        return value.file is file and value.line == ln and value.end_line == ln
    if cls is list:
        return all(_copyable_value(item, file, ln, seen) for item in value)
    if not isinstance(value, ast.AstModel):
        return False
    if cls is LiteralValue and value.value.__class__ not in _IMMUTABLE:
        return False
    return all(_copyable_value(getattr(value, name), file, ln, seen) for name in ast.field_names(cls))


class _Decline(Exception):
    """Not certain of this input: the LALR path parses it (and reports its errors)."""


def _decline(*_args: Any, **_kwargs: Any) -> Any:
    """The error reporter of the shared assembly functions: a diagnostic to make means decline."""
    raise _Decline


def parse_fast(text: str, file: str) -> ast.Module | None:
    """`text`'s AST exactly as `parse_flow` builds it, or None when this parser is not sure of it."""
    if "\t" in text or "\r" in text or "\f" in text or ("\\" in text and _CONTINUATION.search(text)):
        return None
    # The AST is a tree of fresh objects (no cycles to collect): with the collector running, building its
    # ~150,000 nodes on a 10,000-step file set off collections that cost a third as much as the parse.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Parser(text, file).module()
    except (_Decline, IndexError, RecursionError):
        return None
    finally:
        if collecting:
            gc.enable()


class _Parser:
    """Recursive descent over lines (`lines[k]`) and, within the current line, its tokens (`toks[i]`)."""

    def __init__(self, text: str, file: str):
        self.file = file
        # (line number, indent, text) of each line with a token
        raw = text.split("\n")
        lines = [(number, len(line) - len(stripped), line.rstrip(" "))
                 for number, line, stripped in zip(count(1), raw, map(_LSTRIP, raw, repeat(" ")))
                 if stripped and stripped[0] != "#"]
        lines.append((0, -1, ""))  # the end: shallower than any block
        self.lines = lines
        self.k = 0
        self.depth = 0  # blocks open
        self.toks: list[str] = []
        self.stops: list[int] = []
        self.ln = 0
        self.line = ""
        # A line's tokens by its text with every ASCII digit read as 0 (see `_DIGITS_AS_ZERO`): the first
        # such line's tokens, where each ends, and (index, start, stop) of those with a digit (to cut anew).
        self.tokenised: dict[bytes, tuple[list[str], list[int], list[tuple[int, int, int]]]] = {}
        # A step's option line by its text: [line, its first parse] (met once), a private copy of that parse
        # to copy from, or False (parsed each time; see "repeated option lines" above).
        self.repeats: dict[str, Any] = {}

    # -- lines and tokens ----------------------------------------------------------------------------------
    def next_line(self) -> None:
        """Tokenise `lines[k]` into `toks` (texts) and `stops` (where each ends) and step `k` past it.

        All C-level work: one `findall` (each piece a token with the blanks before it), the texts by
        `lstrip`, the ends by accumulating the pieces' lengths; a line seen before is looked up.
        """
        ln, indent, line = self.lines[self.k]
        self.k += 1
        self.ln, self.line = ln, line
        shape = line.encode("utf-8", "surrogatepass").translate(_DIGITS_AS_ZERO)
        known = self.tokenised.get(shape)
        if known is not None:
            toks, self.stops, cuts = known
            if cuts:  # the same line, or one differing in digits only: the same cuts, its own digits
                toks = toks.copy()
                for j, start, stop in cuts:
                    toks[j] = line[start:stop]
            self.toks = toks
            return
        parts = _FINDALL(line, indent)
        toks = list(map(_LSTRIP, parts))
        stops = list(accumulate(map(len, parts), initial=indent))
        if stops[-1] != len(line):  # a character no token matched (findall skips it)
            raise _Decline
        del stops[0]
        if toks and toks[-1][0] == "#":  # a comment
            toks.pop()
            stops.pop()
        if len(line) > MAX_DEPTH and line.count("{") + line.count("[") + line.count("(") > MAX_DEPTH // 2:
            raise _Decline  # (possibly) nested deeper than the lexer allows
        # (the tokens without digits are shared by the lines of this shape: their hashes computed once)
        cuts = [(j, stop - len(tok), stop) for j, (tok, stop) in enumerate(zip(toks, stops, strict=True))
                if _ASCII_DIGIT.search(tok)]
        toks.append(_EOL)
        stops.append(len(line) + 1)
        self.tokenised[shape] = toks, stops, cuts
        self.toks, self.stops = toks, stops

    def col(self, i: int) -> int:
        """Token `i`'s column."""
        return self.stops[i] - len(self.toks[i]) + 1

    def sp(self, i: int) -> Span:
        stop = self.stops[i]
        return _span(self.file, self.ln, stop - len(self.toks[i]) + 1, self.ln, stop + 1)

    def adjacent(self, i: int) -> bool:
        """Token `i + 1` starts right where token `i` ends (a word right before `(`, a path before `[`)."""
        return self.stops[i + 1] - len(self.toks[i + 1]) == self.stops[i]

    def expect(self, i: int, tok: str) -> int:
        if self.toks[i] != tok:
            raise _Decline
        return i + 1

    def end(self, i: int) -> None:
        """The line ends at token `i`."""
        if self.toks[i] is not _EOL:
            raise _Decline

    def name(self, i: int) -> str:
        """Token `i` as a NAME (a word without dots) where the table accepts NAME and no keyword."""
        tok = self.toks[i]
        if tok[0] not in _WORD_START or "." in tok:
            raise _Decline
        return tok

    def deeper(self, indent: int) -> bool:
        """The next line opens a block (is indented more than `indent`)."""
        return self.lines[self.k][1] > indent

    # -- the module --------------------------------------------------------------------------------------
    def module(self) -> ast.Module:
        items: list = []
        if self.lines[0][1] > 0:  # the lexer reads the first line's indentation as none at all
            raise _Decline
        while self.k < len(self.lines) - 1:
            if self.lines[self.k][1] != 0:
                raise _Decline
            self.next_line()
            word = self.toks[0]
            if word == "import":
                if self.toks[1][0] != '"':
                    raise _Decline
                self.end(2)
                items.append(ast.Import(span=self.sp(1), path=self.string(1)))
            elif word == "workflow":
                name = self.name(1)
                self.end(2)
                name_span = self.sp(1)
                if not self.deeper(0):
                    raise _Decline
                items.append(assemble_workflow(name, name_span, self.block(0, top=True)))
            elif word in RESOURCE_KW:
                items.append(self.resource())
            else:
                raise _Decline
        return assemble_module(self.file, items)

    def block(self, parent: int, top: bool = False) -> list:
        """The lines of a block indented past `parent`: statements (and, in a workflow, its other items)."""
        indent = self.lines[self.k][1]
        items: list = []
        self.depth += 1
        if self.depth > MAX_DEPTH // 4:  # blocks in blocks (each with a step body): far from the lexer's limit
            raise _Decline
        while self.lines[self.k][1] == indent:
            self.next_line()
            word = self.toks[0]
            if top and word in _TOP_WORDS:
                if word in SETTING_KW:
                    items.append(self.setting())
                elif word in RESOURCE_KW:
                    items.append(self.resource())
                else:
                    items.append(self.trigger())
            else:
                items.append(self.statement(indent))
        if self.lines[self.k][1] > indent:  # deeper, but nothing opened a block
            raise _Decline
        self.depth -= 1
        return items

    def statement(self, indent: int) -> ast.Step | ast.Goto:
        toks = self.toks
        word = toks[0]
        if word == "goto":
            ref = self.step_ref(1)
            self.end(2)
            return ast.Goto(span=ref.span, target=ref)
        if word == "end":
            self.end(1)
            return ast.Goto(span=self.sp(0), target=None)
        # A step. At a statement's start the LALR table accepts NAME with many keywords (lookaheads merged
        # across the places a statement ends): a step named like any keyword is left to it.
        if word in ALL_KEYWORDS:
            raise _Decline
        if word[0] in _WORD_START and "." not in word:
            stop = self.stops[0]  # (`_name_ref(_span(...), word)` inline)
            span = _new(Span)
            span.file = self.file
            span.line = span.end_line = self.ln
            span.col = stop - len(word) + 1
            span.end_col = stop + 1
            name = _new(NameRef)
            name.span = span
            name.name = word
        else:
            name = self.step_ref(0)
        if toks[1] != ":":
            raise _Decline
        if toks[2] == "invoke":  # (what `action` does first, without its call)
            action, options, i = self.task("invoke", 3, True)
        else:
            action, options, i = self.action(2)
        if toks[i] is not _EOL:
            raise _Decline
        clauses: list[_Clause] = []
        lines = self.lines
        body_indent = lines[self.k][1]
        if body_indent > indent:  # the step's body
            repeats = self.repeats
            while lines[self.k][1] == body_indent:
                ln, _, text = lines[self.k]
                seen = repeats.get(text)
                if seen is not None and seen is not False:
                    if seen.__class__ is list:  # its second time: a private copy of the first parse, or never
                        first, item = seen
                        seen = repeats[text] = (_copy_option(item, self.file, first)
                                                if _copyable(item, self.file, first) else False)
                    if seen is not False:  # an option line met before: a copy of its first parse
                        self.k += 1
                        options.append(_copy_option(seen, self.file, ln))
                        continue
                self.next_line()
                item = self.body_item(body_indent)
                if item.__class__ is _Clause:
                    clauses.append(item)  # (never copied: a clause's block is on the lines after it)
                else:
                    options.append(item)
                    if seen is None:
                        repeats[text] = [ln, item]
            if lines[self.k][1] > body_indent:
                raise _Decline
        return assemble_step(name, action, options, clauses, _decline)

    def step_ref(self, i: int) -> ast.NameRef:
        """NAME or STRING naming a step (after `goto`, the table accepts exactly these)."""
        tok = self.toks[i]
        if tok[0] == '"':
            try:
                name = json.loads(tok)
            except ValueError:
                name = tok[1:-1]
            return _name_ref(self.sp(i), name)
        return _name_ref(self.sp(i), self.name(i))

    # -- workflow items --------------------------------------------------------------------------------
    def setting(self) -> ast.Setting:
        toks = self.toks
        args: list = []
        i = 1
        while toks[i] is not _EOL:  # STRING, NAME, DURATION or NUMBER (a keyword here reads as a NAME)
            tok = toks[i]
            first = tok[0]
            if first == '"':
                args.append(_literal(self.sp(i), self.string(i)))
            elif first in _WORD_START:
                args.append(_name_ref(self.sp(i), self.name(i)))
            elif first in _NUMBER_START:
                args.append(self.number(i, duration=True))
            else:
                raise _Decline
            i += 1
        end = args[-1].span if args else self.sp(0)
        return ast.Setting(span=_span(self.file, self.ln, self.col(0), end.end_line, end.end_col),
                           name=toks[0], value=args)

    def resource(self) -> ast.ResourceDecl:
        """`kind NAME prop...`: after a property keyword the table accepts its value or the next property's
        keyword (a keyword wins); a NAME value is any other word."""
        toks = self.toks
        kind = toks[0]
        name = self.name(1)
        name_span = self.sp(1)
        props: list = []
        i = 2
        while toks[i] is not _EOL:
            kw = toks[i]
            if kw == "uses":
                prop, i = self.uses(i)
                props.append(prop)
                continue
            if kw not in RES_PROP_KW:
                raise _Decline
            col = self.col(i)
            tok = toks[i + 1]
            first = tok[0]
            value: Any = None
            if tok is _EOL or tok in RES_PROP_KW:
                end = self.sp(i)
                i += 1
            else:
                if first == '"':
                    value = _literal(self.sp(i + 1), self.string(i + 1))
                    i += 2
                elif first in _WORD_START:
                    value = _name_ref(self.sp(i + 1), self.name(i + 1))
                    i += 2
                elif first in _NUMBER_START:
                    value = self.number(i + 1, duration=True)
                    i += 2
                elif tok == "{" or tok == "[":
                    value, i = self.value(i + 1)
                else:
                    raise _Decline
                end = value.span
            props.append(_option(_span(self.file, self.ln, col, end.end_line, end.end_col), kw, value))
        end = props[-1].span if props else name_span
        return ast.ResourceDecl(span=_span(self.file, self.ln, self.col(0), end.end_line, end.end_col), kind=kind,
                                name=name, name_span=name_span, props=props)

    def uses(self, i: int) -> tuple[ast.Option, int]:
        """`uses Name level level, Name level`: after `uses` or a `,` the table accepts NAME only; after a
        level, a property keyword ends the list."""
        toks = self.toks
        uses_span = self.sp(i)
        entries: list[tuple[str, Span, list[tuple[str, Span]]]] = []
        i += 1
        while True:
            name, name_span = self.name(i), self.sp(i)
            levels = [(self.name(i + 1), self.sp(i + 1))]
            i += 2
            while toks[i] is not _EOL and toks[i] != "," and toks[i] not in RES_PROP_KW:
                levels.append((self.name(i), self.sp(i)))
                i += 1
            entries.append((name, name_span, levels))
            if toks[i] != ",":
                break
            i += 1
        return uses_option(uses_span, entries, self.file, _decline), i

    def trigger(self) -> ast.Trigger:
        toks = self.toks
        kind = toks[1]
        if kind not in TRIGGER_KW:
            raise _Decline
        props: list = []
        i = 2
        while toks[i] is not _EOL:
            tok = toks[i]
            if tok in TRIGGER_PROP_KW:  # (the table accepts these and a value here: a keyword wins)
                value, j = self.opt_value(i + 1)
                kw = self.sp(i)
                props.append(_option(_span(self.file, self.ln, kw.col, value.span.end_line, value.span.end_col), tok, bare(value)))
                i = j
            else:
                # After a value the table's lookaheads are merged across every place a value ends (`and`,
                # `goto`, `as`...): a keyword there may not read as the name it is elsewhere.
                if i > 2 and tok in ALL_KEYWORDS and tok not in _VALUE_WORDS:
                    raise _Decline
                value, i = self.value(i)
                props.append(trigger_option(value))
        end = props[-1].span if props else self.sp(1)
        return ast.Trigger(span=_span(self.file, self.ln, self.col(1), end.end_line, end.end_col), kind=kind,
                           props=props)

    # -- actions ---------------------------------------------------------------------------------------
    def action(self, i: int) -> tuple[Any, list, int]:
        """The action after `Name:`; the table accepts the action keywords and DOTTED_NAME (no NAME)."""
        toks = self.toks
        word = toks[i]
        if word[0] not in _WORD_START:
            raise _Decline
        if word == "invoke" or word == "start" or word == "activity":
            return self.task(word, i + 1, target=True)
        if "." in word:
            return self.task(word, i + 1, target=False)
        if word == "pass":
            options, j = self.task_args(i + 1)
            action = ast.PassAction(span=self.span_of_options(options))
            return action, options, j
        if word == "call":
            return self.call(i + 1)
        if word == "wait":
            i += 1
            until = toks[i] == "until"
            if until:
                i += 1
            value, i = self.opt_value(i)
            return ast.WaitAction(span=value.span, until=until, value=value), [], i
        if word == "succeed":
            return ast.SucceedAction(span=_span(self.file, 1, 1, 1, 1)), [], i + 1
        if word == "fail":
            return self.fail(i + 1)
        if word == "choose" or word == "parallel":
            return (word, None), [], i + 1
        if word == "switch":
            if toks[i + 1][0] != "$":
                raise _Decline
            return ("switch", _path(self.sp(i + 1), toks[i + 1])), [], i + 2
        if word == "map":
            return self.map(i + 1)
        raise _Decline

    def task(self, integration: str, i: int, target: bool) -> tuple[Any, list, int]:
        """`invoke|start|activity NAME mode? task_arg*` (NAME: any word), or `service.action NAME? mode?
        task_arg*` (after the dotted name a mode or option keyword wins over a NAME)."""
        toks = self.toks
        ref = None
        tok = toks[i]
        if target or (tok not in MODES and tok not in OPTION_KW and tok[0] in _WORD_START):
            if tok[0] not in _WORD_START or "." in tok:
                raise _Decline
            stop = self.stops[i]
            ref_span = _new(Span)  # (`_name_ref(_span(...), tok)` inline: a task's target, the commonest)
            ref_span.file = self.file
            ref_span.line = ref_span.end_line = self.ln
            ref_span.col = stop - len(tok) + 1
            ref_span.end_col = stop + 1
            ref = _new(NameRef)
            ref.span = ref_span
            ref.name = tok
            i += 1
        mode = None
        if toks[i] in MODES:
            mode = toks[i]
            i += 1
        options, i = self.task_args(i)
        if ref is not None:
            end = options[-1].span if options else ref_span
            span = _new(Span)
            span.file = self.file
            span.line = self.ln
            span.col = ref_span.col
            span.end_line = end.end_line
            span.end_col = end.end_col
        else:
            span = self.span_of_options(options)
        action = _new(TaskAction)  # (`TaskAction(span=..., integration=..., target=..., mode=...)`)
        action.span = span
        action.kind = "task"
        action.integration = integration
        action.target = ref
        action.resource = None
        action.mode = mode
        return action, options, i

    def span_of_options(self, options: list) -> Span:
        """From the first option to the last (the builder's span of the children), or unknown."""
        if not options:
            return _span(self.file, 1, 1, 1, 1)
        first, last = options[0].span, options[-1].span
        return _span(self.file, first.line, first.col, last.end_line, last.end_col)

    def call(self, i: int) -> tuple[Any, list, int]:
        """`call RESOURCE|STRING`: after `call` the table accepts exactly these two."""
        toks = self.toks
        tok = toks[i]
        if tok[0] == '"':
            resource = self.string(i)
            span = self.sp(i)
            i += 1
        elif tok[0] in _WORD_START:
            col = self.col(i)
            m = _RESOURCE.match(self.line, col - 1)
            if m is None or m.end() < col - 1 + len(tok):
                raise _Decline
            resource = m.group()
            span = _span(self.file, self.ln, col, self.ln, col + len(resource))
            # re-tokenise after the resource (which may have swallowed `:` and words)
            stop = m.end()
            while i < len(toks) and self.col(i) - 1 < stop:
                i += 1
            if toks[i - 1] is _EOL or self.col(i - 1) - 1 + len(toks[i - 1]) != stop:
                raise _Decline  # the resource ends inside a token
        else:
            raise _Decline
        mode = None
        if toks[i] in MODES:
            mode = toks[i]
            i += 1
        options, i = self.task_args(i)
        return ast.TaskAction(span=span, integration="call", resource=resource, mode=mode), options, i

    def fail(self, i: int) -> tuple[Any, list, int]:
        """`fail error? (cause value)?`: the error is a NAME, DOTTED_NAME, STRING, PATH, JSONATA or an
        intrinsic (no other value); `cause` is a keyword there."""
        toks = self.toks
        tok = toks[i]
        error = cause = None
        if tok is not _EOL and tok != "cause":
            first = tok[0]
            if first in _WORD_START:
                if toks[i + 1] == "(" and self.adjacent(i):
                    if not _INTRINSIC.fullmatch(tok):
                        raise _Decline
                    error, i = self.intrinsic(i)
                else:
                    error = _name_ref(self.sp(i), tok)
                    i += 1
            elif first == '"':
                error = _literal(self.sp(i), self.string(i))
                i += 1
            elif first == "$":
                error = self.path(i)
                i += 1
            elif tok.startswith("{%"):
                error = ast.JsonataValue(span=self.sp(i), text=tok)
                i += 1
            else:
                raise _Decline
        if toks[i] == "cause":
            cause, i = self.value(i + 1)
        span = error.span if error is not None else _span(self.file, 1, 1, 1, 1)
        return fail_action(error, cause, _span(self.file, span.line, span.col, span.end_line, span.end_col)), [], i

    def map(self, i: int) -> tuple[Any, list, int]:
        """`map distributed? value? (as NAME (, NAME)?)? task_arg*`: right after `map`, `distributed`, `as`
        and the option keywords are keywords; a value may come before `as`."""
        toks = self.toks
        distributed = toks[i] == "distributed"
        if distributed:
            i += 1
        items = None
        tok = toks[i]
        if tok is not _EOL and tok != "as" and tok not in OPTION_KW:
            items, i = self.value(i)
        names: list[ast.NameRef] = []
        if toks[i] == "as":
            names.append(_name_ref(self.sp(i + 1), self.name(i + 1)))
            i += 2
            if toks[i] == ",":
                names.append(_name_ref(self.sp(i + 1), self.name(i + 1)))
                i += 2
        options, i = self.task_args(i)
        return ("map", dict(distributed=distributed, items=items, names=names)), options, i

    def task_args(self, i: int) -> tuple[list, int]:
        """`option_kw opt_value` pairs up to the end of the line."""
        toks = self.toks
        options = []
        stops, file, ln = self.stops, self.file, self.ln
        while toks[i] is not _EOL:
            kw = toks[i]
            if kw not in OPTION_KW:
                raise _Decline
            col = stops[i] - len(kw) + 1
            if toks[i + 1] == "{":  # `with { ... }`, the commonest
                value, i = self.object(i + 1)
            else:
                value, i = self.opt_value(i + 1)
                if value.__class__ is RefValue and value.attribute is None:
                    value = bare(value)
            end = value.span
            span = _new(Span)  # (`_option(_span(...), kw, value)` inline)
            span.file = file
            span.line = ln
            span.col = col
            span.end_line = end.end_line
            span.end_col = end.end_col
            option = _new(Option)
            option.span = span
            option.name = kw
            option.value = value
            options.append(option)
        return options, i

    # -- a step's body -------------------------------------------------------------------------------------
    def body_item(self, indent: int) -> Any:
        """An option or a clause line (at a body line's start the table accepts only those keywords)."""
        toks = self.toks
        word = toks[0]
        if word in OPTION_KW:
            tok = toks[1]
            if tok[0] == "$" and toks[2] is _EOL:  # `result $.x`, the commonest option (inlined `value`,
                file, ln = self.file, self.ln  # `_span`, `_path` and `_option`)
                stop = self.stops[1]
                span = _new(Span)
                span.file = file
                span.line = span.end_line = ln
                span.col = stop - len(tok) + 1
                span.end_col = stop + 1
                value: Any = _new(PathValue)
                value.span = span
                value.kind = "path"
                value.text = tok
                span = _new(Span)
                span.file = file
                span.line = span.end_line = ln
                span.col = self.stops[0] - len(word) + 1
                span.end_col = stop + 1
                option = _new(Option)
                option.span = span
                option.name = word
                option.value = value
                return option
            value, i = self.opt_value(1)
            if toks[i] is not _EOL:
                raise _Decline
            end = value.span
            if value.__class__ is RefValue and value.attribute is None:
                value = bare(value)
            return _option(_span(self.file, self.ln, self.stops[0] - len(word) + 1, end.end_line, end.end_col), word, value)
        if word == "retry":
            return self.retry()
        if word == "catch":
            return self.catch()
        if word == "tolerate":
            return self.tolerate()
        if word in _CLAUSES:
            return self.clause(word, indent)
        raise _Decline

    def error_list(self, i: int) -> tuple[list[ast.NameRef], int]:
        """Error names (NAME, DOTTED_NAME or STRING: any word) separated by commas."""
        toks = self.toks
        errors = []
        while True:
            tok = toks[i]
            if tok[0] == '"':
                errors.append(self.step_ref(i))
            elif tok[0] in _WORD_START:
                stop = self.stops[i]
                errors.append(_name_ref(_span(self.file, self.ln, stop - len(tok) + 1, self.ln, stop + 1), tok))
            else:
                raise _Decline
            i += 1
            if toks[i] != ",":
                return errors, i
            i += 1

    def retry(self) -> ast.Option:
        toks = self.toks
        errors, i = self.error_list(1)
        props = []
        while toks[i] is not _EOL:
            kw = toks[i]
            if kw not in RETRY_KW:
                raise _Decline
            tok = toks[i + 1]
            first = tok[0]
            if first in _NUMBER_START:  # DURATION or NUMBER
                value = self.number(i + 1, duration=True)
            elif first in _WORD_START:  # a NAME (every word reads as one here)
                value = _name_ref(self.sp(i + 1), self.name(i + 1))
            elif first == '"':
                value = _literal(self.sp(i + 1), self.string(i + 1))
            else:
                raise _Decline
            props.append((kw, value, None))  # (a keyword's span locates an error only: it declines)
            i += 2
        first_error = errors[0].span
        span = _span(self.file, first_error.line, first_error.col, first_error.end_line, first_error.end_col)
        return assemble_retry(errors, props, span, _decline)

    def catch(self) -> ast.Option:
        toks = self.toks
        errors, i = self.error_list(1)
        props = []
        while toks[i] != "goto":
            kw = toks[i]
            if kw not in CATCH_KW:
                raise _Decline
            value, j = self.value(i + 1)
            props.append((kw, value, None))  # (a keyword's span locates an error only: it declines)
            i = j
        target = self.step_ref(i + 1)
        self.end(i + 2)
        first = errors[0].span
        span = _span(self.file, first.line, first.col, target.span.end_line, target.span.end_col)
        return assemble_catch(errors, props, target, span, _decline)

    def tolerate(self) -> ast.Option:
        toks = self.toks
        tok = toks[1]
        if tok == "count" or tok == "percent":
            expr = toks[2]
            if expr[0] == "$":
                node: Any = self.path(2)
            elif expr.startswith("{%"):
                node = ast.JsonataValue(span=self.sp(2), text=expr)
            else:
                raise _Decline
            self.end(3)
            return _option(node.span, "tolerate_" + tok, node)
        if tok[0] not in _NUMBER_START or tok[-1] in "smhd" or "e" in tok or "E" in tok:
            raise _Decline
        self.number(1)  # (its limits)
        value = float(tok) if "." in tok else int(tok)
        span = self.sp(1)
        kind = "count"
        i = 2
        if toks[2] == "%":
            kind = "percent"
            span = _span(self.file, self.ln, span.col, self.ln, self.col(2) + 1)
            i = 3
        self.end(i)
        literal = _literal(span, value)
        return _option(literal.span, "tolerate_" + kind, literal)

    def clause(self, word: str, indent: int) -> _Clause:
        toks = self.toks
        span = self.sp(0)
        condition = None
        values: list = []
        options: list = []
        i = 1
        if word == "if" or word == "elif":
            condition, i = self.condition(1)
        elif word == "case":
            while True:
                value, i = self.value(i)
                values.append(value)
                if toks[i] != ",":
                    break
                i += 1
        elif word == "else" and toks[1] == "raise":
            tok = toks[2]
            if tok[0] not in _WORD_START or "." not in tok:
                raise _Decline
            self.end(3)
            raise_target(tok, self.sp(2), _decline)
            return _Clause("else", span, raise_error=True)
        if word != "else" and word != "default" and word != "branch" and word != "do":
            while toks[i] in BRANCH_KW:  # assign, output, comment: keywords after the condition or values
                kw = toks[i]
                col = self.col(i)
                value, i = self.value(i + 1)
                end = value.span
                options.append(_option(_span(self.file, self.ln, col, end.end_line, end.end_col), kw, value))
        if toks[i] == "goto" and word != "branch" and word != "do":
            ref = self.step_ref(i + 1)
            self.end(i + 2)
            body: list = [ast.Goto(span=ref.span, target=ref)]
        else:
            self.end(i)
            if not self.deeper(indent):
                raise _Decline
            body = self.block(indent)
        return _Clause(word, span, condition=condition, values=values, options=options, body=body)

    # -- conditions ------------------------------------------------------------------------------------
    def condition(self, i: int) -> tuple[Any, int]:
        """`a or b`: one BoolOp for a chain (a single operand passes up; parentheses make no node)."""
        return self.chain(i, "or", self.conjunction)

    def conjunction(self, i: int) -> tuple[Any, int]:
        return self.chain(i, "and", self.negation)

    def chain(self, i: int, op: str, operand: Any) -> tuple[Any, int]:
        """Operands joined by `op` (`or` over conjunctions, `and` over negations): one BoolOp for two or more."""
        first, i = operand(i)
        if self.toks[i] != op:
            return first, i
        operands = [first]
        while self.toks[i] == op:
            nxt, i = operand(i + 1)
            operands.append(nxt)
        start, end = first.span, operands[-1].span
        return ast.BoolOp(span=_span(self.file, start.line, start.col, end.end_line, end.end_col), op=op,
                          operands=operands), i

    def negation(self, i: int) -> tuple[Any, int]:
        toks = self.toks
        tok = toks[i]
        if tok == "not":
            operand, i = self.negation(i + 1)
            return ast.NotOp(span=operand.span, operand=operand), i
        if tok == "(":
            inner, i = self.condition(i + 1)
            return inner, self.expect(i, ")")
        if tok.startswith("{%"):
            return ast.JsonataCondition(span=self.sp(i), text=tok), i + 1
        if tok[0] != "$":
            raise _Decline
        variable = self.path(i)
        op = toks[i + 1]
        first = op[0]
        if first in "=!<>":  # CMP_OP
            operand, j = self.value(i + 2)
            end = operand.span
            span = _span(self.file, self.ln, self.col(i), end.end_line, end.end_col)
            return sugar_compare(variable, op, self.sp(i + 1), operand, span, _decline), j
        if first not in _WORD_START:
            raise _Decline
        if _OPERATOR.fullmatch(op):  # after a path the table accepts OPERATOR, `is` and `matches`
            operand, j = self.value(i + 2)
            end = operand.span
            span = _span(self.file, self.ln, self.col(i), end.end_line, end.end_col)
            return ast.Compare(span=span, variable=variable, op=op, operand=operand), j
        if op == "is":
            j = i + 2
            positive = toks[j] != "not"
            if not positive:
                j += 1
            test = toks[j]
            if test not in TYPE_TEST:
                raise _Decline
            test_span = self.sp(j)
            span = _span(self.file, self.ln, self.col(i), self.ln, test_span.end_col)
            return type_test(variable, test, test_span, span, positive), j + 1
        if op == "matches":
            if toks[i + 2][0] != '"':
                raise _Decline
            pattern = self.sp(i + 2)
            span = _span(self.file, self.ln, self.col(i), self.ln, pattern.end_col)
            return ast.Compare(span=span, variable=variable, op="StringMatches",
                               operand=_literal(pattern, self.string(i + 2))), i + 3
        raise _Decline

    # -- values ----------------------------------------------------------------------------------------
    def opt_value(self, i: int) -> tuple[Any, int]:
        """A value or a DURATION."""
        tok = self.toks[i]
        if tok[0] in _NUMBER_START and tok[-1] in "smhd":
            return self.number(i, duration=True), i + 1
        return self.value(i)

    def value(self, i: int) -> tuple[Any, int]:
        """A value; where one is expected the table accepts `true`, `false`, `null`, an intrinsic or a
        typed wrapper (a word right before `(`) and NAME/DOTTED_NAME, and no other keyword."""
        toks = self.toks
        tok = toks[i]
        first = tok[0]
        if first == "$":
            stops = self.stops
            stop = stops[i]
            if toks[i + 1] == "[" and stops[i + 1] - 1 == stop:
                raise _Decline  # (see `path`)
            ln = self.ln
            return _path(_span(self.file, ln, stop - len(tok) + 1, ln, stop + 1), tok), i + 1
        if first in _WORD_START:
            nxt = toks[i + 1]
            if nxt == "(" and self.adjacent(i):
                if _INTRINSIC.fullmatch(tok):
                    return self.intrinsic(i)
                if _TYPED.fullmatch(tok):
                    inner, j = self.value(i + 2)
                    end = inner.span
                    span = _span(self.file, self.ln, self.col(i), end.end_line, end.end_col)
                    return ast.TypedValue(span=span, type=tok, value=inner), self.expect(j, ")")
                raise _Decline
            stop = self.stops[i]
            ln = self.ln
            span = _span(self.file, ln, stop - len(tok) + 1, ln, stop + 1)
            if tok == "true":
                return _literal(span, True), i + 1
            if tok == "false":
                return _literal(span, False), i + 1
            if tok == "null":
                return _literal(span, None), i + 1
            name, _, attribute = tok.partition(".")
            return ast.RefValue(span=span, name=name, attribute=attribute or None), i + 1
        if first in _NUMBER_START:
            if tok[-1] in "smhd":  # a DURATION: not a value
                raise _Decline
            return self.number(i), i + 1
        if tok == "{":
            return self.object(i)
        if first == '"':
            stop = self.stops[i]
            ln = self.ln
            return _literal(_span(self.file, ln, stop - len(tok) + 1, ln, stop + 1), self.string(i)), i + 1
        if tok == "[":
            return self.array(i)
        if first == "{":  # {% JSONata %}
            return ast.JsonataValue(span=self.sp(i), text=tok), i + 1
        raise _Decline

    def path(self, i: int) -> ast.PathValue:
        toks = self.toks
        tok = toks[i]
        stops = self.stops
        stop = stops[i]
        # A path the line cuts before a `[`: the lexer's PATH may go on to a `]` on a later line.
        if toks[i + 1] == "[" and stops[i + 1] - 1 == stop:
            raise _Decline
        ln = self.ln
        return _path(_span(self.file, ln, stop - len(tok) + 1, ln, stop + 1), tok)

    def number(self, i: int, duration: bool = False) -> Any:
        """A NUMBER literal (or, with `duration`, a DURATION), within the lexer's limits."""
        tok = self.toks[i]
        stop = self.stops[i]
        span = _span(self.file, self.ln, stop - len(tok) + 1, self.ln, stop + 1)
        if tok[-1] in "smhd":
            if not duration or len(tok) > MAX_INT_DIGITS:
                raise _Decline
            seconds = _DURATIONS.get(tok)
            if seconds is None:
                seconds = parse_duration(tok)
                if len(_DURATIONS) < 4096:
                    _DURATIONS[tok] = seconds
            node = _new(Duration)
            node.span = span
            node.seconds = seconds
            return node
        if len(tok) > MAX_INT_DIGITS or "e" in tok or "E" in tok:
            try:
                check_number(tok)
            except LimitError:
                raise _Decline from None
        value: int | float = float(tok) if ("." in tok or "e" in tok or "E" in tok) else int(tok)
        return _literal(span, value)

    def string(self, i: int) -> str:
        """A "string" token's text (an invalid escape is the builder's diagnostic: decline)."""
        tok = self.toks[i]
        if "\\" not in tok and tok.isprintable():  # nothing for JSON to unescape or refuse
            return tok[1:-1]
        try:
            return json.loads(tok)
        except ValueError:
            raise _Decline from None

    def object(self, i: int) -> tuple[ast.ObjectValue, int]:
        """`{ key: value, ... }`: after `{` or `,` the table accepts NAME, DOTTED_NAME, STRING and `}` only,
        so every word is a key.

        The hottest loop of a typical file: its items, their spans and the commonest values (a path, a
        plain integer, true/false/null) are built here with slot stores (what `_span`, `_item`, `_path`
        and `_literal` do, without a call each), other values by `value`.
        """
        toks = self.toks
        stops = self.stops
        file, ln = self.file, self.ln
        new = _new
        start = i
        items = []
        keys = []
        i += 1
        while toks[i] != "}":
            key = toks[i]
            first = key[0]
            stop = stops[i]
            key_span = new(Span)
            key_span.file = file
            key_span.line = key_span.end_line = ln
            key_span.col = stop - len(key) + 1
            key_span.end_col = stop + 1
            if first == '"':
                key = self.string(i)
            elif first not in _WORD_START:
                raise _Decline
            if toks[i + 1] != ":":
                raise _Decline
            i += 2
            tok = toks[i]
            first = tok[0]
            if (first == "$" and toks[i + 1] != "[") or (  # a path, the commonest value, or a plain literal
                    first in _NUMBER_START and tok.isdigit() and tok.isascii() and len(tok) <= MAX_INT_DIGITS) or (
                    tok in _LITERAL_WORDS and toks[i + 1] != "("):
                stop = stops[i]
                span = new(Span)
                span.file = file
                span.line = span.end_line = ln
                span.col = stop - len(tok) + 1
                span.end_col = stop + 1
                if first == "$":
                    value = new(PathValue)
                    value.kind = "path"
                    value.text = tok
                else:
                    value = new(LiteralValue)
                    value.kind = "literal"
                    value.value = _LITERAL_WORDS[tok] if first in _WORD_START else int(tok)
                value.span = span
                i += 1
            else:
                value, i = self.value(i)
            item = new(ObjectItem)
            item.key = key
            item.key_span = key_span
            item.value = value
            items.append(item)
            keys.append(key)
            tok = toks[i]
            if tok == ",":
                i += 1
            elif tok != "}":
                raise _Decline
        if len(keys) > 1 and len(set(keys)) != len(keys):
            check_keys(items, _decline)
        span = new(Span)  # (`_span(file, ln, stops[start], ln, stops[i] + 1)` inline)
        span.file = file
        span.line = span.end_line = ln
        span.col = stops[start]
        span.end_col = stops[i] + 1
        obj = new(ObjectValue)
        obj.span = span
        obj.kind = "object"
        obj.items = items
        return obj, i + 1

    def array(self, i: int) -> tuple[ast.ArrayValue, int]:
        toks = self.toks
        start = i
        items = []
        i += 1
        while toks[i] != "]":
            value, i = self.value(i)
            items.append(value)
            tok = toks[i]
            if tok == ",":
                i += 1
            elif tok != "]":
                raise _Decline
        span = _span(self.file, self.ln, self.col(start), self.ln, self.col(i) + 1)
        return ast.ArrayValue(span=span, items=items), i + 1

    def intrinsic(self, i: int) -> tuple[ast.IntrinsicValue, int]:
        """`States.X(arg, ...)`, kept as its text; an argument is a 'string', NUMBER, PATH, true, false,
        null or an intrinsic."""
        toks = self.toks
        start = i
        i += 2
        if toks[i] != ")":
            while True:
                tok = toks[i]
                first = tok[0]
                if first == "'" or first == "$":
                    if first == "$":
                        self.path(i)
                    i += 1
                elif first in _NUMBER_START:
                    self.number(i)
                    i += 1
                elif tok == "true" or tok == "false" or tok == "null":
                    i += 1
                elif first in _WORD_START:
                    if not (_INTRINSIC.fullmatch(tok) and toks[i + 1] == "("
                            and self.adjacent(i)):
                        raise _Decline
                    _, i = self.intrinsic(i)
                else:
                    raise _Decline
                if toks[i] == ")":
                    break
                if toks[i] != ",":
                    raise _Decline
                i += 1
        col, end = self.col(start), self.col(i) + 1
        span = _span(self.file, self.ln, col, self.ln, end)
        return ast.IntrinsicValue(span=span, text=self.line[col - 1:end - 1]), i + 1
