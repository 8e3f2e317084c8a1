"""Handlers for the workflow-chargeback workflow (use case two of the article).

Prices follow GitHub's per-minute rates for hosted runners; minutes are rounded
up per job, as GitHub bills them.
"""

from __future__ import annotations

import math

# USD per minute for GitHub-hosted runners.
RATE_PER_MINUTE = {"ubuntu": 0.008, "windows": 0.016, "macos": 0.08}
MONTHLY_BUDGET_USD = 5.0


def price_run(event: dict, context: object = None) -> dict:
    """Sum the billable minutes and cost of every job of the run."""
    minutes = 0
    cost = 0.0
    for job in event.get("jobs", []):
        job_minutes = math.ceil(job["duration_seconds"] / 60)
        os_name = job.get("os", "ubuntu")
        if os_name not in RATE_PER_MINUTE:
            raise ValueError(f"unknown runner OS {os_name!r}")
        minutes += job_minutes
        cost += job_minutes * RATE_PER_MINUTE[os_name]
    return {"run_id": event["run"]["id"], "billable_minutes": minutes, "cost_usd": round(cost, 4)}


# Simulated history: runs and spend so far this month, per repository.
_history = {
    "acme/api": {"run_count": 41, "month_cost_usd": 4.98},
    "acme/web": {"run_count": 7, "month_cost_usd": 0.42},
}


def count_runs(event: dict, context: object = None) -> dict:
    """Runs and spend this month for the repository, including this run."""
    seen = _history.get(event["repository"], {"run_count": 0, "month_cost_usd": 0.0})
    return {
        "repository": event["repository"],
        "run_count": seen["run_count"] + 1,
        "month_cost_usd": seen["month_cost_usd"],
        "over_budget": seen["month_cost_usd"] >= MONTHLY_BUDGET_USD * 0.95,
    }
