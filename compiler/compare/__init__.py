"""`flowc compare`: the Step Functions (Standard, Express) and SQS-chain architectures of one workflow, side by
side, with numbers: resources, billed units per execution, monthly cost and break-even volumes, limits,
failure handling and observability, modelled latency.

Lives under `compiler/` (not `targets/`) because it is a command over the whole pipeline: it reads the IR,
renders both targets' outputs and runs both local executors, and belongs to neither target.

    from flowc.compiler.compare.report import build_report
    report = build_report(Path("workflows/member_onboarding.flow"), executions=1_000_000)
"""
