"""A fast contextual lexer for the `.flow` grammar, with indentation built in.

lark's own contextual lexer runs one regex per parser state and a separate
indentation post-lexer; on large files that is most of the parse time. This
lexer matches one master regex per token and decides keyword-versus-name by
asking the LALR table which terminals the parser accepts next: the same
contextual behaviour (keywords stay usable as object keys and names), several
times faster. Terminal patterns are read from the grammar, so `flow.lark`
stays the single definition of the language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flowc.dsl.limits import MAX_DEPTH, MAX_INT_DIGITS, LimitError, check_number, depth_message

_WORD = r"[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*)*"
# Terminals whose match depends on the text after the word, so a word's kind cannot be cached per state.
_CONTEXT_WORDS = frozenset({"RESOURCE", "INTRINSIC_NAME", "TYPED"})
_DIGITS = re.compile(r"\d+")
# A number or duration token this short without an exponent passes `check_number` (at most MAX_INT_DIGITS
# digits, far from a double's overflow at 309), so the lexer skips the call.
_SHORT_NUMBER = MAX_INT_DIGITS


class Token(str):
    """A token: its text, with the attributes of lark's `Token` that the parser and its callbacks read.

    Our own class, so that parsing valid input never imports lark (~50 ms of every command): lark's
    driver, used to explain errors, reads these same attributes.
    """

    __slots__ = ("column", "end_column", "end_line", "end_pos", "line", "start_pos", "type")

    @property
    def value(self) -> str:
        """The text as a plain `str` (lark's `Token.value`): read on the error path only, so not stored."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


def new_token(kind: str, value: str, start: int, line: int, col: int, end_line: int, end_col: int,
              stop: int) -> Token:
    token = str.__new__(Token, value)
    token.type = kind
    token.start_pos = start
    token.line = line
    token.column = col
    token.end_line = end_line
    token.end_column = end_col
    token.end_pos = stop
    return token


# A terminal of the grammar: (name, "str" or "re", the pattern as written, the pattern as a regexp).
Terminal = tuple[str, str, str, str]


class IndentError(Exception):
    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


def terminals_of(lexer_conf: Any) -> list[Terminal]:
    """The grammar's terminals as lark compiled them (what `FlowLexer` is built from, and cached)."""
    return [(str(t.name), str(t.pattern.type), str(t.pattern.value), str(t.pattern.to_regexp()))
            for t in lexer_conf.terminals]  # plain strings: lark's own Token class must not reach the cache


class FlowLexer:
    def __init__(self, terminals: list[Terminal]):
        terms = {name: regexp for name, _, _, regexp in terminals}

        def rx(name: str) -> str:
            return terms[name]

        self.keywords: dict[str, str] = {}
        self.punct: dict[str, str] = {}
        for name, kind, value, _ in terminals:
            if kind == "str":
                if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", value):
                    self.keywords[value] = name
                else:
                    self.punct[value] = name
        # Leading blanks are consumed by the same match as the token after them.
        # WORD first: it is the commonest token and no other alternative can start with its first character.
        # A colon right after a word (`S1:`, `id:`) is taken by the same match: it can only be a COLON.
        self.master = re.compile(r"[ \t\f]*(?:" + "|".join([
            f"(?P<WORD>{_WORD})(?P<WORD_COLON>:)?",
            r"(?P<WS>\\[ \t\f]*\r?\n)",
            r"(?P<NL>(?:\r?\n[ \t]*|#[^\n]*)+)",
            f"(?P<JSONATA>{rx('JSONATA')})",
            f"(?P<STRING>{rx('STRING')})",
            f"(?P<SQ_STRING>{rx('SQ_STRING')})",
            f"(?P<PATH>{rx('PATH')})",
            f"(?P<DURATION>{rx('DURATION')})",
            f"(?P<NUMBER>{rx('NUMBER')})",
            f"(?P<CMP_OP>{rx('CMP_OP')})",
            r"(?P<PUNCT>[,:%])",
            r"(?P<OPEN>[{\[(])",
            r"(?P<CLOSE>[}\])])",
            r"(?P<EOF>$)",
        ]) + ")")
        self.resource = re.compile(rx("RESOURCE"))
        self.operator = re.compile(rx("OPERATOR"))
        self.intrinsic = re.compile(rx("INTRINSIC_NAME"))
        self.typed = re.compile(rx("TYPED"))

    def lex(self, lexer_state: Any, parser_state: Any) -> Iterator[Token]:
        """lark's entry point: the parser's live state stack tells which terminals it accepts next."""
        text = lexer_state.text
        text = text.text if hasattr(text, "text") and not isinstance(text, str) else text
        if parser_state is None:
            return self.tokens(text, [0], {0: {}})
        return self.tokens(text, parser_state.state_stack, parser_state.parse_conf.parse_table.states)

    def tokens(self, text: str, stack: list, table: dict | list, dropped: frozenset[str] = frozenset(),
               end: Token | None = None) -> Iterator[Token]:
        """Tokens of `text`; `table[stack[-1]]` holds the terminals the parser accepts at that moment.

        `stack` is the parser's own state stack, mutated in place while this generator is paused. A kind
        in `dropped` (the lean driver's: no rule keeps such a token) comes as one shared token without a
        position, which saves building some 40% of a file's tokens; lark's driver, which explains errors
        with the unexpected token's position, passes none. `end`, when given, comes last (the lean
        driver's `$END`, without a `chain` around this generator).
        """
        shared = {kind: new_token(kind, "", 0, 0, 0, 0, 0, 0) for kind in dropped}
        shared_get = shared.get
        nl_shared = shared.get("_NL")
        indent_shared = shared.get("_INDENT")
        dedent_shared = shared.get("_DEDENT")
        make = new_token
        new_str = str.__new__
        match = self.master.match
        punct = self.punct
        word = self.word
        group = self.master.groupindex
        # The master regex's alternatives by group number (`m.lastindex`: one call gives the kind, and
        # `m.span(number)` the token without the blanks before it); the branches below go by frequency.
        g_word, g_word_colon, g_punct, g_nl, g_open, g_close, g_eof, g_ws = (group[name] for name in (
            "WORD", "WORD_COLON", "PUNCT", "NL", "OPEN", "CLOSE", "EOF", "WS"))
        assert (g_word, g_word_colon) == (1, 2)
        colon_kind = punct[":"]
        colon_shared = shared.get(colon_kind)
        g_number, g_duration = group["NUMBER"], group["DURATION"]
        kinds = {number: name for name, number in group.items()}
        line, line_start = 1, 0
        depth = 0
        indents = [0]
        # Per parser state, how each word lexed; False when the state's answer can depend on the text after
        # the word (a resource, an intrinsic or a typed wrapper), so it is not cached.
        states = len(table) if table.__class__ is list else max(table) + 1  # (states are numbers from 0)
        word_kinds: list[dict[str, str] | bool | None] = [None] * states
        pos = 0

        while True:
            m = match(text, pos)
            if m is None:
                if pos >= len(text):
                    break
                while text[pos] in " \t\f":
                    pos += 1
                from lark.exceptions import UnexpectedCharacters  # errors only: lark explains them

                raise UnexpectedCharacters(text, pos, line, pos - line_start + 1, allowed=set(table[stack[-1]]))
            number = m.lastindex
            start, stop = m.span(number)
            if number <= g_word_colon:  # WORD or WORD_COLON, the first two groups
                if number == g_word_colon:  # `name:` in one match (a step, an object key): the colon comes next
                    colon = stop
                    start, stop = m.span(g_word)
                value = text[start:stop]
                state = stack[-1]
                known = word_kinds[state]
                if known is None:
                    known = word_kinds[state] = False if _CONTEXT_WORDS & table[state].keys() else {}
                if known is False:
                    kind, value, stop = word(text, start, value, table[state])
                else:
                    try:
                        kind = known[value]
                    except KeyError:  # the first time this word comes in this state
                        kind = known[value] = word(text, start, value, table[state])[0]
                pos = stop
            elif number == g_punct:  # `,` `:` `%`
                value = text[start]
                kind = punct[value]
                pos = stop
            elif number == g_nl:
                value = text[start:stop]
                newlines = value.count("\n")
                tok_line, tok_col = line, start - line_start + 1
                if newlines:
                    line += newlines
                    line_start = start + value.rfind("\n") + 1
                pos = stop
                if depth > 0:
                    continue
                yield (make("_NL", value, start, tok_line, tok_col, line, stop - line_start + 1, stop)
                       if nl_shared is None else nl_shared)
                if not newlines:
                    continue
                indent_str = value[value.rfind("\n") + 1:]
                indent = indent_str.count(" ") + indent_str.count("\t") * 8  # a tab indents to 8 (as Python)
                col = len(indent_str) + 1  # positions count characters, a tab is one
                if indent > indents[-1]:
                    indents.append(indent)
                    if len(indents) > MAX_DEPTH:
                        raise IndentError(line, col, depth_message())
                    yield (make("_INDENT", indent_str, start, tok_line, tok_col, line, col, stop)
                           if indent_shared is None else indent_shared)
                elif indent < indents[-1]:
                    while indent < indents[-1]:
                        indents.pop()
                        yield (make("_DEDENT", indent_str, start, tok_line, tok_col, line, col, stop)
                               if dedent_shared is None else dedent_shared)
                    if indent != indents[-1]:
                        raise IndentError(line, col,
                                          f"this line is indented to width {indent}, which matches no "
                                          f"enclosing block (expected width {indents[-1]})")
                continue
            elif number == g_open:
                value = text[start]
                kind = punct[value]
                depth += 1
                if depth > MAX_DEPTH:
                    raise IndentError(line, start - line_start + 1, depth_message())
                pos = stop
            elif number == g_close:
                value = text[start]
                kind = punct[value]
                if depth:
                    depth -= 1
                pos = stop
            elif number == g_eof:
                break
            elif number == g_ws:  # a backslash line continuation
                line += 1
                line_start = pos = stop
                continue
            else:
                kind = kinds[number]
                value = text[start:stop]
                pos = stop
                if number in (g_number, g_duration) and (len(value) > _SHORT_NUMBER or "e" in value
                                                                    or "E" in value):
                    try:  # a number Python cannot convert (4,300+ digits) or a double overflows (1e999)
                        for digits in (value,) if number == g_number else _DIGITS.findall(value):
                            check_number(digits, line, start - line_start + 1)
                    except LimitError as err:
                        raise IndentError(err.line, err.col, err.message) from None
                elif "\n" in value:  # a JSONata block, a 'string' or a path spanning lines
                    newlines = value.count("\n")
                    last_nl = value.rfind("\n")
                    yield make(kind, value, start, line, start - line_start + 1, line + newlines,
                               len(value) - last_nl, stop)
                    line, line_start = line + newlines, start + last_nl + 1
                    continue
            token = shared_get(kind)
            if token is None:  # the body of new_token, inlined: this runs once per positioned token
                token = new_str(Token, value)
                token.type = kind
                token.start_pos = start
                token.end_pos = stop
                token.line = token.end_line = line
                token.column = start - line_start + 1
                token.end_column = stop - line_start + 1
            yield token
            if number == g_word_colon and colon > stop:  # (unless a resource such as `lambda:invoke` took it)
                yield (colon_shared if colon_shared is not None else
                       make(colon_kind, ":", stop, line, stop - line_start + 1, line, colon - line_start + 1, colon))
                pos = colon
        while len(indents) > 1:
            indents.pop()
            yield make("_DEDENT", "", len(text), line, 1, line, 1, len(text))
        if end is not None:
            yield end

    def word(self, text: str, start: int, value: str, acc: dict) -> tuple[str, str, int]:
        """Name, dotted name, keyword, operator, resource, intrinsic or typed wrapper: ask the parser."""
        stop = start + len(value)
        if "RESOURCE" in acc:
            m = self.resource.match(text, start)
            if m and m.end() >= stop:
                return "RESOURCE", m.group(), m.end()
        nxt = text[stop:stop + 1]
        if nxt == "(":
            if "INTRINSIC_NAME" in acc and self.intrinsic.match(text, start):
                return "INTRINSIC_NAME", value, stop
            if "TYPED" in acc and self.typed.match(text, start):
                return "TYPED", value, stop
        if "OPERATOR" in acc and self.operator.fullmatch(value):
            return "OPERATOR", value, stop
        if "." in value:
            return "DOTTED_NAME", value, stop
        kw = self.keywords.get(value)
        if kw is not None and (kw in acc or "NAME" not in acc):
            return kw, value, stop
        return "NAME", value, stop
