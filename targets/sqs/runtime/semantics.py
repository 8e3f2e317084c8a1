"""The ASL semantics (JSONPath, intrinsics, payload templates, Choice, errors, context object).

In a generated app they are a copy of flowc's `targets/runtime` at `flowc_sqs/asl/`; when this package runs
from flowc's source tree (tests, the simulator) the original is used. Either way it is the same code the
other targets use, so both deployments evaluate a workflow's data flow identically.
"""

from __future__ import annotations

try:  # the generated app
    from . import asl  # type: ignore[attr-defined]
except ImportError:  # flowc's source tree
    import flowc.targets.runtime as asl  # type: ignore[no-redef]

from importlib import import_module

choice = import_module(asl.__name__ + ".choice")
context = import_module(asl.__name__ + ".context")
errors = import_module(asl.__name__ + ".errors")
intrinsics = import_module(asl.__name__ + ".intrinsics")
jsonpath = import_module(asl.__name__ + ".jsonpath")
messages = import_module(asl.__name__ + ".messages")
payload = import_module(asl.__name__ + ".payload")

StatesError = errors.StatesError

__all__ = ["StatesError", "asl", "choice", "context", "errors", "intrinsics", "jsonpath", "messages",
           "payload"]
