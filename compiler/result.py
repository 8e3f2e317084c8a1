"""What the front end hands every back end: the IR program, the emitted ASL and the diagnostics.

It sits with the IR in the layer targets read (tests/test_layers.py), apart from `pipeline`, which builds
it and imports the ASL emitter: a target importing the pipeline would close a loop between the folders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flowc.compiler import ir
from flowc.dsl.diagnostics import Diagnostic, Severity


@dataclass
class CompileResult:
    program: ir.Program | None
    asl: dict = field(default_factory=dict)  # workflow name -> flowc.targets.asl.emit.EmitResult
    diagnostics: list[Diagnostic] = field(default_factory=list)
    modules: list = field(default_factory=list)  # the parsed files (flowc.dsl.ast.Module), for .flow rules
    #: errors of the front end itself (parse, lower, emit): the program cannot be built as written, whatever
    #: a lint configuration says about rule severities
    front_end_errors: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors
