"""Synthetic `.flow` workflows of a given number of steps, shaped like real ones.

Per 10 steps: 6 Lambda invokes (half with retry + catch), 1 DynamoDB write,
1 choose with two branches, 1 pass, 1 wait; every 50 steps an inline map.
"""

from __future__ import annotations


def synthetic_flow(steps: int) -> str:
    out = [
        "workflow Synthetic",
        '  doc "synthetic benchmark workflow"',
        '  function work handler "bench.work" code "handlers"',
        "  table Items key id",
        "",
    ]
    i = 0
    while i < steps:
        kind = i % 10
        name = f"S{i}"
        if i % 50 == 49:
            out += [f"  {name}: map $.items as item",
                    "    concurrency 10",
                    f"    result $.mapped{i}",
                    "    do",
                    f"      {name}Inner: invoke work with {{ item: $.item }}"]
            i += 2
            continue
        if kind in (0, 1, 2, 3, 4, 5):
            out.append(f"  {name}: invoke work with {{ id: $.id, step: {i}, data: $.data }}")
            out.append(f"    result $.r{i % 7}")
            if kind % 2 == 0:
                out.append("    retry Lambda.ServiceException, Lambda.TooManyRequestsException interval 1s "
                           "attempts 3 max_delay 10s")
                out.append("    catch States.ALL into $.error goto Failed")
        elif kind == 6:
            out.append(f"  {name}: dynamodb.putItem Items item {{ id: $.id, step: N($.n) }}")
            out.append("    result null")
        elif kind == 7:
            out += [f"  {name}: choose",
                    f'    if $.mode == "fast" and $.n > {i}',
                    f"      {name}Fast: pass with {{ fast: true }}",
                    f"        result $.f{i % 5}",
                    "    else",
                    f"      {name}Slow: pass with {{ fast: false }}",
                    f"        result $.f{i % 5}"]
            i += 3
            continue
        elif kind == 8:
            out.append(f"  {name}: pass with {{ step: {i}, id: $.id }}")
            out.append(f"    result $.p{i % 3}")
        else:
            out.append(f"  {name}: wait 1s")
        i += 1
    out += ["  Done: succeed", "  Failed: fail SyntheticFailed cause \"a step failed\"", ""]
    return "\n".join(out)
