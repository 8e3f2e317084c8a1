"""The floor of compiling a `.flow` file: what any compiler of it must at least pay (issue 16 goal 1).

Read the source, tokenise it with a trivial regex lexer, `orjson.dumps` the ASL definition flowc produces
for it and write that. bench_compile.py and bench_compile_bound.py measure flowc against it.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson

LEX = re.compile(r'(?P<STR>"[^"\n]*")|(?P<PATH>\$[\w.\[\]*]*)|(?P<NUM>\d+\w*)|(?P<WORD>[A-Za-z_][\w.\-]*)'
                 r'|(?P<NL>\n[ ]*)|(?P<OP>[^\s\w])|[ \t]+')


def lex(text: str) -> list[tuple[str | None, int]]:
    """The trivial lexer: each token's kind and offset."""
    return [(m.lastgroup, m.start()) for m in LEX.finditer(text)]


def floor(src: Path, definition: dict, out: Path) -> int:
    """One pass of the floor; the number of tokens (so the lexing is not optimised away)."""
    tokens = lex(src.read_text())
    out.write_bytes(orjson.dumps(definition, option=orjson.OPT_INDENT_2))
    return len(tokens)
