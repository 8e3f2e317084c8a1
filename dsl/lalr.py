"""A lean LALR driver over lark's own parse table and callbacks, for input that parses.

lark's generic driver (`ParserState.feed_token`) pays on every token for its flexibility: a
method call, hashing a `Rule` to find its callback, `rule.origin.name` and `len(rule.expansion)`
chains, and per reduction a chain of wrapper objects (child filter, single-child inlining, a
`Tree` for each `x*` helper rule only to be spliced into its parent). On a 10,000-step file that
is half the parse. This driver runs the very same table and transformer methods with each
rule's shaping resolved once -- into one generated function per rule (child filter, helper-list
splicing and callback in a single frame), a child index for rules that pass one child up, or an
inline append for a helper list growing by one item -- so it builds the same AST (tests compare
the two on every corpus file). It does not explain errors: on anything unexpected it raises `Abandon` and the caller
re-parses with lark, whose exceptions carry the expected-terminal sets FLOW100 messages use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain
from typing import Any

from lark import Lark, Token
from lark.grammar import Rule
from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders, ExpandSingleChild
from lark.parsers.lalr_analysis import Shift

# A reduction: (children popped, rule name, callback taking the children -- or, for a rule that
# just passes one child up, that child's index; or `_APPEND` for a helper list growing by one item).
Reduction = tuple[int, str, "Callable[[list], Any] | int | object"]


class Abandon(Exception):
    """The input does not parse; the caller re-parses with lark for the diagnostic."""


class Unsupported(Exception):
    """The grammar uses a lark feature this driver does not reproduce (e.g. placeholders)."""


class LeanParser:
    def __init__(self, parser: Lark):
        lalr = parser.parser.parser.parser  # ParsingFrontend -> LALR_Parser -> _Parser
        table, callbacks = lalr.parse_table, lalr.callbacks
        if any(isinstance(key, str) for key in callbacks):
            raise Unsupported("terminal callbacks")
        reductions = {rule: (len(rule.expansion), rule.origin.name, _shape(rule, cb)) for rule, cb in callbacks.items()}
        self.start_states: dict[str, Any] = table.start_states
        self.end_states: dict[str, Any] = table.end_states
        # state -> terminal or rule name -> next state (shift, goto) or a Reduction
        self.rows: dict[Any, dict[str, Any]] = {
            state: {name: arg if action is Shift else reductions[arg] for name, (action, arg) in actions.items()}
            for state, actions in table.states.items()
        }

    def parse(self, tokens: Callable[[list, dict], Iterator[Token]], start: str) -> Any:
        """Run `tokens(stack, rows)` (a lexer reading the live state stack) through the table."""
        rows = self.rows
        stack: list = [self.start_states[start]]
        values: list = []
        end_state = self.end_states[start]
        for token in chain(tokens(stack, rows), _END):
            kind = token.type
            while True:
                action = rows[stack[-1]].get(kind)
                if action is None:
                    raise Abandon
                if action.__class__ is not tuple:  # shift
                    stack.append(action)
                    values.append(token)
                    break
                size, name, callback = action  # a reduction
                if callback.__class__ is int:  # the rule passes one child up unchanged
                    if size > 1:
                        value = values[callback - size]
                        del values[-size:]
                        values.append(value)
                elif callback is _APPEND:  # [helper list, item]: the list grows in place
                    value = values.pop()
                    values[-1].append(value)
                elif size:
                    children = values[-size:]
                    del values[-size:]
                    values.append(callback(children))
                else:
                    values.append(callback([]))
                if size:
                    del stack[-size:]
                goto = rows[stack[-1]][name]
                if goto == end_state and kind == "$END":
                    # (LALR may also reduce to the start symbol on a token that cannot follow it;
                    # then the next lookup in the end state fails, as in lark.)
                    return values[-1]
                stack.append(goto)
        raise Abandon


_END = (Token("$END", ""),)
# The reduction of a left-recursive `x*` / `x+` helper rule by one item, done inline by the driver.
_APPEND: Any = object()


def _shape(rule: Rule, callback: Any) -> Callable[[list], Any] | int | object:
    """lark's wrapper chain for one rule, resolved into one generated function (or a child index)."""
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
    default = isinstance(callback, partial) and getattr(callback.func, "__name__", "") == "default_callback"
    if single and len(kept) == 1 and not kept[0][1]:
        return kept[0][0]  # `?rule: one_child` inlines that child
    if not single and getattr(callback, "returns_first_child", False) and kept and not kept[0][1]:
        return kept[0][0]  # a callback marked as returning its first (kept) child, e.g. a keyword rule's
    identity = False
    if default and rule.origin.name.startswith("_"):
        if single:
            raise Unsupported(f"inlined helper rule {rule.origin.name}")
        # An `x*` / `x+` helper: lark builds a Tree only for the parent to splice its children;
        # a plain list is what the parent's plan splices here.
        if kept == [(0, True), (1, False)]:
            return _APPEND
        identity = True
    return _compile(kept, len(rule.expansion), callback, identity=identity, single=single)


def _compile(kept: list[tuple[int, bool]], size: int, callback: Callable[[list], Any], *, identity: bool,
             single: bool) -> Callable[[list], Any]:
    """One function doing what lark's child filter, splicing and callback do for a rule, in a single frame.

    `c` is the reduction's children, a fresh list: kept whole when the plan keeps every child in order.
    A spliced helper's list is reused and grown in place (left-recursive lists, as in lark).
    """
    lines = ["def reduce(c):"]
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
    if kids == "c" and not identity and not single:
        return callback  # nothing to shape: the callback itself, without a frame around it
    if identity:
        lines.append(f"    return {kids}")
    elif single:
        lines += [f"    k = {kids}", "    return k[0] if len(k) == 1 else callback(k)"]
    else:
        lines.append(f"    return callback({kids})")
    namespace: dict[str, Any] = {"callback": callback}
    exec("\n".join(lines), namespace)  # our own template: child indices and one name
    return namespace["reduce"]
