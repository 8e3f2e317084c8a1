"""Render AST values into ASL JSON for one query language.

JSONPath: payload templates, where a dynamic value (a path or an intrinsic)
moves its key to ``key.$``. JSONata: plain JSON whose strings may be
``{% %}`` expressions. Mixing them up is reported, not guessed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flowc.dsl import ast
from flowc.dsl.diagnostics import Diagnostic, Span

DDB_TYPES = {"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"}

# Operand kinds per ASL comparison operator family.
_OPERAND_KIND = {"String": "string", "Numeric": "number", "Boolean": "boolean", "Timestamp": "string"}
_WANT_OF_OP: dict[str, str] = {}  # operator -> what its operand must be (from _OPERAND_KIND)


# A resource named in a value -> the text that stands for it (a `${...}` placeholder); the key it sits
# under (None at the top of a field) picks the attribute.
RefResolver = Callable[[ast.RefValue, "str | None"], Any]

# Classes `object_template` answers without `template_entry` (compared exactly; anything else, a subclass
# included, goes through `template_entry`, which answers these the same way).
_PATH, _INTRINSIC, _LITERAL = ast.PathValue, ast.IntrinsicValue, ast.LiteralValue


class ValueRenderer:
    def __init__(self, report: Callable[[Diagnostic], None], resolve: RefResolver | None = None):
        self.report = report
        self.resolve = resolve or self._unresolved

    def _unresolved(self, value: ast.RefValue, key: str | None) -> Any:
        self.error("FLOW101", value.span, f"'{value.name}' cannot be named here: this field takes a literal value")
        return value.name

    def error(self, code: str, span: Span, message: str, hint: str | None = None) -> None:
        self.report(Diagnostic(code, message, span, hint=hint))

    # -- payload templates ----------------------------------------------------------
    def payload(self, value: Any, ql: str) -> Any:
        """A whole payload (Parameters, Arguments, Output, ItemSelector...)."""
        if ql == "JSONata":
            return self.jsonata(value)
        if isinstance(value, ast.ObjectValue):
            return self.object_template(value)
        if isinstance(value, ast.ArrayValue):
            return [self.payload(v, ql) for v in value.items] if not any(
                isinstance(v, (ast.PathValue, ast.IntrinsicValue)) for v in value.items) else self._array_error(value)
        if isinstance(value, (ast.PathValue, ast.IntrinsicValue)):
            self.error("FLOW305", value.span, "a JSONPath payload must be an object when it uses paths",
                       hint="wrap it: `{ value: " + value.text + " }`")
            return value.text
        return self.literal(value, "JSONPath")

    def _array_error(self, value: ast.ArrayValue) -> list:
        self.error("FLOW305", value.span, "a JSONPath payload cannot be an array of paths",
                   hint="put it under a key: `{ items: [...] }`")
        return []

    def object_template(self, obj: ast.ObjectValue) -> dict:
        out: dict[str, Any] = {}
        for item in obj.items:
            value = item.value
            cls = value.__class__  # a path or a literal (most entries): `template_entry`'s first answers, inline
            if cls is _PATH or cls is _INTRINSIC:
                out[item.key + ".$"] = value.text
            elif cls is _LITERAL:
                out[item.key] = value.value
            else:
                key, rendered = self.template_entry(item.key, value)
                out[key] = rendered
        return out

    def template_entry(self, key: str, value: Any) -> tuple[str, Any]:
        if isinstance(value, (ast.PathValue, ast.IntrinsicValue)):
            return key + ".$", value.text
        if isinstance(value, ast.LiteralValue):  # the common case of `literal`, checked early
            return key, value.value
        if isinstance(value, ast.ObjectValue):
            return key, self.object_template(value)
        if isinstance(value, ast.RefValue):
            return key, self.resolve(value, key)
        if isinstance(value, ast.ArrayValue):
            if any(isinstance(v, (ast.PathValue, ast.IntrinsicValue)) for v in value.items):
                return key + ".$", self.states_array(value)
            return key, [self.template_item(v, key) for v in value.items]
        if isinstance(value, ast.TypedValue):
            return key, self.ddb(value, "JSONPath")
        if isinstance(value, ast.JsonataValue):
            self.error("FLOW304", value.span, "a JSONata expression in a JSONPath step",
                       hint="set `query jsonata` on the step (or the workflow), or use a JSONPath / intrinsic")
            return key, value.text
        return key, self.literal(value, "JSONPath")

    def template_item(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, ast.ObjectValue):
            return self.object_template(value)
        if isinstance(value, ast.ArrayValue):
            return [self.template_item(v, key) for v in value.items]
        if isinstance(value, ast.RefValue):
            return self.resolve(value, key)
        if isinstance(value, ast.TypedValue):
            return self.ddb(value, "JSONPath")
        if isinstance(value, ast.JsonataValue):
            self.error("FLOW304", value.span, "a JSONata expression in a JSONPath step")
            return value.text
        return self.literal(value, "JSONPath")

    def states_array(self, value: ast.ArrayValue) -> str:
        """`[ $.a, "x", 1 ]` -> ``States.Array($.a, 'x', 1)``: arrays of paths are not payload templates."""
        args = []
        for v in value.items:
            if isinstance(v, (ast.PathValue, ast.IntrinsicValue)):
                args.append(v.text)
            elif isinstance(v, ast.LiteralValue) and isinstance(v.value, str):
                escaped = v.value.replace("\\", "\\\\").replace("'", "\\'").replace("{", "\\{").replace("}", "\\}")
                args.append(f"'{escaped}'")
            elif isinstance(v, ast.LiteralValue):
                args.append(json.dumps(v.value))
            elif isinstance(v, ast.RefValue):
                args.append("'" + str(self.resolve(v, None)) + "'")
            else:
                self.error("FLOW305", v.span, "an array that mixes paths with objects or arrays cannot be built in "
                                              "JSONPath", hint="use States.Array / States.JsonMerge, or JSONata")
                args.append("null")
        return "States.Array(" + ", ".join(args) + ")"

    def literal(self, value: Any, ql: str, key: str | None = None) -> Any:
        if isinstance(value, ast.LiteralValue):
            return value.value
        if isinstance(value, ast.ObjectValue):
            return {i.key: self.literal(i.value, ql, i.key) for i in value.items}
        if isinstance(value, ast.ArrayValue):
            return [self.literal(v, ql, key) for v in value.items]
        if isinstance(value, ast.RefValue):
            return self.resolve(value, key)
        if isinstance(value, (ast.PathValue, ast.IntrinsicValue, ast.JsonataValue)):
            self.error("FLOW305", value.span, "an expression is not allowed here: this field takes a literal value")
            return value.text
        if isinstance(value, ast.TypedValue):
            return self.ddb(value, ql)
        return value

    # -- JSONata -------------------------------------------------------------------------
    def jsonata(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, ast.JsonataValue):
            return value.text
        if isinstance(value, ast.LiteralValue):
            return value.value
        if isinstance(value, ast.ObjectValue):
            return {i.key: self.jsonata(i.value, i.key) for i in value.items}
        if isinstance(value, ast.ArrayValue):
            return [self.jsonata(v, key) for v in value.items]
        if isinstance(value, ast.RefValue):
            return self.resolve(value, key)
        if isinstance(value, ast.TypedValue):
            return self.ddb(value, "JSONata")
        if isinstance(value, ast.PathValue):
            hint = None
            if value.text.startswith("$$."):
                hint = "write {% $states.context." + value.text[3:] + " %}"
            elif value.text.startswith("$."):
                hint = "write {% $states.input." + value.text[2:] + " %}"
            elif value.text == "$":
                hint = "write {% $states.input %}"
            self.error("FLOW304", value.span, f"JSONPath '{value.text}' in a JSONata step", hint=hint)
            return value.text
        if isinstance(value, ast.IntrinsicValue):
            self.error("FLOW304", value.span, "intrinsic functions are JSONPath-only; JSONata has its own functions")
            return value.text
        return value

    # -- DynamoDB attribute values -------------------------------------------------------
    def ddb(self, value: ast.TypedValue, ql: str) -> dict:
        t = value.type
        inner = value.value
        if ql == "JSONata":
            if isinstance(inner, ast.JsonataValue) and t in ("N", "S"):
                body = inner.text[2:-2].strip()
                return {t: "{% $string(" + body + ") %}"} if t == "N" else {t: inner.text}
            return {t: self.jsonata(inner)}
        if isinstance(inner, (ast.PathValue, ast.IntrinsicValue)):
            text = inner.text
            if t == "N":
                text = f"States.JsonToString({text})" if isinstance(inner, ast.PathValue) else text
            return {t + ".$": text}
        if isinstance(inner, ast.LiteralValue) and t == "N" and isinstance(inner.value, (int, float)):
            return {t: json.dumps(inner.value)}
        return {t: self.literal(inner, ql)}

    def ddb_map(self, value: Any, ql: str) -> Any:
        """An item/key object: every attribute becomes a typed attribute value."""
        if not isinstance(value, ast.ObjectValue):
            if isinstance(value, (ast.PathValue, ast.JsonataValue)):
                return value  # the whole map comes from the input; caller renders it
            self.error("FLOW101", value.span, "DynamoDB items and keys are objects: `{ id: $.id, ... }`")
            return {}
        out: dict[str, Any] = {}
        for item in value.items:
            out[item.key] = self.attribute(item.value, ql, item.key)
        return out

    def attribute(self, value: Any, ql: str, key: str | None = None) -> Any:
        if isinstance(value, ast.RefValue):
            return {"S": self.resolve(value, key)}
        if isinstance(value, ast.TypedValue):
            return self.ddb(value, ql)
        if isinstance(value, ast.ObjectValue) and len(value.items) == 1 and value.items[0].key in DDB_TYPES:
            item = value.items[0]
            return self.ddb(ast.TypedValue(span=value.span, type=item.key, value=item.value), ql)
        if isinstance(value, ast.LiteralValue):
            v = value.value
            if v is None:
                return {"NULL": True}
            if isinstance(v, bool):
                return {"BOOL": v}
            if isinstance(v, (int, float)):
                return {"N": json.dumps(v)}
            return {"S": v}
        if isinstance(value, (ast.PathValue, ast.IntrinsicValue, ast.JsonataValue)):
            return self.ddb(ast.TypedValue(span=value.span, type="S", value=value), ql)
        if isinstance(value, ast.ObjectValue):
            return {"M": self.ddb_map(value, ql)}
        if isinstance(value, ast.ArrayValue):
            return {"L": [self.attribute(v, ql, key) for v in value.items]}
        return value

    # -- paths ------------------------------------------------------------------------------
    def path(self, value: Any, field: str) -> str | None:
        """InputPath / OutputPath / ResultPath / ItemsPath: a path string or JSON null."""
        if isinstance(value, ast.LiteralValue) and value.value is None:
            return None
        if isinstance(value, ast.PathValue):
            return value.text
        self.error("FLOW101", getattr(value, "span", None) or Span.unknown(), f"{field} takes a JSONPath or null")
        return None

    # -- conditions ---------------------------------------------------------------------------
    def condition(self, cond: Any, ql: str) -> dict:
        if isinstance(cond, ast.JsonataCondition):
            if ql != "JSONata":
                self.error("FLOW304", cond.span, "a JSONata condition in a JSONPath step",
                           hint="set `query jsonata` on the step or workflow")
            return {"Condition": cond.text}
        if ql == "JSONata":
            self.error("FLOW304", cond.span, "JSONPath conditions are not allowed in a JSONata step",
                       hint="write the condition as {% ... %}")
        if isinstance(cond, ast.BoolOp):
            return {"And" if cond.op == "and" else "Or": [self.condition(c, ql) for c in cond.operands]}
        if isinstance(cond, ast.NotOp):
            return {"Not": self.condition(cond.operand, ql)}
        return self.compare(cond)

    def compare(self, cmp: ast.Compare) -> dict:
        op = cmp.op
        operand = cmp.operand
        if op.endswith("Path"):
            if not isinstance(operand, ast.PathValue):
                self.error("FLOW104", operand.span, f"{op} compares with another path: give a JSONPath")
                rendered: Any = getattr(operand, "value", None)
            else:
                rendered = operand.text
        elif op.startswith("Is"):
            rendered = operand.value if isinstance(operand, ast.LiteralValue) else None
            if not isinstance(rendered, bool):
                self.error("FLOW104", operand.span, f"{op} takes true or false")
        else:
            want = _WANT_OF_OP.get(op)
            if want is None:  # once per operator (a large workflow compares thousands of times with a few)
                family = "String" if op == "StringMatches" else next(
                    (f for f in _OPERAND_KIND if op.startswith(f)), "String")
                if len(_WANT_OF_OP) >= 256:  # bounded in a long-lived process (the language server)
                    _WANT_OF_OP.clear()
                want = _WANT_OF_OP[op] = _OPERAND_KIND[family]
            rendered = operand.value if isinstance(operand, ast.LiteralValue) else None
            ok = (want == "string" and isinstance(rendered, str)) or (
                want == "number" and isinstance(rendered, (int, float)) and not isinstance(rendered, bool)) or (
                want == "boolean" and isinstance(rendered, bool))
            if not ok:
                self.error("FLOW104", operand.span, f"{op} needs a {want} literal",
                           hint=f"to compare with a path use {op}Path")
        return {"Variable": cmp.variable.text, op: rendered}
