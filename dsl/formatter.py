"""`flowc fmt`: the canonical layout of `.flow` source, with every comment kept.

The formatter works on the text, line by line, not on the syntax tree: a tree has no comments, and a formatter
must never lose one. It
- re-indents by structure (two spaces per level, levels read from the indentation the file uses),
- normalises spacing inside a line (`Name: kind`, `{ key: value, ... }`, `[a, b]`, one space between words)
  while leaving strings, JSONata `{% ... %}` and JSONPath expressions exactly as written,
- puts a step's option lines in the canonical order (input, with, select, result, output, assign, timeout,
  heartbeat, credentials, query, comment, then retry and catch in the order written: their order is meaning),
  carrying the comment lines above an option with it,
- breaks a line longer than `WIDTH` at its last `{ ... }` object, one entry per line.
Formatting is idempotent and never changes the compiled ASL (the tests check both on every example).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from flowc.dsl.limits import MAX_DEPTH

WIDTH = 110
INDENT = "  "
# Tokens of a code line. Strings, JSONata blocks, intrinsic calls (three levels of nested calls) and paths
# (with their brackets, filters and spaces inside brackets) are atoms, copied verbatim: their text is the ASL.
_TOKEN = re.compile(r"""
    (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<jsonata>\{%.*?%\})
  | (?P<intrinsic>States\.\w+\((?:[^()"']|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()"']|"(?:[^"\\]|\\.)*"
        |'(?:[^'\\]|\\.)*'|\((?:[^()"']|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')*\))*\))*\))  # its text is the ASL
  | (?P<path>\$\$?[\w.@*]*(?:(?:\[(?:[^\[\]"']|"[^"]*"|'[^']*'|\[[^\]]*\])*\]|\.\.?[\w@*-]*|\.\*)[\w.@*]*)*)
  | (?P<open>[{\[(])
  | (?P<close>[}\])])
  | (?P<comma>,)
  | (?P<colon>:)
  | (?P<percent>%)
  | (?P<op>==|!=|<=|>=|<|>)
  | (?P<word>[^\s{}\[\](),:"#=<>!%$]+(?::[\w.-][^\s{}\[\](),:"#=<>!%$]*)*)  # aws-sdk:s3:getObject is one word
  | (?P<other>\S)
""", re.X | re.S)
_ATOMS = frozenset({"string", "jsonata", "path", "intrinsic"})
OPTION_ORDER = ("input", "with", "select", "result", "output", "assign", "timeout", "heartbeat", "credentials",
                "query", "comment", "concurrency", "tolerate", "reader", "batch", "writer", "execution", "label",
                "retry", "catch")
_RANK = {name: i for i, name in enumerate(OPTION_ORDER)}


@dataclass
class Line:
    """A logical line: code (possibly over several physical lines inside brackets), its comments."""

    indent: int  # the width of the leading whitespace as written
    code: str  # without the trailing comment; "" for a comment-only or blank line
    comment: str = ""  # the trailing (or whole-line) comment, with its '#'
    raw: list[str] = field(default_factory=list)  # the physical lines, as written
    inner_comments: bool = False  # comments inside a multi-line bracket: kept exactly as written


def _split_comment(line: str) -> tuple[str, str]:
    """(code, comment) of one physical line: '#' outside strings and JSONata starts a comment."""
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == '"':
            j = i + 1
            while j < n and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            i = j + 1
            continue
        if line.startswith("{%", i):
            j = line.find("%}", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == "#":
            return line[:i].rstrip(), line[i:].rstrip()
        i += 1
    return line.rstrip(), ""


def _depth(code: str) -> int:
    depth = 0
    for m in _TOKEN.finditer(code):
        if m.lastgroup == "open":
            depth += 1
        elif m.lastgroup == "close":
            depth -= 1
    return depth


def logical_lines(text: str) -> list[Line]:
    out: list[Line] = []
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    i = 0
    while i < len(physical):
        line = physical[i].rstrip("\r")
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        code, comment = _split_comment(stripped)
        raw = [line]
        inner = False
        depth = _depth(code)
        while depth > 0 and i + 1 < len(physical):
            i += 1
            nxt = physical[i].rstrip("\r")
            more, more_comment = _split_comment(nxt.strip())
            if more_comment:
                inner = True
            raw.append(nxt)
            code = f"{code} {more}" if more else code
            depth += _depth(more)
        out.append(Line(indent, code, comment, raw, inner))
        i += 1
    return out


def normalise(code: str) -> str:
    """Canonical spacing of one line of code."""
    out: list[str] = []
    atoms: list[str] = []
    stack: list[str] = []
    prev, prev_end = "", -1
    for m in _TOKEN.finditer(code):
        kind, text = m.lastgroup, m.group()
        if kind == "open":
            if prev == "word" and text == "(" and m.start() == prev_end:
                out.append(text)  # a call, written without a space: N($.x), States.Format(...)
            else:
                out.append(("" if not out or out[-1].endswith((" ", "(", "[")) else " ") + text)
            stack.append(text)
            if text == "{":
                out.append(" ")
        elif kind == "close":
            opener = stack.pop() if stack else ""
            if text == "}":
                if out and out[-1] == " ":
                    out[-1] = ""  # empty object: {}
                    out.append("}")
                else:
                    out.append(" }")
            else:
                out.append(text)
            del opener
        elif kind == "comma":
            out.append(", ")
        elif kind == "percent":
            out.append(text)  # tolerate 10%
        elif kind == "colon":
            out.append(": ")
        else:
            sep = "" if not out or out[-1].endswith((" ", "(", "[")) else " "
            if kind in _ATOMS:  # kept out of the space squeezing below: `"a  b"` is not `"a b"`
                atoms.append(text)
                text = f"\0{len(atoms) - 1}\0"
            out.append(sep + text)
        prev, prev_end = kind, m.end()
    squeezed = re.sub(r" +", " ", "".join(out)).strip()
    return re.sub(r"\0(\d+)\0", lambda a: atoms[int(a.group(1))], squeezed) if atoms else squeezed


def _break(code: str, indent: str) -> str:
    """Break the last top-level `{ ... }` of a too-long line, one entry per line (recursively if need be).

    The brackets are matched in one pass over the (normalised) line and each nested object is broken from
    that map, so the work is linear in the line whatever the nesting: re-scanning each entry at each level
    made a line nested ~1,500 deep take 15 s (found by fuzzing `fmt`).
    """
    objects = _objects(code)
    out: list[str] = []
    _break_range(code, 0, len(code), objects[-1][2], objects, indent, out, 0)
    return "".join(out)


# An object of a line: (its end, its direct commas, its direct `{ ... }` children), by start; the line's own
# top level is the entry under key -1.
_Objects = dict[int, tuple[int, list[int], list[int]]]


def _objects(code: str) -> _Objects:
    """Every closed `{ ... }` of `code` with its direct commas and direct child objects (any closing bracket
    closes the innermost open one, as the tokens are counted when entries are split)."""
    found: _Objects = {}
    stack: list[tuple[int, str, list[int], list[int]]] = [(-1, "", [], [])]  # the line itself at the bottom
    for m in _TOKEN.finditer(code):
        kind = m.lastgroup
        if kind == "open":
            stack.append((m.start(), m.group(), [], []))
        elif kind == "close" and len(stack) > 1:
            start, opener, commas, children = stack.pop()
            if opener == "{":
                found[start] = (m.end(), commas, children)
                stack[-1][3].append(start)
        elif kind == "comma":
            stack[-1][2].append(m.start())
    found[-1] = (len(code), stack[0][2], stack[0][3])
    return found


def _break_range(code: str, lo: int, hi: int, candidates: list[int], objects: _Objects, indent: str,
                 out: list[str], depth: int) -> None:
    """Write `code[lo:hi]` with its biggest top-level object (among `candidates`, the objects directly inside
    that range, by position) broken one entry per line, entries too long for the line broken the same way --
    down to MAX_DEPTH levels (no program nests deeper; the text below that stays on one line)."""
    first, last = bisect_left(candidates, lo), bisect_left(candidates, hi)
    spans = [(start, objects[start][0]) for start in candidates[first:last] if objects[start][0] <= hi]
    if not spans or depth >= MAX_DEPTH:
        out.append(code[lo:hi])
        return
    start, end = max(spans, key=lambda span: (span[1] - span[0], span[0]))  # the biggest object
    _, commas, children = objects[start]
    inner_lo, inner_hi = start + 1, end - 1
    if not code[inner_lo:inner_hi].strip():
        out.append(code[lo:hi])
        return
    bounds, begin = [], inner_lo
    for comma in commas:
        bounds.append((begin, comma))
        begin = comma + 1
    if code[begin:inner_hi].strip():
        bounds.append((begin, inner_hi))
    body_indent = indent + INDENT * 2
    out.append(code[lo:start] + "{\n")
    for k, (a, b) in enumerate(bounds):
        while a < b and code[a].isspace():
            a += 1
        while b > a and code[b - 1].isspace():
            b -= 1
        comma = "," if k < len(bounds) - 1 else ""
        if k:
            out.append("\n")
        out.append(body_indent)
        if len(body_indent) + (b - a) + len(comma) > WIDTH and bisect_left(children, a) < bisect_left(children, b):
            _break_range(code, a, b, children, objects, body_indent, out, depth + 1)
        else:
            out.append(code[a:b])
        out.append(comma)
    out.append("\n" + indent + INDENT + "}" + code[end:hi])


def _option(code: str) -> str | None:
    word = code.split(" ", 1)[0]
    return word if word in _RANK else None


def _reorder(block: list[tuple[int, Line]]) -> list[tuple[int, Line]]:
    """A run of option lines (with the comment lines above each) in canonical order; retry/catch keep theirs."""
    groups: list[tuple[int, list[tuple[int, Line]]]] = []
    pending: list[tuple[int, Line]] = []
    for level, line in block:
        pending.append((level, line))
        if line.code:
            groups.append((_RANK[_option(line.code) or "catch"], pending))
            pending = []
    ordered = [item for _, group in sorted(groups, key=lambda g: g[0]) for item in group]
    return ordered + pending


def format_flow(text: str) -> str:
    lines = logical_lines(text)
    # levels from the indentation as written: a stack of widths
    levels: list[tuple[int, Line]] = []
    stack = [0]
    for line in lines:
        if not line.code:
            levels.append((-1, line))  # blank or comment-only: takes the level of what follows
            continue
        while line.indent < stack[-1]:
            stack.pop()
        if line.indent > stack[-1]:
            stack.append(line.indent)
        levels.append((len(stack) - 1, line))
    # comment-only lines take the level of the next code line
    next_level = 0
    for k in range(len(levels) - 1, -1, -1):
        level, line = levels[k]
        if level < 0:
            levels[k] = (next_level if line.comment else 0, line)
        else:
            next_level = level
    # option runs in canonical order
    out: list[tuple[int, Line]] = []
    k = 0
    while k < len(levels):
        level, line = levels[k]
        if line.code and _option(line.code) and k > 0:
            run, j = [], k
            while j < len(levels):
                lv, ln = levels[j]
                if (ln.code and lv == level and _option(ln.code)) or (not ln.code and ln.comment and lv == level and j + 1 < len(levels) \
                        and levels[j + 1][0] == level and _option(levels[j + 1][1].code or "")):
                    run.append((lv, ln))
                    j += 1
                else:
                    break
            out.extend(_reorder(run))
            k = j
            continue
        out.append((level, line))
        k += 1
    # render
    rendered: list[str] = []
    blank = False
    for level, line in out:
        if not line.code and not line.comment:
            if rendered and not blank:
                rendered.append("")
            blank = True
            continue
        blank = False
        pad = INDENT * level
        if line.inner_comments:
            shift = len(pad) - line.indent
            first = pad + line.raw[0].lstrip(" \t")
            rest = [(" " * shift + r if shift > 0 else r[min(-shift, len(r) - len(r.lstrip(" "))):]) if r.strip()
                    else "" for r in line.raw[1:]]
            rendered.extend([first.rstrip(), *[r.rstrip() for r in rest]])
            continue
        code = normalise(line.code) if line.code else ""
        if code and len(pad) + len(code) + (len(line.comment) + 2 if line.comment else 0) > WIDTH:
            code = _break(code, pad)
        text = pad + code if code else pad
        if line.comment:
            text = f"{text}  {line.comment}" if code else pad + line.comment
        rendered.append(text.rstrip())
    while rendered and rendered[-1] == "":
        rendered.pop()
    return "\n".join(rendered) + "\n"
