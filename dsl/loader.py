"""Load `.flow` / `.flow.yaml` files and everything they `import`."""

from __future__ import annotations

import os
from pathlib import Path

from flowc.dsl import ast
from flowc.dsl.diagnostics import Diagnostic, FlowError, Span
from flowc.dsl.names import check_names

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
    text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark, accepted by every front end
    if file.endswith((".flow.yaml", ".flow.yml", ".yaml", ".yml")):
        from flowc.dsl.yaml_loader import parse_flow_yaml

        return parse_flow_yaml(text, file)
    from flowc.dsl.parser import parse_flow

    return parse_flow(text, file)


def load_file(path: str | Path, text: str | None = None, *, imported: bool = False) -> ast.Module:
    """Parse one source file. An imported one must be a regular file (not /dev/zero, a FIFO, /proc/...).
    `text` is its content when it comes from somewhere else than the disk (standard input, an editor's buffer),
    held to the same size limit."""
    from flowc.dsl.limits import MAX_SOURCE_BYTES, LimitError, read_source

    p = Path(path)
    name = display_path(p)
    if text is not None:
        if len(text.encode("utf-8")) > MAX_SOURCE_BYTES:
            raise FlowError([Diagnostic("FLOW106", f"{name}: larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB",
                                        Span(name, 1, 1, 1, 2))])
        return parse_source(text.removeprefix("\ufeff"), name)
    try:
        text = read_source(p, regular_only=imported)
    except FileNotFoundError:
        raise FlowError([Diagnostic("FLOW106", f"no such file: {name}", Span.unknown(name))]) from None
    except LimitError as err:
        raise FlowError([Diagnostic(err.code, err.message, Span(name, err.line, err.col, err.line, err.col + 1))]
                        ) from None
    except OSError as err:
        raise FlowError([Diagnostic("FLOW106", f"cannot read {name}: {err.strerror or err}", Span.unknown(name))]
                        ) from None
    return parse_source(text, name)


def import_roots(paths: list[Path]) -> list[Path]:
    """Where imports may resolve: the folders of the files named on the command line (and below), plus the
    folders listed in FLOWC_PATH (separated like PATH)."""
    roots = [p.resolve().parent for p in paths]
    extra = os.environ.get("FLOWC_PATH", "")
    roots += [Path(entry).resolve() for entry in extra.split(os.pathsep) if entry]
    return list(dict.fromkeys(roots))


def resolve_import(base: Path, imp: ast.Import, roots: list[Path]) -> tuple[Path | None, Diagnostic | None]:
    """The file an `import` names, or why it may not be read: only workflow sources inside the project."""
    if not is_flow_file(imp.path):
        return None, Diagnostic("FLOW106", f"cannot import {imp.path!r}: only workflow sources "
                                f"({', '.join(FLOW_SUFFIXES)}) can be imported", imp.span)
    candidate = base.parent / imp.path
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError) as err:  # a name too long, a symlink loop
        return None, Diagnostic("FLOW106", f"cannot import {imp.path!r}: {getattr(err, 'strerror', None) or err}",
                                imp.span)
    if not any(real == root or root in real.parents for root in roots):
        return None, Diagnostic("FLOW106", f"cannot import {imp.path!r}: it is outside the project "
                                f"({', '.join(display_path(r) or '.' for r in roots)})", imp.span,
                                hint="imports resolve inside the folder of the compiled file; add other "
                                "folders to FLOWC_PATH")
    return candidate, None


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
    roots = import_roots([Path(p) for p in paths])

    def visit(path: Path, stack: tuple[Path, ...], from_span: Span | None) -> None:
        try:
            key = path.resolve()
            exists = path.exists()
        except (OSError, RuntimeError) as err:
            diagnostics.append(Diagnostic("FLOW106", f"cannot read {display_path(path)}: "
                                          f"{getattr(err, 'strerror', None) or err}",
                                          from_span or Span.unknown(str(path))))
            return
        if key in stack:
            cycle = " -> ".join(display_path(p) for p in (*stack[stack.index(key):], key))
            diagnostics.append(Diagnostic("FLOW106", f"import cycle: {cycle}", from_span or Span.unknown(str(path))))
            return
        if key in seen:
            return
        if not exists and key not in sources:
            diagnostics.append(Diagnostic("FLOW106", f"imported file not found: {display_path(path)}",
                                          from_span or Span.unknown(str(path))))
            seen[key] = None
            return
        try:
            module = load_file(path, sources.get(key), imported=from_span is not None)
        except FlowError as err:
            # A file that cannot be read is reported at the import that names it (nothing of it is shown).
            diagnostics.extend(Diagnostic(d.code, d.message, from_span, hint=d.hint)
                               if from_span is not None and d.code == "FLOW106" else d for d in err.diagnostics)
            seen[key] = None
            return
        seen[key] = module
        diagnostics.extend(check_names(module))
        for imp in module.imports:
            target, problem = resolve_import(path, imp, roots)
            if problem is not None:
                diagnostics.append(problem)
                continue
            visit(target, (*stack, key), imp.span)
        modules.append(module)

    for p in paths:
        visit(Path(p), (), None)
    return modules, diagnostics
