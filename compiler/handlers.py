"""Compile-time checks that a declared function's code is there: `code` directory, handler module, function.

A `function` whose `CodeUri` points nowhere still passes cfn-lint and the SAM translator, and fails only
at `sam build` or on the first run. The module is read with Python's own parser, never imported: checking
must not run user code. Only Python runtimes are checked (other runtimes' handler strings mean other
things), and only when the declaring source is a real file (text given on stdin has no directory).
"""

from __future__ import annotations

import ast as pyast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    field: str  # the property to point at: code | handler
    message: str
    hint: str | None = None


def check(source_file: str, code: str, handler: str, runtime: str) -> Problem | None:
    if not runtime.startswith("python"):
        return None
    source = Path(source_file)
    if not source.is_file():
        return None
    base = source.parent / code
    try:
        is_dir = base.is_dir()
    except OSError as err:  # a path the system will not look at (too long, no permission, ...)
        return Problem("code", f"code directory cannot be read: {err.strerror or err}",
                       "`code` is a directory relative to the .flow file that declares the function")
    if not is_dir:
        what = "is a file, not a directory" if base.exists() else "does not exist"
        return Problem("code", f"code directory '{code}' {what} (looked in {base.parent.resolve()})",
                       "`code` is relative to the .flow file that declares the function")
    module_name, _, func = handler.rpartition(".")
    if not module_name or not func:
        return Problem("handler", f"handler '{handler}' must be written module.function",
                       'e.g. handler "orders.handle" for def handle(event, context) in orders.py')
    relative = module_name.replace(".", "/")
    candidates = [base / f"{relative}.py", base / relative / "__init__.py"]
    try:
        module = next((p for p in candidates if p.is_file()), None)
    except OSError as err:
        return Problem("handler", f"handler module '{module_name}' cannot be read: {err.strerror or err}",
                       'e.g. handler "orders.handle" for def handle(event, context) in orders.py')
    if module is None:
        return Problem("handler", f"handler module '{module_name}' not found: no {relative}.py in '{code}'",
                       _near_modules(base, relative))
    names = _top_level_names(str(module), module.stat().st_mtime_ns)
    if names is None:
        return Problem("handler", f"handler module {module.name} has a syntax error", "fix it, or run "
                       f"`python -m py_compile {module}` to see where")
    if "*" in names or func in names:
        return None
    from flowc.dsl.diagnostics import did_you_mean

    near = did_you_mean(func, sorted(n for n in names if not n.startswith("_")))
    return Problem("handler", f"handler module {module.name} defines no function '{func}'",
                   f"did you mean '{module_name}.{near}'?" if near else f"define `def {func}(event, context):`")


def _near_modules(base: Path, relative: str) -> str | None:
    from flowc.dsl.diagnostics import did_you_mean

    folder = base / Path(relative).parent
    try:
        stems = sorted(p.stem for p in folder.iterdir() if p.suffix == ".py")
    except OSError:
        return None
    near = did_you_mean(Path(relative).name, stems)
    return f"did you mean '{near}'?" if near else ("modules there: " + ", ".join(stems) if stems else None)


@lru_cache(maxsize=256)
def _top_level_names(path: str, _mtime: int) -> frozenset[str] | None:
    """Names a module binds at top level (`*` when it cannot be known statically); None on a syntax error."""
    try:
        tree = pyast.parse(Path(path).read_bytes(), filename=path)
    except (SyntaxError, ValueError, OSError):
        return None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (pyast.FunctionDef, pyast.AsyncFunctionDef, pyast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (pyast.Assign, pyast.AnnAssign, pyast.AugAssign)):
            targets = node.targets if isinstance(node, pyast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in pyast.walk(target) if isinstance(n, pyast.Name))
        elif isinstance(node, (pyast.Import, pyast.ImportFrom)):
            for alias in node.names:
                names.add("*" if alias.name == "*" else (alias.asname or alias.name.split(".")[0]))
        elif isinstance(node, (pyast.If, pyast.Try, pyast.With)):
            names.add("*")  # conditional definitions: do not guess
    if "__getattr__" in names:
        names.add("*")
    return frozenset(names)
