"""Load `.flow` / `.flow.yaml` files and everything they `import`."""

from __future__ import annotations

from pathlib import Path

from flowc.dsl import ast
from flowc.dsl.diagnostics import Diagnostic, FlowError, Span

FLOW_SUFFIXES = (".flow", ".flow.yaml", ".flow.yml")


def is_flow_file(path: str | Path) -> bool:
    return str(path).endswith(FLOW_SUFFIXES)


def display_path(path: Path) -> str:
    """Paths relative to the working directory when possible: diagnostics stay short and stable."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_source(text: str, file: str) -> ast.Module:
    if file.endswith((".flow.yaml", ".flow.yml", ".yaml", ".yml")):
        from flowc.dsl.yaml_loader import parse_flow_yaml

        return parse_flow_yaml(text, file)
    from flowc.dsl.parser import parse_flow

    return parse_flow(text, file)


def load_file(path: str | Path, text: str | None = None) -> ast.Module:
    """Parse a file; `text` is its content when it comes from somewhere else than the disk (an editor's buffer)."""
    p = Path(path)
    name = display_path(p)
    if text is not None:
        return parse_source(text, name)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FlowError([Diagnostic("FLOW106", f"no such file: {name}", Span.unknown(name))]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise FlowError([Diagnostic("FLOW106", f"cannot read {name}: {err}", Span.unknown(name))]) from None
    return parse_source(text, name)


def load_program(paths: list[str | Path], sources: dict[Path, str] | None = None
                 ) -> tuple[list[ast.Module], list[Diagnostic]]:
    """Parse the given files and, transitively, their imports (each file once).

    Returns every module that parsed plus all diagnostics, so one run reports
    the problems of every file. `sources` maps resolved paths to text that stands in for the file on disk (the
    unsaved buffers of an editor, for the language server).
    """
    sources = sources or {}
    modules: list[ast.Module] = []
    diagnostics: list[Diagnostic] = []
    seen: dict[Path, ast.Module | None] = {}

    def visit(path: Path, stack: tuple[Path, ...], from_span: Span | None) -> None:
        key = path.resolve()
        if key in stack:
            cycle = " -> ".join(display_path(p) for p in (*stack[stack.index(key):], key))
            diagnostics.append(Diagnostic("FLOW106", f"import cycle: {cycle}", from_span or Span.unknown(str(path))))
            return
        if key in seen:
            return
        if not path.exists() and key not in sources:
            diagnostics.append(Diagnostic("FLOW106", f"imported file not found: {display_path(path)}",
                                          from_span or Span.unknown(str(path))))
            seen[key] = None
            return
        try:
            module = load_file(path, sources.get(key))
        except FlowError as err:
            diagnostics.extend(err.diagnostics)
            seen[key] = None
            return
        seen[key] = module
        for imp in module.imports:
            visit((path.parent / imp.path), (*stack, key), imp.span)
        modules.append(module)

    for p in paths:
        visit(Path(p), (), None)
    return modules, diagnostics
