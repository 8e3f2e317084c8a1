"""Lowering of an http trigger's access settings: `auth github|iam|jwt ...` or `public`, and throttling.

An http route deploys an internet-facing endpoint that starts executions, so it must say who may call it:
a GitHub webhook signature (HMAC secret in Secrets Manager or SSM, checked before anything starts), IAM
(SigV4), a JWT authorizer, or an explicit `public` (which the linter still flags, FLOW506).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flowc.compiler import ir
from flowc.dsl import ast
from flowc.dsl.diagnostics import Span

HTTP_PROPS = ("auth", "secret", "issuer", "audience", "scopes", "throttle", "burst")
KINDS = ("github", "iam", "jwt")
# Which properties each kind takes (throttle and burst go with any).
KIND_PROPS = {"github": {"secret"}, "iam": set(), "jwt": {"issuer", "audience", "scopes"}, "public": set()}
SECRET = re.compile(r"ssm:/[A-Za-z0-9_.\-/]+|arn:aws[a-z-]*:(secretsmanager|ssm):[a-z0-9-]+:\d{12}:\S+"
                    r"|[A-Za-z0-9/_+=.@\-]{1,512}")
NEEDS_AUTH = "an http route needs `auth github secret \"...\"`, `auth iam`, `auth jwt issuer \"...\" audience " \
             "\"...\"`, or an explicit `public`"

Error = Callable[..., None]  # Lowering.error(code, span, message, hint=None)


def _text(v: Any) -> str | None:
    if isinstance(v, ast.NameRef):
        return v.name
    if isinstance(v, ast.LiteralValue) and isinstance(v.value, str):
        return v.value
    return None


def _strings(v: Any) -> list[str] | None:
    if isinstance(v, ast.ArrayValue):
        out = [_text(i) for i in v.items]
        return None if any(x is None for x in out) else [x for x in out if x is not None]
    one = _text(v)
    return [one] if one is not None else None


def lower_http_auth(span: Span, public: Span | None, named: dict[str, ast.Option], error: Error
                    ) -> ir.HttpAuth | None:
    auth_opt = named.get("auth")
    kind = _text(auth_opt.value) if auth_opt is not None else None
    if auth_opt is not None and kind not in KINDS:
        error("FLOW101", auth_opt.value.span, "'auth' takes github, iam or jwt")
        return None
    if public is not None and auth_opt is not None:
        error("FLOW102", public, "`public` and `auth` exclude each other")
        return None
    if public is None and auth_opt is None:
        error("FLOW103", span, NEEDS_AUTH, hint="see docs/security.md")
        return None
    kind = kind or "public"
    fields: dict[str, Any] = {"kind": kind}
    for name in ("secret", "issuer", "audience", "scopes"):
        opt = named.get(name)
        if opt is None:
            continue
        if name not in KIND_PROPS[kind]:
            error("FLOW102", opt.span, f"'{name}' does not apply to " +
                  ("a public route" if kind == "public" else f"`auth {kind}`"))
            return None
        value = _strings(opt.value) if name in ("audience", "scopes") else _text(opt.value)
        if not value:
            error("FLOW101", opt.value.span, f"'{name}' takes " + ("a string or a list of strings"
                                                                   if name in ("audience", "scopes") else "a string"))
            return None
        fields[name] = value
    if kind == "github":
        if "secret" not in fields:
            error("FLOW103", span, "`auth github` needs `secret`: a Secrets Manager secret (ARN or name) or "
                  "`ssm:/parameter/name` holding the webhook secret")
            return None
        if not SECRET.fullmatch(fields["secret"]):
            error("FLOW101", named["secret"].value.span, "'secret' takes a Secrets Manager ARN or name, an SSM "
                  "parameter ARN, or ssm:/parameter/name")
            return None
    if kind == "jwt":
        issuer = fields.get("issuer")
        if not issuer or not issuer.startswith("https://") or not fields.get("audience"):
            error("FLOW103", span, "`auth jwt` needs `issuer \"https://...\"` and `audience`")
            return None
    for name, kind_of in (("throttle", (int, float)), ("burst", (int,))):
        opt = named.get(name)
        if opt is None:
            continue
        v = opt.value
        if not (isinstance(v, ast.LiteralValue) and isinstance(v.value, kind_of) and not isinstance(v.value, bool)
                and v.value > 0):
            error("FLOW101", v.span, f"'{name}' takes a positive " + ("number (requests per second)"
                                                                      if name == "throttle" else "whole number"))
            return None
        fields[name] = float(v.value) if name == "throttle" else v.value  # the IR's type: a rate, always float
    return ir.HttpAuth(**fields)
