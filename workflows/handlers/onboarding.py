"""Handlers for the member-onboarding workflow (use case one of the article).

They are plain Lambda handlers: `event` is the task input, the return value the
task result. The GitHub and HR calls are simulated so the example runs anywhere;
replace `_github_team_for` and `_directory` with real clients in production.
"""

from __future__ import annotations


class UnknownUser(Exception):
    """Raised when the company directory has no record: Step Functions sees errorType 'UnknownUser'."""


_directory = {
    "octocat": {"id": "E-1001", "email": "octocat@example.com", "department": "platform"},
    "hubot": {"id": "E-1002", "email": "hubot@example.com", "department": "data"},
}


def _github_team_for(department: str) -> str:
    return {"platform": "platform-engineers", "data": "data-engineers"}.get(department, "everyone")


def add_to_team(event: dict, context: object = None) -> dict:
    """Add the user to the team of their department (simulated GitHub API call)."""
    user = event["user"]
    record = _directory.get(user, {"department": "unknown"})
    team = _github_team_for(record["department"])
    return {"org": event["org"], "name": team, "member": user, "role": "member"}


def fetch_employee(event: dict, context: object = None) -> dict:
    """Look the GitHub login up in the company directory."""
    login = event["login"]
    if login not in _directory:
        raise UnknownUser(f"no employee record for GitHub user {login}")
    return {"login": login, **_directory[login]}
