from flowc.compiler.rules.base import Rule


class SqsEnvironmentSize(Rule):
    code = "FLOW707"
    name = "sqs-environment-size"
    summary = "A generated function would route to more queues than fit in a Lambda environment (4 KB)."
    target = "compiler"
    docs = """\
`flowc compile --target sqs` only. Every generated function receives, as environment variables, the name of
each queue it may send to (its least-privilege routing table). Lambda limits a function's environment to
4 KB in total, which allows roughly 40 routes; the ingress function of a workflow routes to every queue of
that workflow. Split very large workflows into a parent and child workflows (`start Child sync2`).
"""
