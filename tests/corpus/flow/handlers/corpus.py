"""In-process handlers for the test corpus workflows."""

from __future__ import annotations


class NotReady(Exception):
    pass


def score(event, context=None):
    line = event["line"]
    value = line["qty"] * line["price"] if isinstance(line, dict) else line
    return {"index": event.get("index"), "order": event.get("order"), "score": value}


def process_batch(event, context=None):
    return {"count": len(event.get("items", []))}


def price(event, context=None):
    prices = [i.get("price", 0) for i in event.get("items", [])]
    return {"prices": prices, "currency": event.get("currency")}


def worker(event, context=None):
    return {"ok": True, "id": event.get("id")}


def check_status(event, context=None):
    attempts = event.get("attempts", 0) + 1
    return {"status": "DONE" if attempts >= 3 else "RUNNING", "attempts": attempts}


def enrich(event, context=None):
    return {**event.get("record", {}), "enriched": True}
