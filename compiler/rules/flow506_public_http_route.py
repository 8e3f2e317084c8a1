from __future__ import annotations

from typing import TYPE_CHECKING

from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

if TYPE_CHECKING:  # raw-ASL lint never imports the AST (test_startup_imports)
    from flowc.dsl import ast


def is_public(trigger: ast.Trigger) -> bool:
    from flowc.dsl import ast  # here, not at import: raw-ASL lint never loads the AST

    return any(o.name == "" and isinstance(o.value, ast.NameRef) and o.value.name == "public" for o in trigger.props)


class PublicHttpRoute(Rule):
    code = "FLOW506"
    name = "public-http-route"
    summary = "An `on http` route anyone on the internet may call (`public`): no signature, IAM or JWT check."
    severity = Severity.WARNING
    target = "flow"
    docs = """\
Every `on http` trigger deploys an internet-facing route that starts executions. A route must say who
may call it (a route with neither `auth` nor `public` does not compile, FLOW103):

- `auth github secret "<Secrets Manager ARN or name | ssm:/parameter>"`: GitHub webhooks; a small
  verifier Lambda checks the `X-Hub-Signature-256` HMAC of the raw body before anything starts;
- `auth iam`: callers sign requests with SigV4 and need `execute-api:Invoke`;
- `auth jwt issuer "https://..." audience "..." [scopes [...]]`: an API Gateway JWT authorizer (Cognito,
  Auth0, ...).

`public` says anyone may call it. That is sometimes right (a health check, a route that validates its
own payload), so it compiles, but it is reported so the decision is visible in review; silence it on
the line with `# flowc: ignore[FLOW506]` once decided. Every route is throttled (10 requests/s, burst 20,
or `throttle N burst M`) and access-logged either way.

Bad:
```
workflow Onboarding
  on http POST "/github/member" public
```
Good:
```
workflow Onboarding
  on http POST "/github/member" auth github secret "github/onboarding-webhook"
```
"""

    def check(self, ctx):
        for module in ctx.modules:
            for wf in module.workflows:
                for trigger in wf.triggers:
                    if trigger.kind == "http" and is_public(trigger):
                        yield Finding(f"the http route of '{wf.name}' is public: anyone may start executions",
                                      span=trigger.span, hint="add `auth github|iam|jwt ...`, or ignore FLOW506 "
                                                              "here once a public route is intended")
