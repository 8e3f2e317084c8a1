"""Choice state rules: JSONPath-mode comparisons and the rule-then-Default selection.

Semantics (states-language.net "Choice Rules"; AWS guide "Choice workflow state"):

* a comparison of a value of the wrong type is simply false ("Step Functions doesn't
  attempt to match a numeric field to a string value"), including ``*Path`` operands;
* string order is Java's ``compareTo`` (UTF-16 code units), as the guide specifies;
* timestamps are RFC 3339 with an uppercase ``T`` and ``Z`` (or a numeric offset) and
  compare as instants; a string that is not such a timestamp compares false;
* ``StringMatches``: ``*`` matches any run of characters, ``\\*`` a literal star and
  ``\\\\`` a literal backslash; nothing else is special;
* a ``Variable`` (or a ``*Path`` operand) that selects nothing fails the state with
  ``States.Runtime``, except under ``IsPresent``;
* rules are tried in order; no match and no ``Default`` fails with
  ``States.NoChoiceMatched``.

JSONata ``Condition`` rules are delegated to the caller's engine through
``jsonata_eval(condition, data)``: this package has no JSONata interpreter.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from . import jsonpath
from .errors import QUERY_EVALUATION_ERROR, RUNTIME, NoChoiceMatched, StatesError

__all__ = ["OPERATORS", "NoChoiceMatched", "evaluate_rule", "parse_timestamp", "select_next", "select_rule"]

JsonataEval = Callable[[str, Any], Any]

# --------------------------------------------------------------------------- value types

_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})")


@functools.lru_cache(maxsize=4096)
def parse_timestamp(text: str) -> tuple[int, int] | None:
    """``(epoch seconds, nanoseconds)`` for an ASL timestamp, or None if it is not one."""
    match = _TIMESTAMP.fullmatch(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    seconds = calendar.timegm(moment.timetuple())
    zone = match.group(8)
    if zone != "Z":
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            return None
        offset = hours * 3600 + minutes * 60
        seconds -= offset if zone[0] == "+" else -offset
    nanos = int((match.group(7) or "").ljust(9, "0")[:9])
    return seconds, nanos


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_timestamp(value: Any) -> bool:
    return isinstance(value, str) and parse_timestamp(value) is not None


def _order(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


# Per comparison family: (accepts the value, converts it to something ordered, compares).
_FAMILIES: dict[str, tuple[Callable[[Any], bool], Callable[[Any], Any], Callable[[Any, Any], int]]] = {
    "String": (lambda v: isinstance(v, str), lambda v: v, jsonpath.java_compare),
    "Numeric": (_is_number, lambda v: v, _order),
    "Timestamp": (_is_timestamp, parse_timestamp, _order),
    "Boolean": (lambda v: isinstance(v, bool), lambda v: v, lambda a, b: 0 if a == b else 1),
}
_RELATIONS: dict[str, Callable[[int], bool]] = {
    "Equals": lambda c: c == 0,
    "LessThan": lambda c: c < 0,
    "GreaterThan": lambda c: c > 0,
    "LessThanEquals": lambda c: c <= 0,
    "GreaterThanEquals": lambda c: c >= 0,
}


def _comparison(family: str, relation: str) -> Callable[[Any, Any], bool]:
    accepts, convert, compare = _FAMILIES[family]
    holds = _RELATIONS[relation]

    def test(value: Any, operand: Any) -> bool:
        if not (accepts(value) and accepts(operand)):
            return False
        return holds(compare(convert(value), convert(operand)))
    return test


@functools.lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def _string_matches(value: Any, pattern: Any) -> bool:
    return isinstance(value, str) and isinstance(pattern, str) and _wildcard(pattern).fullmatch(value) is not None


# Binary operators: name -> test(value, operand). Each also exists as ``<name>Path``,
# whose operand is a path evaluated like ``Variable`` (StringMatches has no Path form).
_BINARY: dict[str, Callable[[Any, Any], bool]] = {
    family + relation: _comparison(family, relation)
    for family in ("String", "Numeric", "Timestamp") for relation in _RELATIONS
}
_BINARY["BooleanEquals"] = _comparison("Boolean", "Equals")

# Type tests: name -> predicate on the selected value (None when the Variable is absent).
_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda v: v is None,
    "IsNumeric": _is_number,
    "IsString": lambda v: isinstance(v, str),
    "IsBoolean": lambda v: isinstance(v, bool),
    "IsTimestamp": _is_timestamp,
}

OPERATORS: frozenset[str] = frozenset(
    set(_BINARY) | {name + "Path" for name in _BINARY} | set(_TYPE_TESTS) | {"IsPresent", "StringMatches"})

_NOT_OPERATORS = frozenset({"Variable", "Next", "Comment", "Assign", "Output"})

# --------------------------------------------------------------------------- rules


def _operator(rule: Mapping[str, Any]) -> str:
    found = [key for key in rule if key not in _NOT_OPERATORS]
    if len(found) != 1 or found[0] not in OPERATORS:
        raise ValueError(f"a Choice rule needs exactly one comparison operator, found {found}")
    return found[0]


def _select(path: str, data: Any, context: Any, variables: Mapping[str, Any] | None, what: str) -> Any:
    try:
        return jsonpath.evaluate(path, data, context=context, variables=variables)
    except jsonpath.PathNotFound:
        raise StatesError(RUNTIME, f"Invalid path '{path}': the choice state's {what} references a value "
                                   "that is not present in the input") from None


def evaluate_rule(rule: Mapping[str, Any], data: Any, *, context: Any = None,
                  variables: Mapping[str, Any] | None = None) -> bool:
    """Whether a JSONPath-mode Choice rule (possibly nested And/Or/Not) holds for ``data``."""
    if "And" in rule:
        return all(evaluate_rule(r, data, context=context, variables=variables) for r in rule["And"])
    if "Or" in rule:
        return any(evaluate_rule(r, data, context=context, variables=variables) for r in rule["Or"])
    if "Not" in rule:
        return not evaluate_rule(rule["Not"], data, context=context, variables=variables)
    op = _operator(rule)
    operand = rule[op]
    variable = rule.get("Variable")
    if not isinstance(variable, str):
        raise ValueError("a Choice comparison needs a 'Variable' path")
    if op == "IsPresent":
        try:
            jsonpath.evaluate(variable, data, context=context, variables=variables)
        except jsonpath.PathNotFound:
            return operand is False
        return operand is True
    value = _select(variable, data, context, variables, "Variable")
    if op in _TYPE_TESTS:
        return _TYPE_TESTS[op](value) == operand
    if op == "StringMatches":
        return _string_matches(value, operand)
    if op.endswith("Path"):
        op = op[:-len("Path")]
        operand = _select(operand, data, context, variables, f"{op}Path")
    return _BINARY[op](value, operand)


def _matches(rule: Mapping[str, Any], data: Any, context: Any, variables: Mapping[str, Any] | None,
             jsonata_eval: JsonataEval | None) -> bool:
    if "Condition" not in rule:
        return evaluate_rule(rule, data, context=context, variables=variables)
    condition = rule["Condition"]
    if isinstance(condition, bool):
        return condition
    if jsonata_eval is None:
        raise ValueError("a JSONata Choice rule needs a jsonata_eval callback")
    result = jsonata_eval(condition, data)
    if not isinstance(result, bool):
        raise StatesError(QUERY_EVALUATION_ERROR,
                          f"The Condition '{condition}' returned {jsonpath.dumps_compact(result)}, not a boolean")
    return result


def select_rule(choice_state: Mapping[str, Any], data: Any, *, context: Any = None,
                variables: Mapping[str, Any] | None = None,
                jsonata_eval: JsonataEval | None = None) -> Mapping[str, Any] | None:
    """The first matching rule (callers need it for its Assign/Output), or None."""
    for rule in choice_state.get("Choices", ()):
        if _matches(rule, data, context, variables, jsonata_eval):
            return rule
    return None


def select_next(choice_state: Mapping[str, Any], data: Any, *, context: Any = None,
                variables: Mapping[str, Any] | None = None, jsonata_eval: JsonataEval | None = None) -> str:
    """The next state's name: the first matching rule's Next, else Default.

    Raises :class:`NoChoiceMatched` when nothing matches and there is no Default.
    """
    rule = select_rule(choice_state, data, context=context, variables=variables, jsonata_eval=jsonata_eval)
    if rule is not None:
        return rule["Next"]
    if "Default" in choice_state:
        return choice_state["Default"]
    raise NoChoiceMatched()
