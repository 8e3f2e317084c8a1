"""The rule registry: every module in this package defines one rule."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from flowc.compiler.rules.base import Finding, Rule

__all__ = ["Finding", "Rule", "all_rules", "get_rule"]


@lru_cache(maxsize=1)
def all_rules() -> dict[str, type[Rule]]:
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("flow"):
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(sorted(Rule.registry.items()))


def get_rule(code: str) -> type[Rule] | None:
    return all_rules().get(code.upper())
