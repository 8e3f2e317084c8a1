"""Writing generated files: deterministic YAML/JSON, and never clobbering what a user wrote.

flowc records what it wrote in `.flowc-manifest.json` (the application - target and
sources - and path -> sha256). A file that exists but is not in the manifest, or was
edited since flowc wrote it, is left alone and reported unless `--force` is given;
so is a folder holding another application's output. Files are written atomically,
never through a symbolic link, never outside the folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from flowc.dsl.diagnostics import SOURCES, Diagnostic, Severity, Span

MANIFEST = ".flowc-manifest.json"


def dump_yaml(data: Any, header: str = "") -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda *args: True
    buf = io.StringIO()
    yaml.dump(data, buf)
    prefix = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return prefix + buf.getvalue()


def dump_json(data: Any) -> str:
    """Pretty JSON, two-space indent, UTF-8 kept as is. orjson is ~30x faster than json's pure-Python
    indenting encoder, which matters for 10,000-state definitions."""
    import orjson

    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode("utf-8")
    except TypeError:  # integers beyond 64 bits, exotic keys
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Application:
    """What produced an output folder: one folder holds one application (issue: compiling files one at a
    time into one `--out` silently replaced `template.yaml` and left the earlier definitions behind)."""

    target: str
    sources: list[str]  # relative to the output folder, sorted: the same whatever the working directory

    def includes(self, other: Application) -> bool:
        """Same target and every source of `other`: recompiling (or growing) the same application."""
        return self.target == other.target and set(other.sources) <= set(self.sources)

    def describe(self) -> str:
        return f"{', '.join(self.sources)} (--target {self.target})"


@dataclass
class Manifest:
    """`.flowc-manifest.json`: the application and the digest of every file flowc wrote.

    A plain dataclass, not a pydantic model: building that model's schema cost every `flowc compile`
    ~0.1 s of start-up (pydantic's plugin discovery reads package metadata). What comes from disk is
    checked in `from_json`, the one boundary.
    """

    application: Application | None = None
    files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: dict) -> Manifest:
        """The manifest a file holds; ValueError when it is not one (unknown keys are ignored)."""
        files = raw.get("files")
        if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in files.items()):
            raise ValueError("files must map paths to digests")
        app = raw.get("application")
        if app is None:
            return cls(None, dict(files))
        if not isinstance(app, dict):
            raise ValueError("application must be an object")
        target, sources = app.get("target"), app.get("sources")
        if not isinstance(target, str) or not isinstance(sources, list) or \
                not all(isinstance(s, str) for s in sources):
            raise ValueError("application needs a target and a list of sources")
        return cls(Application(target=target, sources=list(sources)), dict(files))

    def to_json(self) -> dict:
        out: dict[str, Any] = {}
        if self.application is not None:
            out["application"] = {"target": self.application.target, "sources": self.application.sources}
        out["files"] = self.files
        return out


def application_of(target: str, sources: list[str | Path], out_dir: Path) -> Application:
    base = out_dir.resolve()
    rel = sorted({Path(os.path.relpath(Path(src).resolve(), base)).as_posix() for src in sources})
    return Application(target=target, sources=rel)


def _problem(message: str, path: Path, hint: str | None = None, severity: Severity = Severity.ERROR) -> Diagnostic:
    SOURCES.hide(str(path))  # an output file is not a source: never print its contents in a code frame
    return Diagnostic("FLOW106", message, Span(str(path), 1, 1), severity=severity, hint=hint)


def _unsafe_name(rel: str) -> str | None:
    """Why a relative output path could land outside the folder (names are checked upstream; this is the
    writer's own guard)."""
    pure = PurePosixPath(rel)
    if not rel or pure.is_absolute() or "\\" in rel or ":" in pure.parts[0]:
        return "it is not a relative path"
    if any(part in ("", ".", "..") for part in rel.split("/")):
        return "it leaves the output folder"
    if any(len(part.encode("utf-8")) > 255 for part in pure.parts):
        return "a part of it is longer than 255 bytes"
    if any(ord(ch) < 32 for ch in rel):
        return "it contains a control character"
    return None


def _link_on_the_way(out_dir: Path, rel: str) -> Path | None:
    """The first symbolic link at or below `out_dir` on the way to `rel` (the file itself excluded)."""
    at = out_dir
    for part in PurePosixPath(rel).parts[:-1]:
        at = at / part
        if at.is_symlink():
            return at
    return None


def _read_manifest(path: Path) -> tuple[Manifest, bool]:
    """The manifest (empty when missing or unreadable) and whether it is a regular file flowc can replace."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return Manifest(), False
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest(), True
    if isinstance(raw, dict) and "files" in raw:
        try:
            return Manifest.from_json(raw), True
        except ValueError:
            return Manifest(), True
    if isinstance(raw, dict):  # the first format: a flat {path: digest}
        return Manifest(files={k: v for k, v in raw.items() if isinstance(v, str)}), True
    return Manifest(), True


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def write_outputs(out_dir: Path, files: dict[str, str], *, force: bool = False,
                  application: Application | None = None) -> list[Diagnostic]:
    """Write `files` (relative path -> text) under out_dir; refuse to overwrite user files.

    Never writes outside `out_dir` or through a symbolic link in it; each file is written to a temporary
    file and renamed over the old one (a full disk leaves the old file, never a truncated one). Files of a
    previous compile that are no longer produced are removed if unedited. Returns errors (nothing written)
    or warnings (written).
    """
    problems: list[Diagnostic] = []
    for rel in sorted(files):
        reason = _unsafe_name(rel)
        if reason:
            problems.append(_problem(f"refusing to write {rel!r}: {reason}", out_dir))
    if problems:
        return problems
    if out_dir.exists() and not out_dir.is_dir():
        return [_problem(f"{out_dir} is not a folder", out_dir)]
    manifest_path = out_dir / MANIFEST
    manifest, replaceable = _read_manifest(manifest_path)
    if not replaceable and not force:
        problems.append(_problem(f"refusing to overwrite {manifest_path}: it is not a regular file (a link?)",
                                 manifest_path, hint="pass --force to replace it"))
    old_app = manifest.application
    if application is not None and old_app is not None and not application.includes(old_app) and not force:
        problems.append(_problem(
            f"{out_dir} holds the application compiled from {old_app.describe()}; compiling "
            f"{application.describe()} there would replace its template and leave its other files "
            "unreferenced (paths relative to the output folder)", out_dir,
            hint="compile every file of the application in one command, use another --out, or pass --force "
                 "to replace the application"))
    for rel, text in sorted(files.items()):
        path = out_dir / rel
        link = _link_on_the_way(out_dir, rel)
        if link is not None:
            problems.append(_problem(f"refusing to write {path}: {link} is a symbolic link", link,
                                     hint="flowc does not write through links; remove the link"))
            continue
        if path.is_symlink():
            if not force:
                problems.append(_problem(f"refusing to overwrite {path}: it is a symbolic link", path,
                                         hint="pass --force to replace the link (not what it points to)"))
            continue
        if path.exists() and not path.is_file():
            problems.append(_problem(f"refusing to write {path}: it is not a regular file", path))
            continue
        if path.exists() and not force:
            current = _current(path)
            if current == text:
                continue
            recorded = manifest.files.get(rel)
            if recorded is None or current is None or recorded != _digest(current):
                reason = "was not written by flowc" if recorded is None else "was edited since flowc wrote it"
                problems.append(_problem(f"refusing to overwrite {path}: it {reason}", path,
                                         hint="pass --force to overwrite it"))
    if problems:
        return problems
    warnings: list[Diagnostic] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        for rel, text in sorted(files.items()):
            path = out_dir / rel
            if path.is_symlink() or _current(path) != text:
                _atomic_write(path, text)
        stale = sorted(set(manifest.files) - set(files))
        for rel in stale:
            warning = _remove_stale(out_dir, rel, manifest.files[rel])
            if warning is not None:
                warnings.append(warning)
        # An edited leftover is the user's file now: it leaves the manifest, so flowc will not overwrite it.
        new = Manifest(application=application or old_app,
                       files={rel: _digest(text) for rel, text in sorted(files.items())})
        _atomic_write(manifest_path, json.dumps(new.to_json(), indent=2) + "\n")
    except OSError as err:  # a full disk, a read-only folder: the old files are still whole
        return [_problem(f"cannot write into {out_dir}: {err.strerror or err}", out_dir)]
    return warnings


def _remove_stale(out_dir: Path, rel: str, recorded: str) -> Diagnostic | None:
    """Remove a file flowc wrote that the application no longer produces, unless it was edited."""
    if _unsafe_name(rel) or _link_on_the_way(out_dir, rel) is not None:
        return None
    path = out_dir / rel
    if path.is_symlink() or not path.is_file():
        return None
    current = _current(path)
    if current is None or _digest(current) != recorded:
        return _problem(f"kept {path}: it is no longer produced, but it was edited since flowc wrote it", path,
                        severity=Severity.WARNING)
    path.unlink()
    parent = path.parent
    while parent != out_dir and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
    return None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, text: str) -> None:
    """Write beside the target and rename over it: readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".flowc-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)  # replaces a link itself, never what it points to
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
