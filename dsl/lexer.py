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

from lark.exceptions import UnexpectedCharacters
from lark.lexer import Lexer, Token

_WORD = r"[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*)*"
_OPEN = {"{": "LBRACE", "[": "LSQB", "(": "LPAR"}
_CLOSE = {"}": "RBRACE", "]": "RSQB", ")": "RPAR"}


class IndentError(Exception):
    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


class FlowLexer(Lexer):
    __future_interface__ = 1

    def __init__(self, lexer_conf: Any):
        terms = {t.name: t for t in lexer_conf.terminals}

        def rx(name: str) -> str:
            return terms[name].pattern.to_regexp()

        self.keywords: dict[str, str] = {}
        self.punct: dict[str, str] = {}
        for t in lexer_conf.terminals:
            if t.pattern.type == "str":
                if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", t.pattern.value):
                    self.keywords[t.pattern.value] = t.name
                else:
                    self.punct[t.pattern.value] = t.name
        # Leading blanks are consumed by the same match as the token after them.
        self.master = re.compile(r"[ \t\f]*(?:" + "|".join([
            r"(?P<WS>\\[ \t\f]*\r?\n)",
            r"(?P<NL>(?:\r?\n[ \t]*|#[^\n]*)+)",
            f"(?P<JSONATA>{rx('JSONATA')})",
            f"(?P<STRING>{rx('STRING')})",
            f"(?P<SQ_STRING>{rx('SQ_STRING')})",
            f"(?P<PATH>{rx('PATH')})",
            f"(?P<DURATION>{rx('DURATION')})",
            f"(?P<NUMBER>{rx('NUMBER')})",
            f"(?P<WORD>{_WORD})",
            f"(?P<CMP_OP>{rx('CMP_OP')})",
            r"(?P<PUNCT>[{}\[\](),:%])",
            r"(?P<EOF>$)",
        ]) + ")")
        self.resource = re.compile(rx("RESOURCE"))
        self.operator = re.compile(rx("OPERATOR"))
        self.intrinsic = re.compile(rx("INTRINSIC_NAME"))
        self.typed = re.compile(rx("TYPED"))

    def lex(self, lexer_state: Any, parser_state: Any) -> Iterator[Token]:
        make = Token._future_new  # Token(...) adds a keyword-compatibility layer per call; this skips it
        text = lexer_state.text
        text = text.text if hasattr(text, "text") and not isinstance(text, str) else text
        table = parser_state.parse_conf.parse_table.states if parser_state is not None else None
        match = self.master.match
        punct = self.punct
        pos, end = 0, len(text)
        line, line_start = 1, 0
        depth = 0
        indents = [0]

        def accepts() -> dict:
            return table[parser_state.position] if table is not None else {}

        while pos < end:
            m = match(text, pos)
            if m is None:
                while text[pos] in " \t\f":
                    pos += 1
                raise UnexpectedCharacters(text, pos, line, pos - line_start + 1, allowed=set(accepts()),
                                           state=parser_state)
            kind = m.lastgroup
            if kind == "EOF":
                break
            start, stop = m.start(kind), m.end()
            value = text[start:stop]
            col = start - line_start + 1
            if kind == "WS":  # a backslash line continuation
                line += 1
                line_start = stop
                pos = stop
                continue
            if kind == "NL":
                newlines = value.count("\n")
                tok_line, tok_col = line, col
                if newlines:
                    line += newlines
                    line_start = start + value.rfind("\n") + 1
                pos = stop
                if depth > 0:
                    continue
                nl = make("_NL", value, start, tok_line, tok_col, line, stop - line_start + 1, stop)
                yield nl
                if not newlines:
                    continue
                indent_str = value[value.rfind("\n") + 1:]
                indent = indent_str.count(" ") + indent_str.count("\t") * 8
                if indent > indents[-1]:
                    indents.append(indent)
                    yield make("_INDENT", indent_str, start, tok_line, tok_col, line, indent + 1, stop)
                else:
                    while indent < indents[-1]:
                        indents.pop()
                        yield make("_DEDENT", indent_str, start, tok_line, tok_col, line, indent + 1, stop)
                    if indent != indents[-1]:
                        raise IndentError(line, indent + 1,
                                          f"this line is indented to column {indent + 1}, which matches no "
                                          f"enclosing block (expected column {indents[-1] + 1})")
                continue
            if kind == "WORD":
                kind, value, stop = self.word(text, start, value, accepts())
            elif kind == "PUNCT":
                kind = punct[value]
                if value in _OPEN:
                    depth += 1
                elif value in _CLOSE and depth:
                    depth -= 1
            if kind == "JSONATA" and "\n" in value:
                end_line = line + value.count("\n")
                end_col = len(value) - value.rfind("\n")
                line, line_start = end_line, start + value.rfind("\n") + 1
            else:
                end_line, end_col = line, stop - line_start + 1
            yield make(kind, value, start, line if kind != "JSONATA" else line - value.count("\n"), col,
                        end_line, end_col, stop)
            pos = stop
        while len(indents) > 1:
            indents.pop()
            yield make("_DEDENT", "", end, line, 1, line, 1, end)

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
