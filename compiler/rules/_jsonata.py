"""JSONata expressions as rules see them: syntax errors, free variables, `$states` fields.

jsonata-python (imported only when a JSONata expression is met) parses the text;
its syntax tree is walked for variable references. Variables bound inside the
expression (`$x := ...`, `function($v) {...}`) and function names (`$sum(...)`)
are not references to workflow variables.
"""

from __future__ import annotations

from functools import lru_cache

from flowc.compiler.lint.records import Frozen, Plain

_SKIP_ATTRS = frozenset({"_outer_instance", "_jsonata_lambda", "environment", "input", "token", "signature",
                         "tuple", "seeking_parent", "next_function", "ancestor"})


class JsonataInfo(Frozen):
    error: str | None
    variables: frozenset[str]  # free workflow variables ($name), without `states`
    states_fields: tuple[str, ...]  # `$states.<field>` used (input, result, errorOutput, context, ...)
    bare_states: bool  # `$states` used on its own
    functions: frozenset[str]  # functions called by name ($sum, $eval...), not bound by the expression

    _fields = ("error", "variables", "states_fields", "bare_states", "functions")

    def __init__(self, error: str | None, variables: frozenset[str] = frozenset(),
                 states_fields: tuple[str, ...] = (), bare_states: bool = False,
                 functions: frozenset[str] = frozenset()) -> None:
        setter = object.__setattr__
        setter(self, "error", error)
        setter(self, "variables", variables)
        setter(self, "states_fields", states_fields)
        setter(self, "bare_states", bare_states)
        setter(self, "functions", functions)


class _Walk(Plain):
    free: set[str]
    bound: set[str]
    functions: set[str]
    states_fields: list[str]
    bare_states: bool

    _fields = ("free", "bound", "functions", "states_fields", "bare_states")

    def __init__(self, free: set[str] | None = None, bound: set[str] | None = None,
                 functions: set[str] | None = None, states_fields: list[str] | None = None,
                 bare_states: bool = False) -> None:
        self.free = set() if free is None else free
        self.bound = set() if bound is None else bound
        self.functions = set() if functions is None else functions
        self.states_fields = [] if states_fields is None else states_fields
        self.bare_states = bare_states


def _visit(node, walk: _Walk, seen: set[int], depth: int = 0) -> None:
    if node is None or id(node) in seen or depth > 400:
        return
    seen.add(id(node))
    kind = getattr(node, "type", None)
    value = getattr(node, "value", None)
    if kind == "variable" and isinstance(value, str) and value not in ("", "$"):
        walk.free.add(value)
    elif kind == "bind":
        lhs = getattr(node, "lhs", None)
        if getattr(lhs, "type", None) == "variable":
            walk.bound.add(lhs.value)
    elif kind == "lambda":
        for arg in getattr(node, "arguments", None) or []:
            if getattr(arg, "type", None) == "variable":
                walk.bound.add(arg.value)
    elif kind in ("function", "partial"):
        proc = getattr(node, "procedure", None)
        if getattr(proc, "type", None) == "variable":
            walk.functions.add(proc.value)
            seen.add(id(proc))
    elif kind == "path":
        steps = getattr(node, "steps", None) or []
        if steps and getattr(steps[0], "type", None) == "variable" and steps[0].value == "states":
            if len(steps) > 1 and getattr(steps[1], "type", None) == "name":
                walk.states_fields.append(str(steps[1].value))
            else:
                walk.bare_states = True
    for attr, child in vars(node).items():
        if attr in _SKIP_ATTRS or child is None or isinstance(child, (str, int, float, bool)):
            continue
        _visit_child(child, walk, seen, depth + 1)


def _visit_child(child, walk: _Walk, seen: set[int], depth: int) -> None:
    if isinstance(child, (list, tuple)):
        for item in child:
            _visit_child(item, walk, seen, depth)
    elif hasattr(child, "type") and hasattr(child, "value"):
        _visit(child, walk, seen, depth)


@lru_cache(maxsize=8192)
def analyse(body: str) -> JsonataInfo:
    """Parse the text between `{%` and `%}`."""
    import jsonata

    try:
        expr = jsonata.Jsonata(body)
    except Exception as err:  # jsonata-python raises JException (and occasionally others) on bad syntax
        return JsonataInfo(str(err).strip() or type(err).__name__)
    walk = _Walk()
    try:
        _visit(expr.ast, walk, set())
    except RecursionError:  # pragma: no cover - absurdly deep expressions
        return JsonataInfo(None)
    free = walk.free - walk.bound - walk.functions
    free.discard("states")
    return JsonataInfo(None, frozenset(free), tuple(walk.states_fields), walk.bare_states,
                       frozenset(walk.functions - walk.bound))


def expression_body(text: str) -> str | None:
    """The expression inside `{% ... %}`, or None when the string is not a JSONata expression."""
    if text.startswith("{%") and text.endswith("%}") and len(text) >= 4:
        return text[2:-2]
    return None
