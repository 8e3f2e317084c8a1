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


def synthetic_heaviside(steps: int) -> str:
    """The same workflow as `synthetic_flow(steps)` in heaviside's DSL (the peer of bench_compile.py).

    State for state: 6 Lambda tasks per 10 steps (heaviside takes no Lambda Parameters, so `input`
    selects the payload instead), half with retry + catch-goto; a DynamoDB PutItem; an if/else of two
    Pass states; a Pass with data; a 1 s Wait; every 50 steps a Map of one Lambda; Succeed and Fail.
    """
    out = ['"""Synthetic"""', ""]
    i = 0

    def block(lines: list[str], depth: int = 1) -> list[str]:
        return ["    " * depth + line for line in lines]

    while i < steps:
        kind = i % 10
        name = f"S{i}"
        if i % 50 == 49:
            out += ["map:", f'    """{name}"""', "    items_path: '$.items'", "    max_concurrency: 10",
                    "    iterator:", "        Lambda('work')", f'            """{name}Inner"""',
                    "            input: '$.item'",
                    "transform:", f"    result: '$.mapped{i}'"]
            i += 2
            continue
        if kind in (0, 1, 2, 3, 4, 5):
            out += ["Lambda('work')", f'    """{name}"""', "    input: '$.data'", f"    result: '$.r{i % 7}'"]
            if kind % 2 == 0:
                out += ["    retry ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'] 1 3 2.0",
                        "    catch 'States.ALL': '$.error'", "        goto 'Failed'"]
        elif kind == 6:
            out += ["DynamoDB.PutItem()", f'    """{name}"""', "    parameters:",
                    "        TableName: 'Items'", "        Item: {\"id\": {\"S.$\": \"$.id\"}}",
                    "    result: '$'"]
        elif kind == 7:
            out += [f"if '$.mode' == 'fast' and '$.n' > {i}:", f'    """{name}"""',
                    "    Pass()", f'        """{name}Fast"""', f"        result: '$.f{i % 5}'",
                    "        data:", "            {\"fast\": true}",
                    "else:", "    Pass()", f'        """{name}Slow"""', f"        result: '$.f{i % 5}'",
                    "        data:", "            {\"fast\": false}"]
            i += 3
            continue
        elif kind == 8:
            out += ["Pass()", f'    """{name}"""', f"    result: '$.p{i % 3}'", "    data:",
                    f"        {{\"step\": {i}}}"]
        else:
            out += ["Wait(seconds=1)", f'    """{name}"""']
        i += 1
    out += ["Success()", '    """Done"""', "Fail('SyntheticFailed', 'a step failed')", '    """Failed"""', ""]
    return "\n".join(out)
