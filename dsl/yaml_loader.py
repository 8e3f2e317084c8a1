"""`.flow.yaml` -> the same AST the `.flow` parser builds.

The YAML twin is for teams whose tooling speaks YAML. Every construct maps 1:1
onto the text form: step kinds and options keep their `.flow` names, and scalar
strings that look like expressions (``$...``, ``{% %}``, ``States.X(...)``,
``N(...)``) are parsed with the `.flow` grammar itself so both forms agree.
Write ``!lit "$5"`` for a literal string that starts with ``$``.
"""

from __future__ import annotations

import re
from typing import Any

from flowc.dsl import ast
from flowc.dsl.diagnostics import SOURCES, Diagnostic, FlowError, Span
from flowc.dsl.durations import parse_duration
from flowc.dsl.limits import MAX_DEPTH, depth_message
from pydantic import ValidationError

_DURATION = re.compile(r"^\d+[smhd](\d+[smhd])*$")
# what `!ref` names: a resource, or one of its attributes (the `.flow` grammar's NAME / DOTTED_NAME)
_REF = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z_][A-Za-z0-9_\-]*)*$")
_EXPR_START = re.compile(r"^(\$|\{%|States\.[A-Za-z0-9]+\(|(SS|NS|BS|S|N|B|BOOL|NULL|M|L)\()")
_RESOURCE_KINDS = ("function", "table", "topic", "queue", "bus", "activity", "bucket", "machine")
_SETTINGS = ("doc", "type", "query", "timeout", "version", "logging", "tracing")
_SIMPLE_ACTIONS = ("succeed", "pass", "choose", "parallel")
_TASK_KEYS = ("invoke", "start", "call", "activity")
_STEP_KEYS_NOT_OPTIONS = {"mode", "then", "cases", "do", "as", "distributed", "until"}


class Literal:
    """Marker for a `!lit` tagged scalar: always a literal string."""

    def __init__(self, value: str):
        self.value = value


class Ref:
    """Marker for a `!ref Name` / `!ref Name.arn` tagged scalar: a declared resource named in a value."""

    def __init__(self, value: str):
        self.value = value


_MISSING = object()


class _Loader:
    def __init__(self, file: str, text: str):
        self.file = file
        self.text = text
        self.diagnostics: list[Diagnostic] = []

    # -- spans ------------------------------------------------------------------
    def at(self, line0: int, col0: int, width: int = 1) -> Span:
        return Span(self.file, line0 + 1, col0 + 1, line0 + 1, col0 + 1 + width)

    def key_span(self, mapping: Any, key: Any) -> Span:
        try:
            line, col = mapping.lc.key(key)
            return self.at(line, col, len(str(key)))
        except (AttributeError, KeyError, TypeError):
            return self.node_span(mapping)

    def value_span(self, mapping: Any, key: Any) -> Span:
        try:
            line, col = mapping.lc.value(key)
            value = mapping[key]
            width = len(str(value)) if isinstance(value, (str, int, float)) else 1
            return self.at(line, col, width)
        except (AttributeError, KeyError, TypeError):
            return self.key_span(mapping, key)

    def item_span(self, seq: Any, index: int) -> Span:
        try:
            line, col = seq.lc.item(index)
            value = seq[index]
            width = len(str(value)) if isinstance(value, (str, int, float)) else 1
            return self.at(line, col, width)
        except (AttributeError, KeyError, TypeError, IndexError):
            return self.node_span(seq)

    def node_span(self, node: Any) -> Span:
        try:
            return self.at(node.lc.line, node.lc.col)
        except AttributeError:
            return Span.unknown(self.file)

    def error(self, span: Span, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic("FLOW100", message, span, hint=hint))

    # -- the document models ---------------------------------------------------------
    def check_model(self, data: Any) -> None:
        """Validate the document with `dsl.yaml_model` (the schema `flowc schema` prints): a file the loader
        accepts is valid against it. Each pydantic error becomes a located diagnostic: an unknown key FLOW102,
        a missing one FLOW103, a value of the wrong kind FLOW101 (several errors at one place, one message)."""
        from flowc.dsl.yaml_model import validate_document

        try:
            validate_document(plain(data))
        except ValidationError as exc:
            self.diagnostics.extend(self.model_diagnostics(data, exc.errors(include_url=False)))

    def walk(self, data: Any, loc: tuple) -> tuple[Any, Any, str | None]:
        """Follow an error's `loc` in the YAML tree: (holder, key or index, name of the last key) of the node
        it points at. Parts that are not in the tree (union tags, a missing key) are skipped."""
        holder: Any = None
        key: Any = None
        name: str | None = None
        node = data
        for part in loc:
            if isinstance(node, dict):
                match = next((k for k in node if str(k) == str(part)), _MISSING)
                if match is _MISSING:
                    continue
                holder, key, name, node = node, match, str(match), node[match]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                holder, key, node = node, part, node[part]
            elif not isinstance(node, (dict, list)):
                break
        return holder, key, name

    def place(self, holder: Any, key: Any, *, at_key: bool = False) -> Span:
        if holder is None:
            return Span(self.file, 1, 1, 1, 2)
        if isinstance(holder, list):
            return self.item_span(holder, key)
        return self.key_span(holder, key) if at_key else self.value_span(holder, key)

    def model_diagnostics(self, data: Any, errors: list) -> list[Diagnostic]:
        from flowc.dsl.diagnostics import did_you_mean
        from flowc.dsl.yaml_model import field_names

        out: list[Diagnostic] = []
        wrong: dict[tuple, tuple[Span, str | None, list[str]]] = {}  # place -> (span, key, what it takes)
        ruled: set[tuple] = set()  # places a model rule (value_error) spoke about: its words alone
        for err in errors:
            loc = tuple(err["loc"])
            if err["type"] == "extra_forbidden":
                holder, key, _ = self.walk(data, loc)
                near = did_you_mean(str(loc[-1]), field_names())
                where = self.place(holder, key, at_key=True)
                if near == str(loc[-1]):  # a key of another kind of step, resource or trigger
                    out.append(Diagnostic("FLOW102", f"'{loc[-1]}' is not valid here", where))
                else:
                    out.append(Diagnostic("FLOW102", f"unknown key '{loc[-1]}'", where,
                                          hint=f"did you mean '{near}'?" if near else None))
            elif err["type"] == "missing":
                holder, key, _ = self.walk(data, loc[:-1])
                out.append(Diagnostic("FLOW103", f"missing `{loc[-1]}`", self.place(holder, key, at_key=True)))
            elif err["type"] == "value_error":  # a rule of a model (one step kind, `then` or `goto`): its words
                holder, key, _ = self.walk(data, loc)
                span = self.place(holder, key)
                wrong[span._key()] = (span, None, [err["msg"].removeprefix("Value error, ")])
                ruled.add(span._key())
            else:  # a union fails once per member: one message listing what the value may be
                holder, key, name = self.walk(data, loc)
                span = self.place(holder, key)
                if span._key() not in ruled:
                    wrong.setdefault(span._key(), (span, name, []))[2].append(_expected(err))
        for place, (span, name, phrases) in wrong.items():
            unique = list(dict.fromkeys(phrases))
            if place in ruled or name is None:
                text = unique[0] if place in ruled else "expected " + ", or ".join(unique)
            else:
                text = f"'{name}' takes " + ", or ".join(unique)
            out.append(Diagnostic("FLOW101", text, span))
        return out

    # -- values -----------------------------------------------------------------
    def value(self, raw: Any, span: Span, depth: int = 1) -> Any:
        """A YAML node -> AST value (Literal/Path/Intrinsic/JSONata/Typed/Object/Array/Ref)."""
        if depth > MAX_DEPTH and isinstance(raw, (dict, list)):
            self.error(span, depth_message())
            return ast.LiteralValue(span=span, value=None)
        if isinstance(raw, Literal):
            return ast.LiteralValue(span=span, value=raw.value)
        if isinstance(raw, Ref):
            if not _REF.match(raw.value.strip()):
                self.error(span, f"`!ref` names a declared resource or one of its attributes, not {raw.value!r}",
                           hint="e.g. `!ref Alerts` or `!ref Alerts.arn`")
                return ast.LiteralValue(span=span, value=None)
            name, _, attribute = raw.value.strip().partition(".")
            return ast.RefValue(span=span, name=name, attribute=attribute or None)
        if isinstance(raw, dict):
            items = []
            for key in raw:
                items.append(ast.ObjectItem(key=str(key), key_span=self.key_span(raw, key),
                                            value=self.value(raw[key], self.value_span(raw, key), depth + 1)))
            return ast.ObjectValue(span=span, items=items)
        if isinstance(raw, list):
            return ast.ArrayValue(span=span, items=[self.value(v, self.item_span(raw, i), depth + 1)
                                                    for i, v in enumerate(raw)])
        if isinstance(raw, str) and _EXPR_START.match(raw):
            return self.expression(raw, span)
        if isinstance(raw, bool) or raw is None or isinstance(raw, (int, float)):
            return ast.LiteralValue(span=span, value=raw)
        return ast.LiteralValue(span=span, value=str(raw))

    def expression(self, text: str, span: Span) -> Any:
        from flowc.dsl.fragments import parse_fragment

        try:
            node = parse_fragment(text, "value", span)
        except FlowError as err:
            for d in err.diagnostics:
                self.error(span, f"in expression {text!r}: {d.message}")
            return ast.LiteralValue(span=span, value=text)
        return node

    def option_value(self, raw: Any, span: Span) -> Any:
        """Option values also admit durations and bare names (like `.flow` does)."""
        if isinstance(raw, str) and _DURATION.match(raw):
            return ast.Duration(span=span, seconds=parse_duration(raw))
        if isinstance(raw, str) and re.match(r"^[A-Za-z_][A-Za-z0-9_\-]*$", raw) and raw not in ("true", "false"):
            return ast.NameRef(span=span, name=raw)
        return self.value(raw, span)

    def literal_string(self, raw: Any, span: Span) -> ast.LiteralValue:
        return ast.LiteralValue(span=span, value=raw.value if isinstance(raw, Literal) else raw)

    # -- top level ----------------------------------------------------------------
    def module(self, data: Any) -> ast.Module:
        module = ast.Module(span=Span(self.file, 1, 1, 1, 1), file=self.file)
        if not isinstance(data, dict):
            self.error(Span(self.file, 1, 1, 1, 2), "a .flow.yaml file must be a mapping with `workflow:` or "
                                                      "`workflows:`")
            return module
        if "workflow" in data:
            module.workflows.append(self.workflow(data, self.node_span(data)))
            extra = set(data) - {"workflow", "imports", *_SETTINGS, "resources", "triggers", "steps"}
            for key in extra:
                self.error(self.key_span(data, key), f"unknown workflow key '{key}'")
            module.imports = self.imports(data)
            return module
        for key in data:
            if key not in ("imports", "resources", "workflows"):
                self.error(self.key_span(data, key), f"unknown top-level key '{key}'",
                           hint="expected imports, resources, workflows (or a single `workflow:`)")
        module.imports = self.imports(data)
        module.resources = self.resources(data.get("resources") or [], data, "resources")
        workflows = data.get("workflows") or []
        if not isinstance(workflows, list):
            self.error(self.value_span(data, "workflows"), "`workflows` must be a list")
            workflows = []
        for i, wf in enumerate(workflows):
            if not isinstance(wf, dict) or "workflow" not in wf:
                self.error(self.item_span(workflows, i), "each entry of `workflows` needs a `workflow:` name")
                continue
            module.workflows.append(self.workflow(wf, self.node_span(wf)))
        return module

    def imports(self, data: dict) -> list[ast.Import]:
        raw = data.get("imports") or []
        if not isinstance(raw, list):
            raw = [raw]
        return [ast.Import(span=self.item_span(raw, i), path=str(p)) for i, p in enumerate(raw)]

    def workflow(self, data: dict, span: Span) -> ast.Workflow:
        name_span = self.value_span(data, "workflow")
        wf = ast.Workflow(span=name_span, name=str(data["workflow"]), name_span=name_span)
        for key in data:
            kspan = self.key_span(data, key)
            if key in _SETTINGS:
                raw = data[key]
                values = raw if isinstance(raw, list) else [raw]
                args = []
                for v in values:
                    vspan = self.value_span(data, key)
                    if isinstance(v, str) and _DURATION.match(v):
                        args.append(ast.Duration(span=vspan, seconds=parse_duration(v)))
                    elif isinstance(v, bool):
                        args.append(ast.NameRef(span=vspan, name="on" if v else "off"))
                    elif isinstance(v, str) and key in ("doc", "version"):
                        args.append(ast.LiteralValue(span=vspan, value=v))
                    elif isinstance(v, str):
                        args.append(ast.NameRef(span=vspan, name=v))
                    else:  # a number, null, or a mapping/list the lowering reports as the wrong kind of value
                        args.append(self.value(v, vspan))
                wf.settings.append(ast.Setting(span=kspan, name=key, value=args))
        wf.resources = self.resources(data.get("resources") or [], data, "resources")
        wf.triggers = self.triggers(data.get("triggers") or [], data)
        steps = data.get("steps")
        if steps is None:
            self.error(name_span, f"workflow '{wf.name}' has no `steps:`")
            steps = []
        wf.body = self.block(steps, data, "steps")
        return wf

    def resources(self, raw: Any, parent: Any, key: str) -> list[ast.ResourceDecl]:
        if not isinstance(raw, list):
            self.error(self.value_span(parent, key), "`resources` must be a list of declarations")
            return []
        out = []
        for i, item in enumerate(raw):
            ispan = self.item_span(raw, i)
            if not isinstance(item, dict):
                self.error(ispan, "a resource is a mapping such as `{table: Members, key: id}`")
                continue
            kinds = [k for k in item if k in _RESOURCE_KINDS]
            if len(kinds) != 1:
                self.error(ispan, "a resource needs exactly one of: " + ", ".join(_RESOURCE_KINDS))
                continue
            kind = kinds[0]
            props = []
            for k in item:
                if k == kind:
                    continue
                v = item[k]
                vspan = self.value_span(item, k)
                if v is True and k == "fifo":
                    value = None
                elif isinstance(v, (dict, list)):
                    value = self.value(v, vspan)
                elif isinstance(v, str) and _DURATION.match(v):
                    value = ast.Duration(span=vspan, seconds=parse_duration(v))
                elif isinstance(v, str) and k in ("key", "sort", "key_type", "sort_type"):
                    value = ast.NameRef(span=vspan, name=v)
                else:  # a scalar, or a list the lowering reports as the wrong kind of value
                    value = self.value(v, vspan)
                props.append(ast.Option(span=self.key_span(item, k), name=str(k), value=value))
            out.append(ast.ResourceDecl(span=self.key_span(item, kind), kind=kind, name=str(item[kind]),
                                        name_span=self.value_span(item, kind), props=props))
        return out

    def triggers(self, raw: Any, parent: Any) -> list[ast.Trigger]:
        if not isinstance(raw, list):
            self.error(self.value_span(parent, "triggers"), "`triggers` must be a list")
            return []
        out = []
        for i, item in enumerate(raw):
            ispan = self.item_span(raw, i)
            kinds = [k for k in item if k in ("http", "schedule", "event")] if isinstance(item, dict) else []
            if len(kinds) != 1:
                self.error(ispan, "a trigger is one of `http: POST /path`, `schedule: rate(...)`, `event: {...}`")
                continue
            kind = kinds[0]
            vspan = self.value_span(item, kind)
            head = item[kind]
            props: list[ast.Option] = []
            if kind == "http":
                parts = str(head).split(None, 1)
                if len(parts) != 2:
                    self.error(vspan, "an http trigger is written `http: METHOD /path`")
                    continue
                props.append(ast.Option(span=vspan, name="", value=ast.NameRef(span=vspan, name=parts[0])))
                props.append(ast.Option(span=vspan, name="", value=ast.LiteralValue(span=vspan, value=parts[1])))
            else:
                props.append(ast.Option(span=vspan, name="", value=self.value(head, vspan)))
            for k in item:
                if k == kind:
                    continue
                if k == "public" and item[k] is True:  # `.flow`'s bare word `public`
                    kspan = self.key_span(item, k)
                    props.append(ast.Option(span=kspan, name="", value=ast.NameRef(span=kspan, name="public")))
                    continue
                props.append(ast.Option(span=self.key_span(item, k), name=str(k),
                                        value=self.option_value(item[k], self.value_span(item, k))))
            out.append(ast.Trigger(span=self.key_span(item, kind), kind=kind, props=props))
        return out

    # -- statements -----------------------------------------------------------------
    def block(self, raw: Any, parent: Any, key: Any) -> list:
        if not isinstance(raw, list):
            self.error(self.value_span(parent, key) if parent is not None else Span.unknown(self.file),
                       "expected a list of steps")
            return []
        out = []
        for i, item in enumerate(raw):
            ispan = self.item_span(raw, i)
            if item == "end":
                out.append(ast.Goto(span=ispan, target=None))
                continue
            if isinstance(item, dict) and len(item) == 1 and "goto" in item:
                target = ast.NameRef(span=self.value_span(item, "goto"), name=str(item["goto"]))
                out.append(ast.Goto(span=self.key_span(item, "goto"), target=target))
                continue
            if not isinstance(item, dict) or len(item) != 1:
                self.error(ispan, "a step is a one-key mapping `- StepName: {...}` (or `- goto: Step`)")
                continue
            (name,) = item.keys()
            step = self.step(str(name), item[name], item)
            if step is not None:
                out.append(step)
        return out

    def step(self, name: str, body: Any, holder: dict) -> ast.Step | None:
        name_span = self.key_span(holder, name)
        if isinstance(body, str):
            body = {body: None}
        if not isinstance(body, dict):
            self.error(name_span, f"step '{name}' must be a mapping of its kind and options")
            return None
        kinds = [k for k in body if k in _TASK_KEYS or k in _SIMPLE_ACTIONS or k in
                 ("wait", "wait_until", "fail", "switch", "map") or "." in str(k)]
        if len(kinds) != 1:
            self.error(name_span, f"step '{name}' needs exactly one kind (invoke, pass, choose, map, ...); "
                                  f"found {', '.join(map(str, kinds)) or 'none'}")
            return None
        kind = kinds[0]
        kspan = self.key_span(body, kind)
        vspan = self.value_span(body, kind)
        head = body[kind]
        action: Any
        if kind in _TASK_KEYS or "." in kind:
            target = resource = None
            if kind == "call":
                resource = str(head)
            elif head is not None:
                target = ast.NameRef(span=vspan, name=str(head))
            mode = body.get("mode")
            action = ast.TaskAction(span=kspan if head is None else vspan,
                                    integration=kind, target=target, resource=resource,
                                    mode=str(mode) if mode is not None else None)
        elif kind == "pass":
            action = ast.PassAction(span=kspan)
        elif kind == "succeed":
            action = ast.SucceedAction(span=name_span)
        elif kind in ("wait", "wait_until"):
            action = ast.WaitAction(span=vspan, until=kind == "wait_until", value=self.wait_value(head, vspan))
        elif kind == "fail":
            error = None if head is None else self.value(head, vspan)
            cause = body.get("cause")
            action = ast.FailAction(span=kspan, error=error,
                                    cause=None if cause is None else self.value(cause, self.value_span(body, "cause")))
        elif kind == "choose":
            action = self.choose(head, body, kspan)
        elif kind == "switch":
            action = self.switch(head, body, kspan, vspan)
        elif kind == "parallel":
            branches = []
            if not isinstance(head, list) or not head:
                self.error(vspan, "`parallel:` takes a list of branches, each a list of steps")
                head = []
            for i, branch in enumerate(head):
                branches.append(self.block(branch, head, i) if isinstance(branch, list) else self.block(
                    branch, None, None))
            action = ast.ParallelAction(span=kspan, branches=branches)
        else:  # map
            items = None if head is None else self.value(head, vspan)
            names = body.get("as")
            name_list = names if isinstance(names, list) else ([names] if names is not None else [])
            refs = [ast.NameRef(span=self.value_span(body, "as"), name=str(n)) for n in name_list]
            action = ast.MapAction(span=kspan, distributed=bool(body.get("distributed", False)), items=items,
                                   item_var=refs[0] if refs else None,
                                   index_var=refs[1] if len(refs) > 1 else None,
                                   body=self.block(body.get("do") or [], body, "do"))
            if "do" not in body:
                self.error(kspan, f"map step '{name}' needs a `do:` list of steps")
        options = []
        skip = {kind, *_STEP_KEYS_NOT_OPTIONS}
        if kind == "fail":
            skip.add("cause")
        if kind == "switch":
            skip.add("cases")
        for key in body:
            if key in skip:
                continue
            options.extend(self.options(str(key), body[key], body))
        return ast.Step(span=name_span, name=name, name_span=name_span, action=action, options=options)

    def wait_value(self, head: Any, span: Span) -> Any:
        if isinstance(head, int) and not isinstance(head, bool):
            return ast.Duration(span=span, seconds=head)
        if isinstance(head, str) and _DURATION.match(head):
            return ast.Duration(span=span, seconds=parse_duration(head))
        return self.value(head, span)

    def options(self, key: str, raw: Any, holder: dict) -> list[ast.Option]:
        kspan = self.key_span(holder, key)
        vspan = self.value_span(holder, key)
        if key == "retry":
            entries = raw if isinstance(raw, list) else [raw]
            return [self.retry(e, entries, i) for i, e in enumerate(entries) if e is not None]
        if key == "catch":
            entries = raw if isinstance(raw, list) else [raw]
            return [c for i, e in enumerate(entries) if (c := self.catch(e, entries, i)) is not None]
        if key == "tolerate":
            if isinstance(raw, str) and raw.endswith("%"):
                num = raw[:-1].strip()
                value = float(num) if "." in num else int(num) if num.lstrip("-").isdigit() else None
                if value is None:
                    self.error(vspan, "`tolerate` takes a count, a percentage like 10%, or {count|percent: $.path}")
                    return []
                return [ast.Option(span=kspan, name="tolerate_percent", value=ast.LiteralValue(span=vspan, value=value))]
            if isinstance(raw, dict) and len(raw) == 1:
                (kind,) = raw.keys()
                return [ast.Option(span=kspan, name=f"tolerate_{kind}", value=self.value(raw[kind], vspan))]
            return [ast.Option(span=kspan, name="tolerate_count", value=self.value(raw, vspan))]
        return [ast.Option(span=kspan, name=key, value=self.option_value(raw, vspan))]

    def errors(self, raw: Any, holder: Any, key: str) -> list[ast.NameRef]:
        values = raw if isinstance(raw, list) else [raw]
        span = self.value_span(holder, key)
        return [ast.NameRef(span=self.item_span(values, i) if isinstance(raw, list) else span, name=str(v))
                for i, v in enumerate(values)]

    def retry(self, raw: Any, seq: list, index: int) -> ast.Option:
        span = self.item_span(seq, index)
        if not isinstance(raw, dict) or "errors" not in raw:
            self.error(span, "a retry needs `errors:`")
            return ast.Option(span=span, name="retry", value=ast.RetrySpec(span=span, errors=[]))
        kwargs: dict[str, Any] = {}
        for key in raw:
            v = raw[key]
            vspan = self.value_span(raw, key)
            if key == "errors":
                continue
            if key in ("interval", "max_delay"):
                secs = parse_duration(v) if isinstance(v, str) and _DURATION.match(v) else v
                if not isinstance(secs, int) or isinstance(secs, bool):
                    self.error(vspan, f"'{key}' takes a duration such as 2s or 1m")
                    continue
                kwargs[key] = ast.Duration(span=vspan, seconds=secs)
            elif key in ("attempts", "backoff", "jitter", "comment"):
                kwargs[key] = v
            else:
                self.error(self.key_span(raw, key), f"unknown retry field '{key}'",
                           hint="expected errors, interval, attempts, backoff, max_delay, jitter, comment")
        try:
            spec = ast.validated(ast.RetrySpec, span=span, errors=self.errors(raw["errors"], raw, "errors"), **kwargs)
        except ValidationError as exc:  # a field of the wrong type -> a diagnostic, never a traceback
            self.error(span, f"invalid retry: {_first_error(exc)}")
            spec = ast.RetrySpec(span=span, errors=self.errors(raw["errors"], raw, "errors"))
        return ast.Option(span=span, name="retry", value=spec)

    def catch(self, raw: Any, seq: list, index: int) -> ast.Option | None:
        span = self.item_span(seq, index)
        if not isinstance(raw, dict) or "errors" not in raw or "goto" not in raw:
            self.error(span, "a catch needs `errors:` and `goto:`")
            return None
        kwargs: dict[str, Any] = {}
        for key in raw:
            vspan = self.value_span(raw, key)
            if key in ("errors", "goto"):
                continue
            if key == "comment":
                kwargs["comment"] = str(raw[key])
            elif key in ("into", "output", "assign"):
                kwargs[key] = self.value(raw[key], vspan)
            else:
                self.error(self.key_span(raw, key), f"unknown catch field '{key}'",
                           hint="expected errors, into, output, assign, comment, goto")
        into = kwargs.get("into")
        if into is not None and not isinstance(into, ast.PathValue) and not (
                isinstance(into, ast.LiteralValue) and into.value is None):
            self.error(into.span, "'into' takes a JSONPath such as $.error, or null")
            kwargs.pop("into")
        target = ast.NameRef(span=self.value_span(raw, "goto"), name=str(raw["goto"]))
        spec = ast.CatchSpec(span=span, errors=self.errors(raw["errors"], raw, "errors"), target=target, **kwargs)
        return ast.Option(span=span, name="catch", value=spec)

    # -- choice ------------------------------------------------------------------------
    def condition(self, raw: Any, span: Span) -> Any:
        from flowc.dsl.fragments import parse_fragment

        if not isinstance(raw, str):
            self.error(span, "a condition is a string such as `$.x == 1` or `{% ... %}`")
            return ast.JsonataCondition(span=span, text="{% false %}")
        try:
            return parse_fragment(raw, "condition", span)
        except FlowError as err:
            for d in err.diagnostics:
                self.error(span, f"in condition {raw!r}: {d.message}")
            return ast.JsonataCondition(span=span, text="{% false %}")

    def branch_body(self, clause: dict, span: Span) -> list:
        if "goto" in clause:
            return [ast.Goto(span=self.key_span(clause, "goto"),
                             target=ast.NameRef(span=self.value_span(clause, "goto"), name=str(clause["goto"])))]
        if "then" not in clause:
            self.error(span, "a branch needs `then:` (a list of steps) or `goto:`")
            return []
        return self.block(clause["then"], clause, "then")

    def branch_options(self, clause: dict, keys: tuple[str, ...]) -> list[ast.Option]:
        out = []
        for key in ("assign", "output", "comment"):
            if key in clause:
                out.append(ast.Option(span=self.key_span(clause, key), name=key,
                                      value=self.value(clause[key], self.value_span(clause, key))))
        for key in clause:
            if key not in (*keys, "then", "goto", "assign", "output", "comment"):
                self.error(self.key_span(clause, key), f"unknown branch field '{key}'")
        return out

    def choose(self, raw: Any, body: dict, span: Span) -> ast.ChooseAction:
        branches = []
        default = None
        default_span = None
        no_match = False
        if not isinstance(raw, list):
            self.error(span, "`choose:` takes a list of `if`/`elif`/`else` clauses")
            raw = []
        for i, clause in enumerate(raw):
            cspan = self.item_span(raw, i)
            if not isinstance(clause, dict):
                self.error(cspan, "a choose clause is a mapping (`- if: ...`)")
                continue
            key = "if" if "if" in clause else "elif" if "elif" in clause else "else" if "else" in clause else None
            if key is None:
                self.error(cspan, "a choose clause starts with `if:`, `elif:` or `else:`")
                continue
            if key == "if" and i != 0:
                self.error(cspan, "a second `if` in one choose step; use `elif`")
            if key == "elif" and i == 0:
                self.error(cspan, "`elif` before any `if`")
            if key == "else":
                if i != len(raw) - 1:
                    self.error(cspan, "`else` must be the last clause")
                default_span = self.key_span(clause, "else")
                target = clause["else"]
                if target == "raise" or target == "raise States.NoChoiceMatched":
                    no_match = True
                elif isinstance(target, dict) and "goto" in target:
                    default = [ast.Goto(span=self.key_span(target, "goto"), target=ast.NameRef(
                        span=self.value_span(target, "goto"), name=str(target["goto"])))]
                else:
                    default = self.block(target, clause, "else")
                continue
            cond = self.condition(clause[key], self.value_span(clause, key))
            branches.append(ast.ChoiceBranch(span=self.key_span(clause, key), condition=cond,
                                             body=self.branch_body(clause, cspan),
                                             options=self.branch_options(clause, (key,))))
        return ast.ChooseAction(span=span, branches=branches, default=default, default_span=default_span,
                                no_match_error=no_match)

    def switch(self, head: Any, body: dict, span: Span, vspan: Span) -> ast.ChooseAction:
        variable = ast.PathValue(span=vspan, text=str(head))
        cases = body.get("cases") or []
        branches = []
        default = None
        default_span = None
        for i, clause in enumerate(cases):
            cspan = self.item_span(cases, i)
            if isinstance(clause, dict) and "default" in clause:
                default_span = cspan
                default = self.block(clause["default"], clause, "default")
                continue
            if not isinstance(clause, dict) or "case" not in clause:
                self.error(cspan, "a switch clause is `- case: value` (or a list of values) or `- default: [...]`")
                continue
            values = clause["case"] if isinstance(clause["case"], list) else [clause["case"]]
            tests = []
            for v in values:
                family = ("Boolean" if isinstance(v, bool) else "Numeric" if isinstance(v, (int, float))
                          else "String")
                tests.append(ast.Compare(span=cspan, variable=variable, op=family + "Equals",
                                         operand=ast.LiteralValue(span=cspan, value=v)))
            cond = tests[0] if len(tests) == 1 else ast.BoolOp(span=cspan, op="or", operands=tests)
            branches.append(ast.ChoiceBranch(span=cspan, condition=cond, body=self.branch_body(clause, cspan),
                                             options=self.branch_options(clause, ("case",))))
        return ast.ChooseAction(span=span, branches=branches, default=default, default_span=default_span)


_EXPECTED = {
    "string_type": "a string", "int_type": "a whole number", "float_type": "a number", "bool_type": "true or false",
    "none_type": "nothing (null)", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping", "list_type": "a list", "greater_than_equal": "0 or more",
}


def _expected(err: dict) -> str:
    """What a pydantic error says the value should have been, as a phrase (`a duration such as 30s ...`)."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "literal_error":
        return "one of " + str(ctx.get("expected", "")).replace("'", "")
    if kind == "flowc_pattern":
        return str(ctx.get("phrase"))
    return _EXPECTED.get(kind, err["msg"][0].lower() + err["msg"][1:])


def plain(raw: Any) -> Any:
    """The round-trip YAML tree as JSON-like data, which is what the models (and JSON Schema) read:
    `!lit`/`!ref` scalars are strings, keys are strings, other scalars (timestamps) their text."""
    if isinstance(raw, dict):
        return {str(k): plain(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [plain(v) for v in raw]
    if isinstance(raw, (Literal, Ref)):
        return raw.value
    if raw is None or isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        return str(raw)
    if type(raw).__name__ == "ScalarBoolean":  # ruamel's anchored `&a true` is an int subclass
        return bool(raw)
    if isinstance(raw, int):
        return int(raw)
    if isinstance(raw, float):
        return float(raw)
    return str(raw)


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(map(str, first.get('loc', ())))}: {first.get('msg')}"
    return str(exc)


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.constructor.add_constructor("!lit", lambda loader, node: Literal(loader.construct_scalar(node)))
    yaml.constructor.add_constructor("!ref", lambda loader, node: Ref(str(loader.construct_scalar(node))))
    return yaml


def load_data(text: str) -> Any:
    """A `.flow.yaml` text as the plain data the models and JSON Schema read (for tests and tools; the loader
    itself keeps the positioned tree)."""
    return plain(_yaml().load(text))


def reader_position(err: Exception, text: str) -> tuple[int, int]:
    """Where a YAML error happened, inside the text: its mark, or the character offset of a reader error
    (which has no mark); a mark past the end of the text is moved to the end."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    position = getattr(err, "position", None)
    if mark is not None:
        line, col = mark.line + 1, mark.column + 1
    elif isinstance(position, int) and 0 <= position <= len(text):
        head = text[:position]
        line, col = head.count("\n") + 1, position - (head.rfind("\n") + 1) + 1
    else:
        return 1, 1
    lines = text.split("\n")
    if line > len(lines):
        line, col = len(lines), len(lines[-1]) + 1
    return line, max(1, min(col, len(lines[line - 1].rstrip("\r")) + 1))


def parse_flow_yaml(text: str, file: str = "<input>") -> ast.Module:
    """Parse `.flow.yaml` source into the AST; FlowError with FLOW100 diagnostics on bad input."""
    from flowc.dsl.limits import LimitError
    from flowc.dsl.yaml_guard import blank_comments, check_yaml
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    SOURCES.add(file, text)
    try:
        check_yaml(text, scalar_keys=True)
    except LimitError as err:
        raise FlowError([Diagnostic(err.code, err.message, Span(file, err.line, err.col, err.line, err.col + 1))]
                        ) from None
    try:
        data = _yaml().load(blank_comments(text))
    except MarkedYAMLError as err:
        line, col = reader_position(err, text)
        message = (err.problem or "invalid YAML").strip()
        if "duplicate key" in message or "found duplicate key" in str(err):
            message = "duplicate key in mapping: " + (err.problem or "").split('"')[1] if '"' in (
                err.problem or "") else "duplicate key in mapping"
        raise FlowError([Diagnostic("FLOW100", f"YAML: {message}", Span(file, line, col, line, col + 1))]) from None
    except YAMLError as err:
        line, col = reader_position(err, text)
        raise FlowError([Diagnostic("FLOW100", f"YAML: {getattr(err, 'reason', None) or err}",
                                    Span(file, line, col, line, col + 1))]) from None
    except RecursionError:
        raise FlowError([Diagnostic("FLOW100", "nesting is too deep", Span.unknown(file))]) from None
    loader = _Loader(file, text)
    # The AST's nodes do not validate themselves (the `.flow` parser is their hot path): the tree YAML
    # built is converted and checked here, once, as pydantic models were at construction.
    module = ast.validate(loader.module(data))
    if not loader.diagnostics:  # the loader's own messages first; the models then hold it to the schema
        loader.check_model(data)
    if loader.diagnostics:
        raise FlowError(loader.diagnostics)
    return module
