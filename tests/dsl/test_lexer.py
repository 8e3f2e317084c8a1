"""The fast lexer's shortcuts give the very tokens the plain path gives: a word and its colon in one match,
positions of every token against the text they came from."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from flowc.dsl.lalr import END, Abandon
from flowc.dsl.lexer import FlowLexer, IndentError
from flowc.dsl.parser import _parser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedCharacters

REPO = Path(__file__).resolve().parents[2]
FLOW_FILES = sorted([*REPO.glob("workflows/*.flow"), *REPO.glob("tests/corpus/flow/*.flow")])
sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import synthetic_flow  # noqa: E402

_FIELDS = ("type", "value", "start_pos", "end_pos", "line", "column", "end_line", "end_column")


def _without_word_colon(lexer: FlowLexer) -> FlowLexer:
    """The same lexer with the `word:` alternative disabled (its group can never match): every colon then
    comes from a match of its own, the path the shortcut must agree with."""
    plain = FlowLexer.__new__(FlowLexer)
    plain.__dict__.update(lexer.__dict__)
    pattern = lexer.master.pattern
    assert "(?P<WORD_COLON>:)?" in pattern
    plain.master = re.compile(pattern.replace("(?P<WORD_COLON>:)?", "(?P<WORD_COLON>:){0}"))
    return plain


def _tokens(lexer: FlowLexer, text: str, dropped: frozenset[str] = frozenset()) -> list[tuple] | str:
    """Every token the lean driver takes for `text` (its live stack drives the lexer), as plain tuples;
    or how the parse ended, for input that does not parse."""
    parsers = _parser()
    parsers.builder.file, parsers.builder.text, parsers.builder.diagnostics = "t.flow", text, []
    seen: list[tuple] = []

    def record(stack: list, rows: dict):
        for token in lexer.tokens(text, stack, rows, dropped, END):
            seen.append(tuple(getattr(token, name) for name in _FIELDS))
            yield token

    try:
        parsers.lean.parse(record, "start")
    except (Abandon, IndentError, UnexpectedCharacters) as err:
        return f"{type(err).__name__} after {seen}"
    return seen


@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda p: p.name)
def test_a_word_and_its_colon_in_one_match_lex_as_two_matches_do(path: Path) -> None:
    lexer = _parser().lexer
    text = path.read_text(encoding="utf-8")
    fast = _tokens(lexer, text)
    assert isinstance(fast, list) and any(t[0] == "COLON" for t in fast)
    assert fast == _tokens(_without_word_colon(lexer), text)


def test_the_shortcut_on_a_synthetic_workflow_with_shared_tokens() -> None:
    lexer = _parser().lexer
    text = synthetic_flow(200) + "\n"
    dropped = _parser().lean.dropped
    assert _tokens(lexer, text, dropped) == _tokens(_without_word_colon(lexer), text, dropped)


SAMPLE = (REPO / "workflows" / "member_onboarding.flow").read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.integers(0, len(SAMPLE) - 1), length=st.integers(0, 4),
       insert=st.sampled_from(["", ":", " :", "a:", "x: ", "::", "lambda:invoke", "\n  q:", "{", ": 1"]))
def test_the_shortcut_on_mutated_text(start: int, length: int, insert: str) -> None:
    lexer = _parser().lexer
    text = SAMPLE[:start] + insert + SAMPLE[start + length:]
    assert _tokens(lexer, text) == _tokens(_without_word_colon(lexer), text)


def _line_col(starts: list[int], offset: int) -> tuple[int, int]:
    """Line and column of `offset` from the table of line starts (what a lazy position would compute)."""
    import bisect

    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda p: p.name)
def test_every_positioned_token_is_where_its_offsets_say(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    tokens = _tokens(_parser().lexer, text)
    assert isinstance(tokens, list)
    for kind, value, start, stop, line, col, end_line, end_col in tokens:
        if kind in ("_NL", "_INDENT", "_DEDENT", "$END"):
            continue
        assert text[start:stop] == value
        assert (line, col) == _line_col(starts, start)
        assert (end_line, end_col) == _line_col(starts, stop)
