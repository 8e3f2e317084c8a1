"""Output formats for `flowc lint`: text, json, sarif (2.1.0, for GitHub code scanning), github (annotations)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from flowc.compiler import __version__
from flowc.dsl.diagnostics import Diagnostic, SourceCache, render

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/flowc/flowc"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def counts(diagnostics: Iterable[Diagnostic]) -> Counter:
    return Counter(d.severity.value for d in diagnostics)


def summary_line(diagnostics: list[Diagnostic], files: int) -> str:
    c = counts(diagnostics)

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    parts = [plural(c["error"], "error"), plural(c["warning"], "warning")]
    if c["info"]:
        parts.append(plural(c["info"], "note"))
    return f"{plural(files, 'file')} linted: " + ", ".join(parts)


def text(diagnostics: list[Diagnostic], *, color: bool = False, sources: SourceCache | None = None) -> str:
    sources = sources or SourceCache()
    return "\n".join(render(d, sources, color=color) for d in diagnostics)


def as_json(diagnostics: list[Diagnostic]) -> str:
    from flowc.compiler.rules import get_rule

    out = []
    for d in diagnostics:
        item = d.to_dict()
        rule = get_rule(d.code)
        if rule is not None:
            item["rule"] = rule.name
        out.append(item)
    return json.dumps(out, indent=2, ensure_ascii=False)


def sarif(diagnostics: list[Diagnostic]) -> str:
    from flowc.compiler.rules import all_rules

    registry = all_rules()
    codes = sorted({d.code for d in diagnostics} | set(registry))
    rules = []
    for code in codes:
        cls = registry.get(code)
        if cls is None:
            rules.append({"id": code, "name": code.lower(), "shortDescription": {"text": code}})
            continue
        rules.append({
            "id": code,
            "name": cls.name,
            "shortDescription": {"text": cls.summary},
            "fullDescription": {"text": cls.summary},
            "helpUri": cls.docs_url(),
            "help": {"text": cls.docs or cls.summary, "markdown": cls.docs or cls.summary},
            "defaultConfiguration": {"level": SARIF_LEVEL[cls.severity.value]},
            "properties": {"tags": [cls.target]},
        })
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for d in diagnostics:
        region = {"startLine": max(1, d.span.line), "startColumn": max(1, d.span.col)}
        if d.span.end_line and d.span.end_line >= d.span.line:
            region["endLine"] = d.span.end_line
            if d.span.end_col and (d.span.end_line > d.span.line or d.span.end_col > d.span.col):
                region["endColumn"] = d.span.end_col
        message = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        results.append({
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": SARIF_LEVEL[d.severity.value],
            "message": {"text": message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": d.span.file.replace("\\", "/"), "uriBaseId": "%SRCROOT%"},
                "region": region,
            }}],
        })
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "flowc", "semanticVersion": __version__, "version": __version__,
                                "informationUri": INFORMATION_URI, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"uri": "./"}},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: list[Diagnostic]) -> str:
    """GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=...::message`."""
    from flowc.compiler.rules import get_rule

    lines = []
    for d in diagnostics:
        rule = get_rule(d.code)
        title = f"{d.code} {rule.name}" if rule else d.code
        props = [f"file={_escape_property(d.span.file)}", f"line={d.span.line}", f"col={d.span.col}"]
        if d.span.end_line and d.span.end_line >= d.span.line:
            props.append(f"endLine={d.span.end_line}")
            if d.span.end_line == d.span.line and d.span.end_col > d.span.col:
                props.append(f"endColumn={d.span.end_col}")
        props.append(f"title={_escape_property(title)}")
        message = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        lines.append(f"::{GITHUB_LEVEL[d.severity.value]} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines)
