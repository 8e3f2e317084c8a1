"""Handler of the InvoiceBatch workflow: price one line of a CSV order file (CSV values arrive as text)."""

from __future__ import annotations

from decimal import Decimal


class InvalidLine(Exception):
    """A line whose quantity or unit price is not a number: that iteration fails with 'InvalidLine'."""


def price_line(event: dict, context: object = None) -> dict:
    try:
        quantity = int(event["quantity"])
        unit_price = Decimal(str(event["unit_price"]))
    except (KeyError, ValueError, ArithmeticError) as err:
        raise InvalidLine(f"line {event!r}: {err}") from None
    if quantity <= 0:
        raise InvalidLine(f"line {event!r}: quantity must be positive")
    return {"sku": event["sku"], "quantity": quantity, "total": str(unit_price * quantity)}
