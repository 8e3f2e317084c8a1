"""`.flow` text -> AST, with the grammar in `flow.lark` and an LALR parser.

The builder's methods run inside the parser (no intermediate parse tree), so spans are
taken from tokens; the node assembly they share with the fast front end (`dsl/fastparse.py`,
which `parse_flow` tries first and which declines anything it is unsure of) lives in the
module-level `assemble_*` functions, so the AST's shape has one definition. What the fast
front end declines goes through the lean driver (`dsl/lalr.py`) on tables cached as plain
data, without importing lark; input that refuses is parsed again by lark, whose errors
become FLOW100 diagnostics with a caret, never tracebacks.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flowc.dsl import ast
from flowc.dsl.diagnostics import SOURCES, Diagnostic, FlowError, Span
from flowc.dsl.durations import parse_duration
from flowc.dsl.lalr import END, Abandon, LeanParser, Unsupported, tables_from_lark
from flowc.dsl.lexer import FlowLexer, Token, terminals_of
from flowc.dsl.lexer import IndentError as _IndentError

GRAMMAR = Path(__file__).with_name("flow.lark")
_new = object.__new__  # (a node built by slot stores where one is made per statement: see `assemble_step`)

# Human names for terminals in "expected ..." messages.
_TERMINAL_NAMES = {
    "NAME": "a name",
    "DOTTED_NAME": "a dotted name",
    "STRING": "a string",
    "SQ_STRING": "a 'string'",
    "NUMBER": "a number",
    "DURATION": "a duration (e.g. 30s, 5m)",
    "PATH": "a JSONPath ($...)",
    "JSONATA": "a JSONata expression {% ... %}",
    "INTRINSIC_NAME": "an intrinsic function",
    "_NL": "end of line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "$END": "end of file",
    "OPTION_KW": "a step option (result, retry, catch, timeout...)",
    "SETTING_KW": "a setting (doc, type, query, timeout...)",
    "RESOURCE_KW": "a declaration (function, table, topic, queue...)",
    "RES_PROP_KW": "a property (arn, handler, code, key...)",
    "RETRY_KW": "a retry field (interval, attempts, backoff, max_delay, jitter)",
    "CATCH_KW": "a catch field (into, output, assign)",
    "CMP_OP": "a comparison (==, !=, <, <=, >, >=)",
    "OPERATOR": "an ASL operator (StringEquals...)",
    "TYPE_TEST": "present, null, string, numeric, boolean or timestamp",
    "TRIGGER_KW": "http, schedule or event",
    "RESOURCE": "a service integration (e.g. aws-sdk:s3:getObject)",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LSQB": "'['",
    "RSQB": "']'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COLON": "':'",
    "COMMA": "','",
}


@dataclass
class _Clause:
    kind: str  # if | elif | else | case | default | branch | do
    span: Span
    condition: Any = None
    values: list = field(default_factory=list)
    options: list = field(default_factory=list)
    body: list | None = None
    raise_error: bool = False

# An error reporter: `error(span, message, hint=None)`. The builder's records a FLOW100 diagnostic; the fast
# front end's (dsl/fastparse.py) declines the file, which the builder then parses and reports.
Report = Callable[..., None]


# -- node assembly shared by the builder and the fast front end ------------------------------------------
# Each takes plain arguments (nodes, strings, spans), so the LALR builder's methods and dsl/fastparse.py's
# recursive descent build the same AST from one definition of its shape.

def bare(value: Any) -> Any:
    """A whole option value that is a plain name stays a NameRef (`execution express`, `query jsonata`)."""
    if value.__class__ is ast.RefValue and value.attribute is None:
        return ast.NameRef(span=value.span, name=value.name)
    return value


def check_keys(items: list[ast.ObjectItem], error: Report) -> None:
    """An object's keys are unique."""
    seen: dict[str, Span] = {}
    for item in items:
        key = item.key
        if key in seen:
            error(item.key_span, f"duplicate key '{key}' in object", hint=f"first given at line {seen[key].line}")
        else:
            seen[key] = item.key_span


_SUGAR_SUFFIX = {"==": "Equals", "!=": "Equals", "<": "LessThan", "<=": "LessThanEquals",
                 ">": "GreaterThan", ">=": "GreaterThanEquals"}


def sugar_compare(variable: ast.PathValue, op: str, op_span: Span, operand: Any, span: Span, error: Report) -> Any:
    """`$.a == "x"` and friends: the ASL operator family follows the literal on the right."""
    if isinstance(operand, ast.LiteralValue):
        value = operand.value
        if value is None:
            if op not in ("==", "!="):
                error(op_span, f"'{op}' cannot compare with null; use == or !=")
            return ast.Compare(span=span, variable=variable, op="IsNull",
                               operand=ast.LiteralValue(span=operand.span, value=op == "=="))
        if isinstance(value, bool):
            family = "Boolean"
            if op not in ("==", "!="):
                error(op_span, f"'{op}' cannot compare booleans; use == or !=")
                op = "=="
        elif isinstance(value, (int, float)):
            family = "Numeric"
        else:
            family = "String"
        cmp = ast.Compare(span=span, variable=variable, op=family + _SUGAR_SUFFIX[op], operand=operand)
    else:
        error(
            operand.span,
            f"'{op}' needs a literal on the right (a string, number, boolean or null)",
            hint="to compare two paths, name the type: e.g. `$.a NumericLessThanPath $.b`",
        )
        cmp = ast.Compare(span=span, variable=variable, op="StringEquals", operand=operand)
    if op == "!=":
        return ast.NotOp(span=span, operand=cmp)
    return cmp


TYPE_TESTS = {"present": "IsPresent", "null": "IsNull", "string": "IsString", "numeric": "IsNumeric",
              "boolean": "IsBoolean", "timestamp": "IsTimestamp"}


def type_test(variable: ast.PathValue, test: str, test_span: Span, span: Span, positive: bool) -> ast.Compare:
    """`$.a is [not] present|null|string|...`."""
    return ast.Compare(span=span, variable=variable, op=TYPE_TESTS[test],
                       operand=ast.LiteralValue(span=test_span, value=positive))


_BAD = object()  # what a retry field's reader returns for a value of the wrong kind


def _retry_duration(value: Any) -> Any:
    """`interval`, `max_delay`: a duration (a whole number means seconds)."""
    if isinstance(value, ast.LiteralValue) and isinstance(value.value, int) and not isinstance(value.value, bool):
        value = ast.Duration(span=value.span, seconds=value.value)
    return value if isinstance(value, ast.Duration) else _BAD


def _retry_literal(*types: type) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        return value.value if isinstance(value, ast.LiteralValue) and isinstance(value.value, types) else _BAD
    return read


def _retry_jitter(value: Any) -> Any:
    text = value.name if isinstance(value, ast.NameRef) else getattr(value, "value", None)
    return text if text in ("full", "none") else _BAD


# A retry field -> (its reader: the typed value or _BAD, the message for _BAD); the grammar's retry_kw names them.
_RETRY_FIELDS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "interval": (_retry_duration, "'{name}' takes a duration such as 2s or 1m"),
    "max_delay": (_retry_duration, "'{name}' takes a duration such as 2s or 1m"),
    "attempts": (_retry_literal(int), "'attempts' takes a whole number"),
    "backoff": (_retry_literal(int, float), "'backoff' takes a number (the BackoffRate)"),
    "jitter": (_retry_jitter, "'jitter' is 'full' or 'none'"),
    "comment": (_retry_literal(str), "'comment' takes a string"),
}


def assemble_retry(errors: list, props: list[tuple[str, Any, Span | None]], span: Span, error: Report) -> ast.Option:
    """A `retry` line: its (keyword, value, keyword span) fields checked and typed."""
    spec: dict[str, Any] = {}
    for name, value, kw_span in props:
        if name in spec:
            error(kw_span, f"'{name}' given twice in one retry")
        spec[name] = value
    kwargs: dict[str, Any] = {}
    for name, value in spec.items():
        read, message = _RETRY_FIELDS[name]
        typed = read(value)
        if typed is _BAD:
            error(value.span, message.format(name=name))
            continue
        kwargs[name] = typed
    # (`ast.Option(span=span, name="retry", value=ast.RetrySpec(span=span, errors=errors, **kwargs))` by slot
    # stores, every field given: a retry line is among the commonest)
    retry = _new(ast.RetrySpec)
    retry.span = span
    retry.errors = errors
    get = kwargs.get
    retry.interval, retry.attempts, retry.backoff = get("interval"), get("attempts"), get("backoff")
    retry.max_delay, retry.jitter, retry.comment = get("max_delay"), get("jitter"), get("comment")
    option = _new(ast.Option)
    option.span = span
    option.name = "retry"
    option.value = retry
    return option


def assemble_catch(errors: list, props: list[tuple[str, Any, Span | None]], target: ast.NameRef, span: Span,
                   error: Report) -> ast.Option:
    """A `catch ... goto Step` line: its (keyword, value, keyword span) fields checked."""
    kwargs: dict[str, Any] = {}
    for name, value, kw_span in props:
        key = name
        if key in kwargs:
            error(kw_span, f"'{name}' given twice in one catch")
        if name == "into" and not (isinstance(value, ast.PathValue) or (
                isinstance(value, ast.LiteralValue) and value.value is None)):
            error(value.span, "'into' takes a JSONPath such as $.error, or null")
            continue
        if name == "comment":
            if not (isinstance(value, ast.LiteralValue) and isinstance(value.value, str)):
                error(value.span, "'comment' takes a string")
                continue
            value = value.value
        kwargs[key] = value
    # (`ast.Option(span=span, name="catch", value=ast.CatchSpec(span=span, errors=errors, target=target,
    # **kwargs))` by slot stores, every field given, as for a retry)
    catch = _new(ast.CatchSpec)
    catch.span = span
    catch.errors = errors
    catch.target = target
    get = kwargs.get
    catch.into, catch.output, catch.assign, catch.comment = get("into"), get("output"), get("assign"), get("comment")
    option = _new(ast.Option)
    option.span = span
    option.name = "catch"
    option.value = catch
    return option


def raise_target(error_name: str, span: Span, error: Report) -> tuple[str, Span]:
    """`else raise States.NoChoiceMatched`, the one error an `else` may raise."""
    if error_name != "States.NoChoiceMatched":
        error(span, "only `else raise States.NoChoiceMatched` is supported",
              hint="it leaves the Choice without a Default; use a `fail` step to raise other errors")
    return ("raise", span)


def fail_action(error: Any, cause: Any, span: Span) -> ast.FailAction:
    """`fail Error cause ...`: a bare error name is its literal text."""
    if isinstance(error, ast.NameRef):
        error = ast.LiteralValue(span=error.span, value=error.name)
    return ast.FailAction(span=span, error=error, cause=cause)


def uses_option(uses_span: Span, entries: list[tuple[str, Span, list[tuple[str, Span]]]], file: str,
                error: Report) -> ast.Option:
    """`uses Orders read, Jobs send receive` -> the object `{ Orders: "read", Jobs: ["send", "receive"] }`
    (what the YAML twin writes as `uses: {Orders: read, Jobs: [send, receive]}`); each entry is
    (name, its span, [(access level, its span)...])."""
    items: list[ast.ObjectItem] = []
    seen: set[str] = set()
    for name, name_span, levels in entries:
        if name in seen:
            error(name_span, f"'{name}' is named twice in `uses`",
                  hint=f"list every access once: `{name} {' '.join(level for level, _ in levels)} ...`")
        seen.add(name)
        values = [ast.LiteralValue(span=level_span, value=level) for level, level_span in levels]
        if len(values) == 1:
            value = values[0]
        else:
            first, last = levels[0][1], levels[-1][1]
            value = ast.ArrayValue(span=Span(file, first.line, first.col, last.end_line, last.end_col),
                                   items=values)
        items.append(ast.ObjectItem(key=name, key_span=name_span, value=value))
    first, last = entries[0][1], entries[-1][2][-1][1]
    obj = ast.ObjectValue(span=Span(file, first.line, first.col, last.end_line, last.end_col), items=items)
    # (the option's span ends with the last entry's name, as the grammar's children give it)
    end = entries[-1][1]
    return ast.Option(span=Span(file, uses_span.line, uses_span.col, end.end_line, end.end_col), name="uses",
                      value=obj)


def trigger_option(arg: Any) -> ast.Option:
    """A trigger's bare value (`on http POST "/x"`) as an unnamed option."""
    return arg if isinstance(arg, ast.Option) else ast.Option(span=arg.span, name="", value=bare(arg))


# Where a workflow's and a module's items go, by class (what no class names goes to the workflow's body).
_WORKFLOW_PARTS = {ast.Setting: "settings", ast.ResourceDecl: "resources", ast.Trigger: "triggers"}
_MODULE_PARTS = {ast.Import: "imports", ast.ResourceDecl: "resources", ast.Workflow: "workflows"}


def _sort_into(node: Any, items: list, parts: dict[type, str], rest: str | None) -> Any:
    """`node` with each item appended, in order, to the list its class goes to (`rest` for the others)."""
    for item in items:
        part = parts.get(item.__class__, rest)
        if part is not None:
            getattr(node, part).append(item)
    return node


def assemble_workflow(name: str, name_span: Span, items: list) -> ast.Workflow:
    """A workflow from its items in order: settings, resources, triggers and statements sorted out."""
    return _sort_into(ast.Workflow(span=name_span, name=name, name_span=name_span), items, _WORKFLOW_PARTS, "body")


def assemble_module(file: str, items: list) -> ast.Module:
    """A module from its imports, resources and workflows in order."""
    return _sort_into(ast.Module(span=Span(file, 1, 1, 1, 1), file=file), items, _MODULE_PARTS, None)


def assemble_step(name: ast.NameRef, action: Any, options: list, clauses: list[_Clause], error: Report) -> ast.Step:
    """A step from its name, action (a node, or (kind, data) for choose/switch/parallel/map), its options
    (header first) and its clauses."""
    span = name.span
    if isinstance(action, tuple):
        action = _structured(action, clauses, span, name.name, error)
    else:
        for cl in clauses:
            error(cl.span, f"'{cl.kind}' is not valid here: only choose/switch, parallel and map steps have clauses")
        if action.span.line == 1 and action.span.col == 1 and action.span.end_col == 1:
            action.span = span
    step = _new(ast.Step)  # (`ast.Step(span=..., name=..., ...)` without `type.__call__` and keywords: one a step)
    step.span = span
    step.kind = "step"
    step.name = name.name
    step.name_span = name.span
    step.action = action
    step.options = options
    return step


_CLAUSES_FOR = {"choose": {"if", "elif", "else"}, "switch": {"case", "default"},
                "parallel": {"branch"}, "map": {"do"}}


def _structured(action: tuple, clauses: list[_Clause], span: Span, step: str, error: Report) -> Any:
    kind, data = action
    allowed = _CLAUSES_FOR[kind]
    for cl in clauses:
        if cl.kind not in allowed:
            error(cl.span, f"'{cl.kind}' is not valid in a {kind} step", hint="expected " + " / ".join(sorted(allowed)))
    clauses = [cl for cl in clauses if cl.kind in allowed]
    if kind == "parallel":
        if not clauses:
            error(span, f"parallel step '{step}' has no `branch` blocks")
        return ast.ParallelAction(span=span, branches=[cl.body for cl in clauses])
    if kind == "map":
        if len(clauses) != 1:
            error(span if not clauses else clauses[1].span, f"map step '{step}' needs exactly one `do` block")
        body = clauses[0].body if clauses else []
        names = data["names"]
        return ast.MapAction(span=span, distributed=data["distributed"], items=data["items"],
                             item_var=names[0] if names else None,
                             index_var=names[1] if len(names) > 1 else None, body=body)
    branches: list[ast.ChoiceBranch] = []
    default = None
    default_span = None
    no_match = False
    if kind == "choose":
        for i, cl in enumerate(clauses):
            if cl.kind == "if" and i != 0:
                error(cl.span, "a second `if` in one choose step; use `elif`")
            if cl.kind == "elif" and i == 0:
                error(cl.span, "`elif` before any `if`")
            if cl.kind == "else" and i != len(clauses) - 1:
                error(cl.span, "`else` must be the last clause")
    else:
        for i, cl in enumerate(clauses):
            if cl.kind == "default" and i != len(clauses) - 1:
                error(cl.span, "`default` must be the last clause")
    for cl in clauses:
        if cl.kind in ("if", "elif"):
            branches.append(ast.ChoiceBranch(span=cl.span, condition=cl.condition, body=cl.body, options=cl.options))
        elif cl.kind == "case":
            branches.append(ast.ChoiceBranch(span=cl.span, condition=_case_condition(data, cl, error),
                                             body=cl.body, options=cl.options))
        else:
            default_span = cl.span
            if cl.raise_error:
                no_match = True
            else:
                default = cl.body
    if not branches:
        error(span, f"{kind} step '{step}' has no branches")
    return ast.ChooseAction(span=span, branches=branches, default=default, default_span=default_span,
                            no_match_error=no_match)


def _case_condition(variable: ast.PathValue, cl: _Clause, error: Report) -> Any:
    tests = []
    for v in cl.values:
        if not isinstance(v, ast.LiteralValue) or v.value is None:
            error(v.span, "`case` takes literal strings, numbers or booleans")
            continue
        family = ("Boolean" if isinstance(v.value, bool) else
                  "Numeric" if isinstance(v.value, (int, float)) else "String")
        tests.append(ast.Compare(span=v.span, variable=variable, op=family + "Equals", operand=v))
    if len(tests) == 1:
        return tests[0]
    if not tests:
        return ast.Compare(span=cl.span, variable=variable, op="IsPresent",
                           operand=ast.LiteralValue(span=cl.span, value=True))
    return ast.BoolOp(span=cl.span, op="or", operands=tests)


class _Build:
    """Builds AST nodes bottom-up while the LALR parser reduces (lark's driver, too, looks its methods up by
    rule name; a rule without one would build a lark Tree)."""

    def __init__(self, file: str, text: str):
        self.file = file
        self.text = text
        self.diagnostics: list[Diagnostic] = []

    # -- helpers --------------------------------------------------------------
    def sp(self, tok: Token) -> Span:
        return Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)

    def span_of(self, items: list) -> Span:
        """From the first positioned child to the last one."""
        if items:  # the common case first: a token, ..., a token or a node (what `_span_of` finds for them)
            first, last = items[0], items[-1]
            if first.__class__ is Token and first.line is not None:
                cls = last.__class__
                if cls is Token:
                    if last.line is not None:
                        return Span(self.file, first.line, first.column, last.end_line or last.line,
                                    last.end_column or last.column)
                elif cls is not ast.ObjectItem and cls is not list and cls is not tuple:
                    end = getattr(last, "span", None)
                    if end is not None:
                        return Span(self.file, first.line, first.column, end.end_line or end.line,
                                    end.end_col or end.col)
        return self._span_of(items)

    def _span_of(self, items: list) -> Span:
        """`span_of` for any children: skips those without a position (None, strings, empty lists)."""
        one = self._one_span
        first = last = None
        for it in items:
            first = one(it)
            if first is not None:
                break
        else:
            return Span.unknown(self.file)
        for it in reversed(items):
            last = one(it)
            if last is not None:
                break
        if first.__class__ is Token:
            line, col = first.line, first.column
        else:
            line, col = first.line, first.col
        if last.__class__ is Token:
            return Span(self.file, line, col, last.end_line or last.line, last.end_column or last.column)
        return Span(self.file, line, col, last.end_line or last.line, last.end_col or last.col)

    def _one_span(self, it: Any) -> Span | Token | None:
        """The child's span, or the token itself (read by `span_of` without building a Span)."""
        cls = it.__class__
        if cls is Token:  # the lexer makes exactly Tokens
            return it if it.line is not None else None
        if cls is ast.ObjectItem:
            return it.key_span
        if cls is list or cls is tuple:
            return self._one_span(it[0]) if it else None
        # every other AST node, and a clause, has a span; strings, dicts and None do not
        return getattr(it, "span", None)

    def error(self, span: Span, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic("FLOW100", message, span, hint=hint))

    # -- keywords: each `!xxx_kw` rule yields its one token ---------------------
    def _keyword(self, c):
        return c[0]

    _keyword.returns_first_child = True  # type: ignore[attr-defined]  # the lean driver then skips the call

    setting_kw = resource_kw = res_prop_kw = trigger_kw = trigger_prop_kw = option_kw = _keyword
    retry_kw = catch_kw = tol_kind = branch_kw = type_test = _keyword

    # -- values ----------------------------------------------------------------
    def v_string(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.LiteralValue(span=span, value=self.string(tok))

    def string(self, tok: Token) -> str:
        """A "string" token's text (an invalid escape such as \\_ is a diagnostic, not a crash)."""
        try:
            return json.loads(tok)
        except ValueError:
            self.error(self.sp(tok), f"invalid string literal {tok}")
            return str(tok)[1:-1]

    def v_number(self, c):
        tok = c[0]
        text = str(tok)
        value: int | float = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.LiteralValue(span=span, value=value)

    def v_true(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.LiteralValue(span=span, value=True)

    def v_false(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.LiteralValue(span=span, value=False)

    def v_null(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.LiteralValue(span=span, value=None)

    def v_path(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.PathValue(span=span, text=str(c[0]))

    def v_jsonata(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.JsonataValue(span=span, text=str(c[0]))

    def v_name(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.NameRef(span=span, name=str(c[0]))

    def v_duration(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.Duration(span=span, seconds=parse_duration(str(tok)))

    def v_ref(self, c):
        """A bare name in a value: a resource reference, resolved (or refused) by the compiler."""
        tok = c[0]
        name, _, attribute = str(tok).partition(".")
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.RefValue(span=span, name=name, attribute=attribute or None)

    _bare = staticmethod(bare)

    def v_sq_string(self, c):
        return c[0]

    def v_typed(self, c):
        return ast.TypedValue(span=self.span_of(c), type=str(c[0]), value=c[1])

    def object(self, c):
        items = c[1:-1:2]  # `{ pair , pair ,? }`: the pairs sit between the brace and the commas
        if len(items) > 1:
            check_keys(items, self.error)
        return ast.ObjectValue(span=self.span_of(c), items=items)

    def pair(self, c):
        key_tok, value = c
        key = self.string(key_tok) if key_tok.type == "STRING" else str(key_tok)
        span = Span(self.file, key_tok.line, key_tok.column, key_tok.end_line, key_tok.end_column)
        return ast.ObjectItem(key=key, key_span=span, value=value)

    def array(self, c):
        items = [x for x in c if not isinstance(x, Token)]
        return ast.ArrayValue(span=self.span_of(c), items=items)

    def intrinsic(self, c):
        first, last = c[0], c[-1]
        text = self.text[first.start_pos:last.end_pos]
        return ast.IntrinsicValue(span=self.span_of([first, last]), text=text)

    # -- references ---------------------------------------------------------------
    def name_ref(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.NameRef(span=span, name=str(c[0]))

    def string_ref(self, c):
        tok = c[0]
        try:
            name = json.loads(tok)
        except ValueError:
            name = str(tok)[1:-1]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.NameRef(span=span, name=name)

    # -- conditions ------------------------------------------------------------------
    def or_cond(self, c):
        return ast.BoolOp(span=self.span_of(c), op="or", operands=c)

    def and_cond(self, c):
        return ast.BoolOp(span=self.span_of(c), op="and", operands=c)

    def cond_not(self, c):
        return ast.NotOp(span=c[0].span, operand=c[0])

    def cond_sugar(self, c):
        path_tok, op_tok, operand = c
        variable = ast.PathValue(span=self.sp(path_tok), text=str(path_tok))
        return sugar_compare(variable, str(op_tok), self.sp(op_tok), operand, self.span_of(c), self.error)

    def cond_named(self, c):
        path_tok, op_tok, operand = c
        variable = ast.PathValue(span=self.sp(path_tok), text=str(path_tok))
        return ast.Compare(span=self.span_of(c), variable=variable, op=str(op_tok), operand=operand)

    def _is(self, c, positive: bool):
        path_tok, test_tok = c
        variable = ast.PathValue(span=self.sp(path_tok), text=str(path_tok))
        return type_test(variable, str(test_tok), self.sp(test_tok), self.span_of(c), positive)

    def cond_is(self, c):
        return self._is(c, True)

    def cond_is_not(self, c):
        return self._is(c, False)

    def cond_matches(self, c):
        path_tok, pattern_tok = c
        variable = ast.PathValue(span=self.sp(path_tok), text=str(path_tok))
        return ast.Compare(span=self.span_of(c), variable=variable, op="StringMatches",
                           operand=ast.LiteralValue(span=self.sp(pattern_tok), value=self.string(pattern_tok)))

    def cond_jsonata(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return ast.JsonataCondition(span=span, text=str(c[0]))

    # -- options ---------------------------------------------------------------------
    def option(self, c):
        kw, value = c
        if value.__class__ is ast.RefValue:  # (`bare`, called only when it may change something)
            value = bare(value)
        return ast.Option(span=self.span_of(c), name=str(kw), value=value)

    task_arg = option

    def error_list(self, c):
        return c

    def retry_prop(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return (str(c[0]), c[1], span)

    def retry(self, c):
        return assemble_retry(c[0], c[1:], self.span_of(c), self.error)

    def catch_prop(self, c):
        tok = c[0]
        span = Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)
        return (str(c[0]), c[1], span)

    def catch(self, c):
        return assemble_catch(c[0], c[1:-1], c[-1], self.span_of(c), self.error)

    def tolerate_static(self, c):
        number = c[0]
        value = float(number) if "." in number else int(number)
        kind = "percent" if len(c) > 1 else "count"
        return (kind, ast.LiteralValue(span=self.span_of(c), value=value))

    def tolerate_dynamic(self, c):
        kind_tok, expr = c
        node = (ast.PathValue if expr.type == "PATH" else ast.JsonataValue)(span=self.sp(expr), text=str(expr))
        return (str(kind_tok), node)

    def tolerate(self, c):
        kind, value = c[0]
        return ast.Option(span=value.span, name="tolerate_" + kind, value=value)

    # -- clauses -----------------------------------------------------------------------
    def block(self, c):
        return list(c)

    def target_block(self, c):
        return ("block", c[0])

    def target_goto(self, c):
        ref = c[0]
        return ("block", [ast.Goto(span=ref.span, target=ref)])

    def target_raise(self, c):
        tok = c[0]
        return raise_target(str(tok), self.sp(tok), self.error)

    def branch_opt(self, c):
        return ast.Option(span=self.span_of(c), name=str(c[0]), value=c[1])

    def _split_target(self, c):
        *head, target = c
        opts = [x for x in head if isinstance(x, ast.Option)]
        rest = [x for x in head if not isinstance(x, ast.Option)]
        return rest, opts, target

    def if_clause(self, c):
        kw, *c = c
        rest, opts, (_, body) = self._split_target(c)
        return _Clause(str(kw), self.sp(kw), condition=rest[0], options=opts, body=body)

    elif_clause = if_clause

    def else_clause(self, c):
        kw, (kind, payload) = c
        if kind == "raise":
            return _Clause("else", self.sp(kw), raise_error=True)
        return _Clause("else", self.sp(kw), body=payload)

    def case_clause(self, c):
        kw, *c = c
        rest, opts, (_, body) = self._split_target(c)
        return _Clause("case", self.sp(kw), values=rest, options=opts, body=body)

    def default_clause(self, c):
        kw, (_, body) = c
        return _Clause("default", self.sp(kw), body=body)

    def branch_clause(self, c):
        return _Clause("branch", self.sp(c[0]), body=c[1])

    def do_clause(self, c):
        return _Clause("do", self.sp(c[0]), body=c[1])

    # -- actions ---------------------------------------------------------------------------
    def _task(self, integration: str, c, *, has_target=True, resource=None):
        target = None
        mode = None
        options = []
        for item in c:
            if isinstance(item, ast.Option):
                options.append(item)
            elif isinstance(item, Token) and item.type == "NAME" and target is None and has_target:
                target = ast.NameRef(span=self.sp(item), name=str(item))
            elif isinstance(item, str) and not isinstance(item, Token):
                mode = item
        span = self.span_of(c) if c else Span.unknown(self.file)
        return ast.TaskAction(span=span, integration=integration, target=target, resource=resource,
                              mode=mode), options

    def mode(self, c):
        return str(c[0])

    def a_invoke(self, c):
        return self._task("invoke", c)

    def a_service(self, c):
        return self._task(str(c[0]), c[1:])

    def a_start(self, c):
        return self._task("start", c)

    def a_activity(self, c):
        return self._task("activity", c)

    def a_call(self, c):
        tok = c[0]
        resource = self.string(tok) if tok.type == "STRING" else str(tok)
        action, options = self._task("call", c[1:], has_target=False, resource=resource)
        action.span = self.sp(tok)
        return action, options

    def a_pass(self, c):
        return ast.PassAction(span=self.span_of(c)), list(c)

    def a_wait(self, c):
        until = len(c) == 2
        value = c[-1]
        return ast.WaitAction(span=value.span, until=until, value=value), []

    def a_succeed(self, c):
        return ast.SucceedAction(span=Span.unknown(self.file)), []

    def fail_cause(self, c):
        return ("cause", c[0])

    def a_fail(self, c):
        error = cause = None
        for item in c:
            if isinstance(item, tuple):
                cause = item[1]
            else:
                error = item
        return fail_action(error, cause, self.span_of(c)), []

    def a_choose(self, c):
        return ("choose", None), []

    def a_switch(self, c):
        return ("switch", ast.PathValue(span=self.sp(c[0]), text=str(c[0]))), []

    def a_parallel(self, c):
        return ("parallel", None), []

    def a_map(self, c):
        distributed = False
        items = None
        names: list[ast.NameRef] = []
        options = []
        for item in c:
            if isinstance(item, Token) and item.type == "DISTRIBUTED":
                distributed = True
            elif isinstance(item, Token) and item.type == "NAME":
                names.append(ast.NameRef(span=self.sp(item), name=str(item)))
            elif isinstance(item, ast.Option):
                options.append(item)
            else:
                items = item
        return ("map", dict(distributed=distributed, items=items, names=names)), options

    # -- statements -------------------------------------------------------------------------
    def goto_stmt(self, c):
        return ast.Goto(span=c[0].span, target=c[0])

    def end_stmt(self, c):
        return ast.Goto(span=self.sp(c[0]), target=None)

    end_stmt.reads_children = (0,)  # type: ignore[attr-defined]  # not its `_NL`: the lexer may share those

    def step_body(self, c):
        return list(c)

    def step(self, c):
        action, header_opts = c[1]
        if len(c) > 2:  # a body: options and clauses (nothing else reaches it)
            body = c[2]
            options = [*header_opts, *[x for x in body if x.__class__ is not _Clause]]
            clauses = [x for x in body if x.__class__ is _Clause]
        else:
            options, clauses = list(header_opts), []
        return assemble_step(c[0], action, options, clauses, self.error)

    # -- top level ----------------------------------------------------------------------------
    def setting(self, c):
        kw, *args = c
        return ast.Setting(span=self.span_of(c), name=str(kw), value=args)

    def res_prop(self, c):
        kw = c[0]
        value = c[1] if len(c) > 1 else None
        return ast.Option(span=self.span_of(c), name=str(kw), value=value)

    def use_item(self, c):
        return c

    def res_uses(self, c):
        entries = [(str(name), self.sp(name), [(str(t), self.sp(t)) for t in levels]) for name, *levels in c[1:]]
        return uses_option(self.sp(c[0]), entries, self.file, self.error)

    def resource_decl(self, c):
        kw, name, *props = c
        return ast.ResourceDecl(span=self.span_of(c), kind=str(kw), name=str(name), name_span=self.sp(name),
                                props=props)

    def trigger_prop(self, c):
        return ast.Option(span=self.span_of(c), name=str(c[0]), value=bare(c[1]))

    def trigger(self, c):
        kw, *args = c
        return ast.Trigger(span=self.span_of(c), kind=str(kw), props=[trigger_option(a) for a in args])

    def workflow(self, c):
        name, *items = c
        return assemble_workflow(str(name), self.sp(name), items)

    def import_stmt(self, c):
        tok = c[0]
        return ast.Import(span=self.sp(tok), path=self.string(tok))

    def start(self, c):
        return assemble_module(self.file, c)


def _cache_dir() -> Path | None:
    """A per-user cache directory (not a shared /tmp file: the caches are pickles), or None."""
    import os

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "flowc"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return base


def _cache_file(grammar: str) -> str | bool:
    """Where lark keeps the built LALR tables: building them costs ~0.3 s, loading them ~10 ms.

    Keyed by the grammar text, the lexer class lark pickles a reference to, and the lark version; when
    the directory cannot be created, lark just builds in memory.
    """
    import hashlib

    import lark

    base = _cache_dir()
    if base is None:
        return False
    key = grammar + lark.__version__ + "flowc.dsl.lark_lexer.LarkFlowLexer"
    return str(base / f"flow-grammar-{hashlib.sha256(key.encode()).hexdigest()[:16]}.lark")


# Bump when the lean tables' layout (`tables_from_lark`) or the builder's method names change meaning.
_LEAN_FORMAT = "lean-4"


def _lean_cache_file(grammar: str) -> Path | None:
    """Where the lean driver's tables are kept, keyed by the grammar, the format and lark's install
    (found without importing it: importing lark is what this cache saves)."""
    import hashlib
    from importlib.util import find_spec

    base = _cache_dir()
    if base is None:
        return None
    spec = find_spec("lark")
    origin = spec.origin if spec is not None and spec.origin else ""
    try:
        stamp = str(Path(origin).stat().st_mtime_ns) if origin else ""
    except OSError:
        stamp = ""
    key = "\0".join((grammar, _LEAN_FORMAT, origin, stamp))
    return base / f"flow-lean-{hashlib.sha256(key.encode()).hexdigest()[:16]}.pickle"


class _Parsers:
    """The lean driver and lexer for valid input; lark's own driver, built on first need, for errors."""

    def __init__(self, lean: LeanParser | None, lexer: FlowLexer, builder: _Build, lark: Any = None):
        self.lean = lean  # parses valid input, the common case, faster (None: lark does it all)
        self.lexer = lexer
        self.builder = builder
        self._lark = lark

    @property
    def lark(self) -> Any:
        """lark's parser on the same grammar, lexer and builder: it explains errors."""
        if self._lark is None:
            self._lark = _build_lark(self.builder)
        return self._lark


def _build_lark(builder: _Build) -> Any:
    from flowc.dsl.lark_lexer import LarkFlowLexer
    from lark import Lark

    grammar = GRAMMAR.read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer=LarkFlowLexer, maybe_placeholders=False, transformer=builder,
                start=["start", "condition", "value"], cache=_cache_file(grammar))


@lru_cache(maxsize=1)
def _parser() -> _Parsers:
    """One parser for the process; its transformer is re-pointed at each file.

    The lean driver's tables and the lexer's terminals come from a cache when there is one (a pickle in
    the per-user cache directory), so valid input parses without importing lark at all.
    """
    import pickle

    builder = _Build("<input>", "")
    grammar = GRAMMAR.read_text(encoding="utf-8")
    path = _lean_cache_file(grammar)
    if path is not None:
        try:
            with path.open("rb") as f:
                cached = pickle.load(f)
            lean = LeanParser(cached["tables"], builder) if cached["tables"] is not None else None
            return _Parsers(lean, FlowLexer(cached["terminals"]), builder)
        except Exception:  # a missing, stale or unreadable cache is rebuilt from lark
            pass
    lark = _build_lark(builder)
    terminals = terminals_of(lark.lexer_conf)
    try:
        tables: dict[str, Any] | None = tables_from_lark(lark, builder)
    except Unsupported:  # a grammar change the lean driver does not reproduce: lark parses everything
        tables = None
    parsers = _Parsers(LeanParser(tables, builder) if tables is not None else None, FlowLexer(terminals), builder,
                       lark)
    if path is not None:
        try:
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            with temp.open("wb") as f:
                pickle.dump({"tables": tables, "terminals": terminals}, f, protocol=pickle.HIGHEST_PROTOCOL)
            temp.replace(path)
        except OSError:
            pass
    return parsers


def _expected_text(expected: set[str] | frozenset[str]) -> str:
    names = []
    for term in sorted(expected):
        if term.startswith("__ANON"):
            continue
        human = _TERMINAL_NAMES.get(term)
        if human is None:
            human = f"'{term.lower()}'" if term.isupper() else term
        if human not in names:
            names.append(human)
    if not names:
        return ""
    if len(names) > 6:
        names = [*names[:6], "..."]
    return "; expected " + ", ".join(names)


def _unclosed_bracket(text: str) -> tuple[int, int, str] | None:
    """The innermost bracket left open at the end of `text` (strings and comments skipped)."""
    stack: list[tuple[int, int, str]] = []
    line, col = 1, 0
    i, n = 0, len(text)
    quote = None
    while i < n:
        ch = text[i]
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
        elif quote:
            if ch == "\\":
                i += 1
                col += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            while i + 1 < n and text[i + 1] != "\n":
                i += 1
        elif ch == "{" and text.startswith("{%", i):
            end = text.find("%}", i)
            if end < 0:
                return (line, col, "{%")
            line += text.count("\n", i, end)
            i = end + 1
        elif ch in "{[(":
            stack.append((line, col, ch))
        elif ch in "}])" and stack:
            stack.pop()
        i += 1
    return stack[-1] if stack else None


_CLOSERS = {"RBRACE", "RSQB", "RPAR"}


def _hint(tok: Any, accepts: Any, text: str, line: int) -> str | None:
    """A fix suggestion (dsl/syntax_hints.py) from the expected terminals as written."""
    from flowc.dsl.syntax_hints import hint

    if tok.type in ("$END", "_NL", "_INDENT", "_DEDENT"):
        return None
    expected = set()
    for term in accepts or ():
        human = _TERMINAL_NAMES.get(term)
        if human is None and term.isupper() and not term.startswith("_"):
            human = term.lower()
        if human:
            expected.add(human.strip("'"))
    lines = text.splitlines()
    return hint(str(tok.value), expected, lines[line - 1] if 0 < line <= len(lines) else "")


def _syntax_diag(file: str, err: Exception, text: str = "") -> Diagnostic:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    if isinstance(err, _IndentError):
        return Diagnostic("FLOW100", err.message, Span(file, err.line, err.col, err.line, err.col + 1))
    if isinstance(err, UnexpectedToken):
        tok = err.token
        expected = _expected_text(err.accepts or err.expected)
        if tok.type in ("$END", "_DEDENT", "_NL", "_INDENT") and _CLOSERS & set(err.accepts or err.expected or ()):
            opener = _unclosed_bracket(text)
            if opener is not None:
                line, col, ch = opener
                return Diagnostic("FLOW100", f"'{ch}' is never closed", Span(file, line, col, line, col + len(ch)))
        what = {"$END": "unexpected end of file", "_NL": "unexpected end of line",
                "_INDENT": "unexpected indentation", "_DEDENT": "unexpected end of block"}.get(
            tok.type, f"unexpected {tok.value!r}")
        line = tok.line or 1
        col = tok.column or 1
        if tok.type in ("_INDENT", "_DEDENT") and tok.end_line:
            line, col = tok.end_line, max(1, tok.end_column or 1)
        width = len(str(tok.value)) if tok.type not in ("_NL", "_INDENT", "_DEDENT", "$END") else 1
        return Diagnostic("FLOW100", what + expected, Span(file, line, col, line, col + width),
                          hint=_hint(tok, err.accepts or err.expected, text, line))
    if isinstance(err, UnexpectedCharacters):
        expected = _expected_text(err.allowed or set())
        return Diagnostic("FLOW100", f"unexpected character {err.char!r}{expected}",
                          Span(file, err.line, err.column, err.line, err.column + 1))
    if isinstance(err, UnexpectedEOF):
        return Diagnostic("FLOW100", "unexpected end of file" + _expected_text(set(err.expected or [])),
                          Span(file, max(1, err.line), max(1, err.column)))
    if isinstance(err, UnexpectedInput):
        return Diagnostic("FLOW100", str(err).splitlines()[0], Span(file, max(1, err.line), max(1, err.column)))
    return Diagnostic("FLOW100", f"could not parse: {err}", Span.unknown(file))


def parse_flow(text: str, file: str = "<input>") -> ast.Module:
    """Parse `.flow` source; raise FlowError carrying FLOW100 diagnostics on bad input.

    The fast front end (dsl/fastparse.py) goes first; what it declines (anything it is not sure of,
    every error among it) the LALR parser reads, and reports.
    """
    from flowc.dsl.fastparse import parse_fast  # (imports this module: imported on first use)

    SOURCES.add(file, text)
    text = text.removeprefix("\ufeff")
    module = parse_fast(text, file)  # valid input it is sure of, several times faster
    if module is not None:
        return module
    try:
        return parse_with_start(text if text.endswith("\n") else text + "\n", file, "start")
    except FlowError as err:
        for d in err.diagnostics:
            d.span = _inside(d.span, text)
        raise


def _inside(span: Span, text: str) -> Span:
    """A span that starts inside `text`: the end of input (a missing final newline, dedents the lexer adds)
    is reported at the end of the last line, not on a line after it."""
    lines = text.split("\n")
    line, col = span.line, span.col
    if line > len(lines):
        line, col = len(lines), len(lines[-1]) + 1
    limit = len(lines[line - 1].rstrip("\r")) + 1 if line >= 1 else 1
    if (line, col) == (span.line, span.col) and col <= limit:
        return span
    return Span(span.file, max(1, line), max(1, min(col, limit)))


_NOT_PARSED = object()


def _lark_errors() -> tuple[type[Exception], ...]:
    """lark's exception classes, imported only when something was raised (valid input never needs them)."""
    from lark.exceptions import LarkError

    return (LarkError,)


def parse_with_start(text: str, file: str, start: str) -> Any:
    """Parse text from one of the grammar's start symbols (a whole file, a condition, a value)."""
    parsers = _parser()
    builder = parsers.builder
    builder.file, builder.text, builder.diagnostics = file, text, []
    try:
        module = _NOT_PARSED
        if parsers.lean is not None:
            try:
                lean, lexer = parsers.lean, parsers.lexer
                module = lean.parse(lambda stack, rows: lexer.tokens(text, stack, rows, lean.dropped, END), start)
            except (Abandon, _IndentError, *_lark_errors()):  # (the tuple is built only on an exception)
                builder.diagnostics = []  # the callbacks that ran before the error report again
        if module is _NOT_PARSED:
            module = parsers.lark.parse(text, start=start)
    except (_IndentError, *_lark_errors()) as err:
        inner = getattr(err, "orig_exc", None)
        raise FlowError([_syntax_diag(file, inner if isinstance(inner, Exception) else err, text)]) from None
    except RecursionError:
        raise FlowError([Diagnostic("FLOW100", "nesting is too deep", Span.unknown(file))]) from None
    if builder.diagnostics:
        raise FlowError(list(builder.diagnostics))
    return module
