"""ASL definition -> `.flow` AST (`flowc import`).

One converter per state type, each reading the fields it knows (a table of field -> option) and
reporting every other field as FLOW801 at that field: nothing is dropped silently. Task resources
become declared resources where the language has a step for them (a Lambda function ARN -> `function`
+ `invoke`, an activity ARN -> `activity`); every other resource, optimised integration or SDK call is a
`call` with its parameters as written, which compiles back to the same ASL. The block structure comes
from `layout.Layout`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flowc.compiler.importer import values as V
from flowc.compiler.importer.layout import Layout, Node
from flowc.dsl import ast
from flowc.dsl.diagnostics import Diagnostic, Severity, Span

SPAN = V.SPAN
STATES_ARN = "arn:aws:states:::"
_LAMBDA_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[^:]+:[^:]+:function:([^:]+)(?::[^:]+)?")
_ACTIVITY_ARN = re.compile(r"arn:aws[a-z-]*:states:[^:]+:[^:]+:activity:(.+)")
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")

# The data-flow fields every kind spells the same way: a path (or null) / a payload, and their option.
_PATH_OPTIONS = (("InputPath", "input"), ("OutputPath", "output"), ("ResultPath", "result"))
_PAYLOAD_OPTIONS = (("ResultSelector", "select"), ("Output", "output"), ("Assign", "assign"))
# The fields each state type may carry; any other is reported (FLOW801), never dropped silently.
_COMMON = {"Type", "Comment", "QueryLanguage"}
_IO = {"InputPath", "OutputPath", "Output", "Assign"}
_RESULT = {"ResultPath", "ResultSelector"}
_FLOW = {"Next", "End"}
_ERRORS = {"Retry", "Catch"}
FIELDS: dict[str, set[str]] = {
    "Task": {*_COMMON, *_IO, *_RESULT, *_FLOW, *_ERRORS, "Resource", "Parameters", "Arguments", "Credentials",
             "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath"},
    "Pass": {*_COMMON, *_IO, *_FLOW, "ResultPath", "Parameters", "Result"},
    "Choice": {*_COMMON, *_IO, "Choices", "Default"},
    "Wait": {*_COMMON, *_IO, *_FLOW, "Seconds", "SecondsPath", "Timestamp", "TimestampPath"},
    "Succeed": {*_COMMON, "InputPath", "OutputPath", "Output"},
    "Fail": {*_COMMON, "Error", "ErrorPath", "Cause", "CausePath"},
    "Parallel": {*_COMMON, *_IO, *_RESULT, *_FLOW, *_ERRORS, "Branches", "Parameters", "Arguments"},
    "Map": {*_COMMON, *_IO, *_RESULT, *_FLOW, *_ERRORS, "ItemProcessor", "Iterator", "ItemsPath", "Items",
            "ItemSelector", "Parameters", "ItemReader", "ItemBatcher", "ResultWriter", "MaxConcurrency",
            "MaxConcurrencyPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
            "ToleratedFailureCount", "ToleratedFailureCountPath", "Label"},
}
_KIND = {"Task": "task", "Pass": "pass", "Choice": "choice", "Wait": "wait", "Succeed": "succeed", "Fail": "fail",
         "Parallel": "parallel", "Map": "map"}
_TOP_FIELDS = {"StartAt", "States", "Comment", "TimeoutSeconds", "Version", "QueryLanguage"}
_COMPARISONS = {f"{family}{test}{path}" for family in ("String", "Numeric", "Timestamp")
                for test in ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
                for path in ("", "Path")} | {"BooleanEquals", "BooleanEqualsPath", "StringMatches", "IsNull",
                                             "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"}
_RULE_EXTRAS = {"Next", "Comment", "Assign", "Output"}


@dataclass
class Imported:
    module: ast.Module
    workflow: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    normalised: list[str] = field(default_factory=list)  # legacy spellings rewritten to their current names

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def _escape(name: Any) -> str:
    return str(name).replace("~", "~0").replace("/", "~1")


def workflow_name(text: str) -> str:
    """A NAME from a file stem or a template's logical id: `order-flow.asl` -> `OrderFlow`."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", text) if p]
    out = "".join(p[:1].upper() + p[1:] for p in parts) or "Imported"
    return out if out[0].isalpha() else "W" + out


def resource_name(text: str) -> str:
    out = re.sub(r"[^A-Za-z0-9_\-]+", "_", text).strip("_-") or "resource"
    return out if out[0].isalpha() or out[0] == "_" else "r_" + out


_PLACEHOLDERS = re.compile(r"\$\{([^}]+)\}")
# The resource kind a placeholder stands for, by the field it fills (others: a function, the usual case).
_PLACEHOLDER_KINDS = {"FunctionName": "function", "QueueUrl": "queue", "TopicArn": "topic", "TableName": "table",
                      "StateMachineArn": "machine", "Bucket": "bucket", "EventBusName": "bus",
                      "ActivityArn": "activity"}


class Converter:
    def __init__(self, file: str, name: str, *, workflow_type: str | None = None,
                 locate: Callable[[str], Span | None] | None = None,
                 taken: dict[str, tuple[str, str]] | None = None):
        self.file = file
        self.name = name
        self.workflow_type = workflow_type
        self.locate = locate or (lambda _p: None)
        self.diagnostics: list[Diagnostic] = []
        self.normalised: list[str] = []
        self.resources: dict[str, ast.ResourceDecl] = {}
        self._by_arn: dict[tuple[str, str], str] = {}
        # resource name -> (kind, ARN) across every workflow of one output file: one name, one resource
        self.taken = taken if taken is not None else {}

    # -- diagnostics -------------------------------------------------------------------------------
    def report(self, pointer: str, message: str, *, severity: Severity = Severity.ERROR, code: str = "FLOW801",
               hint: str | None = None) -> None:
        span = self.locate(pointer) or Span(self.file, 1, 1, 1, 1)
        self.diagnostics.append(Diagnostic(code, message, span, severity=severity, hint=hint))

    def cannot(self, ptr: str, state: str, fld: str, why: str) -> None:
        self.report(f"{ptr}/{_escape(fld)}", f"state '{state}': {fld} cannot be expressed in .flow ({why}); "
                                             "it is left out of the imported step",
                    hint="edit the ASL or the imported .flow by hand; `flowc import` checks the round trip")

    # -- entry ---------------------------------------------------------------------------------------
    def convert(self, definition: Any) -> Imported:
        wf = ast.Workflow(span=SPAN, name=self.name, name_span=SPAN)
        if not isinstance(definition, dict) or not isinstance(definition.get("States"), dict):
            self.report("", "not a state machine definition (no `States` object)", code="FLOW802")
            return Imported(ast.Module(span=SPAN, file=self.file, workflows=[wf]), self.name, self.diagnostics)
        ql = self.query_language(definition, "", "JSONPath")
        if isinstance(definition.get("Comment"), str):
            wf.settings.append(self.setting("doc", V.lit(definition["Comment"])))
        elif "Comment" in definition:
            self.report("/Comment", "the machine's Comment is not a string; left out")
        if isinstance(self.workflow_type, str) and self.workflow_type.upper() == "EXPRESS":
            wf.settings.append(self.setting("type", ast.NameRef(span=SPAN, name="express")))
        if ql == "JSONata":
            wf.settings.append(self.setting("query", ast.NameRef(span=SPAN, name="jsonata")))
        elif definition.get("QueryLanguage") == "JSONPath":
            self.normalise("QueryLanguage \"JSONPath\" at the top is the default: not written")
        if isinstance(definition.get("TimeoutSeconds"), int) and not isinstance(definition["TimeoutSeconds"], bool):
            wf.settings.append(self.setting("timeout", ast.Duration(span=SPAN, seconds=definition["TimeoutSeconds"])))
        elif "TimeoutSeconds" in definition:
            self.report("/TimeoutSeconds", "TimeoutSeconds must be a whole number of seconds")
        if isinstance(definition.get("Version"), str):
            wf.settings.append(self.setting("version", V.lit(definition["Version"])))
        for key in definition:
            if key not in _TOP_FIELDS:
                self.report(f"/{_escape(key)}", f"top-level field {key} cannot be expressed in .flow; left out")
        wf.body = self.graph(definition, "", ql)
        self.declare_placeholders(definition)
        wf.resources = list(self.resources.values())
        module = ast.Module(span=SPAN, file=self.file, workflows=[wf])
        return Imported(module, self.name, self.diagnostics, self.normalised)

    def query_language(self, holder: dict, ptr: str, outer: str) -> str:
        """A QueryLanguage field, checked (a bad value is reported and the enclosing one applies)."""
        ql = holder.get("QueryLanguage", outer)
        if ql in ("JSONPath", "JSONata"):
            return ql
        self.report(f"{ptr}/QueryLanguage", "QueryLanguage is JSONPath or JSONata", code="FLOW802")
        return outer

    def setting(self, name: str, value: Any) -> ast.Setting:
        return ast.Setting(span=SPAN, name=name, value=[value])

    def normalise(self, what: str) -> None:
        if what not in self.normalised:
            self.normalised.append(what)

    # -- graphs ----------------------------------------------------------------------------------------
    def graph(self, graph: dict, prefix: str, ql: str) -> list[Any]:
        states = graph.get("States")
        if not isinstance(states, dict) or not states:
            self.report(prefix or "", "a graph needs at least one state in `States`", code="FLOW802")
            return []
        start = graph.get("StartAt")
        if not isinstance(start, str) or start not in states:
            self.report(f"{prefix}/StartAt", f"StartAt names no state of this graph: {start!r}", code="FLOW802")
            start = next(iter(states))
        nodes: dict[str, Node] = {}
        for name, state in states.items():
            ptr = f"{prefix}/States/{_escape(name)}"
            if not isinstance(state, dict) or not isinstance(state.get("Type"), str) or state["Type"] not in FIELDS:
                self.report(ptr, f"state '{name}' has no known Type", code="FLOW802")
                continue
            nodes[name] = self.state(name, state, ptr, ql)
        if start not in nodes:
            return []
        return Layout(nodes, start).body()

    # -- states ----------------------------------------------------------------------------------------
    def state(self, name: str, s: dict, ptr: str, outer_ql: str) -> Node:
        type_ = s["Type"]
        kind = _KIND[type_]
        ql = self.query_language(s, ptr, outer_ql)
        for key in s:
            if key not in FIELDS[type_] and not (type_ == "Map" and key == "ProcessorConfig"):
                self.cannot(ptr, name, key, f"a {type_} state has no such field")
        opts: list[ast.Option] = []
        node = Node(step=None, kind=kind)  # type: ignore[arg-type]  # the step is built once its parts are
        action = getattr(self, "state_" + kind)(name, s, ptr, ql, opts, node)
        self.common(name, s, ptr, ql, opts, type_)
        # pydantic copies lists on validation: build the step last, and let the layout fill the action's blocks
        node.step = ast.Step(span=SPAN, name=name, name_span=SPAN, action=action, options=opts)
        if type_ not in ("Choice", "Succeed", "Fail"):
            if isinstance(s.get("Next"), str):
                node.next = s["Next"]
            elif s.get("End") is True:
                node.end = True
            else:
                self.report(ptr, f"state '{name}' has neither Next nor End: true", code="FLOW802")
                node.end = True
        for c in _list(s.get("Catch")):
            if isinstance(c, dict) and isinstance(c.get("Next"), str):
                node.catches.append(c["Next"])
        return node

    def option(self, opts: list[ast.Option], name: str, value: Any) -> None:
        opts.append(ast.Option(span=SPAN, name=name, value=value))

    def common(self, name: str, s: dict, ptr: str, ql: str, opts: list[ast.Option], type_: str) -> None:
        """The fields every kind spells the same way: comment, query, data flow, retry and catch."""
        head: list[ast.Option] = []
        if "Comment" in s:
            if isinstance(s["Comment"], str):
                self.option(head, "comment", V.lit(s["Comment"]))
            else:
                self.cannot(ptr, name, "Comment", "it is not a string")
        if s.get("QueryLanguage") in ("JSONPath", "JSONata"):
            self.option(head, "query", ast.NameRef(span=SPAN, name=s["QueryLanguage"].lower()))
        for fld, opt in _PATH_OPTIONS:
            if fld in s and fld in FIELDS[type_]:
                value = s[fld]
                node = V.lit(None) if value is None else V.path(value)
                if node is None:
                    self.cannot(ptr, name, fld, "the path is not one .flow token")
                else:
                    self.option(opts, opt, node)
        for fld, opt in _PAYLOAD_OPTIONS:
            if fld in s and fld in FIELDS[type_]:
                self.option(opts, opt, V.payload(s[fld], ql))
        if "Credentials" in s and type_ == "Task":
            self.option(opts, "credentials", V.payload(s["Credentials"], ql))
        for fld in ("Retry", "Catch"):
            if fld in s and not isinstance(s[fld], list):
                self.cannot(ptr, name, fld, "it is not a list")
        for i, r in enumerate(_list(s.get("Retry"))):
            spec = self.retry(name, r, f"{ptr}/Retry/{i}")
            if spec is not None:
                self.option(opts, "retry", spec)
        for i, c in enumerate(_list(s.get("Catch"))):
            spec_c = self.catch(name, c, f"{ptr}/Catch/{i}", ql)
            if spec_c is not None:
                self.option(opts, "catch", spec_c)
        opts[:0] = head

    def retry(self, state: str, r: Any, ptr: str) -> ast.RetrySpec | None:
        if not isinstance(r, dict) or not _string_list(r.get("ErrorEquals")):
            self.report(ptr, f"state '{state}': a Retry entry needs ErrorEquals (a list of names)")
            return None
        spec = ast.RetrySpec(span=SPAN, errors=[ast.NameRef(span=SPAN, name=e) for e in r["ErrorEquals"]])
        table = {"IntervalSeconds": ("interval", "duration"), "MaxAttempts": ("attempts", "int"),
                 "BackoffRate": ("backoff", "number"), "MaxDelaySeconds": ("max_delay", "duration"),
                 "JitterStrategy": ("jitter", "jitter"), "Comment": ("comment", "string")}
        for key, v in r.items():
            if key == "ErrorEquals":
                continue
            target = table.get(key)
            ok = target is not None and _fits(v, target[1])
            if not ok:
                self.cannot(ptr, state, key, "not a Retry field .flow knows, or a value it cannot hold")
                continue
            name, kind = target
            setattr(spec, name, ast.Duration(span=SPAN, seconds=v) if kind == "duration" else
                    v.lower() if kind == "jitter" else v)
        return spec

    def catch(self, state: str, c: Any, ptr: str, ql: str) -> ast.CatchSpec | None:
        if not isinstance(c, dict) or not _string_list(c.get("ErrorEquals")) or not isinstance(c.get("Next"), str):
            self.report(ptr, f"state '{state}': a Catch entry needs ErrorEquals and Next")
            return None
        spec = ast.CatchSpec(span=SPAN, errors=[ast.NameRef(span=SPAN, name=e) for e in c["ErrorEquals"]],
                             target=ast.NameRef(span=SPAN, name=c["Next"]))
        for key, v in c.items():
            if key in ("ErrorEquals", "Next"):
                continue
            if key == "ResultPath" and (v is None or V.path(v) is not None):
                spec.into = V.lit(None) if v is None else V.path(v)
            elif key == "Output":
                spec.output = V.payload(v, ql)
            elif key == "Assign":
                spec.assign = V.payload(v, ql)
            elif key == "Comment" and isinstance(v, str):
                spec.comment = v
            else:
                self.cannot(ptr, state, key, "not a Catch field .flow can hold")
        return spec

    # -- per kind --------------------------------------------------------------------------------------
    def state_task(self, name, s, ptr, ql, opts, node) -> ast.TaskAction:
        resource = s.get("Resource")
        if not isinstance(resource, str):
            self.report(f"{ptr}/Resource", f"state '{name}': a Task needs a Resource string", code="FLOW802")
            resource = ""
        action = self.task_action(resource, f"{ptr}/Resource")
        if action is None:
            self.cannot(ptr, name, "Resource", "neither an ARN nor a ${Placeholder}")
            action = ast.TaskAction(span=SPAN, integration="call", resource=resource)
        for fld in ("Parameters", "Arguments"):
            if fld in s:
                self.option(opts, "with", V.payload(s[fld], ql))
        for fld, opt in (("TimeoutSeconds", "timeout"), ("HeartbeatSeconds", "heartbeat")):
            self.seconds(name, s, ptr, ql, opts, fld, opt)
        return action

    def seconds(self, name, s, ptr, ql, opts, fld: str, opt: str) -> None:
        if fld in s:
            v = s[fld]
            if isinstance(v, int) and not isinstance(v, bool):
                self.option(opts, opt, ast.Duration(span=SPAN, seconds=v))
            elif (node := V.jsonata(v)) is not None:
                self.option(opts, opt, node)
            else:
                self.cannot(ptr, name, fld, "not a whole number of seconds")
        self.path_option(name, s, ptr, opts, fld, opt)

    def path_option(self, name: str, s: dict, ptr: str, opts: list[ast.Option], fld: str, opt: str) -> None:
        """`<fld>Path` (TimeoutSecondsPath, MaxConcurrencyPath, ...) as the option written with a path."""
        if fld + "Path" not in s:
            return
        node = V.path(s[fld + "Path"])
        if node is None:
            self.cannot(ptr, name, fld + "Path", "the path is not one .flow token")
        else:
            self.option(opts, opt, node)

    def task_action(self, resource: str, ptr: str = "") -> ast.TaskAction | None:
        """The step for a Task's Resource: a declared function or activity where there is one, else `call`."""
        if m := _LAMBDA_ARN.fullmatch(resource):
            return ast.TaskAction(span=SPAN, integration="invoke", target=self.declare("function", m.group(1), resource, ptr))
        if m := _ACTIVITY_ARN.fullmatch(resource):
            return ast.TaskAction(span=SPAN, integration="activity",
                                  target=self.declare("activity", m.group(1), resource, ptr))
        if m := _PLACEHOLDER.fullmatch(resource):
            kind = "activity" if "activity" in m.group(1).lower() else "function"
            base = m.group(1)
            for suffix in ("FunctionArn", "ActivityArn", "Arn"):
                if base.endswith(suffix) and len(base) > len(suffix):
                    base = base[: -len(suffix)]
                    break
            integration = "invoke" if kind == "function" else "activity"
            return ast.TaskAction(span=SPAN, integration=integration, target=self.declare(kind, base, resource, ptr))
        if not resource.startswith("arn:") and resource:
            # statelint accepts any URI; kept as a declared function whose "ARN" is the text as written
            self.report(ptr, f"Resource {resource!r} is not an ARN: imported as a function with that `arn`",
                        severity=Severity.INFO, code="FLOW804")
            return ast.TaskAction(span=SPAN, integration="invoke",
                                  target=self.declare("function", resource.rsplit(":", 1)[-1], resource, ptr))
        if resource.startswith("arn:"):
            short = resource[len(STATES_ARN):] if resource.startswith(STATES_ARN) else None
            from flowc.dsl.printer import _call_word

            if short and _call_word(short):
                return ast.TaskAction(span=SPAN, integration="call", resource=short)
            return ast.TaskAction(span=SPAN, integration="call", resource=resource)
        return None

    def declare_placeholders(self, definition: dict) -> None:
        """A `${Placeholder}` in a value (`FunctionName: "${ChargeFunctionArn}"`) stays as written, and is declared
        as the ARN of an external resource of the kind its field names, so the `.flow` says where every
        placeholder comes from (an undeclared one is an error: FLOW113)."""
        declared = {arn for _, arn in self._by_arn}
        stack: list[tuple[Any, str, str]] = [(definition, "", "")]
        while stack:
            node, key, ptr = stack.pop()
            if isinstance(node, dict):
                stack.extend((v, str(k), f"{ptr}/{_escape(k)}") for k, v in reversed(list(node.items())))
            elif isinstance(node, list):
                stack.extend((v, key, f"{ptr}/{i}") for i, v in reversed(list(enumerate(node))))
            elif isinstance(node, str) and "${" in node:
                for name in _PLACEHOLDERS.findall(node):
                    text = "${" + name + "}"
                    if name.startswith("AWS::") or any(text in arn for arn in declared):
                        continue
                    self.declare(_PLACEHOLDER_KINDS.get(key.removesuffix(".$"), "function"), name, text, ptr)
                    declared.add(text)

    def declare(self, kind: str, wanted: str, arn: str, ptr: str = "") -> ast.NameRef:
        """One resource per (kind, ARN); names stay unique across kinds (they share one namespace)."""
        known = self._by_arn.get((kind, arn))
        if known is None:
            base = resource_name(wanted)
            known, n = base, 2
            while known in self.resources or self.taken.get(known, (kind, arn)) != (kind, arn):
                known, n = f"{base}_{n}", n + 1
            self._by_arn[(kind, arn)] = known
            self.taken[known] = (kind, arn)
            if "${" in arn:
                self.report(ptr, f"{kind} '{known}' stands for the placeholder {arn}: flowc keeps it as the ARN "
                                "(the round trip substitutes it back); give the real ARN before deploying the "
                                "compiled template", severity=Severity.INFO, code="FLOW804")
            self.resources[known] = ast.ResourceDecl(
                span=SPAN, kind=kind, name=known, name_span=SPAN,
                props=[ast.Option(span=SPAN, name="arn", value=V.lit(arn))])
        return ast.NameRef(span=SPAN, name=known)

    def state_pass(self, name, s, ptr, ql, opts, node) -> ast.PassAction:
        if "Parameters" in s:
            self.option(opts, "with", V.payload(s["Parameters"], ql))
        if "Result" in s:
            self.option(opts, "value", V.literal(s["Result"]))
        return ast.PassAction(span=SPAN)

    def state_succeed(self, name, s, ptr, ql, opts, node) -> ast.SucceedAction:
        return ast.SucceedAction(span=SPAN)

    def state_wait(self, name, s, ptr, ql, opts, node) -> ast.WaitAction:
        for fld, until in (("Seconds", False), ("Timestamp", True)):
            if fld in s:
                v = s[fld]
                if fld == "Seconds" and isinstance(v, int) and not isinstance(v, bool):
                    return ast.WaitAction(span=SPAN, value=ast.Duration(span=SPAN, seconds=v))
                if (j := V.jsonata(v)) is not None:
                    return ast.WaitAction(span=SPAN, until=until, value=j)
                if fld == "Timestamp" and isinstance(v, str):
                    return ast.WaitAction(span=SPAN, until=True, value=V.lit(v))
                self.cannot(ptr, name, fld, "not a value `wait` can hold")
            if fld + "Path" in s:
                p = V.path(s[fld + "Path"])
                if p is not None:
                    return ast.WaitAction(span=SPAN, until=until, value=p)
                self.cannot(ptr, name, fld + "Path", "the path is not one .flow token")
        if not {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"} & set(s):
            self.report(ptr, f"state '{name}': a Wait needs Seconds, SecondsPath, Timestamp or TimestampPath",
                        code="FLOW802")
        return ast.WaitAction(span=SPAN, value=ast.Duration(span=SPAN, seconds=0))

    def state_fail(self, name, s, ptr, ql, opts, node) -> ast.FailAction:
        action = ast.FailAction(span=SPAN)
        for fld, attr in (("Error", "error"), ("Cause", "cause")):
            if fld in s:
                v = s[fld]
                node_v = V.jsonata(v) if ql == "JSONata" else None
                if node_v is None and isinstance(v, str):
                    node_v = V.lit(v)
                if node_v is None:
                    self.cannot(ptr, name, fld, "not a string")
                else:
                    setattr(action, attr, node_v)
            if fld + "Path" in s:
                p = V.dynamic(s[fld + "Path"])
                if p is None:
                    self.cannot(ptr, name, fld + "Path", "not a path or intrinsic .flow can read as one token")
                else:
                    setattr(action, attr, p)
        return action

    def state_choice(self, name, s, ptr, ql, opts, node) -> ast.ChooseAction:
        choices = s.get("Choices")
        if not isinstance(choices, list) or not choices:
            self.report(f"{ptr}/Choices", f"state '{name}': a Choice needs a non-empty Choices list", code="FLOW802")
            choices = []
        for i, rule in enumerate(choices):
            rptr = f"{ptr}/Choices/{i}"
            if not isinstance(rule, dict) or not isinstance(rule.get("Next"), str):
                self.report(rptr, f"state '{name}': choice rule {i} needs Next", code="FLOW802")
                continue
            cond = self.condition(name, rule, rptr, top=True)
            if cond is None:
                continue
            options = []
            for key, opt in (("Assign", "assign"), ("Output", "output")):
                if key in rule:
                    options.append(ast.Option(span=SPAN, name=opt, value=V.payload(rule[key], ql)))
            if isinstance(rule.get("Comment"), str):
                options.append(ast.Option(span=SPAN, name="comment", value=V.lit(rule["Comment"])))
            node.rules.append((ast.ChoiceBranch(span=SPAN, condition=cond, body=[], options=options), rule["Next"]))
        if "Default" in s:
            if isinstance(s["Default"], str):
                node.default = s["Default"]
            else:
                self.cannot(ptr, name, "Default", "not a state name")
        return ast.ChooseAction(span=SPAN, branches=[])

    def condition(self, state: str, rule: Any, ptr: str, *, top: bool = False) -> Any:
        if not isinstance(rule, dict):
            self.report(ptr, f"state '{state}': a choice rule must be an object", code="FLOW802")
            return None
        extras = _RULE_EXTRAS if top else set()
        if "Condition" in rule:
            j = V.jsonata(rule["Condition"])
            if j is None:
                self.cannot(ptr, state, "Condition", "not a {% %} expression .flow can read as one token")
                return None
            self._extra_keys(state, rule, ptr, {"Condition", *extras})
            return ast.JsonataCondition(span=SPAN, text=j.text)
        for op in ("And", "Or"):
            if op in rule:
                items = rule[op]
                if isinstance(items, list) and len(items) == 1:
                    self.normalise("an And/Or of one condition is written as that condition")
                    inner = self.condition(state, items[0], f"{ptr}/{op}/0")
                    self._extra_keys(state, rule, ptr, {op, *extras})
                    return inner
                if not isinstance(items, list) or not items:
                    self.cannot(ptr, state, op, "And/Or with no conditions")
                    return None
                parts = [self.condition(state, r, f"{ptr}/{op}/{i}") for i, r in enumerate(items)]
                if any(p is None for p in parts):
                    return None
                self._extra_keys(state, rule, ptr, {op, *extras})
                return ast.BoolOp(span=SPAN, op=op.lower(), operands=parts)
        if "Not" in rule:
            inner = self.condition(state, rule["Not"], f"{ptr}/Not")
            if inner is None:
                return None
            self._extra_keys(state, rule, ptr, {"Not", *extras})
            return ast.NotOp(span=SPAN, operand=inner)
        ops = [k for k in rule if k in _COMPARISONS]
        variable = V.path(rule.get("Variable"))
        if len(ops) != 1 or variable is None:
            self.cannot(ptr, state, "Variable" if variable is None else "Choices",
                        "a comparison needs one Variable (a path .flow can read) and one operator")
            return None
        op = ops[0]
        raw = rule[op]
        operand: Any = None if isinstance(raw, (dict, list)) else V.path(raw) if op.endswith("Path") else V.lit(raw)
        if operand is None:
            self.cannot(ptr, state, op, "the operand is not a value .flow can compare with")
            return None
        self._extra_keys(state, rule, ptr, {"Variable", op, *extras})
        return ast.Compare(span=SPAN, variable=variable, op=op, operand=operand)

    def _extra_keys(self, state: str, rule: dict, ptr: str, known: set[str]) -> None:
        for key in rule:
            if key not in known:
                self.cannot(ptr, state, key, "not a field of this kind of choice rule")

    def state_parallel(self, name, s, ptr, ql, opts, node) -> ast.ParallelAction:
        for fld in ("Parameters", "Arguments"):
            if fld in s:
                self.option(opts, "with", V.payload(s[fld], ql))
        branches = []
        if not isinstance(s.get("Branches"), list) or not s["Branches"]:
            self.report(ptr, f"state '{name}': a Parallel needs a non-empty Branches list", code="FLOW802")
        for i, b in enumerate(_list(s.get("Branches"))):
            bptr = f"{ptr}/Branches/{i}"
            if not isinstance(b, dict):
                self.report(bptr, f"state '{name}': branch {i} is not an object", code="FLOW802")
                continue
            self._graph_extras(name, b, bptr, b.get("QueryLanguage"), ql)
            branches.append(self.graph(b, bptr, ql))
        return ast.ParallelAction(span=SPAN, branches=branches)

    def _graph_extras(self, state: str, graph: dict, ptr: str, own_ql: Any, ql: str) -> None:
        for key in graph:
            if key not in ("StartAt", "States", "ProcessorConfig") and not (key == "QueryLanguage" and own_ql == ql):
                self.cannot(ptr, state, key, "a nested graph holds only StartAt and States")

    def state_map(self, name, s, ptr, ql, opts, node) -> ast.MapAction:
        processor = s.get("ItemProcessor")
        pname = "ItemProcessor"
        if processor is None and "Iterator" in s:
            processor, pname = s["Iterator"], "Iterator"
            self.normalise("Map `Iterator` is written as `ItemProcessor` (its current name)")
        if not isinstance(processor, dict):
            self.report(ptr, f"state '{name}': a Map needs ItemProcessor", code="FLOW802")
            processor = {}
        config = processor.get("ProcessorConfig") or {}
        if "ProcessorConfig" in s:
            self.cannot(ptr, name, "ProcessorConfig", "it belongs inside ItemProcessor")
        mode = config.get("Mode", "INLINE") if isinstance(config, dict) else "INLINE"
        distributed = mode == "DISTRIBUTED"
        if isinstance(config, dict):
            if distributed and "ExecutionType" not in config:
                self.normalise("a distributed Map's ExecutionType is written out (STANDARD, the default)")
            if mode == "INLINE" and "Mode" in config:
                self.normalise("Map `ProcessorConfig: {Mode: INLINE}` is the default: not written")
            for key, v in config.items():
                if key == "Mode" and v in ("INLINE", "DISTRIBUTED"):
                    continue
                if key == "ExecutionType" and distributed and v in ("STANDARD", "EXPRESS"):
                    self.option(opts, "execution", ast.NameRef(span=SPAN, name=v.lower()))
                    continue
                self.cannot(f"{ptr}/{pname}", name, f"ProcessorConfig.{key}", "not a value .flow can hold")
        if not distributed:
            for fld in ("Label", "ItemReader", "ItemBatcher", "ResultWriter"):
                if fld in s:
                    self.cannot(ptr, name, fld, "in .flow it belongs to `map distributed`, and this Map's "
                                                "ProcessorConfig does not say Mode DISTRIBUTED")
        items = None
        if "ItemsPath" in s:
            items = V.path(s["ItemsPath"])
            if items is None:
                self.cannot(ptr, name, "ItemsPath", "the path is not one .flow token")
        if "Items" in s:
            items = V.jsonata_payload(s["Items"]) if ql == "JSONata" else V.literal(s["Items"])
        selector_field = "ItemSelector" if "ItemSelector" in s else "Parameters" if "Parameters" in s else None
        if selector_field == "Parameters":
            self.normalise("Map `Parameters` is written as `with` (ItemSelector, its current name)")
        if selector_field is not None:
            self.option(opts, "with", V.payload(s[selector_field], ql))
        for fld, opt in (("MaxConcurrency", "concurrency"), ("ToleratedFailurePercentage", "tolerate_percent"),
                         ("ToleratedFailureCount", "tolerate_count")):
            if fld.startswith("Tolerated") and not distributed and (fld in s or fld + "Path" in s):
                self.cannot(ptr, name, fld, "AWS defines failure tolerance for a Distributed Map only (`map "
                                            "distributed`); this Map's ProcessorConfig does not say Mode DISTRIBUTED")
                continue
            if fld in s:
                v = s[fld]
                if isinstance(v, (int, float)) and not isinstance(v, bool) and (
                        opt == "tolerate_percent" or isinstance(v, int)):
                    self.option(opts, opt, V.lit(v))
                elif (j := V.jsonata(v)) is not None:
                    self.option(opts, opt, j)
                else:
                    self.cannot(ptr, name, fld, "not a number")
            self.path_option(name, s, ptr, opts, fld, opt)
        if "Label" in s and distributed:
            if isinstance(s["Label"], str):
                self.option(opts, "label", V.lit(s["Label"]))
            else:
                self.cannot(ptr, name, "Label", "not a string")
        for fld, opt in (("ItemReader", "reader"), ("ItemBatcher", "batch"), ("ResultWriter", "writer")):
            if fld in s and distributed:
                self.option(opts, opt, V.payload(s[fld], ql))
        self._graph_extras(name, processor, f"{ptr}/{pname}", processor.get("QueryLanguage"), ql)
        body = self.graph(processor, f"{ptr}/{pname}", ql) if processor else []
        return ast.MapAction(span=SPAN, distributed=distributed, items=items, body=body)


def _list(v: Any) -> list:
    return v if isinstance(v, list) else []


def _string_list(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, str) for x in v)


def _fits(v: Any, kind: str) -> bool:
    if kind in ("duration", "int"):
        return isinstance(v, int) and not isinstance(v, bool) and v >= 0
    if kind == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if kind == "jitter":
        return v in ("FULL", "NONE")
    return isinstance(v, str)


def convert(definition: Any, *, file: str = "<import>", name: str = "Imported", workflow_type: str | None = None,
            locate: Callable[[str], Span | None] | None = None,
            taken: dict[str, tuple[str, str]] | None = None) -> Imported:
    return Converter(file, name, workflow_type=workflow_type, locate=locate, taken=taken).convert(definition)
