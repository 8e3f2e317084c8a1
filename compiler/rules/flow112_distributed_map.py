import re

from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules._values import has_placeholder, is_substituted
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

LABEL_FORBIDDEN = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")
DISTRIBUTED_ONLY = ("ItemReader", "ItemBatcher", "ResultWriter", "Label")
# Tolerances are errors, not style: an inline Map ignores them and fails on its first failed iteration.
TOLERANCES = ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount",
              "ToleratedFailureCountPath")


class DistributedMap(Rule):
    code = "FLOW112"
    name = "distributed-map"
    summary = ("Distributed Map settings that do not fit: Label, ItemReader/CSV, ItemBatcher, ResultWriter, "
               "tolerances, mode.")
    docs = """\
A Distributed Map (`ItemProcessor.ProcessorConfig.Mode: DISTRIBUTED`) runs each
item as a child execution and takes settings an inline Map does not:

- `Label`: at most 40 characters, no whitespace and none of `< > { } [ ] ? * " # % \\ ^ | ~ ` $ & , ; : /`
  (it becomes part of the Map Run ARN);
- `ItemReader.ReaderConfig`: CSV settings (`CSVHeaderLocation`, `CSVHeaders`, `CSVDelimiter`) only with
  `InputType: CSV`; `CSVHeaders` exactly when the location is `GIVEN`; `ManifestType` only with
  `MANIFEST`; reading an object (`s3:getObject`) needs an `InputType`, and its `Parameters` (`Arguments`
  in JSONata) a `Bucket` and a `Key`; listing (`s3:listObjectsV2`) needs a `Bucket`;
- `ItemBatcher`: at least one of `MaxItemsPerBatch` / `MaxInputBytesPerBatch` (or their paths);
- `ResultWriter`: either `Resource` `s3:putObject` with `Bucket`/`Prefix` arguments, or only a
  `WriterConfig` (results transformed and returned, nothing written);
- `ProcessorConfig.ExecutionType` (`STANDARD` or `EXPRESS`): required in `DISTRIBUTED` mode, and only there.

`ItemReader`, `ItemBatcher`, `ResultWriter` and `Label` on a Map that does not
say `Mode: DISTRIBUTED` are reported as warnings: write the mode out.
`ToleratedFailurePercentage`/`ToleratedFailureCount` (and their `Path` forms) on such a
Map are errors: AWS defines them for Distributed Map only, and an inline Map fails on
its first failed iteration whatever they say.

Bad:
```json
"Label": "process files", "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
  "ReaderConfig": { "CSVHeaderLocation": "GIVEN" }, "Parameters": {"Bucket": "b", "Key": "k"} }
```
Good:
```json
"Label": "ProcessFiles", "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
  "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["id", "name"] },
  "Parameters": {"Bucket": "b", "Key": "k"} }
```
"""

    def check(self, doc: AslDocument):
        for ref in doc.states():
            if ref.type != "Map":
                continue
            body, ptr = ref.body, ref.pointer
            processor = body.get("ItemProcessor")
            config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
            mode = config.get("Mode") if isinstance(config, dict) else None
            distributed = mode == "DISTRIBUTED"
            if not distributed:
                for key in DISTRIBUTED_ONLY:
                    if key in body:
                        yield Finding(f"{key} is a Distributed Map setting, but '{ref.name}' is not in "
                                      "DISTRIBUTED mode", f"{ptr}/{key}", key=True, severity=Severity.WARNING,
                                      hint='set ItemProcessor.ProcessorConfig.Mode to "DISTRIBUTED"')
                for key in TOLERANCES:
                    if key in body:
                        yield Finding(f"{key} applies only to a Distributed Map: the inline Map '{ref.name}' "
                                      "fails on its first failed iteration", f"{ptr}/{key}", key=True,
                                      hint='set ItemProcessor.ProcessorConfig.Mode to "DISTRIBUTED" to tolerate '
                                           "failures")
                if isinstance(config, dict) and "ExecutionType" in config:
                    yield Finding("ExecutionType applies only to a DISTRIBUTED Map",
                                  f"{ptr}/ItemProcessor/ProcessorConfig/ExecutionType", key=True)
            elif "ExecutionType" not in config:
                yield Finding(f"the DISTRIBUTED Map '{ref.name}' needs ProcessorConfig.ExecutionType (STANDARD or "
                              "EXPRESS)", f"{ptr}/ItemProcessor/ProcessorConfig/Mode", key=True,
                              hint="child workflows run as STANDARD or EXPRESS executions; say which")
            label = body.get("Label")
            if isinstance(label, str) and not has_placeholder(label):
                if len(label) > 40:
                    yield Finding(f"Label is {len(label)} characters long; the limit is 40", f"{ptr}/Label")
                bad = LABEL_FORBIDDEN.search(label)
                if bad:
                    yield Finding(f"Label {label!r} contains {bad.group()!r}, which a Map Run name cannot hold",
                                  f"{ptr}/Label", hint="use letters, digits, '-' and '_'")
            yield from self.reader(body.get("ItemReader"), f"{ptr}/ItemReader")
            batcher = body.get("ItemBatcher")
            if isinstance(batcher, dict) and not any(
                    k in batcher for k in ("MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch",
                                           "MaxInputBytesPerBatchPath")):
                yield Finding("ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch (or a ...Path)",
                              f"{ptr}/ItemBatcher", key=True)
            yield from self.writer(body.get("ResultWriter"), f"{ptr}/ResultWriter")

    def reader(self, reader, ptr: str):
        if not isinstance(reader, dict):
            return
        if "Resource" not in reader:
            yield Finding("ItemReader needs a Resource (s3:getObject or s3:listObjectsV2)", ptr, key=True)
        config = reader.get("ReaderConfig")
        resource = reader.get("Resource")
        reads_object = isinstance(resource, str) and resource.endswith(":getObject")
        yield from self.reader_arguments(reader, resource, ptr)
        if not isinstance(config, dict):
            if reads_object:
                yield Finding("reading an object (s3:getObject) needs ReaderConfig.InputType", ptr, key=True)
            return
        cptr = f"{ptr}/ReaderConfig"
        input_type = config.get("InputType")
        if reads_object and "InputType" not in config:
            yield Finding("reading an object (s3:getObject) needs ReaderConfig.InputType", cptr, key=True)
        if is_substituted(input_type):
            return
        if input_type != "CSV":
            for key in ("CSVHeaderLocation", "CSVHeaders", "CSVDelimiter"):
                if key in config:
                    yield Finding(f"{key} applies only to InputType CSV", f"{cptr}/{key}", key=True)
        else:
            location = config.get("CSVHeaderLocation")
            if location == "GIVEN" and "CSVHeaders" not in config:
                yield Finding("CSVHeaderLocation GIVEN needs CSVHeaders", f"{cptr}/CSVHeaderLocation")
            if location != "GIVEN" and "CSVHeaders" in config:
                yield Finding("CSVHeaders are used only with CSVHeaderLocation GIVEN", f"{cptr}/CSVHeaders",
                              key=True)
        if "ManifestType" in config and input_type != "MANIFEST":
            yield Finding("ManifestType applies only to InputType MANIFEST", f"{cptr}/ManifestType", key=True)

    def reader_arguments(self, reader: dict, resource, ptr: str):
        """s3:getObject reads one object (Bucket and Key), s3:listObjectsV2 lists a Bucket (ItemReader page)."""
        if not isinstance(resource, str) or has_placeholder(resource):
            return
        needed = ("Bucket", "Key") if resource.endswith(":getObject") else (
            ("Bucket",) if resource.endswith(":listObjectsV2") else ())
        if not needed:
            return  # another Resource: FLOW111 reports it
        field = "Parameters" if "Parameters" in reader else "Arguments" if "Arguments" in reader else None
        if field is None:
            yield Finding(f"ItemReader needs Parameters (or Arguments in JSONata) with {' and '.join(needed)}", ptr,
                          key=True)
            return
        args = reader[field]
        if not isinstance(args, dict) or is_substituted(args):
            return  # a JSONata expression, a placeholder or a CloudFormation intrinsic: checked when it runs
        missing = [k for k in needed if k not in args and f"{k}.$" not in args]
        if missing:
            yield Finding(f"the ItemReader {field} need {' and '.join(missing)} "
                          f"({resource.rsplit(':', 1)[-1]} reads {'an object' if len(needed) == 2 else 'a bucket'})",
                          f"{ptr}/{field}", key=True)

    def writer(self, writer, ptr: str):
        if not isinstance(writer, dict):
            return
        has_args = "Parameters" in writer or "Arguments" in writer
        if "Resource" in writer:
            if not has_args:
                yield Finding("a ResultWriter with a Resource needs Parameters (or Arguments) with Bucket and "
                              "Prefix", ptr, key=True)
            else:
                args = writer.get("Parameters", writer.get("Arguments"))
                if isinstance(args, dict) and not any(k in args for k in ("Bucket", "Bucket.$")):
                    yield Finding("the ResultWriter arguments need a Bucket",
                                  f"{ptr}/{'Parameters' if 'Parameters' in writer else 'Arguments'}", key=True)
        else:
            if "WriterConfig" not in writer:
                yield Finding("a ResultWriter needs a Resource (s3:putObject) or a WriterConfig", ptr, key=True)
            if has_args:
                yield Finding("ResultWriter arguments need a Resource (s3:putObject)", ptr, key=True)
