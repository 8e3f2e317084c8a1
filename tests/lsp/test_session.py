"""A real Language Server Protocol session with `flowc lsp` over stdio (pygls's client): open a file with a
mistake and get `flowc check`'s diagnostic, fix it and see it go, then hover, definition, completion, symbols."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from flowc.compiler.lsp import features
from lsprotocol import types
from pygls.lsp.client import LanguageClient

BROKEN = """workflow Orders
  function charge handler "h.charge" code "."
  table Orders key id

  Charge: invoke charge with { id: $.id }
    catch States.ALL goto Refnud
  Save: dynamodb.putItem Orders item { id: $.id }
  Done: succeed
  Refund: fail Refunded
"""
FIXED = BROKEN.replace("goto Refnud", "goto Refund")


async def _session(path: Path) -> dict:
    client = LanguageClient("flowc-test", "1")
    published: list[types.PublishDiagnosticsParams] = []
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published.append(params)
        arrived.set()

    async def next_diagnostics() -> types.PublishDiagnosticsParams:
        await asyncio.wait_for(arrived.wait(), 60)
        arrived.clear()
        return published[-1]

    await client.start_io(sys.executable, "-m", "flowc", "lsp")
    uri = path.as_uri()
    out: dict = {}
    try:
        await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                             root_uri=path.parent.as_uri()))
        client.initialized(types.InitializedParams())
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="flow", version=1, text=BROKEN)))
        out["open"] = await next_diagnostics()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [types.TextDocumentContentChangeWholeDocument(text=FIXED)]))
        out["change"] = await next_diagnostics()
        doc = types.TextDocumentIdentifier(uri=uri)
        out["hover_step"] = await client.text_document_hover_async(types.HoverParams(doc, types.Position(5, 28)))
        out["hover_option"] = await client.text_document_hover_async(types.HoverParams(doc, types.Position(5, 5)))
        out["definition"] = await client.text_document_definition_async(
            types.DefinitionParams(doc, types.Position(5, 28)))
        out["resource_definition"] = await client.text_document_definition_async(
            types.DefinitionParams(doc, types.Position(6, 26)))
        out["completion"] = await client.text_document_completion_async(
            types.CompletionParams(doc, types.Position(5, 26)))
        out["symbols"] = await client.text_document_document_symbol_async(types.DocumentSymbolParams(doc))
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            [types.TextDocumentContentChangeWholeDocument(text=FIXED.replace("  Done: succeed", "  Done:    succeed"))]))
        await next_diagnostics()
        out["format"] = await client.text_document_formatting_async(types.DocumentFormattingParams(
            doc, types.FormattingOptions(tab_size=2, insert_spaces=True)))
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
    return out


def test_a_real_lsp_session(tmp_path: Path) -> None:
    path = tmp_path / "orders.flow"
    path.write_text(FIXED, encoding="utf-8")  # on disk the file is fine; the editor's buffer is not
    (tmp_path / "h.py").write_text("def charge(event, context):\n    return event\n", encoding="utf-8")
    out = asyncio.run(_session(path))

    opened = out["open"].diagnostics
    (d,) = [d for d in opened if d.code == "FLOW201"]  # the unknown target (warnings come too, as in check)
    assert d.severity == types.DiagnosticSeverity.Error and "Refnud" in d.message and "Refund" in d.message
    assert (d.range.start.line, d.range.start.character) == (5, 26)  # where `flowc check` puts the caret
    after = [d.code for d in out["change"].diagnostics]
    assert "FLOW201" not in after and all(d.severity != types.DiagnosticSeverity.Error
                                          for d in out["change"].diagnostics)  # fixed in the buffer

    assert "**step** `Refund`" in out["hover_step"].contents.value
    assert "Catch" in out["hover_option"].contents.value
    assert out["definition"].range.start.line == 8  # goto Refund -> the Refund step
    assert out["resource_definition"].range.start.line == 2  # Orders -> `table Orders`
    labels = {item.label for item in out["completion"].items}
    assert {"Charge", "Save", "Done", "Refund"} <= labels  # after `goto`: the step names
    (edit,) = out["format"]  # formatting is `flowc fmt`
    assert edit.new_text == FIXED
    (workflow,) = out["symbols"]
    assert workflow.name == "Orders"
    assert [c.name for c in workflow.children if c.kind == types.SymbolKind.Function] == \
        ["Charge", "Save", "Done", "Refund"]


def test_diagnostics_are_the_ones_flowc_check_gives(tmp_path: Path, monkeypatch) -> None:
    import json

    from click.testing import CliRunner
    from flowc.compiler.cli import main

    monkeypatch.chdir(tmp_path)
    path = tmp_path / "orders.flow"
    path.write_text(BROKEN, encoding="utf-8")
    (tmp_path / "h.py").write_text("def charge(event, context):\n    return event\n", encoding="utf-8")
    check = CliRunner().invoke(main, ["check", str(path), "-f", "json"])
    checked = [(d["code"], d["line"] - 1, d["column"] - 1) for d in json.loads(check.output)]
    served = [(p.code, p.line, p.col) for p in features.diagnostics(path, BROKEN)]
    assert served == checked and served


def test_completion_offers_keywords_integrations_and_resources() -> None:
    text = "workflow W\n  table Orders key id\n  S: dyn"
    labels = {label for label, _ in features.completion(text, 2, 8)}
    assert "dynamodb.putItem" in labels
    assert {label for label, _ in features.completion(text, 2, 3)} >= {"S"}
    assert "Orders" in {label for label, _ in features.completion("workflow W\n  table Orders key id\n  S: invoke O", 2, 13)}
    assert "retry" in features.keywords() and "workflow" in features.keywords()


def test_the_textmate_grammar_covers_every_keyword_and_compiles() -> None:
    import json
    import re

    from tests.helpers import REPO

    grammar = json.loads((REPO / "editors/vscode/syntaxes/flow.tmLanguage.json").read_text(encoding="utf-8"))
    keyword_patterns = grammar["repository"]["keyword"]["patterns"]
    highlighted = {w for p in keyword_patterns for w in re.match(r"\\b\((.*)\)\\b", p["match"]).group(1).split("|")}
    assert set(features.keywords()) <= highlighted
    for rule in grammar["repository"].values():  # every pattern is a valid regular expression
        for key in ("match", "begin", "end"):
            if key in rule:
                re.compile(rule[key])
    from flowc.compiler.lsp.textmate import TARGET, render

    assert (REPO / TARGET).read_text(encoding="utf-8") == render(), "python -m flowc.compiler.lsp.textmate"
    package = json.loads((REPO / "editors/vscode/package.json").read_text(encoding="utf-8"))
    assert package["contributes"]["grammars"][0]["scopeName"] == grammar["scopeName"]
    assert "flowc" in (REPO / "editors/vscode/extension.js").read_text(encoding="utf-8")
