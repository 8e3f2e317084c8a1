"""IR -> Amazon States Language, with a source map back to `.flow` spans.

The emitter writes the smallest correct ASL: one state per step (no filler
states), fields in a stable order, ARNs as `${...}` DefinitionSubstitutions.
Every JSON pointer it writes is mapped to the span that caused it, so rules
that run on ASL can report at the right `.flow` line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flowc.compiler import ir
from flowc.dsl import ast
from flowc.dsl.diagnostics import Diagnostic, Span
from flowc.targets import naming
from flowc.targets.asl.values import ValueRenderer

STATES_ARN = "arn:aws:states:::"
# A path value: what `ValueRenderer.path` answers with its text, checked inline by exact class on the
# per-state path (any other class still goes through `path`, which answers a path the same way)
_PATH = ast.PathValue
MODE_SUFFIX = {"request": "", "async": "", "sync": ".sync", "sync2": ".sync:2", "callback": ".waitForTaskToken"}
STARTED_BY = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")

TYPED = True  # the argument is a DynamoDB item/key/values map: each attribute becomes a typed value


def _ddb(key_param: str, key_arg: str) -> list[tuple[str, str, bool]]:
    return [(key_param, key_arg, TYPED), ("UpdateExpression", "update", False),
            ("ConditionExpression", "condition", False), ("ProjectionExpression", "projection", False),
            ("ConsistentRead", "consistent", False), ("ExpressionAttributeNames", "names", False),
            ("ExpressionAttributeValues", "values", TYPED), ("ReturnValues", "returns", False)]


_MESSAGE_IDS = [("MessageAttributes", "attributes", False), ("MessageGroupId", "group", False),
                ("MessageDeduplicationId", "dedup", False)]

# IR integration -> (service:action, parameter naming the target, [(parameter, argument, typed)]).
# Parameter names are the service API's own, in the order a reader expects them.
SERVICE_TASKS: dict[str, tuple[str, str, list[tuple[str, str, bool]]]] = {
    "dynamodb.getItem": ("dynamodb:getItem", "TableName", _ddb("Key", "key")),
    "dynamodb.putItem": ("dynamodb:putItem", "TableName", _ddb("Item", "item")),
    "dynamodb.updateItem": ("dynamodb:updateItem", "TableName", _ddb("Key", "key")),
    "dynamodb.deleteItem": ("dynamodb:deleteItem", "TableName", _ddb("Key", "key")),
    "sns.publish": ("sns:publish", "TopicArn",
                    [("Message", "message", False), ("Subject", "subject", False), *_MESSAGE_IDS]),
    "sqs.sendMessage": ("sqs:sendMessage", "QueueUrl",
                        [("MessageBody", "body", False), ("DelaySeconds", "delay", False), *_MESSAGE_IDS]),
}


@dataclass
class EmitResult:
    workflow: str
    definition: dict
    source_map: dict[str, Span]
    substitutions: dict[str, tuple[str, str]]  # key -> (kind, name)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: `definition` as compact JSON (orjson), written once by the emitter so the pipeline need not write it
    #: again; None when it was not written (lone surrogates). Stale if `definition` is changed afterwards.
    compact: str | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> str:
        """The deployable file, keys in ASL model declaration order.

        The shape table (flowc.targets.asl.canonical) gives that order without the models' cost; what it
        cannot vouch for goes through the models as before (which write the plain dict if they reject it).
        """
        from flowc.targets.asl.canonical import canonical
        from flowc.targets.output import dump_json

        ordered = canonical(self.definition)
        if ordered is not None:
            import orjson

            try:
                # (the newline written by orjson: `+ "\n"` would copy the whole text once more, 3.8 MB at 10,000 states)
                return orjson.dumps(ordered, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode("utf-8")
            except TypeError:  # e.g. lone surrogates: let the models and the fallback encoder decide
                pass
        return dump_json(_canonical(self.definition))


class AslEmitter:
    def __init__(self, program: ir.Program, workflow: ir.Workflow):
        self.program = program
        self.wf = workflow
        self.diagnostics: list[Diagnostic] = []
        self.values = ValueRenderer(self.diagnostics.append, self.resolve_ref)
        self.source_map: dict[str, Span] = {}
        self.substitutions: dict[str, tuple[str, str]] = {}
        self._refs: dict[tuple[str, str], str] = {}
        self._kinds: dict[str, Callable[..., None]] = {kind: getattr(self, "kind_" + kind) for kind in _ASL_TYPE}
        self._tasks: dict[str, Callable[..., Any]] = {}  # integration -> its task_ renderer

    # -- entry ---------------------------------------------------------------------
    def emit(self) -> EmitResult:
        wf = self.wf
        top: dict[str, Any] = {}
        if wf.comment:
            top["Comment"] = wf.comment
        if wf.query_language == "JSONata":
            top["QueryLanguage"] = "JSONata"
        top.update(self.graph(wf.graph, ""))
        if wf.timeout is not None:
            top["TimeoutSeconds"] = wf.timeout
        if wf.version is not None:
            top["Version"] = wf.version
        self.source_map[""] = wf.span
        compact = self.check_placeholders(top)
        # Analysis reads the plain dict; the models (and their import cost) are only paid when
        # the definition is serialised (EmitResult.to_json).
        return EmitResult(wf.name, top, self.source_map, self.substitutions, self.diagnostics, compact)

    def graph(self, graph: ir.Graph, prefix: str) -> dict:
        states = {}
        if graph.span is not None:
            self.source_map.setdefault(prefix or "", graph.span)
        for state in graph.states.values():
            pointer = f"{prefix}/States/{_escape(state.name)}"
            self.source_map[pointer] = state.span
            states[state.name] = self.state(state, pointer)
        first = next(iter(graph.states.values()), None)
        if first is not None:
            self.source_map[f"{prefix}/StartAt"] = first.span
        return {"StartAt": graph.start_at, "States": states}

    def ref(self, kind: str, name: str, attribute: str | None = None) -> str:
        """The `${...}` placeholder for a resource (computed once per resource: most steps share a few)."""
        key = self._refs.get((kind, name, attribute))
        if key is None:
            key = self._refs[(kind, name, attribute)] = naming.substitution_key(kind, name, attribute)
        self.substitutions[key] = (kind, name)  # every time: two names may share a key, the last one wins
        return "${" + key + "}"

    def ref_kind(self, name: str) -> str | None:
        """What a name in a value refers to: a resource this workflow sees, or a workflow of the program."""
        res = self.wf.resources.get(name)
        if res is not None:
            return res.kind
        return "workflow" if name in self.program.workflows else None

    def resolve_ref(self, value: ast.RefValue, key: str | None) -> str:
        """A resource named in a value -> its `${...}` DefinitionSubstitution, attribute chosen by the key."""
        from flowc.compiler import refs
        from flowc.dsl.diagnostics import did_you_mean

        kind = self.ref_kind(value.name)
        if kind is None:
            near = did_you_mean(value.name, [*self.wf.resources, *self.program.workflows])
            self.diagnostics.append(Diagnostic(
                "FLOW201", f"'{value.name}' is not a declared resource or workflow", value.span,
                hint=f"did you mean '{near}'?" if near else
                f"declare it (e.g. `bucket {value.name}`), or quote it for a string: \"{value.name}\""))
            return value.name
        attribute, problem = refs.choose(kind, key, value.attribute, name=value.name)
        if problem is not None:
            self.diagnostics.append(Diagnostic("FLOW101", problem, value.span))
        return self.ref(kind, value.name, attribute)

    def check_placeholders(self, definition: dict) -> str | None:
        """`${Key}` written by hand in a string: registered when it names a resource's attribute, else an error.

        DefinitionSubstitutions replace only the keys the template defines; any other `${...}` would reach
        the deployed definition as literal text. Returns the definition as compact JSON (None if orjson
        cannot write it).
        """
        import orjson
        from flowc.compiler.asldoc import iter_strings

        compact = None
        try:
            compact = orjson.dumps(definition).decode()
            if all(key in self.substitutions for key in _PLACEHOLDER.findall(compact)):
                return compact  # the common case: only the placeholders flowc wrote
        except TypeError:  # lone surrogates: walk the strings below
            pass
        known: dict[str, tuple[str, str]] | None = None
        for pointer, _key, text in iter_strings(definition, ""):
            if "${" not in text:
                continue
            for key in _PLACEHOLDER.findall(text):
                if key in self.substitutions:
                    continue
                if known is None:
                    known = self.placeholder_keys()
                if key in known:
                    self.substitutions[key] = known[key]
                    continue
                self.diagnostics.append(self.unknown_placeholder(key, pointer, known))
        return compact  # (the definition itself is unchanged: only substitutions and diagnostics grow)

    def placeholder_keys(self) -> dict[str, tuple[str, str]]:
        from flowc.compiler import refs

        out: dict[str, tuple[str, str]] = {}
        named = [(r.kind, r.name) for r in self.wf.resources.values()] + [("workflow", w) for w in self.program.workflows]
        for kind, name in named:
            for attribute in refs.ATTRIBUTES.get(kind, ()):
                out[naming.substitution_key(kind, name, attribute)] = (kind, name)
        # An external resource declared with a placeholder ARN (`function f arn "${FArn}"`, what `flowc import`
        # writes for a definition's `${Placeholder}`s) declares that placeholder: the deployment fills it.
        for res in [*self.wf.resources.values(), *self.program.resources.values()]:
            arn = res.arn
            if isinstance(arn, str):
                for key in _PLACEHOLDER.findall(arn):
                    out.setdefault(key, (res.kind, res.name))
        return out

    def unknown_placeholder(self, key: str, pointer: str, known: dict[str, tuple[str, str]]) -> Diagnostic:
        from flowc.dsl.diagnostics import did_you_mean

        span = self.literal_span("${" + key + "}") or self.span_at(pointer)
        near = did_you_mean(key, known)
        if near is not None:
            kind, name = known[near]
            hint = f"did you mean '${{{near}}}'? better, name the {kind} itself: `{name}`"
        else:
            names = [n for _, n in known.values()]
            hint = ("name a declared resource instead of a placeholder, e.g. `" + sorted(names)[0] + "`") if names \
                else "declare the resource (e.g. `bucket Exports`) and name it: `Exports`"
        return Diagnostic("FLOW113", f"'${{{key}}}' is not a resource of this workflow: nothing would fill it in "
                                     "at deployment", span, hint=hint)

    def literal_span(self, text: str) -> Span | None:
        """Where the source wrote a string containing `text` (only looked for on the error path)."""
        stack: list = list(self.wf.graph.walk())
        while stack:
            item = stack.pop(0)
            if isinstance(item, ast.LiteralValue):
                if isinstance(item.value, str) and text in item.value:
                    return item.span
            elif isinstance(item, ast.AstModel):  # the AST's other nodes
                stack.extend(item.field_values())
            elif isinstance(item, (list, tuple)):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, ir.IRModel) and not isinstance(item, ir.Graph):  # nested graphs: walk() has them
                stack.extend(item.field_values())
        return None

    def span_at(self, pointer: str) -> Span:
        """The span of the nearest source-mapped ancestor of a JSON pointer."""
        while True:
            span = self.source_map.get(pointer)
            if span is not None:
                return span
            if not pointer:
                return self.wf.span
            pointer = pointer.rsplit("/", 1)[0]

    def mark(self, pointer: str, span: Span | None) -> None:
        if span is not None:
            self.source_map[pointer] = span

    # -- states ----------------------------------------------------------------------
    def state(self, s: ir.State, ptr: str) -> dict:
        ql = s.query_language or self.wf.query_language
        out: dict[str, Any] = {"Type": _ASL_TYPE[s.kind]}
        if s.comment is not None:
            out["Comment"] = s.comment
        if s.query_language is not None:
            out["QueryLanguage"] = s.query_language
            self.mark(ptr + "/QueryLanguage", s.spans.get("query"))
        if s.input_path is not None:
            out["InputPath"] = self.values.path(s.input_path, "input")
            self.mark(ptr + "/InputPath", s.spans.get("input_path"))
        self._kinds[s.kind](s, ptr, ql, out)
        self.outputs(s, ptr, ql, out)
        if s.retries:
            out["Retry"] = [self.retrier(r, f"{ptr}/Retry/{i}") for i, r in enumerate(s.retries)]
        if s.catches:
            out["Catch"] = [self.catcher(c, f"{ptr}/Catch/{i}", ql) for i, c in enumerate(s.catches)]
        if s.next is not None:
            out["Next"] = s.next
            if (span := s.spans.get("next")) is not None:  # `mark`, inline: once per state
                self.source_map[ptr + "/Next"] = span
        elif s.end and s.kind not in ("succeed", "fail", "choice"):
            out["End"] = True
        return out

    def outputs(self, s: ir.State, ptr: str, ql: str, out: dict) -> None:
        if s.result_selector is not None:
            out["ResultSelector"] = self.values.payload(s.result_selector, ql)
            self.mark(ptr + "/ResultSelector", s.spans.get("result_selector"))
        if (result_path := s.result_path) is not None:  # (a path, on most states: `values.path`'s answer, inline)
            out["ResultPath"] = result_path.text if result_path.__class__ is _PATH else (
                self.values.path(result_path, "result"))
            if (span := s.spans.get("result_path")) is not None:  # `mark`, inline: most states have one
                self.source_map[ptr + "/ResultPath"] = span
        if s.output is not None:
            if ql == "JSONata":
                out["Output"] = self.values.payload(s.output, ql)
                self.mark(ptr + "/Output", s.spans.get("output"))
            else:
                out["OutputPath"] = self.values.path(s.output, "output")
                self.mark(ptr + "/OutputPath", s.spans.get("output"))
        if s.assign is not None:
            out["Assign"] = self.values.payload(s.assign, ql)
            self.mark(ptr + "/Assign", s.spans.get("assign"))

    def payload_field(self, s: ir.State, ptr: str, ql: str, out: dict, value: Any, span_key: str = "payload",
                      jsonpath_field: str = "Parameters", jsonata_field: str = "Arguments") -> None:
        if value is None:
            return
        span = s.spans.get(span_key)
        if ql != "JSONata" and isinstance(value, ast.PathValue):
            if "InputPath" in out:
                self.diagnostics.append(Diagnostic(
                    "FLOW305", "`with` a bare path and `input` together: keep one", value.span,
                    hint="`with $.x` is emitted as InputPath"))
                return
            out["InputPath"] = value.text
            self.mark(ptr + "/InputPath", span)
            return
        name = jsonata_field if ql == "JSONata" else jsonpath_field
        out[name] = self.values.payload(value, ql)
        if span is not None:  # `mark`, inline
            self.source_map[f"{ptr}/{name}"] = span

    def kind_pass(self, s: ir.State, ptr: str, ql: str, out: dict) -> None:
        self.payload_field(s, ptr, ql, out, s.payload, jsonata_field="Output")
        if s.result is not None:
            out["Result"] = self.values.literal(s.result, ql)
            self.mark(ptr + "/Result", s.spans.get("result"))

    def kind_succeed(self, s, ptr, ql, out) -> None:
        pass

    def kind_fail(self, s: ir.State, ptr: str, ql: str, out: dict) -> None:
        for value, name in ((s.error, "Error"), (s.cause, "Cause")):
            if value is None:
                continue
            span = s.spans.get(name.lower())
            if isinstance(value, (ast.PathValue, ast.IntrinsicValue)) and ql != "JSONata":
                out[name + "Path"] = value.text
                self.mark(f"{ptr}/{name}Path", span)
            elif isinstance(value, ast.JsonataValue) or ql == "JSONata":
                out[name] = self.values.jsonata(value)
                self.mark(f"{ptr}/{name}", span)
            else:
                out[name] = self.values.literal(value, ql)
                self.mark(f"{ptr}/{name}", span)

    def value_or_path(self, out: dict, ptr: str, name: str, value: Any, span: Span | None, ql: str) -> None:
        """A field that takes a value, or a JSONPath in its `<name>Path` twin, or a JSONata expression."""
        if isinstance(value, ast.PathValue):
            out[name + "Path"] = value.text
            self.mark(f"{ptr}/{name}Path", span)
            return
        if isinstance(value, ast.JsonataValue):
            out[name] = value.text
        elif isinstance(value, int) and not isinstance(value, bool):
            out[name] = value
        else:
            out[name] = self.values.literal(value, ql)
        self.mark(f"{ptr}/{name}", span)

    def kind_wait(self, s: ir.State, ptr: str, ql: str, out: dict) -> None:
        span = s.spans.get("wait")
        for value, name in ((s.wait_seconds, "Seconds"), (s.wait_timestamp, "Timestamp")):
            if value is not None:
                self.value_or_path(out, ptr, name, value, span, ql)

    def kind_choice(self, s: ir.State, ptr: str, ql: str, out: dict) -> None:
        rules = []
        for i, rule in enumerate(s.choices):
            rptr = f"{ptr}/Choices/{i}"
            rendered = self.values.condition(rule.condition, ql)
            if rule.comment is not None:
                rendered = {"Comment": rule.comment, **rendered}
            if rule.assign is not None:
                rendered["Assign"] = self.values.payload(rule.assign, ql)
            if rule.output is not None:
                rendered["Output"] = self.values.payload(rule.output, ql)
            rendered["Next"] = rule.next
            self.mark(rptr, rule.span)
            self.mark(rptr + "/Next", rule.next_span)
            rules.append(rendered)
        out["Choices"] = rules
        if s.default is not None:
            out["Default"] = s.default
            self.mark(ptr + "/Default", s.spans.get("default"))

    def kind_parallel(self, s: ir.State, ptr: str, ql: str, out: dict) -> None:
        self.payload_field(s, ptr, ql, out, s.payload)
        out["Branches"] = [self.graph(b, f"{ptr}/Branches/{i}") for i, b in enumerate(s.branches)]

    def kind_map(self, s: ir.State, ptr: str, ql: str, out: dict) -> None:
        m = s.map
        assert m is not None
        if m.items is not None:
            if ql != "JSONata" and isinstance(m.items, ast.PathValue):
                out["ItemsPath"] = m.items.text
                self.mark(ptr + "/ItemsPath", s.spans.get("items"))
            else:
                out["Items"] = self.values.payload(m.items, "JSONata") if ql == "JSONata" else (
                    self.values.literal(m.items, ql))
                self.mark(ptr + "/Items", s.spans.get("items"))
        if m.item_selector is not None:
            out["ItemSelector"] = self.values.payload(m.item_selector, ql)
            self.mark(ptr + "/ItemSelector", s.spans.get("item_selector"))
        if m.reader is not None:
            out["ItemReader"] = self.values.payload(m.reader, ql)
            self.mark(ptr + "/ItemReader", s.spans.get("reader"))
        if m.batcher is not None:
            out["ItemBatcher"] = self.values.payload(m.batcher, ql)
            self.mark(ptr + "/ItemBatcher", s.spans.get("batcher"))
        processor: dict[str, Any] = {}
        if m.distributed:
            config: dict[str, Any] = {"Mode": "DISTRIBUTED", "ExecutionType": m.execution_type or "STANDARD"}
            processor["ProcessorConfig"] = config
        processor.update(self.graph(m.processor, ptr + "/ItemProcessor"))
        out["ItemProcessor"] = processor
        for value, name, key in ((m.max_concurrency, "MaxConcurrency", "max_concurrency"),
                                 (m.tolerated_percentage, "ToleratedFailurePercentage", "tolerated_percentage"),
                                 (m.tolerated_count, "ToleratedFailureCount", "tolerated_count")):
            if value is not None:
                self.value_or_path(out, ptr, name, value, s.spans.get(key), ql)
        if m.label is not None:
            out["Label"] = m.label
            self.mark(ptr + "/Label", s.spans.get("label"))
        if m.writer is not None:
            out["ResultWriter"] = self.values.payload(m.writer, ql)
            self.mark(ptr + "/ResultWriter", s.spans.get("writer"))
        self.payload_field(s, ptr, ql, out, s.payload)

    # -- tasks -------------------------------------------------------------------------------
    def kind_task(self, s: ir.State, ptr: str, ql: str, out: dict) -> None:
        task = s.task
        assert task is not None
        render = self._tasks.get(task.integration)
        if render is None:  # looked up once per integration: a workflow has thousands of tasks and a few kinds
            render = self._tasks[task.integration] = getattr(self, "task_" + task.integration.replace(".", "_"))
        resource, params = render(s, task, ql)
        out["Resource"] = resource
        if (span := s.spans.get("task")) is not None:  # `mark`, inline: once per task
            self.source_map[ptr + "/Resource"] = span
        if params is not None:
            self.payload_params(s, ptr, ql, out, params)
        if s.credentials is not None:
            out["Credentials"] = self.values.payload(s.credentials, ql)
            self.mark(ptr + "/Credentials", s.spans.get("credentials"))
        for value, name in ((s.timeout, "TimeoutSeconds"), (s.heartbeat, "HeartbeatSeconds")):
            if value is not None:
                key = "timeout" if name.startswith("Timeout") else "heartbeat"
                self.value_or_path(out, ptr, name, value, s.spans.get(key), ql)

    def payload_params(self, s: ir.State, ptr: str, ql: str, out: dict, params: Any) -> None:
        """Parameters built by a task renderer: an AST payload or a list of (key, value) entries."""
        if not isinstance(params, list):
            self.payload_field(s, ptr, ql, out, params)
            return
        rendered: dict[str, Any] = {}
        for key, value in params:
            if value is None:
                continue
            if isinstance(value, _Raw):
                rendered[key] = value.value
            elif ql == "JSONata":
                rendered[key] = self.values.jsonata(value, key)
            else:
                k, v = self.values.template_entry(key, value)
                rendered[k] = v
        name = "Arguments" if ql == "JSONata" else "Parameters"
        out[name] = rendered
        if (span := s.spans.get("payload") or s.spans.get("task")) is not None:  # `mark`, inline
            self.source_map[f"{ptr}/{name}"] = span

    def target_ref(self, task: ir.TaskSpec) -> str:
        if task.target_kind == "workflow":
            res = self.wf.resources.get(task.target or "")
            if task.target not in self.program.workflows and res is not None and res.kind == "machine":
                return self.ref("machine", task.target)
            return self.ref("workflow", task.target or "")
        return self.ref(task.target_kind or "function", task.target or "")

    def task_lambda(self, s: ir.State, task: ir.TaskSpec, ql: str):
        fn = self.target_ref(task)
        qualifier = task.args.get("qualifier")
        qualifier_text = qualifier.value if isinstance(qualifier, ast.LiteralValue) else None
        payload = task.args.get("payload")
        if task.mode == "request":
            resource = fn + (f":{qualifier_text}" if qualifier_text else "")
            return resource, payload
        function_name = fn + (f":{qualifier_text}" if qualifier_text else "")
        params: list[tuple[str, Any]] = [("FunctionName", _Raw(function_name))]
        if task.mode == "async":
            params.append(("InvocationType", _Raw("Event")))
        params.append(("Payload", payload if payload is not None else _input_value(ql, s.span)))
        return STATES_ARN + "lambda:invoke" + MODE_SUFFIX[task.mode], params

    def _service_task(self, s: ir.State, task: ir.TaskSpec, ql: str):
        """Optimised integrations whose parameters map one to one from task arguments (SERVICE_TASKS)."""
        action, target_param, fields = SERVICE_TASKS[task.integration]
        params: list[tuple[str, Any]] = [(target_param, _Raw(self.target_ref(task)))]
        for key, arg, typed in fields:
            value = task.args.get(arg)
            if value is None:
                continue
            if typed:
                value = self.values.ddb_map(value, ql)
                value = value if isinstance(value, ast.Node) else _Raw(value)
            params.append((key, value))
        return STATES_ARN + action + MODE_SUFFIX[task.mode], params

    task_dynamodb_getItem = task_dynamodb_putItem = task_dynamodb_updateItem = _service_task
    task_dynamodb_deleteItem = task_sns_publish = task_sqs_sendMessage = _service_task

    def task_events_putEvents(self, s, task, ql):
        a = task.args
        resource = STATES_ARN + "events:putEvents" + MODE_SUFFIX[task.mode]
        if "entries" in a:
            return resource, [("Entries", a["entries"])]
        span = s.spans.get("task") or s.span
        entry_items = []
        for arg, key in (("detail", "Detail"), ("detail_type", "DetailType"), ("source", "Source")):
            if arg in a:
                entry_items.append(ast.ObjectItem(key=key, key_span=span, value=a[arg]))
        if task.target:
            entry_items.append(ast.ObjectItem(key="EventBusName", key_span=span, value=ast.LiteralValue(
                span=span, value=self.target_ref(task))))
        entry = ast.ObjectValue(span=span, items=entry_items)
        return resource, [("Entries", ast.ArrayValue(span=span, items=[entry]))]

    def task_states_startExecution(self, s, task, ql):
        a = task.args
        payload = a.get("payload")
        if isinstance(payload, ast.ObjectValue) and not any(i.key.startswith(STARTED_BY) for i in payload.items):
            span = payload.span
            link = (ast.JsonataValue(span=span, text="{% $states.context.Execution.Id %}") if ql == "JSONata"
                    else ast.PathValue(span=span, text="$$.Execution.Id"))
            payload = ast.ObjectValue(span=span, items=[*payload.items, ast.ObjectItem(
                key=STARTED_BY, key_span=span, value=link)])
        params = [("StateMachineArn", _Raw(self.target_ref(task))),
                  ("Input", payload if payload is not None else _input_value(ql, s.span)),
                  ("Name", a.get("name"))]
        return STATES_ARN + "states:startExecution" + MODE_SUFFIX[task.mode], params

    def task_activity(self, s, task, ql):
        return self.target_ref(task), task.args.get("payload")

    def task_resource(self, s, task, ql):
        resource = task.resource or ""
        if not resource.startswith("arn:"):
            resource = STATES_ARN + resource
        return resource + MODE_SUFFIX[task.mode], task.args.get("payload")

    # -- retry / catch -----------------------------------------------------------------------
    def retrier(self, r: ir.Retry, ptr: str) -> dict:
        if r.span is not None:  # `mark`, inline
            self.source_map[ptr] = r.span
        out: dict[str, Any] = {"ErrorEquals": r.errors}
        if r.comment is not None:
            out["Comment"] = r.comment
        if r.interval is not None:
            out["IntervalSeconds"] = r.interval
        if r.max_attempts is not None:
            out["MaxAttempts"] = r.max_attempts
        if r.backoff_rate is not None:
            out["BackoffRate"] = r.backoff_rate
        if r.max_delay is not None:
            out["MaxDelaySeconds"] = r.max_delay
        if r.jitter is not None:
            out["JitterStrategy"] = r.jitter
        return out

    def catcher(self, c: ir.Catch, ptr: str, ql: str) -> dict:
        source_map = self.source_map
        if c.span is not None:  # `mark`, inline
            source_map[ptr] = c.span
        out: dict[str, Any] = {"ErrorEquals": c.errors}
        if c.comment is not None:
            out["Comment"] = c.comment
        if (result_path := c.result_path) is not None:
            out["ResultPath"] = result_path.text if result_path.__class__ is _PATH else (
                self.values.path(result_path, "into"))
        if c.output is not None:
            out["Output"] = self.values.payload(c.output, ql)
        if c.assign is not None:
            out["Assign"] = self.values.payload(c.assign, ql)
        out["Next"] = c.next
        if c.next_span is not None:
            source_map[ptr + "/Next"] = c.next_span
        return out


class _Raw:
    """A value already in ASL form (a placeholder, a constant)."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value


def _input_value(ql: str, span: Span) -> Any:
    if ql == "JSONata":
        return ast.JsonataValue(span=span, text="{% $states.input %}")
    return ast.PathValue(span=span, text="$")


_ASL_TYPE = {"task": "Task", "pass": "Pass", "choice": "Choice", "wait": "Wait", "succeed": "Succeed",
             "fail": "Fail", "parallel": "Parallel", "map": "Map"}


def _escape(name: str) -> str:
    """JSON Pointer escaping (RFC 6901)."""
    if "~" not in name and "/" not in name:  # nearly every name: no new string
        return name
    return name.replace("~", "~0").replace("/", "~1")


def _canonical(definition: dict) -> dict:
    """Round-trip through the ASL models: validates the shape and fixes the key order."""
    try:
        from flowc.targets.asl import models
    except ImportError:  # pragma: no cover - models land separately
        return definition
    try:
        return models.dump(models.load(definition))
    except Exception:  # invalid shapes are reported by the rules, with spans
        return definition


def emit_workflow(program: ir.Program, workflow: ir.Workflow) -> EmitResult:
    return AslEmitter(program, workflow).emit()
