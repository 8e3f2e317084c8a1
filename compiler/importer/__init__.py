"""`flowc import`: existing Step Functions definitions -> `.flow` (and `.flow.yaml`), checked by a round trip.

    from flowc.compiler.importer import import_definition
    result = import_definition(definition, name="Orders")   # an ImportResult: flow text, diagnostics, round trip

`sources` finds definitions (ASL files, SAM/CloudFormation templates, Serverless Framework files, a
deployed machine by ARN); `convert` builds the AST; `layout` recovers block structure; `dsl.printer`
writes the text; `roundtrip` compiles it back and compares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flowc.dsl.diagnostics import Diagnostic, Span


@dataclass
class ImportResult:
    workflow: str
    flow: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    normalised: list[str] = field(default_factory=list)
    roundtrip: Any = None  # roundtrip.RoundTrip

    @property
    def ok(self) -> bool:
        return all(d.severity.value != "error" for d in self.diagnostics) and bool(self.roundtrip and self.roundtrip.ok)


def import_definition(definition: Any, *, name: str = "Imported", file: str = "<import>",
                      workflow_type: str | None = None, locate: Any = None, header: list[str] | None = None,
                      check: bool = True, yaml: bool = False) -> ImportResult:
    """Convert one ASL definition to `.flow` (`.flow.yaml` with `yaml`) text and, with `check`, prove it
    compiles back to the same ASL."""
    from flowc.compiler.importer import roundtrip
    from flowc.compiler.importer.convert import convert
    from flowc.dsl import printer, yaml_printer

    imported = convert(definition, file=file, name=name, workflow_type=workflow_type, locate=locate)
    problems: list[str] = []
    text = yaml_printer.format_module(imported.module, header, problems) if yaml else printer.format_module(
        imported.module, header)
    result = ImportResult(imported.workflow, text, list(imported.diagnostics), list(imported.normalised))
    for problem in problems:
        result.diagnostics.append(Diagnostic("FLOW801", problem + "; left out of the YAML (the .flow form holds it)",
                                             Span(file, 1, 1, 1, 1)))
    if check:
        out_name = "<import>.flow.yaml" if yaml else "<import>.flow"
        result.roundtrip = roundtrip.check(definition, text, out_name, imported.workflow)
    return result
