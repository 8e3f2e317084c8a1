"""A lean LALR driver over lark's own parse table and callbacks, for input that parses.

lark's generic driver (`ParserState.feed_token`) pays on every token for its flexibility: a
method call, hashing a `Rule` to find its callback, `rule.origin.name` and `len(rule.expansion)`
chains, and per reduction a chain of wrapper objects (child filter, single-child inlining, a
`Tree` for each `x*` helper rule only to be spliced into its parent). On a 10,000-step file that
is half the parse. This driver runs the very same table and transformer methods with each
rule's shaping resolved once -- into one generated function per rule (child filter, helper-list
splicing and callback in a single frame), a child index for rules that pass one child up, or an
inline append for a helper list growing by one item -- so it builds the same AST (tests compare
the two on every corpus file). It does not explain errors: on anything unexpected it raises
`Abandon` and the caller re-parses with lark, whose exceptions carry the expected-terminal sets
FLOW100 messages use.

The table and each rule's shape are plain data (`tables_from_lark`), which the parser caches: a
process that parses valid input loads them and never imports lark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from flowc.dsl.lexer import Token, new_token

# A reduction: (children popped, rule name, callback taking the children -- or, for a rule that
# just passes one child up, that child's index; or `_APPEND` for a helper list growing by one item).
Reduction = tuple[int, str, "Callable[[list], Any] | int | object"]


class Abandon(Exception):
    """The input does not parse; the caller re-parses with lark for the diagnostic."""


class Unsupported(Exception):
    """The grammar uses a lark feature this driver does not reproduce (e.g. placeholders)."""


class LeanParser:
    def __init__(self, tables: dict[str, Any], builder: Any):
        """Bind `tables_from_lark(...)` (fresh or cached) to the transformer whose methods build nodes."""
        shapes = _realise(tables["shapes"], builder)
        self.start_states: dict[str, Any] = tables["start"]
        self.end_states: dict[str, Any] = tables["end"]
        # terminals whose tokens no rule keeps (see `_dropped_terminals`), for the lexer
        self.dropped: frozenset[str] = frozenset(tables["dropped"])
        # state -> terminal or rule name -> next state (shift, goto) or a reduction, by class (the driver's
        # dispatch): a str, a rule passing its one child up unchanged (a third of all reductions: only the
        # state changes); a tuple (-size, rule, function) calling the rule's function on its children (most
        # of the rest); a list [size, rule, `_WRAP`, a child index, `_APPEND` or a function] for the others.
        # A list indexed by state (lark numbers them from 0): cheaper to index than a dict.
        self.rows: list[dict[str, Any]] = [{} for _ in range(max(tables["rows"]) + 1)]
        for state, actions in tables["rows"].items():
            self.rows[state] = {name: arg if arg.__class__ is int else _action(arg[0], arg[1], shapes[arg[2]])
                                for name, arg in actions.items()}
        # A start symbol's end state accepts on `$END` (lark returns as soon as a reduction on `$END` lands
        # there); an end state is only reached from its own start state, so one table serves every start.
        for end in self.end_states.values():
            self.rows[end]["$END"] = _ACCEPT

    def parse(self, tokens: Callable[[list, list], Iterator[Token]], start: str) -> Any:
        """Run `tokens(stack, rows)` (a lexer reading the live state stack, ending with `END`) through the table."""
        rows = self.rows
        stack: list = [self.start_states[start]]
        push_state = stack.append
        values: list = []
        push = values.append
        row = rows[stack[-1]]  # rows[stack[-1]] whenever a token is read
        for token in tokens(stack, rows):
            kind = token.type
            action = row.get(kind)
            while action.__class__ is not int:  # reductions until the token shifts
                cls = action.__class__
                if cls is tuple:  # a rule's function builds the node from its children
                    cut, name, callback = action  # cut: minus the number of children
                    values[cut:] = (callback(values[cut:]),)
                    del stack[cut:]
                    goto = rows[stack[-1]][name]
                    push_state(goto)
                elif cls is str:  # one child passed up unchanged: only the state changes
                    goto = stack[-1] = rows[stack[-2]][action]
                elif cls is list:
                    size, name, callback = action
                    if callback is _WRAP:  # a helper list begins with its first item
                        values[-1] = [values[-1]]
                    elif callback.__class__ is int:  # the rule passes one child up unchanged
                        values[-size:] = (values[callback - size],)
                    elif callback is _APPEND:  # [helper list, item]: the list grows in place
                        value = values.pop()
                        values[-1].append(value)
                    else:  # a rule without children
                        push(callback([]))
                    if size:
                        del stack[-size:]
                    goto = rows[stack[-1]][name]
                    push_state(goto)
                elif action is _ACCEPT:  # `$END` in the end state
                    # (LALR may also reduce to the start symbol on a token that cannot follow it;
                    # then the next lookup in the end state fails, as in lark.)
                    return values[-1]
                else:
                    raise Abandon
                action = rows[goto].get(kind)
            push_state(action)  # shift
            push(token)
            row = rows[action]
        raise Abandon


def _action(size: int, name: str, callback: Any) -> Any:
    """A reduction as the driver runs it (see `LeanParser.rows`)."""
    if callback.__class__ is int and size == 1:
        return name
    if callback.__class__ is int or callback is _APPEND or callback is _WRAP or not size:
        return [size, name, callback]
    return (-size, name, callback)


# The last token the driver takes (the lexer yields it: `FlowLexer.tokens(..., end=END)`).
END = new_token("$END", "", 0, 0, 0, 0, 0, 0)
# The reduction of a left-recursive `x*` / `x+` helper rule by one item, done inline by the driver.
_APPEND: Any = object()
# The reduction of such a helper rule to its first item (`[item]`), done inline by the driver.
_WRAP: Any = object()
# An end state's action on `$END`: the parse is done.
_ACCEPT: Any = object()


def tables_from_lark(parser: Any, builder: Any) -> dict[str, Any]:
    """lark's LALR table and each rule's shaping as plain data (picklable: ints, strings, tuples).

    A shape is ("index", i): the rule passes child i up; ("append",): a helper list grows by its
    new item; ("call", method): the builder's method takes the children as they are; ("gen", size,
    plan, method or None, single): a generated function keeps and splices children first.
    """
    from lark.parsers.lalr_analysis import Shift

    lalr = parser.parser.parser.parser  # ParsingFrontend -> LALR_Parser -> _Parser
    table, callbacks = lalr.parse_table, lalr.callbacks
    if any(isinstance(key, str) for key in callbacks):
        raise Unsupported("terminal callbacks")
    shapes: list[tuple] = []
    numbers: dict[tuple, int] = {}
    reductions = {}
    rule_shapes: dict[Any, tuple] = {}
    for rule, callback in callbacks.items():
        shape = rule_shapes[rule] = _shape(rule, callback, builder)
        number = numbers.setdefault(shape, len(shapes))
        if number == len(shapes):
            shapes.append(shape)
        reductions[rule] = (len(rule.expansion), str(rule.origin.name), number)
    # (`str(...)`: lark's names may be its own Token class, which would make unpickling import lark)
    rows = {int(state): {str(name): int(arg) if action is Shift else reductions[arg]
                         for name, (action, arg) in actions.items()}
            for state, actions in table.states.items()}
    return {"start": {str(k): int(v) for k, v in table.start_states.items()},
            "end": {str(k): int(v) for k, v in table.end_states.items()}, "rows": rows, "shapes": shapes,
            "dropped": sorted(_dropped_terminals(rule_shapes, builder))}


def _dropped_terminals(rule_shapes: dict[Any, tuple], builder: Any) -> set[str]:
    """Terminals no rule keeps: their tokens are only shifted and thrown away, so the lexer may hand the
    driver one shared token per such kind instead of building a positioned one each time.

    A builder method given all its children may say which it reads (`reads_children`, e.g. a `!rule`
    keeping a trailing `_NL` it never looks at)."""
    terminals: set[str] = set()
    kept: set[str] = set()
    for rule, shape in rule_shapes.items():
        if shape[0] == "index":
            keep = {shape[1]}
        elif shape[0] == "gen":
            keep = {i for i, _ in shape[2]}
        elif shape[0] == "call" and hasattr(getattr(builder, shape[1]), "reads_children"):
            keep = set(getattr(builder, shape[1]).reads_children)
        else:  # "call" and "append" keep every child
            keep = set(range(len(rule.expansion)))
        for i, symbol in enumerate(rule.expansion):
            if symbol.is_term:
                terminals.add(str(symbol.name))
                if i in keep:
                    kept.add(str(symbol.name))
    return terminals - kept


def _shape(rule: Any, callback: Any, builder: Any) -> tuple:
    """lark's wrapper chain for one rule, described as data (see `tables_from_lark`)."""
    from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders, ExpandSingleChild

    plan: list[tuple[int, bool]] | None = None  # (child index, splice a helper's list) per kept child
    if isinstance(callback, ChildFilterLALR_NoPlaceholders):
        plan = list(callback.to_include)
        callback = callback.node_builder
    elif hasattr(callback, "to_include"):
        raise Unsupported(f"child filter {type(callback).__name__}")
    single = isinstance(callback, ExpandSingleChild)
    if single:
        callback = callback.node_builder
    if hasattr(callback, "node_builder"):
        raise Unsupported(f"wrapper {type(callback).__name__}")
    kept = plan if plan is not None else [(i, False) for i in range(len(rule.expansion))]
    size = len(rule.expansion)
    if single and len(kept) == 1 and not kept[0][1]:
        return ("index", kept[0][0])  # `?rule: one_child` inlines that child
    if getattr(callback, "__self__", None) is builder:
        method = callback.__func__.__name__
        if getattr(builder, method).__func__ is not callback.__func__:
            raise Unsupported(f"callback {method} is not the builder's method of that name")
        if not single and getattr(callback, "returns_first_child", False) and kept and not kept[0][1]:
            return ("index", kept[0][0])  # a callback marked as returning its first (kept) child
        if [i for i, _ in kept] == list(range(size)) and not any(s for _, s in kept) and not single:
            return ("call", method)  # nothing to shape: the method itself, without a frame around it
        return ("gen", size, tuple(kept), method, single)
    # lark's default: a Tree (directly, or through a Transformer's `__default__`)
    default = isinstance(callback, partial) and getattr(callback.func, "__name__", "") in ("Tree", "default_callback")
    if not (default and rule.origin.name.startswith("_")) or single:
        raise Unsupported(f"rule {rule.origin.name} builds a lark Tree")
    # An `x*` / `x+` helper: lark builds a Tree only for the parent to splice its children;
    # a plain list is what the parent's plan splices here.
    if kept == [(0, True), (1, False)]:
        return ("append",)
    return ("gen", size, tuple(kept), None, False)


def _realise(shapes: list[tuple], builder: Any) -> list[Any]:
    """Shapes -> what the driver runs: an index, `_APPEND`, `_WRAP`, a bound method, or a generated function."""
    out: list[Any] = []
    generated: list[tuple[list[tuple[int, bool]], int, Any, bool, bool]] = []
    for shape in shapes:
        if shape[0] == "index":
            out.append(shape[1])
        elif shape[0] == "append":
            out.append(_APPEND)
        elif shape[0] == "call":
            out.append(getattr(builder, shape[1]))
        elif shape[1:] == (1, ((0, False),), None, False):  # a helper list's first item: `[item]`
            out.append(_WRAP)
        else:
            _, size, plan, method, single = shape
            out.append(len(generated))
            callback = getattr(builder, method) if method is not None else None
            generated.append((list(plan), size, callback, method is None, single))
    functions = _generate(generated)
    return [functions[value] if shape[0] == "gen" and value is not _WRAP else value
            for shape, value in zip(shapes, out, strict=True)]


def _compile(kept: list[tuple[int, bool]], size: int, callback: Callable[[list], Any], *, identity: bool,
             single: bool) -> Callable[[list], Any]:
    """One rule's function (see `_generate`)."""
    return _generate([(kept, size, callback, identity, single)])[0]


def _generate(rules: list[tuple[list[tuple[int, bool]], int, Any, bool, bool]]) -> list[Callable[[list], Any]]:
    """Functions doing what lark's child filter, splicing and callback do for a rule, in a single frame.

    `c` is the reduction's children, a fresh list: kept whole when the plan keeps every child in order.
    A spliced helper's list is reused and grown in place (left-recursive lists, as in lark). All are
    compiled by one `exec` (our own template: child indices and names).
    """
    namespace: dict[str, Any] = {}
    lines: list[str] = []
    for number, (kept, size, callback, identity, single) in enumerate(rules):
        namespace[f"callback{number}"] = callback
        lines.append(f"def reduce{number}(c):")
        if [i for i, _ in kept] == list(range(size)) and not any(splice for _, splice in kept):
            kids = "c"
        elif not any(splice for _, splice in kept):
            kids = "[" + ", ".join(f"c[{i}]" for i, _ in kept) + "]"
        else:
            for n, (i, splice) in enumerate(kept):
                if n == 0:
                    lines.append(f"    k = c[{i}]" if splice else f"    k = [c[{i}]]")
                else:
                    lines.append(f"    k += c[{i}]" if splice else f"    k.append(c[{i}])")
            kids = "k"
        if identity:
            lines.append(f"    return {kids}")
        elif single:
            lines += [f"    k = {kids}", f"    return k[0] if len(k) == 1 else callback{number}(k)"]
        else:
            lines.append(f"    return callback{number}({kids})")
    exec("\n".join(lines), namespace)
    return [namespace[f"reduce{number}"] for number in range(len(rules))]
