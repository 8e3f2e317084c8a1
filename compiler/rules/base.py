"""What a lint rule is: a code, a default severity, a one-line summary, docs, and a check.

Rules are small classes, one per module in this package, registered by being
defined (see ``flowc.compiler.rules.registry``). ASL rules read an ``AslDocument``;
``.flow`` rules read the AST. Both yield ``Finding``s located by JSON pointer or
by span, which the engine turns into diagnostics.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from flowc.compiler.lint.records import Frozen
from flowc.dsl.diagnostics import Severity, Span

DOCS_URL = "https://github.com/flowc/flowc/blob/main/docs/rules/{code}.md"


class Finding(Frozen):
    message: str
    pointer: str | None  # JSON pointer into the ASL
    span: Span | None  # or a span directly (for .flow rules)
    hint: str | None
    severity: Severity | None  # overrides the rule default (rare)
    key: bool  # locate at the member's key (a field name) rather than its value

    _fields = ("message", "pointer", "span", "hint", "severity", "key")

    def __init__(self, message: str, pointer: str | None = None, span: Span | None = None, hint: str | None = None,
                 severity: Severity | None = None, key: bool = False) -> None:
        # stored in the instance dict directly (Frozen refuses `setattr`): half the cost of six
        # `object.__setattr__` calls, and a rule can report thousands of states (FLOW504)
        fields = self.__dict__
        fields["message"] = message
        fields["pointer"] = pointer
        fields["span"] = span
        fields["hint"] = hint
        fields["severity"] = severity
        fields["key"] = key


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    summary: ClassVar[str]
    #: Markdown: why it matters, then a bad and a good example.
    docs: ClassVar[str] = ""
    #: "asl" rules check ASL documents (from .flow or raw); "flow" rules check .flow ASTs.
    target: ClassVar[str] = "asl"

    registry: ClassVar[dict[str, type[Rule]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code")
        if code:
            if code in Rule.registry and Rule.registry[code] is not cls:
                raise RuntimeError(f"two rules claim {code}")
            Rule.registry[code] = cls

    def check(self, doc: Any) -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def docs_url(cls) -> str:
        return DOCS_URL.format(code=cls.code)
