"""Spans and diagnostics shared by every stage.

Every problem flowc reports carries a code and a span, so the CLI can print
``file:line:col: error CODE: message`` followed by the source line and a caret,
the way compilers users already know do it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


class Span:
    """A region of a source file; lines and columns are 1-based.

    A plain slotted class rather than a dataclass or model: the parser creates
    one per token, so construction cost matters.
    """

    __slots__ = ("col", "end_col", "end_line", "file", "line")

    def __init__(self, file: str, line: int, col: int, end_line: int = 0, end_col: int = 0):
        self.file = file
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col

    def _key(self) -> tuple:
        return (self.file, self.line, self.col, self.end_line, self.end_col)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Span) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Span({self.file!r}, {self.line}, {self.col}, {self.end_line}, {self.end_col})"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    @classmethod
    def unknown(cls, file: str = "<input>") -> Span:
        return cls(file, 1, 1, 1, 1)


@dataclass(slots=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    severity: Severity = Severity.ERROR
    hint: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return _SORT_KEY(self)

    def to_dict(self) -> dict:
        return {
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.col,
            "end_line": self.span.end_line or self.span.line,
            "end_column": self.span.end_col or self.span.col,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            **({"hint": self.hint} if self.hint else {}),
        }


class FlowError(Exception):
    """Raised to abort a stage when diagnostics make going on pointless."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.message for d in diagnostics[:3]))
        self.diagnostics = diagnostics


class SourceCache:
    """Source text by file name, so renderers can show the offending line."""

    def __init__(self) -> None:
        #: a file's lines, or its text until a line of it is first asked for (most compiles show none: splitting
        #: a 10,000-step file cost ~4 ms and 2.6 MB of line strings on every parse)
        self._texts: dict[str, list[str] | str] = {}

    def add(self, file: str, text: str) -> None:
        self._texts[file] = text

    def hide(self, file: str) -> None:
        """Never show lines of `file` (an output file, a folder: not something the user wrote as source)."""
        self._texts[file] = []

    def line(self, file: str, line: int) -> str | None:
        lines = self._texts.get(file)
        if lines is None:
            lines = self._texts[file] = _source_lines(file)
        elif lines.__class__ is str:
            lines = self._texts[file] = lines.splitlines()
        if 1 <= line <= len(lines):
            return lines[line - 1]
        return None


_SOURCE_SUFFIXES = (".flow", ".flow.yaml", ".flow.yml", ".json", ".yaml", ".yml")


def _source_lines(file: str) -> list[str]:
    """Lines of a file read for a code frame: only a regular workflow or ASL source of bounded size, so a
    diagnostic about `/proc/self/environ` or a link to a user's file never prints what is in it."""
    from flowc.dsl.limits import MAX_SOURCE_BYTES

    path = Path(file)
    try:
        real = path.resolve()
        if not real.name.endswith(_SOURCE_SUFFIXES) or not real.is_file():
            return []
        if real.stat().st_size > MAX_SOURCE_BYTES:
            return []
        return real.read_text(encoding="utf-8", errors="replace").splitlines()
    except (OSError, RuntimeError):
        return []


SOURCES = SourceCache()


def render(diag: Diagnostic, sources: SourceCache = SOURCES, color: bool = False) -> str:
    """``file:line:col: severity CODE: message`` + source line + caret (+ hint)."""
    sev = diag.severity.value
    if color:
        tint = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}[sev]
        head = f"\033[1m{diag.span}:\033[0m {tint}{sev} {diag.code}\033[0m: {diag.message}"
    else:
        head = f"{diag.span}: {sev} {diag.code}: {diag.message}"
    out = [head]
    src = sources.line(diag.span.file, diag.span.line)
    if src is not None:
        text = src.expandtabs(1)
        width = 1
        if diag.span.end_line == diag.span.line and diag.span.end_col > diag.span.col:
            width = diag.span.end_col - diag.span.col
        width = max(1, min(width, max(1, len(text) - diag.span.col + 1)))
        gutter = f"{diag.span.line:>5} | "
        out.append(gutter + text)
        out.append(" " * (len(gutter) + diag.span.col - 1) + "^" + "~" * (width - 1))
    if diag.hint:
        out.append(f"      = help: {diag.hint}")
    out.extend(f"      = note: {n}" for n in diag.notes)
    return "\n".join(out)


#: `Diagnostic.sort_key` as one C call (a large workflow can have thousands of warnings, sorted a few times)
_SORT_KEY = attrgetter("span.file", "span.line", "span.col", "code", "message")


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """By file, line, column, code and message (stable), each such problem once: the sort key holds the fields
    that make two diagnostics the same problem, so it is the key remembered, too."""
    diags = list(diags)
    keys = list(map(_SORT_KEY, diags))
    seen: set[tuple] = set()
    result = []
    for i in sorted(range(len(diags)), key=keys.__getitem__):
        key = keys[i]
        if key not in seen:
            seen.add(key)
            result.append(diags[i])
    return result


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """Closest candidate by edit distance, for 'did you mean' hints."""
    import difflib

    found = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not found:
        lowered = {c.lower(): c for c in candidates}
        if name.lower() in lowered:
            return lowered[name.lower()]
        return None
    return found[0]
