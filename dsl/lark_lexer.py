"""`FlowLexer` as lark's custom lexer class, for the lark driver that explains syntax errors.

A module of its own: lark pickles a reference to this class in its table cache, and only the
error path imports lark (parsing valid input runs `flowc.dsl.lalr` on cached tables).
"""

from __future__ import annotations

from typing import Any

from flowc.dsl.lexer import FlowLexer, terminals_of
from lark.lexer import Lexer


class LarkFlowLexer(FlowLexer, Lexer):
    __future_interface__ = 1

    def __init__(self, lexer_conf: Any):
        FlowLexer.__init__(self, terminals_of(lexer_conf))
