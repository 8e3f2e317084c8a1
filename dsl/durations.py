"""Durations as written in `.flow` (``30s``, ``15m``, ``1h30m``, ``2d``) -> whole seconds."""

import re

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+)([smhd])")


def parse_duration(text: str) -> int:
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(text))


def format_duration(seconds: int) -> str:
    """The shortest exact spelling, used when printing durations back to users."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
