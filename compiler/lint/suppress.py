"""Inline suppressions: `# flowc: ignore[FLOW501]` in `.flow` and YAML sources.

- at the end of a line: silences those codes on that line;
- alone on a line: silences them on the next line;
- `# flowc: ignore-file[FLOW501, FLOW503]` anywhere: silences them in the whole file;
- without `[...]`: every code.
"""

from __future__ import annotations

import re

from flowc.compiler.lint.records import Plain

_DIRECTIVE = re.compile(r"#\s*flowc:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?")
ALL = "*"


class Suppressions(Plain):
    lines: dict[int, set[str]]
    file: set[str]

    _fields = ("lines", "file")

    def __init__(self, lines: dict[int, set[str]] | None = None, file: set[str] | None = None) -> None:
        self.lines = {} if lines is None else lines
        self.file = set() if file is None else file

    def covers(self, line: int, code: str) -> bool:
        for codes in (self.file, self.lines.get(line, ())):
            if ALL in codes or code in codes or any(code.startswith(c) for c in codes):
                return True
        return False


def parse(text: str) -> Suppressions:
    found = Suppressions()
    if "flowc:" not in text:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        if "flowc:" not in line:
            continue
        for match in _DIRECTIVE.finditer(line):
            kind, listed = match.group(1), match.group(2)
            codes = {c.strip().upper() for c in listed.split(",") if c.strip()} if listed is not None else {ALL}
            if kind == "ignore-file":
                found.file |= codes
                continue
            own_line = line[: match.start()].strip() == ""
            target = number + 1 if own_line else number
            found.lines.setdefault(target, set()).update(codes)
    return found
