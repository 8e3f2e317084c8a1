"""Bounds every front end enforces, so hostile input fails fast with a located error.

CI runs flowc on untrusted pull requests: a 2 KB YAML alias bomb, `import "/dev/zero"` or a number with
a million digits must cost milliseconds, not gigabytes. Every limit is far above what a real workflow
needs (Step Functions itself caps a definition at 1 MiB) and is reported as FLOW100 at the place that
crosses it.
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

#: Bytes read from one source file (a `.flow`, `.flow.yaml` or ASL file); 8x the Step Functions maximum.
MAX_SOURCE_BYTES = 8 * 1024 * 1024
#: Nested values (objects, arrays) or `.flow` blocks.
MAX_DEPTH = 128
#: Nested containers of a JSON/YAML document: a block of steps costs 3-5 levels of ASL or `.flow.yaml`.
MAX_DOCUMENT_DEPTH = 4 * MAX_DEPTH
#: Nodes that YAML aliases may add when expanded (what a "billion laughs" document multiplies).
MAX_ALIAS_NODES = 100_000
#: Digits of an integer literal (Python refuses more than 4,300; ASL numbers are doubles anyway).
MAX_INT_DIGITS = 100


class LimitError(ValueError):
    """A bound crossed at (1-based) line and column."""

    def __init__(self, message: str, line: int = 1, col: int = 1, code: str = "FLOW100"):
        super().__init__(message)
        self.message, self.line, self.col, self.code = message, line, col, code


def depth_message(depth: int = MAX_DEPTH) -> str:
    return f"nesting is deeper than {depth} levels"


def check_number(text: str, line: int = 1, col: int = 1) -> None:
    """An integer literal within MAX_INT_DIGITS, a decimal one that is finite as a double."""
    digits = sum(ch.isdigit() for ch in text.split("e")[0].split("E")[0])
    if "." not in text and "e" not in text and "E" not in text:
        if digits > MAX_INT_DIGITS:
            raise LimitError(f"integer has {digits} digits; flowc accepts at most {MAX_INT_DIGITS}", line, col)
        return
    if len(text) > 4 * MAX_INT_DIGITS:
        raise LimitError(f"number is {len(text)} characters long; flowc accepts at most {4 * MAX_INT_DIGITS}",
                         line, col)
    try:
        value = float(text)
    except ValueError:
        return
    if math.isinf(value):
        raise LimitError(f"number {text} is out of range (larger than a double can hold)", line, col)


def read_source(path: Path, *, regular_only: bool = False) -> str:
    """A source file's text: at most MAX_SOURCE_BYTES, UTF-8, one leading BOM dropped.

    Raises OSError (reading) and LimitError (FLOW106): too large, not a regular file (with
    `regular_only`), or not UTF-8 (located at the first bad byte).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if regular_only and not stat.S_ISREG(info.st_mode):
            raise LimitError(f"{path} is not a regular file", code="FLOW106")
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_SOURCE_BYTES:
            raise LimitError(f"{path} is {info.st_size:,} bytes; flowc reads source files of at most "
                             f"{MAX_SOURCE_BYTES:,} bytes", code="FLOW106")
        if not stat.S_ISREG(info.st_mode):
            os.set_blocking(fd, True)
        chunks, total = [], 0
        while total <= MAX_SOURCE_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_SOURCE_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_SOURCE_BYTES:
            raise LimitError(f"{path} is larger than {MAX_SOURCE_BYTES:,} bytes, the most flowc reads "
                             "from a source file", code="FLOW106")
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, col = decode_position(data, err.start)
        raise LimitError(f"{path} is not UTF-8 text: byte 0x{data[err.start]:02x} ({err.reason})", line, col,
                         code="FLOW106") from None


def decode_position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters) of byte `offset`: where a UnicodeDecodeError happened."""
    head = data[:offset]
    line = head.count(b"\n") + 1
    start = head.rfind(b"\n") + 1
    return line, len(head[start:].decode("utf-8", errors="replace")) + 1
