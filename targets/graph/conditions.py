"""Choice rules of an ASL definition in a few words (`$.tier == "gold"`), for graph arc labels."""

from __future__ import annotations

import json
from typing import Any

_SYMBOLS = {"Equals": "==", "LessThan": "<", "LessThanEquals": "<=", "GreaterThan": ">",
            "GreaterThanEquals": ">="}
_TESTS = {"IsPresent": "present", "IsNull": "null", "IsString": "a string", "IsNumeric": "numeric",
          "IsBoolean": "a boolean", "IsTimestamp": "a timestamp"}


def describe(rule: dict[str, Any]) -> str:
    if "Condition" in rule:  # JSONata
        return str(rule["Condition"]).removeprefix("{%").removesuffix("%}").strip()
    if "And" in rule:
        return " and ".join(_group(r) for r in rule["And"])
    if "Or" in rule:
        return " or ".join(_group(r) for r in rule["Or"])
    if "Not" in rule:
        return f"not {_group(rule['Not'])}"
    variable = rule.get("Variable", "?")
    for key, value in rule.items():
        if key in ("Variable", "Next", "Comment", "Assign", "Output"):
            continue
        if key in _TESTS:
            return f"{variable} is {'' if value else 'not '}{_TESTS[key]}"
        if key == "StringMatches":
            return f"{variable} matches {json.dumps(value)}"
        path = key.endswith("Path")
        name = key.removesuffix("Path")
        for suffix, symbol in _SYMBOLS.items():
            if name.endswith(suffix):
                return f"{variable} {symbol} {value if path else json.dumps(value)}"
        return f"{variable} {key} {value}"
    return "?"


def _group(rule: dict[str, Any]) -> str:
    text = describe(rule)
    return f"({text})" if " and " in text or " or " in text else text

