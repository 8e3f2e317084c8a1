"""Output formats for `flowc lint`: text, json, sarif (2.1.0, for GitHub code scanning), github (annotations)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from flowc.compiler import __version__
from flowc.dsl.diagnostics import Diagnostic, SourceCache, render

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/flowc/flowc"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
SRCROOT = "%SRCROOT%"
FINGERPRINT = "flowcFindingHash/v1"


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
    return dumps_indented(out)


def dumps_indented(value: list | dict) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte, written by orjson: the standard
    library's indenting encoder is pure Python (~10 ms for a report on a couple of hundred files, a few
    percent of a CLI run). Only for strings, ints, bools, None, lists and dicts (orjson writes floats its own
    way); what orjson refuses (lone surrogates from `\\ud800` escapes, ints past 64 bits) goes to `json`."""
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value, indent=2, ensure_ascii=False)


def sarif(diagnostics: list[Diagnostic], *, root: Path | None = None, sources: SourceCache | None = None) -> str:
    """SARIF 2.1.0: URIs relative to the repository root (`%SRCROOT%`, given as an absolute `file://` URI),
    and `partialFingerprints` that survive unrelated edits, so re-uploads update alerts instead of adding."""
    from flowc.compiler.lint.locations import artifact_location, file_uri, repository_root
    from flowc.compiler.rules import all_rules

    root = root or repository_root()
    sources = sources or SourceCache()
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
    seen: Counter = Counter()
    for d in diagnostics:
        region = {"startLine": max(1, d.span.line), "startColumn": max(1, d.span.col)}
        if d.span.end_line and d.span.end_line >= d.span.line:
            region["endLine"] = d.span.end_line
            if d.span.end_col and (d.span.end_line > d.span.line or d.span.end_col > d.span.col):
                region["endColumn"] = d.span.end_col
        message = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        location = artifact_location(d.span.file, root, SRCROOT)
        fingerprint = _fingerprint(d, location["uri"], sources.line(d.span.file, d.span.line) or "")
        seen[fingerprint] += 1
        results.append({
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": SARIF_LEVEL[d.severity.value],
            "message": {"text": message},
            "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
            "partialFingerprints": {FINGERPRINT: f"{fingerprint}:{seen[fingerprint]}"},
        })
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "flowc", "semanticVersion": __version__, "version": __version__,
                                "informationUri": INFORMATION_URI, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {SRCROOT: {"uri": file_uri(root)}},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _fingerprint(d: Diagnostic, uri: str, line_text: str) -> str:
    """What identifies a finding across commits: rule, file, message and the text of its line (not the line
    number, which moves whenever something above it changes); `:n` numbers repeats of the same one."""
    import hashlib

    key = "\0".join((d.code, uri, d.message, " ".join(line_text.split())))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: list[Diagnostic], *, root: Path | None = None) -> str:
    """GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=...::message`, with paths
    relative to the repository root (where GitHub looks for the file)."""
    from flowc.compiler.lint.locations import display_path, repository_root
    from flowc.compiler.rules import get_rule

    root = root or repository_root()
    lines = []
    for d in diagnostics:
        rule = get_rule(d.code)
        title = f"{d.code} {rule.name}" if rule else d.code
        props = [f"file={_escape_property(display_path(d.span.file, root))}", f"line={d.span.line}",
                 f"col={d.span.col}"]
        if d.span.end_line and d.span.end_line >= d.span.line:
            props.append(f"endLine={d.span.end_line}")
            if d.span.end_line == d.span.line and d.span.end_col > d.span.col:
                props.append(f"endColumn={d.span.end_col}")
        props.append(f"title={_escape_property(title)}")
        message = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        lines.append(f"::{GITHUB_LEVEL[d.severity.value]} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines)


# GitHub shows at most 10 annotations of each level per step and 50 per job, and drops the rest silently
# (https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md#limitations); a step summary may
# hold 1 MiB.
ANNOTATIONS_PER_LEVEL = 10
ANNOTATIONS_PER_JOB = 50
SUMMARY_BYTES = 1024 * 1024 - 4096


def annotations_dropped(diagnostics: list[Diagnostic]) -> bool:
    c = counts(diagnostics)
    return any(n > ANNOTATIONS_PER_LEVEL for n in c.values()) or sum(c.values()) > ANNOTATIONS_PER_JOB


def step_summary(diagnostics: list[Diagnostic], files: int, *, root: Path | None = None) -> str:
    """A Markdown table of every finding, for `$GITHUB_STEP_SUMMARY` when annotations would be dropped."""
    from flowc.compiler.lint.locations import display_path, repository_root

    root = root or repository_root()

    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    head = (f"### flowc lint: {summary_line(diagnostics, files)}\n\n"
            f"GitHub shows {ANNOTATIONS_PER_LEVEL} annotations of each level per step; all {len(diagnostics)} "
            "findings are listed here.\n\n| severity | rule | location | message |\n|---|---|---|---|\n")
    out, size = [head], len(head.encode("utf-8"))
    for i, d in enumerate(diagnostics):
        row = (f"| {d.severity.value} | {d.code} | `{cell(display_path(d.span.file, root))}:{d.span.line}:"
               f"{d.span.col}` | {cell(d.message)} |\n")
        size += len(row.encode("utf-8"))
        if size > SUMMARY_BYTES:
            out.append(f"\n{len(diagnostics) - i} more not shown (the summary is limited to 1 MiB).\n")
            break
        out.append(row)
    return "".join(out)
