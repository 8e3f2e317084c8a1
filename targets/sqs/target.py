"""`flowc compile --target sqs`: the same workflows as Lambdas joined by SQS queues ("Model One").

Writes:
- `template.yaml`: SAM. Per task step a queue (visibility 6x the function timeout, 4-day retention), its
  dead-letter queue (`RedrivePolicy`, `maxReceiveCount` 5) and a function with an SQS event
  (`BatchSize`, `ReportBatchItemFailures`, `ScalingConfig.MaximumConcurrency` where the workflow caps
  concurrency); per workflow an ingress queue and function (plus HTTP API routes, schedules and EventBridge
  rules for its triggers); the tables/topics/queues/buses/buckets the program owns (same logical IDs as the
  Step Functions template) and the functions its handlers run in; the execution-tracking table; the runtime
  layer. Each function may send only to the queues it routes to (`sqs:SendMessage` on each queue's ARN), and
  a handler step's function may invoke only its handler's function.
- `runtime/`: the layer: `python/flowc_sqs/` (this package's `runtime/`, copied verbatim), `python/flowc_sqs/asl/`
  (flowc's `targets/runtime`, copied verbatim), `python/flowc_sqs/flows/<Workflow>.json` (routing
  configuration) and, when a workflow uses JSONata, a vendored `python/jsonata/`.

The user's handler code is referenced, not copied: each function a step invokes is deployed as the Step
Functions template deploys it (`CodeUri` pointing at its `code` directory, its own role with what it
`uses`), and the step's function, a one-line `InlineCode` on the runtime layer like every function of the
chain, invokes it synchronously: the handler never holds the runtime's credentials (tracking table, queues).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from flowc.compiler.result import CompileResult
from flowc.dsl.diagnostics import Diagnostic
from flowc.targets.output import dump_json, dump_yaml

HERE = Path(__file__).resolve().parent
RUNTIME_SOURCE = HERE / "runtime"
SEMANTICS_SOURCE = HERE.parent / "runtime"
LAYER_PACKAGE = "runtime/python/flowc_sqs"


def check(result: CompileResult) -> list[Diagnostic]:
    """Constructs the SQS target cannot reproduce faithfully (FLOW701-FLOW707), before anything is written."""
    from flowc.targets.sqs.support import check as run

    return run(result)


@functools.cache
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=False,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def _indent(text: str, spaces: int = 2) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def comment_text(text: str) -> str:
    """`text` safe inside a one-line YAML comment: a line break (or any control character) in a file
    or step name would end the comment and turn the rest of the name into template YAML."""
    return _LINE_BREAKING.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def render(result: CompileResult, out_dir: Path, sources: list[str]) -> dict[str, str]:
    from flowc.compiler import __version__
    from flowc.targets.sqs.plan import RUNTIME_LAYER, TRACKING_TABLE, ProgramPlan
    from flowc.targets.sqs.sam import SqsTemplate

    plan = ProgramPlan(result)
    builder = SqsTemplate(plan, Path(out_dir))
    template = builder.build()
    jsonata = ", ".join(name for name, wf in plan.workflows.items() if wf.uses_jsonata)
    head = dump_yaml({k: template[k] for k in ("AWSTemplateFormatVersion", "Transform", "Description")})
    text = _environment().get_template("template.yaml.j2").render(
        version=__version__, sources=comment_text(", ".join(sources)),
        workflows=comment_text(", ".join(plan.workflows)),
        layer=RUNTIME_LAYER, table=TRACKING_TABLE, jsonata=comment_text(jsonata), head=head,
        sections=[(comment_text(comment), _indent(dump_yaml(body))) for comment, body in builder.sections],
        outputs=dump_yaml({"Outputs": template["Outputs"]}).rstrip("\n"))
    files = {"template.yaml": text}
    files.update(runtime_files(plan, jsonata))
    return files


def runtime_files(plan, jsonata: str = "") -> dict[str, str]:
    from flowc.compiler import __version__

    files: dict[str, str] = {}
    for path in sorted(RUNTIME_SOURCE.glob("*.py")):
        files[f"{LAYER_PACKAGE}/{path.name}"] = path.read_text(encoding="utf-8")
    for path in sorted(SEMANTICS_SOURCE.glob("*.py")):
        files[f"{LAYER_PACKAGE}/asl/{path.name}"] = path.read_text(encoding="utf-8")
    for name, wf in plan.workflows.items():
        files[f"{LAYER_PACKAGE}/flows/{name}.json"] = dump_json(wf.config())
    version = ""
    if jsonata:
        vendored, version = _jsonata_package()
        files.update(vendored)
    files["runtime/README.md"] = _environment().get_template("runtime_README.md.j2").render(
        version=__version__, workflows=", ".join(plan.workflows), jsonata=jsonata, jsonata_version=version)
    return files


@functools.cache
def _jsonata_package() -> tuple[dict[str, str], str]:
    """The installed jsonata-python, copied into the layer (pure Python, no dependencies)."""
    import importlib.metadata

    import jsonata

    root = Path(jsonata.__file__).resolve().parent
    files = {f"runtime/python/jsonata/{p.relative_to(root).as_posix()}": p.read_text(encoding="utf-8")
             for p in sorted(root.rglob("*.py")) if "__pycache__" not in p.parts and "cli" not in p.parts}
    dist = importlib.metadata.distribution("jsonata-python")
    for f in dist.files or ():
        if "LICENSE" in f.name.upper():
            files["runtime/python/jsonata/LICENSE"] = f.read_text(encoding="utf-8")
            break
    return files, dist.version
