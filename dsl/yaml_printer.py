"""AST -> `.flow.yaml` text: the YAML twin of `dsl.printer`, read back by `dsl.yaml_loader` to an equal tree.

The loader reads a scalar that looks like an expression (`$...`, `{% %}`, `States.X(`, `N(`) as one, and
an option's bare duration or word as a duration or name; a literal string that would be misread that way
is written with the loader's `!lit` tag. Conditions are written in the `.flow` condition syntax (the
loader parses them with the same grammar).
"""

from __future__ import annotations

import io
import re
from typing import Any

from flowc.dsl import ast, printer
from flowc.dsl.durations import format_duration

_EXPR_START = re.compile(r"^(\$|\{%|States\.[A-Za-z0-9]+\(|(SS|NS|BS|S|N|B|BOOL|NULL|M|L)\()")
_DURATION = re.compile(r"^\d+[smhd](\d+[smhd])*$")
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


class YamlLimit(ValueError):
    """What the YAML twin cannot say although `.flow` can (reported; nothing is written in its place)."""


class Lit(str):
    """A string the loader must not read as an expression, duration or name: written `!lit "..."`."""


class Ref(str):
    """A declared resource named in a value (`ast.RefValue`): written `!ref Alerts.arn`."""


def value(v: Any, *, option: bool = False) -> Any:
    """An AST value as YAML data; `option`: it is an option's whole value (durations and words are read
    specially there)."""
    if isinstance(v, ast.LiteralValue):
        x = v.value
        if isinstance(x, str) and (_EXPR_START.match(x) or (option and (_DURATION.match(x) or _WORD.match(x)))):
            return Lit(x)
        return x
    if isinstance(v, (ast.PathValue, ast.IntrinsicValue, ast.JsonataValue)):
        return v.text
    if isinstance(v, ast.TypedValue):
        return printer.value(v)
    if isinstance(v, ast.Duration):
        return format_duration(v.seconds)
    if isinstance(v, ast.NameRef):
        return v.name
    if isinstance(v, ast.RefValue):
        return Ref(printer.ref(v))
    if isinstance(v, ast.ObjectValue):
        return {i.key: value(i.value) for i in v.items}
    if isinstance(v, ast.ArrayValue):
        return [value(i) for i in v.items]
    raise TypeError(f"cannot write {type(v).__name__} as YAML")


def _retry(r: ast.RetrySpec) -> dict:
    out: dict[str, Any] = {"errors": [e.name for e in r.errors]}
    for name in ("interval", "attempts", "backoff", "max_delay", "jitter", "comment"):
        v = getattr(r, name)
        if v is not None:
            out[name] = format_duration(v.seconds) if isinstance(v, ast.Duration) else v
    return out


def _catch(c: ast.CatchSpec) -> dict:
    out: dict[str, Any] = {"errors": [e.name for e in c.errors]}
    for name in ("into", "output", "assign"):
        v = getattr(c, name)
        if v is not None:
            out[name] = value(v)
    if c.comment is not None:
        out["comment"] = c.comment
    out["goto"] = c.target.name
    return out


class _Writer:
    def __init__(self, problems: list[str] | None):
        self.problems = problems

    def _options(self, step: ast.Step, out: dict) -> None:
        for o in step.options:
            try:
                self._option(step, o, out)
            except YamlLimit as err:
                if self.problems is None:
                    raise
                self.problems.append(str(err))


    def _option(self, step: ast.Step, o: ast.Option, out: dict) -> None:
            if o.name == "retry":
                out.setdefault("retry", []).append(_retry(o.value))
            elif o.name == "catch":
                out.setdefault("catch", []).append(_catch(o.value))
            elif o.name.startswith("tolerate_") and "tolerate" in out:
                raise YamlLimit(f"step '{step.name}': the YAML twin holds one `tolerate` (a count or a percentage), "
                                "not both")
            elif o.name == "tolerate_percent" and isinstance(o.value, ast.LiteralValue):
                out["tolerate"] = f"{printer.literal(o.value.value)}%"
            elif o.name in ("tolerate_percent", "tolerate_count"):
                kind = o.name.split("_")[1]
                out["tolerate"] = value(o.value) if kind == "count" and isinstance(o.value, ast.LiteralValue) else {
                    kind: value(o.value)}
            else:
                out[o.name] = value(o.value, option=True) if o.value is not None else None


    def statements(self, body: list) -> list:
        out: list[Any] = []
        for stmt in body:
            if isinstance(stmt, ast.Goto):
                out.append("end" if stmt.target is None else {"goto": stmt.target.name})
            else:
                out.append({stmt.name: self.step(stmt)})
        return out


    def step(self, s: ast.Step) -> Any:
        a = s.action
        out: dict[str, Any] = {}
        if isinstance(a, ast.TaskAction):
            out[a.integration] = a.resource if a.integration == "call" else (a.target.name if a.target else None)
            if a.mode:
                out["mode"] = a.mode
        elif isinstance(a, ast.PassAction):
            out["pass"] = None
        elif isinstance(a, ast.SucceedAction):
            out["succeed"] = None
        elif isinstance(a, ast.WaitAction):
            out["wait_until" if a.until else "wait"] = value(a.value)
        elif isinstance(a, ast.FailAction):
            out["fail"] = None if a.error is None else value(a.error)
            if a.cause is not None:
                out["cause"] = value(a.cause)
        elif isinstance(a, ast.ParallelAction):
            out["parallel"] = [self.statements(b) for b in a.branches]
        elif isinstance(a, ast.MapAction):
            out["map"] = None if a.items is None else value(a.items)
            if a.distributed:
                out["distributed"] = True
            if a.item_var is not None:
                out["as"] = [a.item_var.name] + ([a.index_var.name] if a.index_var is not None else [])
        elif isinstance(a, ast.ChooseAction) and (variable := printer.switch_variable(a)) is not None:
            out["switch"] = variable
            out["cases"] = self._cases(a)
        elif isinstance(a, ast.ChooseAction):
            out["choose"] = self._choose(a)
        self._options(s, out)
        if isinstance(a, ast.MapAction):
            out["do"] = self.statements(a.body)
        if len(out) == 1 and next(iter(out.values())) is None:
            return next(iter(out))  # `- Done: succeed`
        return out


    def _choose(self, a: ast.ChooseAction) -> list:
        clauses: list[Any] = []
        for i, branch in enumerate(a.branches):
            clause: dict[str, Any] = {"if" if i == 0 else "elif": printer.condition(branch.condition)}
            for o in branch.options:
                clause[o.name] = value(o.value)
            self._body(clause, branch.body)
            clauses.append(clause)
        if a.no_match_error:
            clauses.append({"else": "raise States.NoChoiceMatched"})
        elif a.default is not None:
            body = a.default
            if len(body) == 1 and isinstance(body[0], ast.Goto) and body[0].target is not None:
                clauses.append({"else": {"goto": body[0].target.name}})
            else:
                clauses.append({"else": self.statements(body)})
        return clauses


    def _cases(self, a: ast.ChooseAction) -> list:
        clauses: list[Any] = []
        for branch in a.branches:
            values = printer.case_values(branch.condition, None) or []
            clause: dict[str, Any] = {"case": values[0] if len(values) == 1 else values}
            for o in branch.options:
                clause[o.name] = value(o.value)
            self._body(clause, branch.body)
            clauses.append(clause)
        if a.default is not None:
            clauses.append({"default": self.statements(a.default)})
        return clauses

    def _body(self, clause: dict, body: list) -> None:
        if len(body) == 1 and isinstance(body[0], ast.Goto) and body[0].target is not None:
            clause["goto"] = body[0].target.name
        else:
            clause["then"] = self.statements(body)


    @staticmethod
    def _plain(v: Any) -> Any:
        """Settings and resource properties: the loader takes their strings as written, except one that reads
        as an expression (`${Placeholder}`, `$.x`): that one is written `!lit`."""
        if isinstance(v, ast.LiteralValue):
            return Lit(v.value) if isinstance(v.value, str) and _EXPR_START.match(v.value) else v.value
        return value(v)


    def resource(self, r: ast.ResourceDecl) -> dict:
        return {r.kind: r.name, **{p.name: self._plain(p.value) if p.value is not None else True for p in r.props}}

    def workflow(self, wf: ast.Workflow) -> dict:
        out: dict[str, Any] = {"workflow": wf.name}
        for s in wf.settings:
            args = [self._plain(a) for a in (s.value if isinstance(s.value, list) else [s.value])]
            out[s.name] = args[0] if len(args) == 1 else args
        if wf.resources:
            out["resources"] = [{r.kind: r.name, **{p.name: self._plain(p.value) if p.value is not None else True
                                                     for p in r.props}} for r in wf.resources]
        if wf.triggers:
            out["triggers"] = [self.trigger(t) for t in wf.triggers]
        out["steps"] = self.statements(wf.body)
        return out

    def trigger(self, t: ast.Trigger) -> dict:
        positional = [p.value for p in t.props if not p.name]
        if t.kind == "http":
            head: Any = " ".join(str(self._plain(v)) for v in positional)
        else:
            head = value(positional[0]) if positional else None
        out: dict[str, Any] = {t.kind: head}
        for p in t.props:
            if p.name:
                out[p.name] = value(p.value, option=True)
        return out



def add_tags(yaml: Any) -> None:
    """Teach a ruamel writer the loader's tags: `!lit` for a literal string, `!ref` for a resource named in a value."""
    yaml.representer.add_representer(Lit, lambda r, d: r.represent_scalar("!lit", str(d), style='"'))
    yaml.representer.add_representer(Ref, lambda r, d: r.represent_scalar("!ref", str(d)))


def format_module(module: ast.Module, header: list[str] | None = None, problems: list[str] | None = None) -> str:
    """The whole `.flow.yaml` file (one workflow per file, like the examples); `header`: leading # lines.

    What YAML cannot hold raises YamlLimit, or with `problems` is appended there and left out.
    """
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 120
    yaml.indent(mapping=2, sequence=4, offset=2)
    add_tags(yaml)
    writer = _Writer(problems)
    data: Any
    if len(module.workflows) == 1 and not module.resources:
        data = writer.workflow(module.workflows[0])
    else:
        data = {"workflows": [writer.workflow(w) for w in module.workflows]}
        if module.resources:
            data = {"resources": [writer.resource(r) for r in module.resources], **data}
    if module.imports:
        data = {"imports": [i.path for i in module.imports], **data}
    buf = io.StringIO()
    yaml.dump(data, buf)
    lines = "".join(f"# {h}".rstrip() + "\n" for h in header or [])
    return lines + buf.getvalue()
