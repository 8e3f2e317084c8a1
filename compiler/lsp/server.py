"""`flowc lsp`: the features of `compiler/lsp/features.py` over the Language Server Protocol (pygls, stdio)."""

from __future__ import annotations

from urllib.parse import unquote, urlparse

from flowc.compiler import __version__
from flowc.compiler.lsp import features
from lsprotocol import types
from pygls.lsp.server import LanguageServer

SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}
SYMBOL = {"workflow": types.SymbolKind.Module, "step": types.SymbolKind.Function}
COMPLETION = {"keyword": types.CompletionItemKind.Keyword, "step": types.CompletionItemKind.Reference,
              "integration": types.CompletionItemKind.Method, "workflow": types.CompletionItemKind.Module}

server = LanguageServer("flowc", __version__)


def _path(uri: str):
    from pathlib import Path

    return Path(unquote(urlparse(uri).path))


def _range(line: int, col: int, end_line: int, end_col: int) -> types.Range:
    return types.Range(types.Position(line, col), types.Position(end_line, end_col))


def _publish(uri: str) -> None:
    document = server.workspace.get_text_document(uri)
    problems = features.diagnostics(_path(uri), document.source)
    server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, version=document.version,
        diagnostics=[types.Diagnostic(range=_range(p.line, p.col, p.end_line, p.end_col), message=p.message,
                                      severity=SEVERITY.get(p.severity), code=p.code, source="flowc")
                     for p in problems]))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(params: types.DidOpenTextDocumentParams) -> None:
    _publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(params: types.DidChangeTextDocumentParams) -> None:
    _publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(params: types.DidSaveTextDocumentParams) -> None:
    _publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(params: types.HoverParams) -> types.Hover | None:
    text = server.workspace.get_text_document(params.text_document.uri).source
    found = features.hover(text, params.position.line, params.position.character)
    if found is None:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(params: types.DefinitionParams) -> types.Location | None:
    text = server.workspace.get_text_document(params.text_document.uri).source
    place = features.definition(text, params.position.line, params.position.character)
    if place is None:
        return None
    return types.Location(uri=params.text_document.uri, range=_range(place.line, place.col, place.line, place.end_col))


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" ", "."]))
def completion(params: types.CompletionParams) -> types.CompletionList:
    text = server.workspace.get_text_document(params.text_document.uri).source
    items = [types.CompletionItem(label=label, detail=kind,
                                  kind=COMPLETION.get(kind, types.CompletionItemKind.Variable))
             for label, kind in features.completion(text, params.position.line, params.position.character)]
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit]:
    """`flowc fmt` on the buffer: one edit replacing the whole text (none when it is already formatted)."""
    from flowc.dsl.formatter import format_flow

    document = server.workspace.get_text_document(params.text_document.uri)
    if not document.uri.endswith(".flow"):
        return []
    formatted = format_flow(document.source)
    if formatted == document.source:
        return []
    lines = document.source.split("\n")
    return [types.TextEdit(range=_range(0, 0, len(lines), 0), new_text=formatted)]


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def symbols(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    text = server.workspace.get_text_document(params.text_document.uri).source
    idx = features.index(text)
    out = []
    for wf in idx.workflows:
        children = [types.DocumentSymbol(name=p.name, kind=SYMBOL["step"], detail=p.detail,
                                         range=_range(p.line, p.col, p.line, p.end_col),
                                         selection_range=_range(p.line, p.col, p.line, p.end_col))
                    for p in idx.steps if p.container == wf.name]
        children += [types.DocumentSymbol(name=p.name, kind=types.SymbolKind.Variable, detail=p.kind,
                                          range=_range(p.line, p.col, p.line, p.end_col),
                                          selection_range=_range(p.line, p.col, p.line, p.end_col))
                     for p in idx.resources if p.container == wf.name]
        last = max([c.range.end.line for c in children] + [wf.line])
        out.append(types.DocumentSymbol(name=wf.name, kind=SYMBOL["workflow"], range=_range(wf.line, 0, last, 0),
                                        selection_range=_range(wf.line, wf.col, wf.line, wf.end_col),
                                        children=children))
    return out


def main() -> None:
    server.start_io()
