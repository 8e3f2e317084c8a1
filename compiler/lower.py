"""AST -> IR: resolve names, flatten blocks into states, make every edge explicit.

Reports, without stopping at the first: duplicate names, unknown or wrong-kind
references (with "did you mean"), options a step kind does not take, missing
required arguments, and `choose` blocks with nowhere to go when nothing matches.
Graph properties (reachability, termination) are checked later on the emitted
ASL, by the rules every input shares.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flowc.compiler import ir
from flowc.compiler.http_auth import HTTP_PROPS, lower_http_auth
from flowc.compiler.integrations import CALL_SUFFIX_MODES, INTEGRATIONS
from flowc.dsl import ast
from flowc.dsl.diagnostics import Diagnostic, Severity, Span, did_you_mean

END = None  # continuation meaning "the end of this graph"

# Options each state kind accepts (beyond its own header). Task arguments are
# validated separately against the integration table.
_COMMON = {"comment", "query"}
_DATAFLOW_IN = {"input"}
_DATAFLOW_OUT = {"output", "assign"}
OPTIONS_BY_KIND: dict[str, set[str]] = {
    "task": _COMMON | _DATAFLOW_IN | _DATAFLOW_OUT | {"result", "select", "timeout", "heartbeat", "credentials",
                                                     "retry", "catch"},
    "pass": _COMMON | _DATAFLOW_IN | _DATAFLOW_OUT | {"result", "with", "value"},
    "choice": _COMMON | _DATAFLOW_IN | _DATAFLOW_OUT,
    "wait": _COMMON | _DATAFLOW_IN | _DATAFLOW_OUT,
    "succeed": _COMMON | _DATAFLOW_IN | {"output"},
    "fail": _COMMON,
    "parallel": _COMMON | _DATAFLOW_IN | _DATAFLOW_OUT | {"with", "result", "select", "retry", "catch"},
    "map": _COMMON | _DATAFLOW_IN | _DATAFLOW_OUT | {"with", "result", "select", "retry", "catch", "concurrency",
                                                    "tolerate_percent", "tolerate_count", "label", "execution",
                                                    "reader", "batch", "writer"},
}

_KIND_OF_ACTION = {"task": "task", "pass": "pass", "choose": "choice", "wait": "wait", "succeed": "succeed",
                   "fail": "fail", "parallel": "parallel", "map": "map"}

_REPEATABLE = {"retry", "catch"}
# (option, IR field) for the data-flow options every kind shares, in the order they are applied.
_DATAFLOW_FIELDS = (("input", "input_path"), ("result", "result_path"), ("output", "output"),
                    ("select", "result_selector"), ("assign", "assign"), ("credentials", "credentials"))
_DATAFLOW_FIELD_OF = dict(_DATAFLOW_FIELDS)

# Resource declarations: allowed properties and what they hold.
RESOURCE_PROPS: dict[str, dict[str, str]] = {
    "function": {"arn": "str", "handler": "str", "code": "str", "runtime": "str", "memory": "int",
                 "timeout": "duration", "env": "object", "description": "str", "concurrency": "int",
                 "uses": "ast", "policies": "ast"},
    "table": {"arn": "str", "key": "name", "key_type": "name", "sort": "name", "sort_type": "name", "kms": "str"},
    "topic": {"arn": "str", "fifo": "flag", "kms": "str"},
    "queue": {"arn": "str", "fifo": "flag", "visibility": "duration", "retention": "duration", "kms": "str"},
    "bus": {"arn": "str"},
    "activity": {"arn": "str"},
    "bucket": {"arn": "str"},
    "machine": {"arn": "str"},
}
_REQUIRED_PROPS = {"machine": ("arn",)}
_KMS_KEY_ARN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+")
_OWNED_REQUIRED = {"function": ("handler", "code")}
DEFAULT_RUNTIME = "python3.12"


@dataclass
class _Ctx:
    workflow: ast.Workflow
    resources: dict[str, ir.Resource]
    query_language: str
    names: dict[str, Span]
    children: list[str]


class Lowering:
    def __init__(self, modules: list[ast.Module]):
        self.modules = modules
        self.diagnostics: list[Diagnostic] = []
        self.program = ir.Program(files=[m.file for m in modules])
        self.workflow_asts: dict[str, ast.Workflow] = {}
        self._allowed: dict[tuple[str, str | None], set[str]] = {}  # options a (kind, integration) takes
        self._visible: dict[str, ir.Resource] = {}  # the resources the workflow being lowered sees
        self._lowerers: dict[str, Callable[..., None]] = {}  # step kind -> its lower_ method

    # -- diagnostics ------------------------------------------------------------
    def error(self, code: str, span: Span, message: str, hint: str | None = None,
              severity: Severity = Severity.ERROR) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, severity=severity, hint=hint))

    # -- entry ------------------------------------------------------------------
    def run(self) -> ir.Program:
        self._workflow_names = {wf.name for module in self.modules for wf in module.workflows}
        file_resources: dict[str, dict[str, ir.Resource]] = {}
        for module in self.modules:
            file_resources[module.file] = self.declare(module.resources, {})
            for wf in module.workflows:
                if wf.name in self.workflow_asts:
                    first = self.workflow_asts[wf.name]
                    self.error("FLOW202", wf.name_span, f"duplicate workflow name '{wf.name}'",
                               hint=f"first defined at {first.name_span}")
                    continue
                self.workflow_asts[wf.name] = wf
        for module in self.modules:
            for wf in module.workflows:
                if self.workflow_asts.get(wf.name) is not wf:
                    continue
                visible = dict(file_resources[module.file])
                own = self.declare(wf.resources, visible)
                visible.update(own)
                self.program.workflows[wf.name] = self.lower_workflow(wf, module.file, visible)
        return self.program

    def declare(self, decls: list[ast.ResourceDecl], outer: dict[str, ir.Resource]) -> dict[str, ir.Resource]:
        out: dict[str, ir.Resource] = {}
        pending: list[ir.Resource] = []
        for decl in decls:
            if decl.name in out:
                self.error("FLOW202", decl.name_span, f"'{decl.name}' is declared twice",
                           hint=f"first declared at {out[decl.name].span}")
                continue
            spec = RESOURCE_PROPS[decl.kind]
            props: dict[str, Any] = {}
            for opt in decl.props:
                kind = spec.get(opt.name)
                if kind is None:
                    self.error("FLOW102", opt.span, f"'{opt.name}' is not a property of a {decl.kind}",
                               hint="expected " + ", ".join(sorted(spec)))
                    continue
                if opt.name in props:
                    self.error("FLOW102", opt.span, f"'{opt.name}' given twice")
                    continue
                value = self.prop_value(opt, kind, decl.kind)
                if value is not None:
                    props[opt.name] = value
            for req in _REQUIRED_PROPS.get(decl.kind, ()):
                if req not in props:
                    self.error("FLOW103", decl.name_span, f"{decl.kind} '{decl.name}' needs `{req}`")
            if "kms" in props and not _KMS_KEY_ARN.fullmatch(props["kms"]):
                span = next(o.span for o in decl.props if o.name == "kms")
                self.error("FLOW101", span, "'kms' takes a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
                           hint="an alias cannot scope the IAM grants for the key")
                props.pop("kms")
            arn = props.pop("arn", None)
            if arn is None:
                for req in _OWNED_REQUIRED.get(decl.kind, ()):
                    if req not in props:
                        self.error("FLOW103", decl.name_span,
                                   f"{decl.kind} '{decl.name}' needs `{req}` (or `arn` for an existing one)")
            if decl.kind == "table":
                props.setdefault("key", "id")
            if decl.kind == "function" and arn is None:
                props.setdefault("runtime", DEFAULT_RUNTIME)
                self.check_handler(decl, props)
            resource = ir.Resource(kind=decl.kind, name=decl.name, span=decl.name_span, arn=arn, props=props)
            out[decl.name] = resource
            pending.append(resource)
            key = (decl.kind, decl.name)
            existing = self.program.resources.get(key)
            if existing is not None and existing.span != resource.span and (existing.owned or resource.owned):
                if existing.props != resource.props or existing.arn != resource.arn:
                    self.error("FLOW202", decl.name_span,
                               f"{decl.kind} '{decl.name}' is declared differently elsewhere",
                               hint=f"other declaration at {existing.span}; declare it once at file level")
                continue
            self.program.resources.setdefault(key, resource)
        scope = {**outer, **out}
        for resource in pending:  # after the loop: a declaration may name one written below it
            self.resolve_props(resource, scope)
        return out

    def check_handler(self, decl: ast.ResourceDecl, props: dict[str, Any]) -> None:
        """The handler module and function exist under `code` (FLOW106 at the property otherwise)."""
        if not isinstance(props.get("code"), str) or not isinstance(props.get("handler"), str):
            return
        from flowc.compiler import handlers

        problem = handlers.check(decl.span.file, props["code"], props["handler"], str(props["runtime"]))
        if problem is not None:
            span = next((o.span for o in decl.props if o.name == problem.field), decl.name_span)
            self.error("FLOW106", span, f"function '{decl.name}': {problem.message}", hint=problem.hint)

    def resolve_props(self, resource: ir.Resource, scope: dict[str, ir.Resource]) -> None:
        """Resources named in `env`, `uses` and `policies` become `ir.ResourceRef`s (an environment variable
        holds the identifier the handler's SDK call needs: a table's name, a queue's URL, a topic's ARN...)."""
        env = resource.props.get("env")
        for key, value in list((env or {}).items()):
            if isinstance(value, ast.RefValue):
                ref = self.resource_ref(value, scope, key, default_ok=True)
                if ref is None:
                    del env[key]
                else:
                    env[key] = ref
        if "uses" in resource.props or "policies" in resource.props:
            from flowc.compiler import permissions

            def ref(value: ast.RefValue, key: str | None) -> ir.ResourceRef | None:
                return self.resource_ref(value, scope, key, default_ok=key is None)

            if "uses" in resource.props:
                resource.props["uses"] = permissions.lower_uses(resource.props["uses"], ref, self.diagnostics.append)
            if "policies" in resource.props:
                resource.props["policies"] = permissions.lower_policies(resource.props["policies"], ref,
                                                                        self.diagnostics.append)

    def resource_ref(self, value: ast.RefValue, scope: dict[str, ir.Resource], key: str | None, *,
                     default_ok: bool = False) -> ir.ResourceRef | None:
        from flowc.compiler import refs

        target = scope.get(value.name)
        kind = target.kind if target is not None else ("workflow" if value.name in self._workflow_names else None)
        if kind is None:
            near = did_you_mean(value.name, [*scope, *self._workflow_names])
            self.error("FLOW201", value.span, f"'{value.name}' is not a declared resource or workflow",
                       hint=f"did you mean '{near}'?" if near else f'declare it, or quote it for a string: "{value.name}"')
            return None
        attribute, problem = refs.choose(kind, key, value.attribute, name=value.name, default_ok=default_ok)
        if problem is not None:
            self.error("FLOW101", value.span, problem)
        return ir.ResourceRef(kind=kind, name=value.name, attribute=attribute)

    def prop_value(self, opt: ast.Option, kind: str, decl_kind: str) -> Any:
        v = opt.value
        if kind == "ast":  # checked once every name is declared (resolve_props)
            if v is None:
                self.error("FLOW101", opt.span, f"'{opt.name}' needs a value")
            return v
        if kind == "flag":
            if v is not None and not (isinstance(v, ast.LiteralValue) and isinstance(v.value, bool)):
                self.error("FLOW101", opt.span, f"'{opt.name}' takes no value")
                return None
            return True if v is None else v.value
        if v is None:
            self.error("FLOW101", opt.span, f"'{opt.name}' needs a value")
            return None
        if kind == "duration":
            if isinstance(v, ast.Duration):
                return v.seconds
            if isinstance(v, ast.LiteralValue) and isinstance(v.value, int):
                return v.value
            self.error("FLOW101", v.span, f"'{opt.name}' takes a duration such as 30s")
            return None
        if kind == "int":
            if isinstance(v, ast.LiteralValue) and isinstance(v.value, int) and not isinstance(v.value, bool):
                return v.value
            self.error("FLOW101", v.span, f"'{opt.name}' takes a whole number")
            return None
        if kind == "name":
            if isinstance(v, ast.NameRef):
                return v.name
            if isinstance(v, ast.LiteralValue) and isinstance(v.value, str):
                return v.value
            self.error("FLOW101", v.span, f"'{opt.name}' takes a name")
            return None
        if kind == "object":
            if isinstance(v, ast.ObjectValue) and all(isinstance(i.value, (ast.LiteralValue, ast.RefValue))
                                                      for i in v.items):
                return {i.key: i.value if isinstance(i.value, ast.RefValue) else i.value.value for i in v.items}
            self.error("FLOW101", v.span, f"'{opt.name}' takes an object of literal values and resource names")
            return None
        if isinstance(v, ast.LiteralValue) and isinstance(v.value, str):
            return v.value
        if isinstance(v, ast.NameRef):
            return v.name
        self.error("FLOW101", getattr(v, "span", opt.span), f"'{opt.name}' takes a string")
        return None

    # -- workflows -------------------------------------------------------------------
    def lower_workflow(self, wf: ast.Workflow, file: str, resources: dict[str, ir.Resource]) -> ir.Workflow:
        settings = self.settings(wf)
        self._visible = resources
        ctx = _Ctx(wf, resources, settings["query_language"], {}, [])
        graph = self.lower_graph(wf.body, ctx, wf.name_span, f"workflow '{wf.name}'")
        triggers = [t for t in (self.trigger(t) for t in wf.triggers) if t is not None]
        return ir.Workflow(name=wf.name, span=wf.name_span, file=file, graph=graph, triggers=triggers,
                           resources=resources, workflows=sorted(set(ctx.children)), **settings)

    _SETTING_ENUMS = {
        "type": {"standard": "STANDARD", "express": "EXPRESS"},
        "query": {"jsonpath": "JSONPath", "jsonata": "JSONata"},
        "tracing": {"on": True, "off": False, "true": True, "false": False},
    }

    def settings(self, wf: ast.Workflow) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "STANDARD", "query_language": "JSONPath"}
        seen: set[str] = set()
        for s in wf.settings:
            if s.name in seen:
                self.error("FLOW102", s.span, f"'{s.name}' is set twice")
                continue
            seen.add(s.name)
            args = s.value or []
            first = args[0] if args else None
            text = first.name if isinstance(first, ast.NameRef) else (
                first.value if isinstance(first, ast.LiteralValue) else None)
            if s.name in self._SETTING_ENUMS:
                table = self._SETTING_ENUMS[s.name]
                key = str(text).lower() if text is not None else None
                if key not in table or len(args) != 1:
                    self.error("FLOW101", getattr(first, "span", s.span), f"'{s.name}' takes one of: "
                               + ", ".join(k for k in table if k not in ("true", "false")))
                    continue
                field = {"type": "type", "query": "query_language", "tracing": "tracing"}[s.name]
                out[field] = table[key]
            elif s.name == "doc":
                if not isinstance(text, str) or len(args) != 1:
                    self.error("FLOW101", s.span, "'doc' takes one string")
                    continue
                out["comment"] = text
            elif s.name == "version":
                if not isinstance(text, str):
                    self.error("FLOW101", s.span, "'version' takes a string such as \"1.0\"")
                    continue
                out["version"] = text
            elif s.name == "timeout":
                if isinstance(first, ast.Duration):
                    out["timeout"] = first.seconds
                elif isinstance(first, ast.LiteralValue) and isinstance(first.value, int):
                    out["timeout"] = first.value
                else:
                    self.error("FLOW101", s.span, "'timeout' takes a duration such as 15m")
            elif s.name == "logging":
                level = str(text).upper() if text is not None else ""
                if level not in ("OFF", "ALL", "ERROR", "FATAL"):
                    self.error("FLOW101", s.span, "'logging' takes off, all, error or fatal (then optionally `data`)")
                    continue
                out["logging"] = level
                if len(args) > 1:
                    extra = args[1]
                    if isinstance(extra, ast.NameRef) and extra.name == "data":
                        out["log_data"] = True
                    else:
                        self.error("FLOW101", extra.span, "after the level, only `data` (include execution data)")
        return out

    def trigger(self, t: ast.Trigger) -> ir.Trigger | None:
        positional = [p.value for p in t.props if p.name == ""]
        named = {p.name: p for p in t.props if p.name}
        kwargs: dict[str, Any] = {}
        public = next((v.span for v in positional[2:] if isinstance(v, ast.NameRef) and v.name == "public"), None)
        if t.kind == "http" and public is not None:
            positional = [v for v in positional if v.span != public]
        if t.kind == "http":
            if len(positional) != 2 or not isinstance(positional[0], ast.NameRef):
                self.error("FLOW101", t.span, "an http trigger is `on http METHOD \"/path\"`")
                return None
            method = positional[0].name.upper()
            if method not in ("GET", "POST", "PUT", "PATCH", "DELETE", "ANY"):
                self.error("FLOW101", positional[0].span, f"unknown HTTP method '{positional[0].name}'")
                return None
            path = getattr(positional[1], "value", None)
            if not isinstance(path, str) or not path.startswith("/"):
                self.error("FLOW101", positional[1].span, "the http path must be a string starting with /")
                return None
            kwargs.update(method=method, path=path)
            http = lower_http_auth(t.span, public, named, self.error)
            if http is None:
                return None
            kwargs["http"] = http
        elif t.kind == "schedule":
            expr = getattr(positional[0], "value", None) if len(positional) == 1 else None
            if not isinstance(expr, str) or not expr.startswith(("rate(", "cron(", "at(")):
                self.error("FLOW101", t.span, "a schedule trigger is `on schedule \"rate(5 minutes)\"` or cron(...)")
                return None
            kwargs["expression"] = expr
        else:
            if len(positional) != 1 or not isinstance(positional[0], ast.ObjectValue):
                self.error("FLOW101", t.span, "an event trigger is `on event { source: [...], ... }`")
                return None
            from flowc.compiler import trigger_input

            kwargs["pattern"] = trigger_input.check_pattern(positional[0], self.ref_kind, self.diagnostics.append)
        for name, opt in named.items():
            v = opt.value
            if name == "input":
                from flowc.compiler import trigger_input

                kwargs["input"] = trigger_input.check(t.kind, self.value(v), self.ref_kind, self.diagnostics.append,
                                                      opt.span)
            elif name == "bus":
                kwargs["bus"] = v.name if isinstance(v, ast.NameRef) else getattr(v, "value", None)
            elif name == "enabled":
                if not (isinstance(v, ast.LiteralValue) and isinstance(v.value, bool)):
                    self.error("FLOW101", opt.span, "'enabled' takes true or false")
                    continue
                kwargs["enabled"] = v.value
            elif name in ("name", "description"):
                kwargs[name] = v.name if isinstance(v, ast.NameRef) else getattr(v, "value", None)
        if t.kind != "event" and "bus" in kwargs:
            self.error("FLOW102", named["bus"].span, "'bus' only applies to event triggers")
        for name in HTTP_PROPS:
            if t.kind != "http" and name in named:
                self.error("FLOW102", named[name].span, f"'{name}' only applies to http triggers")
        return ir.Trigger(kind=t.kind, span=t.span, **kwargs)

    # -- graphs --------------------------------------------------------------------------
    def lower_graph(self, body: list, ctx: _Ctx, span: Span, what: str) -> ir.Graph:
        states: dict[str, ir.State] = {}
        if not body:
            self.error("FLOW103", span, f"{what} has no steps")
            return ir.Graph(start_at="", states={}, span=span)
        entry, _entry_span = self.lower_block(body, END, None, ctx, states, what)
        return ir.Graph(start_at=entry or "", states=states, span=span)

    def lower_block(self, body: list, cont: str | None, cont_span: Span | None, ctx: _Ctx,
                    states: dict[str, ir.State], what: str) -> tuple[str | None, Span | None]:
        """Lower statements so that falling off the end goes to `cont`; return the entry target."""
        # Entry of each statement depends on the one after it, so walk backwards.
        target, tspan = cont, cont_span
        lowered: list[tuple[Any, str | None, Span | None]] = []
        for stmt in reversed(body):
            if isinstance(stmt, ast.Goto):
                if stmt.target is None:  # `end`
                    target, tspan = END, None
                else:
                    target, tspan = stmt.target.name, stmt.target.span
                lowered.append((stmt, None, None))
                continue
            lowered.append((stmt, target, tspan))
            target, tspan = stmt.name, stmt.name_span
        # Create states in source order so the ASL reads like the source.
        for stmt, follow, follow_span in reversed(lowered):
            if isinstance(stmt, ast.Step):
                self.lower_step(stmt, follow, follow_span, ctx, states, what)
        return target, tspan

    def add_state(self, state: ir.State, ctx: _Ctx, states: dict[str, ir.State]) -> None:
        if state.name in ctx.names:
            self.error("FLOW202", state.span, f"duplicate step name '{state.name}'",
                       hint=f"first defined at {ctx.names[state.name]}; step names must be unique in a workflow")
            return
        ctx.names[state.name] = state.span
        states[state.name] = state

    def set_next(self, state: ir.State, follow: str | None, follow_span: Span | None) -> None:
        if state.kind in ("succeed", "fail", "choice"):
            return
        if follow is END:
            state.end = True
        else:
            state.next = follow
            if follow_span is not None:
                state.spans["next"] = follow_span

    def lower_step(self, step: ast.Step, follow: str | None, follow_span: Span | None, ctx: _Ctx,
                   states: dict[str, ir.State], what: str) -> None:
        action = step.action
        kind = _KIND_OF_ACTION[action.kind]
        state = ir.make_state(step.name, kind, step.name_span)
        self.add_state(state, ctx, states)
        opts = self.collect_options(step, kind)
        query = self.apply_common_options(state, opts, ctx)
        effective = query or ctx.query_language
        lowerer: Callable[..., None] | None = self._lowerers.get(kind)
        if lowerer is None:  # once per kind, not once per step
            lowerer = self._lowerers[kind] = getattr(self, f"lower_{kind}")
        lowerer(step, action, state, opts, ctx, states, follow, follow_span, effective)
        self.set_next(state, follow, follow_span)

    def collect_options(self, step: ast.Step, kind: str) -> dict[str, list[ast.Option]]:
        integration = step.action.integration if kind == "task" else None
        allowed = self._allowed.get((kind, integration))
        if allowed is None:  # the same few (kind, integration) pairs recur for every step
            allowed = set(OPTIONS_BY_KIND[kind])
            if kind == "task":
                spec = INTEGRATIONS.get(integration)
                if spec is not None:
                    allowed |= set(spec.args)
            self._allowed[(kind, integration)] = allowed
        out: dict[str, list[ast.Option]] = {}
        for opt in step.options:
            if opt.name not in allowed:
                label = kind if kind != "task" else f"`{step.action.integration}` step"
                near = did_you_mean(opt.name, allowed)
                self.error("FLOW102", opt.span, f"'{opt.name.replace('_', ' ', 1) if opt.name.startswith('tolerate') else opt.name}'"
                                                f" is not valid on a {label}",
                           hint=f"did you mean '{near}'?" if near else "valid here: " + ", ".join(sorted(allowed)))
                continue
            if opt.name in out and opt.name not in _REPEATABLE:
                self.error("FLOW102", opt.span, f"'{opt.name}' given twice")
                continue
            out.setdefault(opt.name, []).append(opt)
        return out

    def one(self, opts: dict[str, list[ast.Option]], name: str) -> ast.Option | None:
        found = opts.get(name)
        return found[0] if found else None

    def ref_kind(self, name: str) -> str | None:
        """The kind of what a name in a value refers to: a visible resource, or a workflow of the program."""
        res = self._visible.get(name)
        if res is not None:
            return res.kind
        return "workflow" if name in self._workflow_names else None

    def value(self, v: Any) -> Any:
        """Bare names in value position name a declared resource or workflow, else are strings
        (`message hello` == `message "hello"`)."""
        if isinstance(v, ast.NameRef):
            if v.name in self._visible or v.name in self.workflow_asts:
                return ast.RefValue(span=v.span, name=v.name)
            return ast.LiteralValue(span=v.span, value=v.name)
        if isinstance(v, ast.Duration):
            return ast.LiteralValue(span=v.span, value=v.seconds)
        return v

    def apply_common_options(self, state: ir.State, opts: dict[str, list[ast.Option]], ctx: _Ctx) -> str | None:
        query = None
        if not opts:
            return query
        if "query" in opts and (o := self.one(opts, "query")) is not None:
            name = o.value.name if isinstance(o.value, ast.NameRef) else getattr(o.value, "value", None)
            mapped = {"jsonpath": "JSONPath", "jsonata": "JSONata"}.get(str(name).lower())
            if mapped is None:
                self.error("FLOW101", o.span, "'query' takes jsonpath or jsonata")
            else:
                state.query_language = mapped
                state.spans["query"] = o.span
                query = mapped
        if "comment" in opts and (o := self.one(opts, "comment")) is not None:
            v = self.value(o.value)
            if isinstance(v, ast.LiteralValue) and isinstance(v.value, str):
                state.comment = v.value
            else:
                self.error("FLOW101", o.span, "'comment' takes a string")
        spans = state.spans
        # The step's few options looked up in the table of dataflow ones, not each of the table's six in the
        # options (`value` only builds nodes, and nothing reads `spans` in order: the order of setting is free).
        for name, found in opts.items():
            field = _DATAFLOW_FIELD_OF.get(name)
            if field is not None and found:
                o = found[0]
                setattr(state, field, self.value(o.value))
                spans[field] = o.span
        for name in ("timeout", "heartbeat"):
            if found := opts.get(name):
                o = found[0]
                v = o.value
                if isinstance(v, ast.Duration):
                    v = v.seconds
                elif isinstance(v, ast.LiteralValue) and isinstance(v.value, int) and not isinstance(v.value, bool):
                    v = v.value
                elif not isinstance(v, (ast.PathValue, ast.JsonataValue)):
                    self.error("FLOW101", o.span, f"'{name}' takes a duration, a JSONPath or a JSONata expression")
                    continue
                setattr(state, name, v)
                state.spans[name] = o.span
        for o in opts.get("retry", ()):
            spec: ast.RetrySpec = o.value
            state.retries.append(ir.make_retry(  # errors, span, interval, max_attempts, backoff_rate, ...
                [e.name for e in spec.errors], spec.span, spec.interval.seconds if spec.interval else None,
                spec.attempts, spec.backoff, spec.max_delay.seconds if spec.max_delay else None,
                spec.jitter.upper() if spec.jitter else None, spec.comment))
        for o in opts.get("catch", ()):
            spec_c: ast.CatchSpec = o.value
            state.catches.append(ir.make_catch(  # errors, next, span, next_span, result_path, output, ...
                [e.name for e in spec_c.errors], spec_c.target.name, spec_c.span, spec_c.target.span,
                spec_c.into, spec_c.output, spec_c.assign, spec_c.comment))
        return query

    # -- per kind ------------------------------------------------------------------------
    def lower_task(self, step, action: ast.TaskAction, state, opts, ctx, states, follow, follow_span, ql):
        spec = INTEGRATIONS.get(action.integration)
        if spec is None:
            near = did_you_mean(action.integration, INTEGRATIONS)
            self.error("FLOW201", action.span, f"unknown task kind '{action.integration}'",
                       hint=f"did you mean '{near}'?" if near else "known: " + ", ".join(sorted(INTEGRATIONS)))
            state.task = ir.TaskSpec(integration="resource", resource=action.integration)
            return
        mode = action.mode or "request"
        resource = action.resource
        if spec.integration == "resource" and resource:
            for suffix, suffix_mode in CALL_SUFFIX_MODES.items():
                if resource.endswith(suffix):
                    if action.mode and action.mode != suffix_mode:
                        self.error("FLOW101", action.span, f"'{resource}' already says {suffix}; drop `{action.mode}`")
                    resource = resource[: -len(suffix)]
                    mode = suffix_mode
                    break
        if mode not in ("request", *spec.modes):
            allowed = ", ".join(sorted(spec.modes)) or "none"
            self.error("FLOW101", action.span, f"`{action.integration}` does not support mode '{mode}' "
                                               f"(supported: {allowed})")
            mode = "request"
        task = ir.make_task(spec.integration, mode, resource, spec.target_kind)
        if action.target is not None:
            task.target = action.target.name
            self.resolve_target(action, spec.target_kind, ctx, state)
        elif spec.target_required:
            self.error("FLOW103", action.span, f"`{action.integration}` needs the name of a {spec.target_kind}")
        for arg, ir_name in spec.args.items():
            if arg in opts and (o := self.one(opts, arg)) is not None:
                if ir_name in task.args:
                    self.error("FLOW102", o.span, f"'{arg}' repeats another argument")
                    continue
                task.args[ir_name] = self.value(o.value)
                state.spans["arg." + ir_name] = o.span
        for req in spec.required:
            if spec.args[req] not in task.args:
                self.error("FLOW103", step.name_span, f"`{action.integration}` step '{step.name}' needs `{req}`")
        state.task = task
        state.spans["task"] = action.span

    def resolve_target(self, action: ast.TaskAction, kind: str | None, ctx: _Ctx, state: ir.State) -> None:
        name = action.target.name
        span = action.target.span
        if kind == "workflow":
            if name in self.workflow_asts:
                ctx.children.append(name)
                if name == ctx.workflow.name:
                    self.error("FLOW206", span, f"workflow '{name}' starts itself",
                               severity=Severity.WARNING,
                               hint="recursion through startExecution is allowed but easy to run away with")
                return
            res = ctx.resources.get(name)
            if res is not None and res.kind == "machine":
                return
            candidates = list(self.workflow_asts) + [r.name for r in ctx.resources.values() if r.kind == "machine"]
            near = did_you_mean(name, candidates)
            self.error("FLOW201", span, f"unknown workflow '{name}'",
                       hint=f"did you mean '{near}'?" if near else
                       "define it in this file, `import` its file, or declare `machine NAME arn \"...\"`")
            return
        res = ctx.resources.get(name)
        if res is None:
            candidates = [r.name for r in ctx.resources.values() if r.kind == kind]
            near = did_you_mean(name, candidates)
            self.error("FLOW201", span, f"unknown {kind} '{name}'",
                       hint=f"did you mean '{near}'?" if near else f"declare it: `{kind} {name} ...`")
            return
        if res.kind != kind:
            self.error("FLOW206", span, f"'{name}' is a {res.kind}, but `{action.integration}` needs a {kind}")

    def lower_pass(self, step, action, state, opts, ctx, states, follow, follow_span, ql):
        if (o := self.one(opts, "with")) is not None:
            state.payload = self.value(o.value)
            state.spans["payload"] = o.span
        if (o := self.one(opts, "value")) is not None:
            state.result = self.value(o.value)
            state.spans["result"] = o.span

    def lower_wait(self, step, action: ast.WaitAction, state, opts, ctx, states, follow, follow_span, ql):
        v = action.value
        if isinstance(v, ast.Duration):
            if action.until:
                self.error("FLOW101", v.span, "`wait until` takes a timestamp, not a duration")
            state.wait_seconds = v.seconds
        elif isinstance(v, ast.LiteralValue) and isinstance(v.value, int) and not isinstance(v.value, bool):
            state.wait_seconds = v.value
        elif isinstance(v, ast.LiteralValue) and isinstance(v.value, str) and action.until:
            state.wait_timestamp = v
        elif isinstance(v, (ast.PathValue, ast.JsonataValue)):
            if action.until:
                state.wait_timestamp = v
            else:
                state.wait_seconds = v
        else:
            self.error("FLOW101", v.span, "`wait` takes a duration, a JSONPath or JSONata; "
                                          "`wait until` takes a timestamp string, JSONPath or JSONata")
        state.spans["wait"] = v.span

    def lower_succeed(self, step, action, state, opts, ctx, states, follow, follow_span, ql):
        pass

    def lower_fail(self, step, action: ast.FailAction, state, opts, ctx, states, follow, follow_span, ql):
        state.error = action.error
        state.cause = self.value(action.cause) if action.cause is not None else None
        if action.error is not None:
            state.spans["error"] = action.error.span
        if action.cause is not None:
            state.spans["cause"] = action.cause.span

    def lower_choice(self, step, action: ast.ChooseAction, state, opts, ctx, states, follow, follow_span, ql):
        for branch in action.branches:
            entry, espan = self.lower_block(branch.body, follow, follow_span, ctx, states, f"step '{step.name}'")
            if entry is END:
                self.error("FLOW207", branch.span,
                           f"this branch of '{step.name}' reaches the end of the block with no step to run",
                           hint="ASL cannot end a workflow from a Choice: add a step (e.g. `Done: succeed`)")
                continue
            bopts = {o.name: o for o in branch.options}
            comment = bopts.get("comment")
            state.choices.append(ir.ChoiceRule(
                condition=branch.condition, next=entry, span=branch.span, next_span=espan or branch.span,
                assign=self.value(bopts["assign"].value) if "assign" in bopts else None,
                output=self.value(bopts["output"].value) if "output" in bopts else None,
                comment=getattr(self.value(comment.value), "value", None) if comment else None))
        if action.default is not None:
            entry, espan = self.lower_block(action.default, follow, follow_span, ctx, states, f"step '{step.name}'")
            if entry is END:
                self.error("FLOW207", action.default_span or step.name_span,
                           f"the `else` of '{step.name}' reaches the end of the block with no step to run",
                           hint="add a step (e.g. `Done: succeed`)")
            state.default = entry
            if espan is not None:
                state.spans["default"] = espan
        elif not action.no_match_error:
            if follow is END:
                self.error("FLOW207", step.name_span,
                           f"'{step.name}' is the last step of its block and has no `else`: when no branch "
                           "matches there is no step to continue to",
                           hint="add `else` with a step (e.g. `Done: succeed`), or `else raise "
                                "States.NoChoiceMatched` to fail when nothing matches")
            else:
                state.default = follow
                if follow_span is not None:
                    state.spans["default"] = follow_span

    def lower_parallel(self, step, action: ast.ParallelAction, state, opts, ctx, states, follow, follow_span, ql):
        self.dataflow_payload(state, opts)
        for i, body in enumerate(action.branches):
            sub: dict[str, ir.State] = {}
            entry, _ = self.lower_block(body, END, None, ctx, sub, f"branch {i + 1} of '{step.name}'")
            state.branches.append(ir.Graph(start_at=entry or "", states=sub))

    def dataflow_payload(self, state: ir.State, opts) -> None:
        if (o := self.one(opts, "with")) is not None:
            state.payload = self.value(o.value)
            state.spans["payload"] = o.span

    def lower_map(self, step, action: ast.MapAction, state, opts, ctx, states, follow, follow_span, ql):
        sub: dict[str, ir.State] = {}
        if not action.body:
            self.error("FLOW103", step.name_span, f"map step '{step.name}' has no steps in its `do` block")
        entry, _ = self.lower_block(action.body, END, None, ctx, sub, f"the `do` block of '{step.name}'")
        spec = ir.MapSpec(processor=ir.Graph(start_at=entry or "", states=sub), distributed=action.distributed,
                          items=action.items)
        if action.items is not None:
            state.spans["items"] = action.items.span
        selector = self.value(o.value) if (o := self.one(opts, "with")) is not None else None
        if o is not None:
            state.spans["item_selector"] = o.span
        if action.item_var is not None:
            selector = self.item_selector(action, selector, ql)
            state.spans.setdefault("item_selector", action.item_var.span)
        spec.item_selector = selector
        if (o := self.one(opts, "concurrency")) is not None:
            spec.max_concurrency = self.value(o.value)
            state.spans["max_concurrency"] = o.span
        for name, field in (("tolerate_percent", "tolerated_percentage"), ("tolerate_count", "tolerated_count")):
            if (o := self.one(opts, name)) is not None:
                setattr(spec, field, self.value(o.value))
                state.spans[field] = o.span
        if (o := self.one(opts, "label")) is not None:
            v = self.value(o.value)
            spec.label = v.value if isinstance(v, ast.LiteralValue) else None
            state.spans["label"] = o.span
        if (o := self.one(opts, "execution")) is not None:
            name = o.value.name if isinstance(o.value, ast.NameRef) else getattr(o.value, "value", "")
            mapped = {"standard": "STANDARD", "express": "EXPRESS"}.get(str(name).lower())
            if mapped is None:
                self.error("FLOW101", o.span, "'execution' takes standard or express")
            else:
                spec.execution_type = mapped
                state.spans["execution_type"] = o.span
        for name, field in (("reader", "reader"), ("batch", "batcher"), ("writer", "writer")):
            if (o := self.one(opts, name)) is not None:
                setattr(spec, field, self.value(o.value))
                state.spans[field] = o.span
        distributed_only = [n for n in ("label", "execution_type", "reader", "batcher", "writer",
                                        "tolerated_percentage", "tolerated_count") if n in state.spans]
        if distributed_only and not action.distributed:
            first = distributed_only[0]
            # ToleratedFailureCount/Percentage are Distributed Map fields: an inline Map fails on its first
            # failed iteration whatever they say (Map state guide, "Distributed Map state" fields).
            what = "tolerate" if first.startswith("tolerated") else first
            self.error("FLOW102", state.spans[first], f"'{what}' only applies to `map distributed`",
                       hint="an inline map fails on its first failed iteration: write `map distributed` to "
                            "tolerate failures" if what == "tolerate" else None)
            spec.tolerated_percentage = spec.tolerated_count = None  # reported once, here (not again as FLOW112)
        state.map = spec

    def item_selector(self, action: ast.MapAction, selector: Any, ql: str) -> Any:
        var = action.item_var
        span = var.span
        if ql == "JSONata":
            make = lambda text: ast.JsonataValue(span=span, text="{% " + text + " %}")  # noqa: E731
            items = [ast.ObjectItem(key=var.name, key_span=span, value=make("$states.context.Map.Item.Value"))]
            if action.index_var is not None:
                items.append(ast.ObjectItem(key=action.index_var.name, key_span=action.index_var.span,
                                            value=make("$states.context.Map.Item.Index")))
        else:
            items = [ast.ObjectItem(key=var.name, key_span=span,
                                    value=ast.PathValue(span=span, text="$$.Map.Item.Value"))]
            if action.index_var is not None:
                items.append(ast.ObjectItem(key=action.index_var.name, key_span=action.index_var.span,
                                            value=ast.PathValue(span=span, text="$$.Map.Item.Index")))
        if selector is not None:
            if not isinstance(selector, ast.ObjectValue):
                self.error("FLOW101", selector.span, "with `as NAME`, `with` must be an object (its keys are added "
                                                     "next to NAME)")
                return ast.ObjectValue(span=span, items=items)
            names = {i.key for i in items}
            for item in selector.items:
                if item.key in names:
                    self.error("FLOW202", item.key_span, f"'{item.key}' is already the map item variable")
            items = items + list(selector.items)
        return ast.ObjectValue(span=span, items=items)


def lower(modules: list[ast.Module]) -> tuple[ir.Program, list[Diagnostic]]:
    lowering = Lowering(modules)
    program = lowering.run()
    return program, lowering.diagnostics
