"""`flowc import`: existing Step Functions definitions -> `.flow` (and `.flow.yaml`), checked by a round trip.

    from flowc.compiler.importer import import_definition
    result = import_definition(definition, name="Orders")   # flow text, diagnostics, round trip per workflow

`sources` finds definitions (ASL files, SAM/CloudFormation templates, Serverless Framework files, a
deployed machine by ARN); `convert` builds the AST; `layout` recovers block structure; `dsl.printer` /
`dsl.yaml_printer` write the text; `roundtrip` compiles it back and compares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flowc.dsl.diagnostics import Diagnostic, Span


@dataclass
class ImportResult:
    workflows: list[str]
    flow: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    normalised: list[str] = field(default_factory=list)
    roundtrips: dict[str, Any] = field(default_factory=dict)  # workflow -> roundtrip.RoundTrip

    @property
    def workflow(self) -> str:
        return self.workflows[0]

    @property
    def roundtrip(self) -> Any:
        return self.roundtrips.get(self.workflow)

    @property
    def ok(self) -> bool:
        return all(d.severity.value != "error" for d in self.diagnostics) and all(
            r.ok for r in self.roundtrips.values()) and len(self.roundtrips) == len(self.workflows)


def import_definitions(found: list, *, file: str = "<import>", yaml: bool = False, header: list[str] | None = None,
                       check: bool = True) -> ImportResult:
    """Convert definitions (`sources.Found`) into one `.flow` (`.flow.yaml` with `yaml`) text and, with `check`,
    prove each workflow compiles back to its original ASL."""
    from flowc.compiler.importer import roundtrip
    from flowc.compiler.importer.convert import convert
    from flowc.dsl import ast, printer, yaml_printer

    workflows = []
    diagnostics: list[Diagnostic] = []
    normalised: list[str] = []
    used: set[str] = set()
    taken: dict[str, tuple[str, str]] = {}  # resources shared by the workflows of this file
    for item in found:
        name, n = item.name, 2
        while name in used:
            name, n = f"{item.name}{n}", n + 1
        used.add(name)
        imported = convert(item.definition, file=file, name=name, workflow_type=item.workflow_type,
                           locate=item.locate, taken=taken)
        workflows.extend(imported.module.workflows)
        diagnostics.extend(imported.diagnostics)
        normalised.extend(x for x in imported.normalised if x not in normalised)
    module = ast.Module(span=Span(file, 1, 1, 1, 1), file=file, workflows=workflows)
    problems: list[str] = []
    text = yaml_printer.format_module(module, header, problems) if yaml else printer.format_module(module, header)
    for problem in problems:
        diagnostics.append(Diagnostic("FLOW801", problem + "; left out of the YAML (the .flow form holds it)",
                                      Span(file, 1, 1, 1, 1)))
    result = ImportResult([w.name for w in workflows], text, diagnostics, normalised)
    if check:
        out_name = "<import>.flow.yaml" if yaml else "<import>.flow"
        for item, wf in zip(found, workflows, strict=True):
            result.roundtrips[wf.name] = roundtrip.check(item.definition, text, out_name, wf.name)
    return result


def import_definition(definition: Any, *, name: str = "Imported", file: str = "<import>",
                      workflow_type: str | None = None, locate: Any = None, header: list[str] | None = None,
                      check: bool = True, yaml: bool = False) -> ImportResult:
    """One ASL definition (a dict) -> `.flow` text, diagnostics and its round trip."""
    from flowc.compiler.importer.sources import Found

    return import_definitions([Found(definition, name, file, workflow_type, locate)], file=file, yaml=yaml,
                              header=header, check=check)
