"""`[tool.flowc.lint]` in pyproject.toml: which rules run, at which severity, on which files.

```toml
[tool.flowc.lint]
select = ["FLOW1", "FLOW2", "FLOW3", "FLOW501"]   # codes or prefixes; default: every rule
ignore = ["FLOW405"]
exclude = ["cdk.out/**", "legacy/*.asl.json"]
strict = false                                      # warnings fail the run too
map-items = 100                                     # assumed items of an inline Map (FLOW403)
substitutions = "deploy/substitutions.json"        # ${Placeholder} values

[tool.flowc.lint.severity]
FLOW503 = "error"      # error | warning | info | off

[tool.flowc.lint.per-file-ignores]
"samples/**" = ["FLOW501", "FLOW502"]
```
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flowc.compiler.lint.records import Plain

SEVERITIES = ("error", "warning", "info", "off")
INTERNAL_CODE = "FLOW000"  # a rule that crashed; not a rule of its own, but selectable


def unknown_code_message(code: str, setting: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(code.upper(), known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else "; `flowc rules` lists every code"
    return f"unknown rule code or prefix '{code}' in {setting}{hint}"


class ConfigError(ValueError):
    pass


class LintConfig(Plain):
    select: list[str] | None  # codes or prefixes; None = all
    ignore: list[str]
    severity: dict[str, str]
    exclude: list[str]
    per_file_ignores: dict[str, list[str]]
    strict: bool
    map_items: int | None
    substitutions: str | None
    root: str | None  # directory of the pyproject.toml it came from

    _fields = ("select", "ignore", "severity", "exclude", "per_file_ignores", "strict", "map_items", "substitutions",
               "root")

    def __init__(self, select: list[str] | None = None, ignore: list[str] | None = None,
                 severity: dict[str, str] | None = None, exclude: list[str] | None = None,
                 per_file_ignores: dict[str, list[str]] | None = None, strict: bool = False,
                 map_items: int | None = None, substitutions: str | None = None, root: str | None = None) -> None:
        self.select = select
        self.ignore = [] if ignore is None else ignore
        self.severity = {} if severity is None else severity
        self.exclude = [] if exclude is None else exclude
        self.per_file_ignores = {} if per_file_ignores is None else per_file_ignores
        self.strict = strict
        self.map_items = map_items
        self.substitutions = substitutions
        self.root = root

    # -- selection ------------------------------------------------------------------------
    def enabled(self, code: str) -> bool:
        if self.severity.get(code) == "off":
            return False
        if self.select is not None and not any(code.startswith(p) for p in self.select):
            return False
        return not any(code.startswith(p) for p in self.ignore)

    def ignored_in(self, file: str, code: str) -> bool:
        for pattern, codes in self.per_file_ignores.items():
            if _matches(file, pattern) and any(code.startswith(c) for c in codes):
                return True
        return False

    def excluded(self, file: str) -> bool:
        return any(_matches(file, pattern) for pattern in self.exclude)

    def merge_cli(self, *, select: list[str] | None = None, ignore: list[str] | None = None,
                  strict: bool | None = None) -> LintConfig:
        if select:
            self.select = [c.upper() for c in select]
        if ignore:
            self.ignore = [*self.ignore, *(c.upper() for c in ignore)]
        if strict:
            self.strict = True
        return self

    def validate(self, known: Iterable[str]) -> None:
        """Every code or prefix must name at least one rule: a typo would otherwise run nothing and pass CI."""
        table = "[tool.flowc.lint]"
        check_codes(self.select or (), f"{table} select", known)
        check_codes(self.ignore, f"{table} ignore", known)
        check_codes(self.severity, f"{table}.severity", known)
        for pattern, codes in self.per_file_ignores.items():
            check_codes(codes, f"{table}.per-file-ignores {pattern!r}", known)


def check_codes(codes: Iterable[str], setting: str, known: Iterable[str]) -> None:
    """Raise `ConfigError` (with a did-you-mean) for a code or prefix that names no rule."""
    known = sorted(set(known) | {INTERNAL_CODE})
    for code in codes:
        if not any(k.startswith(code.upper()) for k in known):
            raise ConfigError(unknown_code_message(code, setting, known))


def _matches(file: str, pattern: str) -> bool:
    file = file.replace("\\", "/")
    if fnmatch.fnmatch(file, pattern):
        return True
    if pattern.endswith("/**") and (file == pattern[:-3] or file.startswith(pattern[:-2])):
        return True
    return "/" not in pattern and fnmatch.fnmatch(file.rsplit("/", 1)[-1], pattern)


def _codes(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"[tool.flowc.lint] {key} must be a list of rule codes")
    return [v.upper() for v in value]


def from_table(table: dict[str, Any], root: str | None = None) -> LintConfig:
    cfg = LintConfig(root=root)
    known = {"select", "ignore", "severity", "exclude", "per-file-ignores", "strict", "map-items", "substitutions"}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"unknown [tool.flowc.lint] setting(s): {', '.join(sorted(unknown))}")
    if "select" in table:
        cfg.select = _codes(table["select"], "select")
    if "ignore" in table:
        cfg.ignore = _codes(table["ignore"], "ignore")
    severity = table.get("severity", {})
    if not isinstance(severity, dict):
        raise ConfigError("[tool.flowc.lint.severity] must be a table of CODE = \"error|warning|info|off\"")
    for code, level in severity.items():
        if level not in SEVERITIES:
            raise ConfigError(f"severity of {code} must be one of {', '.join(SEVERITIES)}, not {level!r}")
        cfg.severity[code.upper()] = level
    exclude = table.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(p, str) for p in exclude):
        raise ConfigError("[tool.flowc.lint] exclude must be a list of glob patterns")
    cfg.exclude = exclude
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError("[tool.flowc.lint.per-file-ignores] must map glob patterns to lists of codes")
    cfg.per_file_ignores = {k: _codes(v, f"per-file-ignores.{k}") for k, v in pfi.items()}
    if "strict" in table:
        if not isinstance(table["strict"], bool):
            raise ConfigError("[tool.flowc.lint] strict must be true or false")
        cfg.strict = table["strict"]
    if "map-items" in table:
        if not isinstance(table["map-items"], int) or table["map-items"] < 1:
            raise ConfigError("[tool.flowc.lint] map-items must be a positive integer")
        cfg.map_items = table["map-items"]
    if "substitutions" in table:
        if not isinstance(table["substitutions"], str):
            raise ConfigError("[tool.flowc.lint] substitutions must be a file path")
        cfg.substitutions = str(Path(root or ".") / table["substitutions"])
    return cfg


def find_pyproject(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None = None, start: Path | None = None) -> LintConfig:
    """The `[tool.flowc.lint]` table of `path`, or of the nearest pyproject.toml above `start`."""
    import tomllib

    if path is None:
        path = find_pyproject(start or Path.cwd())
        if path is None:
            return LintConfig()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {path}: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: {err}") from None
    table = data.get("tool", {}).get("flowc", {}).get("lint")
    if table is None:
        return LintConfig(root=str(Path(path).parent))
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.flowc.lint] must be a table")
    return from_table(table, str(Path(path).parent))


def load_substitutions(path: str) -> dict[str, str]:
    """`{"Name": "value"}` from a JSON or YAML file (or a CloudFormation-style `DefinitionSubstitutions`)."""
    text = Path(path).read_text(encoding="utf-8")
    if path.endswith((".yaml", ".yml")):
        from ruamel.yaml import YAML

        data = YAML(typ="safe", pure=True).load(text)
    else:
        import json

        data = json.loads(text)
    if isinstance(data, dict) and isinstance(data.get("DefinitionSubstitutions"), dict):
        data = data["DefinitionSubstitutions"]
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: substitutions must be an object of names to values")
    return {str(k): v if isinstance(v, str) else _json_text(v) for k, v in data.items()}


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value) if not isinstance(value, (int, float)) or isinstance(value, bool) else str(value)
