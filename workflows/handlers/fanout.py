"""Handler of the ProcessUser child workflow (the article's parent/child pattern)."""

from __future__ import annotations


class InvalidUser(Exception):
    """A user record without a login: the child execution fails with errorType 'InvalidUser'."""


def provision_user(event: dict, context: object = None) -> dict:
    user = event["user"]
    login = user.get("login")
    if not login:
        raise InvalidUser(f"user record has no login: {user!r}")
    access = "admin" if user.get("role") == "owner" else "read"
    return {"login": login, "access": access}
