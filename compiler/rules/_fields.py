"""ASL field tables (which fields each state type and structure has, per query language).

The source of truth is `flowc.targets.asl.models`; importing pydantic costs ~0.1 s, so
the tables are kept as JSON next to this module (`asl_fields.json`) and a test
checks that they match the models (`python -m flowc.compiler.rules._fields` rewrites it).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("asl_fields.json")
STATE_TYPES = ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")


@cache
def table() -> dict[str, dict[str, str]]:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def fields(name: str) -> dict[str, str]:
    """ASL field -> "jsonpath" | "jsonata" | "both" for a state type or structure name."""
    return table()[name]


@cache
def allowed(name: str, query_language: str) -> frozenset[str]:
    language = query_language.lower()
    return frozenset(f for f, ql in fields(name).items() if ql in ("both", language))


@cache
def allowed_any(name: str) -> frozenset[str]:
    return frozenset(fields(name))


def build_table() -> dict[str, dict[str, str]]:
    from flowc.targets.asl import models

    out = {name: models.asl_fields(cls) for name, cls in models.STATE_MODELS.items()}
    out.update({name: models.asl_fields(cls) for name, cls in models.STRUCTURE_MODELS.items()})
    return out


if __name__ == "__main__":  # pragma: no cover
    TABLE.write_text(json.dumps(build_table(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {TABLE}")
