"""`flowc fmt --to yaml|flow`: convert a file between `.flow` and `.flow.yaml`, keeping every comment.

The program goes through the syntax tree (parse one form, print the other with `dsl.printer` /
`dsl.yaml_printer`), so the compiled ASL cannot change. A tree has no comments, so they are carried beside it:
every comment is attached to a *construct* (import, resource, trigger, setting, workflow, step, `goto`, choice
branch, step option) by the lines the constructs start on,
- an own-line comment to the construct that starts on the next code line (written before it),
- an end-of-line comment to the innermost construct started on or before its line (written after its head),
- an own-line comment inside a construct's value (a broken `{ ... }` object, a YAML retry entry) to that
  construct, written before it (a warning says it moved: the other form has no line there),
- comments after the last construct at the end of the file.
The output is printed without comments, parsed again to learn where each construct landed, and the comments
are put in on those lines; a construct is known in both trees by its path (workflow, step name, option name
and occurrence), not by its line.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from flowc.dsl import ast

# Options a step may carry on its header line in `.flow` (`Save: dynamodb.putItem T item { ... }`): the
# payload (`with`) and the integration's own parameters; the generic options always get a line of their own.
_GENERIC = frozenset({"input", "select", "result", "output", "assign", "timeout", "heartbeat", "credentials",
                      "query", "comment", "concurrency", "tolerate_count", "tolerate_percent", "reader", "batch",
                      "writer", "execution", "label", "retry", "catch"})
_LEAVES = (ast.Import, ast.ResourceDecl, ast.Trigger, ast.Setting, ast.Option, ast.Goto)


@dataclass
class Comment:
    line: int
    text: str  # from the '#', right-stripped
    eol: bool  # after code on the same line


@dataclass
class Construct:
    key: tuple  # the same in both forms' trees
    line: int
    leaf: bool
    label: str  # for warnings: "step 'A'", "option 'retry' of step 'A'"


@dataclass
class Conversion:
    text: str
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line of the input, message)


# -------------------------------------------------------------------------------------- constructs
def constructs(module: ast.Module) -> list[Construct]:
    """Every construct of the tree, in source order (parents before their children)."""
    out: list[Construct] = []
    for i, imp in enumerate(module.imports):
        out.append(Construct(("import", i), imp.span.line, True, f"import {imp.path!r}"))
    for r in module.resources:
        out.append(Construct(("resource", r.kind, r.name), r.span.line, True, f"{r.kind} '{r.name}'"))
    for wf in module.workflows:
        wkey = ("workflow", wf.name)
        out.append(Construct(wkey, wf.span.line, False, f"workflow '{wf.name}'"))
        seen: dict[str, int] = {}
        for s in wf.settings:
            n = seen[s.name] = seen.get(s.name, -1) + 1
            out.append(Construct((*wkey, "setting", s.name, n), s.span.line, True, f"setting '{s.name}'"))
        for r in wf.resources:
            out.append(Construct((*wkey, "resource", r.kind, r.name), r.span.line, True, f"{r.kind} '{r.name}'"))
        for i, t in enumerate(wf.triggers):
            out.append(Construct((*wkey, "trigger", i), t.span.line, True, f"trigger 'on {t.kind}'"))
        _statements(wf.body, wkey, out)
    return out


def _statements(body: list, parent: tuple, out: list[Construct]) -> None:
    gotos = 0
    for stmt in body:
        if isinstance(stmt, ast.Goto):
            out.append(Construct((*parent, "goto", gotos), stmt.span.line, True, "goto"))
            gotos += 1
            continue
        key = (*parent[:2], "step", stmt.name)  # step names are unique in a workflow
        out.append(Construct(key, stmt.span.line, False, f"step '{stmt.name}'"))
        seen: dict[str, int] = {}
        for o in stmt.options:
            n = seen[o.name] = seen.get(o.name, -1) + 1
            out.append(Construct((*key, "option", o.name, n), o.span.line, True,
                                 f"option '{o.name}' of step '{stmt.name}'"))
        a = stmt.action
        if isinstance(a, ast.ChooseAction):
            for i, branch in enumerate(a.branches):
                out.append(Construct((*key, "branch", i), branch.span.line, False, f"branch {i + 1} of '{stmt.name}'"))
                _statements(branch.body, (*key, "branch", i), out)
            if a.default is not None:
                _statements(a.default, (*key, "default"), out)
        elif isinstance(a, ast.ParallelAction):
            for i, branch in enumerate(a.branches):
                _statements(branch, (*key, "parallel", i), out)
        elif isinstance(a, ast.MapAction):
            _statements(a.body, (*key, "do"), out)


# -------------------------------------------------------------------------------------------- comments
def flow_comments(text: str) -> list[Comment]:
    """The comments of `.flow` text: '#' outside strings and JSONata, to the end of the line."""
    from flowc.dsl.formatter import _split_comment

    out = []
    for n, line in enumerate(text.splitlines(), 1):
        code, comment = _split_comment(line)
        if comment:
            out.append(Comment(n, comment, bool(code.strip())))
    return out


def yaml_comments(text: str) -> list[Comment]:
    """The comments of YAML text, as ruamel's round-trip loader finds them (so never a '#' inside a scalar)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedBase

    yaml = YAML(typ="rt")
    data = yaml.load(text)
    lines = text.splitlines()
    found: dict[int, Comment] = {}
    tokens: list[Any] = []

    def collect(x: Any) -> None:
        if isinstance(x, list):
            for y in x:
                collect(y)
        elif x is not None and hasattr(x, "start_mark") and hasattr(x, "value"):
            tokens.append(x)

    def walk(node: Any) -> None:
        if isinstance(node, CommentedBase):
            ca = node.ca
            collect(ca.comment)
            collect(list(ca.items.values()))
            collect(ca.end)
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)
    for tok in tokens:
        # a token's mark is not always its first line (one that starts with a line break is marked a line
        # late): each piece is looked up in the source near where it should be
        value = str(tok.value)
        late = 1 if value.startswith("\n") else 0
        for k, piece in enumerate(value.split("\n")):
            piece = piece.strip()
            if not piece.startswith("#"):
                continue
            guess = tok.start_mark.line + 1 + k - late
            for line in sorted(range(guess - 2, guess + 3), key=lambda n: abs(n - guess)):
                if line in found or not 1 <= line <= len(lines) or not lines[line - 1].rstrip().endswith(piece):
                    continue
                source = lines[line - 1]
                at = source.rstrip().rfind(piece)
                found[line] = Comment(line, piece, bool(source[:at].strip()))
                break
    for n in _own_line_comments(yaml, text, lines):  # ruamel drops some (after a nested sequence's end)
        found.setdefault(n, Comment(n, lines[n - 1].strip(), False))
    return [found[n] for n in sorted(found)]


def _own_line_comments(yaml: Any, text: str, lines: list[str]) -> list[int]:
    """The lines that are a comment on their own: '#' first on a line that no multi-line scalar (block,
    quoted) spans. ruamel's round-trip loader keeps most comments on its nodes but loses some, e.g. one
    between a nested sequence and the next key; the YAML grammar itself says what such a line is."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    inside: set[int] = set()
    stack = [yaml.compose(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            start, end = node.start_mark.line, node.end_mark.line  # 0-based
            if end > start:  # a line the scalar ends on at column 0 is not its own
                inside.update(range(start + 2, end + 1 + (1 if node.end_mark.column else 0)))
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, SequenceNode):
            stack += node.value
    return [n for n, line in enumerate(lines, 1) if line.lstrip().startswith("#") and n not in inside]


@dataclass
class Attached:
    key: tuple | None  # None: the end of the file
    where: str  # "before" | "eol" | "end"
    text: str
    line: int  # in the input
    moved: str | None = None  # why it is not where it stood
    gap: bool = False  # a blank line follows it in the input (own-line comments)


def attach(comments: list[Comment], items: list[Construct], code_lines: list[int],
           indent_of: dict[int, int], structural: set[int] = frozenset()) -> list[Attached]:
    """Each comment's construct (module docstring). `code_lines`: the lines holding code, ascending."""
    import bisect

    starts: dict[int, list[Construct]] = {}
    for c in items:
        starts.setdefault(c.line, []).append(c)
    ordered = sorted(starts)
    out: list[Attached] = []
    for com in comments:
        if com.eol and com.line in starts:
            out.append(Attached(starts[com.line][-1].key, "eol", com.text, com.line))
            continue
        if com.eol:  # after code that starts no construct: the head of a step, a value's next line, `else`
            i = bisect.bisect_left(ordered, com.line) - 1
            last = starts[ordered[i]][-1] if i >= 0 else None
            if last is not None and com.line not in structural and (
                    not last.leaf or indent_of.get(com.line, 0) > indent_of.get(last.line, 0)):
                out.append(Attached(last.key, "eol", com.text, com.line))
                continue
            k = bisect.bisect_right(ordered, com.line)
            if k < len(ordered):
                out.append(Attached(starts[ordered[k]][0].key, "before", com.text, com.line,
                                    moved="on a line of its own, before the construct that follows"))
                continue
        j = bisect.bisect_right(code_lines, com.line)
        nxt = code_lines[j] if j < len(code_lines) else None
        if nxt is not None and nxt in starts:
            out.append(Attached(starts[nxt][0].key, "before", com.text, com.line))
            continue
        i = bisect.bisect_left(ordered, com.line) - 1
        inside = starts[ordered[i]][-1] if i >= 0 else None
        if (nxt is not None and inside is not None and inside.leaf
                and indent_of.get(nxt, 0) > indent_of.get(inside.line, 0)):
            out.append(Attached(inside.key, "before", com.text, com.line,
                                moved=f"before {inside.label}, which it was inside"))
            continue
        k = bisect.bisect_left(ordered, nxt) if nxt is not None else len(ordered)
        if k < len(ordered):
            out.append(Attached(starts[ordered[k]][0].key, "before", com.text, com.line))
        else:
            out.append(Attached(None, "end", com.text, com.line))
    with_eol: set[tuple] = set()
    for a in out:  # one end-of-line comment per construct: the others go on lines of their own before it
        if a.where == "eol" and a.key in with_eol:
            a.where, a.moved = "before", "on a line of its own before the construct (it has one after it)"
        elif a.where == "eol":
            with_eol.add(a.key)
    return out


def gaps(text: str, items: list[Construct], attached: list[Attached]) -> set[tuple]:
    """The steps set apart by a blank line above them (or above their comments): kept in the output (the
    printers space the sections themselves)."""
    lines = text.splitlines()
    blank = {n for n, line in enumerate(lines, 1) if not line.strip()}
    first: dict[tuple, int] = {}
    for c in items:
        first.setdefault(c.key, c.line)
    for a in attached:
        if a.where == "before" and a.key in first and not a.moved:
            first[a.key] = min(first[a.key], a.line)
        if a.where == "before" and a.line + 1 in blank:
            a.gap = True
    return {key for key, line in first.items() if line - 1 in blank and len(key) == 4 and key[2] == "step"}


_FLOW_STRUCTURE = frozenset({"branch", "do", "else", "default"})


def _indents(text: str) -> tuple[list[int], dict[int, int]]:
    code, indent = [], {}
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#"):
            code.append(n)
            indent[n] = len(line) - len(stripped)
    return code, indent


def structure_lines(text: str, comments: list[Comment], yaml: bool) -> set[int]:
    """Lines of structure only (`branch`, `do`, `else`; a YAML `key:` opening a block): a comment after one
    belongs to what follows."""
    at = {c.line: c.text for c in comments if c.eol}
    out = set()
    for n, line in enumerate(text.splitlines(), 1):
        if n not in at:
            continue
        code = line[:line.rstrip().rfind(at[n])].strip()
        if (yaml and code.endswith(":")) or (not yaml and code in _FLOW_STRUCTURE):
            out.add(n)
    return out


# ------------------------------------------------------------------------------------ putting them in
def _place(text: str, items: list[Construct], attached: list[Attached], eol_end, spaced: set[tuple]) -> str:
    """`text` (no comments) with the comments on the lines where their constructs now start, and a blank
    line above the constructs in `spaced`."""
    lines = text.splitlines()
    where: dict[tuple, int] = {}
    for c in items:
        where.setdefault(c.key, c.line)
    space_at = {where[k] for k in spaced if k in where}
    before: dict[int, list[Attached]] = {}
    after: dict[int, list[str]] = {}
    tail: list[str] = []
    for a in attached:
        line = where.get(a.key) if a.key is not None else None
        if line is None:
            tail.append(a.text)
        elif a.where == "eol":
            after.setdefault(eol_end(lines, line), []).append(a.text)
        else:
            before.setdefault(line, []).append(a)
    out: list[str] = []
    for n, line in enumerate(lines, 1):
        pad = line[:len(line) - len(line.lstrip())]
        if n in space_at and out and out[-1].strip() and not out[-1].rstrip().endswith(":"):
            out.append("")
        for a in before.get(n, []):
            out.append(pad + a.text)
            if a.gap:
                out.append("")
        extra = after.get(n, [])
        out.extend(pad + c for c in extra[:-1])  # two constructs' on one line: all but the last go above it
        out.append(f"{line}  {extra[-1]}" if extra else line)
    out.extend(tail)
    return "\n".join(out) + "\n"


def _flow_eol_line(lines: list[str], line: int) -> int:
    """A construct's first line (a comment there, after an open `{`, is read back as the construct's)."""
    return line


_YAML_OPEN = re.compile(r"(:|[|>][-+0-9]*)\s*$")


def _yaml_eol_line(lines: list[str], line: int) -> int:
    """The line to end with a construct's comment: its key line, unless the value goes on below it (a long
    flow collection or scalar the emitter folded), then the value's last line."""
    head = lines[line - 1]
    if _YAML_OPEN.search(head) or line >= len(lines):
        return line
    indent = len(head) - len(head.lstrip())
    if head.lstrip().startswith("- "):
        indent += 2
    n = line
    while n < len(lines):
        nxt = lines[n]
        stripped = nxt.lstrip()
        if not stripped or len(nxt) - len(stripped) <= indent or re.match(r"(- |[\w.\"'-]+:( |$))", stripped):
            break
        n += 1
    return n


# ------------------------------------------------------------------------------------------ the YAML
class _Null:
    """An option's `null` (`result: null`), written as the word, unlike an empty step kind (`pass:`)."""


NULL = _Null()
_STRUCTURE = frozenset({"parallel", "do", "choose", "cases", "then", "else", "default", "retry", "catch"})


FLOW_WIDTH = 100  # a value longer than this on one line is written in block style, like the examples


def _flow_style(x: Any, width: int = FLOW_WIDTH) -> Any:
    """A value's YAML: in flow style (`{a: $.x}`, `[A, B]`) when it fits on a line, else a block of those."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(x, (dict, list)):
        return x
    flow = len(_one_line(x)) <= width
    if isinstance(x, dict):
        out: Any = CommentedMap((k, NULL if v is None else _flow_style(v, width - 2)) for k, v in x.items())
    else:
        out = CommentedSeq(NULL if v is None else _flow_style(v, width - 2) for v in x)
    if flow:
        out.fa.set_flow_style()
    else:
        out.fa.set_block_style()
    return out


def _one_line(x: Any) -> str:
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k}: {_one_line(v)}" for k, v in x.items()) + "}"
    if isinstance(x, list):
        return "[" + ", ".join(_one_line(v) for v in x) + "]"
    return "null" if x is None else str(x)


def _restyle_step(body: Any) -> Any:
    """A step's mapping as the examples write it: values in flow style, an option's null as `null`."""
    if not isinstance(body, dict):
        return body
    out: dict[str, Any] = {}
    for i, (k, v) in enumerate(body.items()):
        if k in ("parallel",):
            out[k] = [_restyle_steps(b) for b in v]
        elif k in ("do", "then", "default") or (k == "else" and isinstance(v, list)):
            out[k] = _restyle_steps(v)
        elif k in ("choose", "cases"):
            out[k] = [_restyle_clause(c) for c in v]
        elif k in ("retry", "catch"):
            out[k] = [{ek: _flow_style(ev) if ek in ("errors", "output", "assign") else ev
                       for ek, ev in entry.items()} for entry in v]
        elif k == "as" and isinstance(v, list) and len(v) == 1:
            out[k] = v[0]
        elif v is None and i > 0:
            out[k] = NULL
        else:
            out[k] = _flow_style(v)
    return out


def _restyle_clause(clause: dict) -> dict:
    out: dict[str, Any] = {}
    for k, v in clause.items():
        if k in ("then", "default") or (k == "else" and isinstance(v, list)):
            out[k] = _restyle_steps(v)
        else:
            out[k] = _flow_style(v) if k == "case" else (NULL if v is None else v)
    return out


def _restyle_steps(steps: list) -> list:
    return [{name: _restyle_step(body) for name, body in s.items()} if isinstance(s, dict) and "goto" not in s
            else s for s in steps]


def _restyle_workflow(wf: dict) -> dict:
    out: dict[str, Any] = {}
    for k, v in wf.items():
        if k == "steps":
            out[k] = _restyle_steps(v)
        elif k in ("resources", "triggers"):
            out[k] = [{pk: _flow_style(pv) for pk, pv in item.items()} for item in v]
        else:
            out[k] = _flow_style(v) if isinstance(v, (dict, list)) else v
    return out


def print_yaml(module: ast.Module) -> str:
    """`module` as `.flow.yaml` text laid out like the checked-in examples (block structure, values in flow
    style, `"..."` where a string needs quotes)."""
    from flowc.dsl.yaml_printer import YamlLimit, _Writer, add_tags
    from ruamel.yaml import YAML
    from ruamel.yaml.emitter import RoundTripEmitter

    class Emitter(RoundTripEmitter):
        def choose_scalar_style(self) -> Any:
            style = super().choose_scalar_style()
            if not style and self.flow_level and self.analysis is not None and \
                    self.analysis.scalar.startswith(":"):
                return '"'  # `{":cost": 1}`: a plain `:cost` key is not read back in a flow mapping
            return '"' if style == "'" else style

    canonical_options(module)
    problems: list[str] = []
    writer = _Writer(problems)
    if len(module.workflows) == 1 and not module.resources:
        data: Any = _restyle_workflow(writer.workflow(module.workflows[0]))
    else:
        data = {"workflows": [_restyle_workflow(writer.workflow(w)) for w in module.workflows]}
        if module.resources:
            data = {"resources": [{k: _flow_style(v) for k, v in writer.resource(r).items()}
                                  for r in module.resources], **data}
    if module.imports:
        data = {"imports": _flow_style([i.path for i in module.imports]), **data}
    if problems:
        raise YamlLimit("; ".join(problems))
    yaml = YAML(typ="rt")
    yaml.Emitter = Emitter
    yaml.width = 1 << 16  # never fold a scalar: folding a plain one loses a run of spaces inside it
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda _data: True
    add_tags(yaml)
    yaml.representer.add_representer(type(None), lambda r, d: r.represent_scalar("tag:yaml.org,2002:null", ""))
    yaml.representer.add_representer(_Null, lambda r, d: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------ the .flow
def print_flow(module: ast.Module, file: str, apart: set[tuple] = frozenset()) -> str:
    """`module` as fmt-canonical `.flow` text; a step's payload options go on its header line, unless the step
    is in `apart` (keys of steps whose comments need those options on lines of their own)."""
    from flowc.dsl import printer
    from flowc.dsl.formatter import format_flow
    from flowc.dsl.parser import parse_flow

    canonical_options(module)
    text = printer.format_module(module)
    lines = text.splitlines()
    joins: dict[int, list[int]] = {}  # header line -> the option lines it takes in, 1-based
    for wf in parse_flow(text, file).workflows:
        steps = _steps(ast.Module(span=wf.span, file=file, workflows=[wf]))
        for step in steps:
            if ("workflow", wf.name, "step", step.name) in apart:
                continue
            _join(step, joins)
    drop = set()
    for head, taken in joins.items():
        for n in taken:
            part = lines[n - 1].strip()
            nxt = lines[n].strip() if n < len(lines) else ""
            if part.endswith(",") and nxt[:1] in ("}", "]"):
                part = part[:-1]
            lines[head - 1] += " " + part
            drop.add(n)
    text = "\n".join(line for n, line in enumerate(lines, 1) if n not in drop) + "\n"
    return format_flow(text)


def _join(step: ast.Step, joins: dict[int, list[int]]) -> None:
    lead = _lead(step.options)
    for k, o in enumerate(step.options[:lead]):
        end = step.options[k + 1].span.line - 1 if k + 1 < len(step.options) else o.span.end_line or o.span.line
        joins.setdefault(step.span.line, []).extend(range(o.span.line, end + 1))


def _lead(options: list[ast.Option]) -> int:
    """How many of a step's options lead (written on its header line in `.flow`): the payload and the
    integration's parameters, up to the first generic option."""
    n = 0
    while n < len(options) and options[n].name not in _GENERIC:
        n += 1
    return n


def canonical_options(module: ast.Module) -> None:
    """Put every step's options in the one order both forms print: the leading payload options as written,
    then the rest in `flowc fmt`'s order (retry and catch keep theirs, other options rank with catch), so a
    conversion and its way back agree and the compiled ASL stays what fmt keeps."""
    from flowc.dsl.formatter import _RANK

    def rank(o: ast.Option) -> int:
        return _RANK.get(o.name.split("_")[0] if o.name.startswith("tolerate_") else o.name, _RANK["catch"])

    for step in _steps(module):
        lead = _lead(step.options)
        step.options = step.options[:lead] + sorted(step.options[lead:], key=rank)


def _steps(module: ast.Module) -> list[ast.Step]:
    out: list[ast.Step] = []

    def walk(body: list) -> None:
        for s in body:
            if not isinstance(s, ast.Step):
                continue
            out.append(s)
            a = s.action
            if isinstance(a, ast.ChooseAction):
                for b in a.branches:
                    walk(b.body)
                walk(a.default or [])
            elif isinstance(a, ast.ParallelAction):
                for b in a.branches:
                    walk(b)
            elif isinstance(a, ast.MapAction):
                walk(a.body)

    for wf in module.workflows:
        walk(wf.body)
    return out


# ---------------------------------------------------------------------------------------- conversion
def flow_to_yaml(text: str, file: str, out_file: str | None = None) -> Conversion:
    """`.flow` text -> `.flow.yaml` text with its comments. Raises FlowError on input that does not parse."""
    from flowc.dsl.parser import parse_flow
    from flowc.dsl.yaml_loader import parse_flow_yaml

    module = parse_flow(text, file)
    code, indent = _indents(text)
    comments = flow_comments(text)
    attached = attach(comments, constructs(module), code, indent, structure_lines(text, comments, False))
    bare = print_yaml(module)
    placed = constructs(parse_flow_yaml(bare, out_file or _other(file)))
    result = _place(bare, placed, attached, _yaml_eol_line, gaps(text, constructs(module), attached))
    return Conversion(result, _warnings(attached))


def yaml_to_flow(text: str, file: str, out_file: str | None = None) -> Conversion:
    """`.flow.yaml` text -> fmt-canonical `.flow` text with its comments. Raises FlowError on bad input."""
    from flowc.dsl.formatter import format_flow
    from flowc.dsl.parser import parse_flow
    from flowc.dsl.yaml_loader import parse_flow_yaml

    module = parse_flow_yaml(text, file)
    code, indent = _indents(text)
    comments = yaml_comments(text)
    attached = attach(comments, constructs(module), code, indent, structure_lines(text, comments, True))
    target = out_file or _other(file)
    bare = print_flow(module, target, _apart(module, attached))
    placed = constructs(parse_flow(bare, target))
    result = format_flow(_place(bare, placed, attached, _flow_eol_line, gaps(text, constructs(module), attached)))
    return Conversion(result, _warnings(attached))


def _apart(module: ast.Module, attached: list[Attached]) -> set[tuple]:
    """The steps whose leading options must keep lines of their own in `.flow` for their comments to stay
    theirs: a comment above one of them, one after the step's head, or after one of several of them."""
    canonical_options(module)
    lead: dict[tuple, list[tuple]] = {}
    for wf in module.workflows:
        for step in _steps(ast.Module(span=wf.span, file=module.file, workflows=[wf])):
            key = ("workflow", wf.name, "step", step.name)
            seen: dict[str, int] = {}
            keys = []
            for o in step.options:
                seen[o.name] = seen.get(o.name, -1) + 1
                keys.append((*key, "option", o.name, seen[o.name]))
            lead[key] = keys[:_lead(step.options)]
    apart = set()
    for a in attached:
        if a.key is None or a.key[:4] not in lead:
            continue
        step, keys = a.key[:4], lead[a.key[:4]]
        if not keys:
            continue
        if (a.key == step and a.where == "eol") or (a.key in keys and (a.where == "before" or len(keys) > 1)):
            apart.add(step)
    return apart


def _warnings(attached: list[Attached]) -> list[tuple[int, str]]:
    return [(a.line, f"comment {a.text!r} has no place of its own in the other form: written {a.moved}")
            for a in attached if a.moved]


def sibling(file: str) -> str:
    """The file's name in the other form: x.flow <-> x.flow.yaml."""
    return _other(file)


def _other(file: str) -> str:
    for suffix in (".flow.yaml", ".flow.yml"):
        if file.endswith(suffix):
            return file[: -len(suffix)] + ".flow"
    return file + ".yaml" if file.endswith(".flow") else file
