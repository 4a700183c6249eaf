"""Impact records of a partnership and their social return on investment (see impact.py)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import current_app

from challenge.errors import FieldError
from challenge.extensions import db
from challenge.partnerships import services
from challenge.partnerships.csvout import pounds
from challenge.partnerships.impact import ImpactInputError, OutcomeInput, SROIResult, calculate_sroi
from challenge.partnerships.models import ImpactRecord, Partnership
from challenge.partnerships.services import MAX_MONEY
from challenge.platform import audit

PERCENT_FIELDS = ("deadweight", "attribution", "drop_off", "displacement")
MAX_QUANTITY = 10**9
MAX_YEARS = 50


def to_input(r: ImpactRecord) -> OutcomeInput:
    return OutcomeInput(
        name=r.outcome, quantity=r.quantity, proxy_pence=r.proxy, unit=r.unit, period=r.period,
        duration=r.duration, **{f: Decimal(getattr(r, f"{f}_bp")) / 100 for f in PERCENT_FIELDS})


def discount_rate() -> Decimal:
    return Decimal(str(current_app.config["DISCOUNT_RATE_PERCENT"]))


def sroi(p: Partnership, records: list[ImpactRecord] | None = None) -> SROIResult | None:
    """The partnership's SROI, or None while it has no outcomes or no investment recorded."""
    records = p.impact_records if records is None else records
    if not records or p.investment <= 0:
        return None
    return calculate_sroi([to_input(r) for r in records], p.investment, discount_rate(), currency=p.currency)


def _check(fields: dict) -> None:
    if not (fields.get("outcome") or "").strip():
        raise FieldError("Enter the outcome, like ‘Fewer emergency admissions’", "outcome")
    checks = (("quantity", 0, MAX_QUANTITY, "The number of people or units"),
              ("proxy", 0, MAX_MONEY, "The financial proxy"),
              ("period", 1, MAX_YEARS, "The year the outcome starts"),
              ("duration", 1, MAX_YEARS, "The number of years it lasts"))
    for name, low, high, label in checks:
        value = fields.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(f"{label} must be a whole number", name)
        if value < low:
            raise FieldError(f"{label} cannot be {'negative' if low == 0 else f'less than {low}'}", name)
        if value > high:
            raise FieldError(f"{label} is too large", name)
    for name in PERCENT_FIELDS:
        bp = fields.get(f"{name}_bp")
        if isinstance(bp, bool) or not isinstance(bp, int) or not 0 <= bp <= 10_000:
            raise FieldError(f"The {name.replace('_', '-')} must be between 0% and 100%", name)


def add_record(p: Partnership, actor, now: datetime, **fields) -> ImpactRecord:
    """Record one outcome of the partnership.

    Refuses: a blank outcome; a negative quantity or proxy; a percentage below 0% or over 100%;
    a start year or duration outside 1–50 years; anything the SROI arithmetic itself refuses.
    """
    _check(fields)
    record = ImpactRecord(partnership_id=p.id, outcome=fields["outcome"].strip()[:200],
                          unit=(fields.get("unit") or "people").strip()[:40] or "people",
                          proxy_source=(fields.get("proxy_source") or "").strip()[:300],
                          created_by_id=actor.id, created_at=now,
                          **{k: fields[k] for k in ("quantity", "proxy", "period", "duration")},
                          **{f"{f}_bp": fields[f"{f}_bp"] for f in PERCENT_FIELDS})
    try:
        calculate_sroi([to_input(record)], 1, discount_rate())
    except ImpactInputError as exc:
        raise FieldError(str(exc)) from None
    db.session.add(record)
    db.session.flush()
    services.timeline(p, "impact", actor, now, f"Outcome recorded: {record.outcome}")
    audit.record(actor, "impact.add", record, now, data={"partnership_id": p.id})
    db.session.flush()
    db.session.expire(p, ["impact_records"])
    return record


def remove_record(record: ImpactRecord, actor, now: datetime) -> None:
    """Delete an outcome recorded by mistake (the audit log keeps what it was)."""
    p = record.partnership
    audit.record(actor, "impact.remove", record, now, data={
        "partnership_id": p.id, "outcome": record.outcome, "quantity": record.quantity, "proxy": record.proxy})
    services.timeline(p, "impact", actor, now, f"Outcome removed: {record.outcome}")
    db.session.delete(record)
    db.session.flush()
    db.session.expire(p, ["impact_records"])


def set_investment(p: Partnership, actor, now: datetime, amount: int) -> Partnership:
    """Set the investment the SROI ratio divides by. Refuses 0, negatives and absurd amounts."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_MONEY:
        raise FieldError("Enter the investment: more than £0", "investment")
    before = p.investment
    p.investment = amount
    p.updated_at = now
    audit.record(actor, "impact.set_investment", p, now, data={"before": before, "after": amount})
    db.session.flush()
    return p


def calculation_rows(result: SROIResult) -> list[list[str]]:
    """The calculation as CSV rows: one per outcome and year, then the totals. Money in pounds."""
    rows = [["Outcome", "Unit", "Quantity", "Financial proxy", "Gross value", "Deadweight %", "Displacement %",
             "Attribution %", "Drop-off %", "Year", "t", "Value in year", "Discount factor", "Present value"]]
    for o in result.outcomes:
        for y in o.years:
            rows.append([o.name, o.unit, str(o.quantity), pounds(o.proxy_pence), pounds(o.gross_pence),
                         f"{o.deadweight:f}", f"{o.displacement:f}", f"{o.attribution:f}", f"{o.drop_off:f}",
                         str(y.year), str(y.period), pounds(y.value_pence), f"{y.discount_factor:f}",
                         pounds(y.present_value_pence)])
    rows += [[], ["Discount rate %", f"{result.discount_rate:f}"],
             ["Total present value", pounds(result.total_present_value_pence)],
             ["Investment", pounds(result.investment_pence)],
             ["Net present value", pounds(result.net_present_value_pence)],
             ["SROI ratio", f"{result.ratio:f}"], ["Currency", result.currency]]
    return rows

