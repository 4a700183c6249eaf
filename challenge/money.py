"""Money as integer minor units with an ISO currency. Never floats."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CURRENCIES = {"GBP": "£", "EUR": "€", "USD": "$"}
CURRENCY_CHOICES = [(code, f"{code} ({symbol})") for code, symbol in CURRENCIES.items()]


class MoneyError(ValueError):
    """An amount that cannot be read as money."""


def format_money(minor: int, currency: str = "GBP") -> str:
    """`250000, "GBP"` → `£2,500`; pence shown only when there are any: `£12.50`."""
    symbol = CURRENCIES.get(currency.upper(), currency.upper() + " ")
    sign = "-" if minor < 0 else ""
    pounds, pence = divmod(abs(int(minor)), 100)
    text = f"{pounds:,}" if pence == 0 else f"{pounds:,}.{pence:02d}"
    return f"{sign}{symbol}{text}"


_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")


def parse_money(text: str | int | None) -> int:
    """Read `"25,000"`, `"£1,500.50"` or `"12.5"` as minor units. Refuses negatives, fractions of a penny."""
    if text is None:
        raise MoneyError("Enter an amount")
    if isinstance(text, bool):
        raise MoneyError("Enter an amount in pounds, like 1500 or 1,500.50")
    if isinstance(text, int):
        text = str(text)
    cleaned = str(text).strip().replace(",", "").replace("£", "").replace("€", "").replace("$", "")
    if cleaned.startswith("-"):
        raise MoneyError("Enter an amount that is not negative")
    if not _AMOUNT.match(cleaned):
        raise MoneyError("Enter an amount in pounds, like 1500 or 1,500.50")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise MoneyError("Enter an amount in pounds") from exc
    minor = int(value * 100)
    if minor > 10**13:
        raise MoneyError("Enter an amount under £100,000,000,000")
    return minor
