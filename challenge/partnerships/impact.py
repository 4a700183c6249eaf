"""Social return on investment (SROI), worked step by step as the SROI Guide does it.

The SROI Guide (Social Value UK / Cabinet Office, 2012) values each outcome as
quantity x financial proxy, less deadweight, displacement and attribution,
projects it over the years it lasts with drop-off and discounts every year:

    value in year n = value in year 1 x (1 - drop-off)^(n - 1)
    present value   = value / (1 + r)^t, with t = 1 for the first year

t = 1 for the first year is the Guide's convention: the first year is
discounted too. An outcome starting later (``period`` 2, 3 ...) starts at that
t. The default rate is the Treasury Green Book's 3.5 %, and at that default the
rate falls after year 30 as the Green Book's long-term schedule says (HM Treasury,
The Green Book 2022, "Discounting", the declining schedule of the social time
preference rate): 3.5 % for years 0-30, 3.0 % for 31-75, 2.5 % for 76-125,
2.0 % for 126-200, 1.5 % for 201-300 and 1.0 % beyond. Each year is discounted at
its own band's rate, so the factor for year t is the product of 1 / (1 + r) over
years 1..t. Any other rate (configured, or passed in) is applied flat every year.

Rounding: the arithmetic keeps exact Decimals; only figures shown are rounded,
half up, to whole pence. A step shown as £0.01 may feed the next as £0.005, and
a total (from unrounded parts) may differ by a penny from the sum of the parts
shown; ``explain`` says so when it does. The net present value and the ratio
are worked from the total shown, so a reader can check them by hand.

Pure: standard library and ``challenge.money``. Bad input raises
``ImpactInputError`` (a ``ValueError``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from challenge.money import CURRENCIES, format_money

#: HM Treasury Green Book social time preference rate, in per cent.
DEFAULT_DISCOUNT_RATE = Decimal("3.5")

#: The Green Book's declining schedule at the default rate: (last year of the band or None, per cent).
GREEN_BOOK_SCHEDULE: tuple[tuple[int | None, Decimal], ...] = (
    (30, Decimal("3.5")), (75, Decimal("3.0")), (125, Decimal("2.5")),
    (200, Decimal("2.0")), (300, Decimal("1.5")), (None, Decimal("1.0")),
)

#: The formula behind each figure, for the column headings of a calculation table.
FORMULAS = {
    "gross": "quantity × financial proxy",
    "after_deadweight": "gross value × (1 − deadweight %)",
    "after_displacement": "value after deadweight × (1 − displacement %)",
    "after_attribution": "value after displacement × (1 − attribution %)",
    "year_value": "first-year value × (1 − drop-off %)^(year − 1)",
    "discount_factor": "1 ÷ (1 + discount rate)^t, t = 1 in the first year (Green Book rates fall after year 30)",
    "present_value": "year value × discount factor",
    "total_present_value": "sum of the present values of every outcome and year",
    "net_present_value": "total present value − investment",
    "ratio": "total present value ÷ investment",
}

_PRECISION = 50  # significant digits: ample for pence over decades at any rate
_SHOWN_FACTOR = Decimal("0.000001")  # factors are shown to 6 decimal places
_CALENDAR_YEAR_LIKE = 1900
_MAX_GROSS = 10**20  # pence; far above any real outcome, far below the working precision


class ImpactInputError(ValueError):
    """An SROI input that cannot be used: the message says which and why."""


@dataclass(frozen=True)
class OutcomeInput:
    """One line of the impact map. Percentages are 0–100 (Decimal, int or numeric str).

    ``period`` is the year the benefit starts: a year index (1 = first year) or,
    when ``calculate_sroi`` is given ``base_year``, a calendar year. ``duration``
    of None means the duration passed to ``calculate_sroi``.
    """

    name: str
    quantity: int
    proxy_pence: int
    deadweight: Decimal | int = 0
    attribution: Decimal | int = 0
    drop_off: Decimal | int = 0
    displacement: Decimal | int = 0
    period: int = 1
    duration: int | None = None
    unit: str = "people"


@dataclass(frozen=True)
class YearValue:
    """One year of one outcome. Factors are rounded to 6 places for display only."""

    year: int  # 1 = the outcome's own first year (drop-off exponent is year - 1)
    period: int  # t, the discounting exponent
    calendar_year: int | None
    drop_off_factor: Decimal  # (1 - drop-off)^(year - 1)
    value_pence: int
    discount_factor: Decimal  # 1 / (1 + r)^t
    present_value_pence: int


@dataclass(frozen=True)
class OutcomeResult:
    """Every step for one outcome; money in pence, rounded half up from exact values."""

    name: str
    unit: str
    quantity: int
    proxy_pence: int
    deadweight: Decimal
    displacement: Decimal
    attribution: Decimal
    drop_off: Decimal
    first_period: int
    duration: int
    gross_pence: int
    after_deadweight_pence: int
    after_displacement_pence: int
    after_attribution_pence: int
    years: tuple[YearValue, ...]
    total_value_pence: int  # undiscounted, over all years
    present_value_pence: int


@dataclass(frozen=True)
class SROIResult:
    """The whole calculation: outcomes, totals and the ratio (2 places, half up)."""

    outcomes: tuple[OutcomeResult, ...]
    investment_pence: int
    discount_rate: Decimal
    currency: str
    total_value_pence: int
    total_present_value_pence: int
    net_present_value_pence: int
    ratio: Decimal

    @property
    def ratio_text(self) -> str:
        """The ratio as the Guide writes it: ``£3.42 : £1``."""
        symbol = _symbol(self.currency)
        return f"{symbol}{self.ratio:,.2f} : {symbol}1"


def calculate_sroi(
    outcomes: Iterable[OutcomeInput | Mapping],
    investment_pence: int,
    discount_rate: Decimal | int | str = DEFAULT_DISCOUNT_RATE,
    duration: int = 1,
    *,
    base_year: int | None = None,
    currency: str = "GBP",
) -> SROIResult:
    """Work out the SROI of ``outcomes`` (OutcomeInput or dicts with its field names).

    Refuses (ImpactInputError): no outcomes; unknown dict keys; a negative
    quantity or proxy; a percentage below 0 or above 100; a float where a
    percentage or rate belongs; investment of 0 or less; a duration below 1;
    a discount rate below 0; a period before year 1 (or before ``base_year``),
    or one that looks like a calendar year when no ``base_year`` is given.
    """
    investment = _whole(investment_pence, "investment", minimum=1)
    rate = _percent(discount_rate, "discount rate", upper=None)
    default_duration = _whole(duration, "duration", minimum=1)
    items = [_outcome_input(o) for o in outcomes]
    if not items:
        raise ImpactInputError("Give at least one outcome to value")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        worked = [_work_outcome(o, rate, default_duration, base_year) for o in items]
        exact_pv = sum((pv for _, pv, _ in worked), Decimal(0))
        exact_value = sum((v for _, _, v in worked), Decimal(0))
        total_pv = _pence(exact_pv)
        ratio = (Decimal(total_pv) / Decimal(investment)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return SROIResult(
        outcomes=tuple(result for result, _, _ in worked), investment_pence=investment,
        discount_rate=rate, currency=currency.upper(), total_value_pence=_pence(exact_value),
        total_present_value_pence=total_pv, net_present_value_pence=total_pv - investment, ratio=ratio,
    )


def explain(result: SROIResult) -> list[str]:
    """Plain-English lines, one per step: ``Gross value: 120 people × £1,500 = £180,000``."""
    money = lambda pence: format_money(pence, result.currency)  # noqa: E731
    rate = _pct(result.discount_rate)
    lines: list[str] = []
    parts_add_up = True
    for o in result.outcomes:
        years = "1 year" if o.duration == 1 else f"{o.duration} years"
        lines.append(f"Outcome: {o.name} (from year {o.first_period}, lasting {years})")
        count = f"{o.quantity:,} {'person' if o.quantity == 1 and o.unit == 'people' else o.unit}"
        lines.append(f"Gross value: {count} × {money(o.proxy_pence)} = {money(o.gross_pence)}")
        for step, pct, before, after in (
            ("deadweight", o.deadweight, o.gross_pence, o.after_deadweight_pence),
            ("displacement", o.displacement, o.after_deadweight_pence, o.after_displacement_pence),
            ("attribution", o.attribution, o.after_displacement_pence, o.after_attribution_pence),
        ):
            if pct or step != "displacement":  # displacement is optional: shown only when used
                lines.append(f"After {step} of {_pct(pct)}: {money(before)} × (1 − {_pct(pct)}) = {money(after)}")
        for y in o.years:
            label = f"Year {y.period}" if y.calendar_year is None else f"{y.calendar_year} (year {y.period})"
            value = money(y.value_pence)
            if y.year > 1:
                value = (f"{money(o.after_attribution_pence)} × (1 − {_pct(o.drop_off)})^{y.year - 1}"
                         f" = {money(y.value_pence)}")
            if rate_for_year(y.period, result.discount_rate) == result.discount_rate:
                discount = f"÷ (1 + {rate})^{y.period}"
            else:  # past year 30 at the Green Book rate: the declining schedule's factor
                discount = f"× {y.discount_factor} (Green Book declining rate)"
            lines.append(f"{label}: value {value}; present value {money(y.value_pence)} {discount} = "
                         f"{money(y.present_value_pence)}")
        parts_add_up &= sum(y.present_value_pence for y in o.years) == o.present_value_pence
        lines.append(f"Present value of {o.name}: {money(o.present_value_pence)}")
    pvs = [o.present_value_pence for o in result.outcomes]
    parts_add_up &= sum(pvs) == result.total_present_value_pence
    total = money(result.total_present_value_pence)
    sums = " + ".join(money(p) for p in pvs) + " = " if len(pvs) > 1 else ""
    lines.append(f"Total present value: {sums}{total}")
    lines.append(f"Investment: {money(result.investment_pence)}")
    lines.append(
        f"Net present value: {total} − {money(result.investment_pence)} = "
        f"{money(result.net_present_value_pence)}"
    )
    lines.append(f"SROI ratio: {total} ÷ {money(result.investment_pence)} = {result.ratio_text}")
    if not parts_add_up:
        lines.append(
            "Totals are worked from unrounded values, so they can differ by a penny "
            "from the sum of the rounded figures shown."
        )
    return lines


def rate_for_year(t: int, rate: Decimal | int | str = DEFAULT_DISCOUNT_RATE) -> Decimal:
    """The rate (per cent) year ``t`` is discounted at: the Green Book band at the default rate, else flat."""
    rate = Decimal(str(rate))
    if rate != DEFAULT_DISCOUNT_RATE:
        return rate
    return next(r for last, r in GREEN_BOOK_SCHEDULE if last is None or t <= last)


def discount_divisor(t: int, rate: Decimal | int | str = DEFAULT_DISCOUNT_RATE) -> Decimal:
    """(1 + r)^t at a flat rate; at the default, the product of (1 + r_band) over years 1..t, band by band."""
    rate = Decimal(str(rate))
    if rate != DEFAULT_DISCOUNT_RATE:
        return (1 + rate / 100) ** t
    divisor, start = Decimal(1), 1
    for last, band_rate in GREEN_BOOK_SCHEDULE:
        end = t if last is None else min(t, last)
        if end >= start:
            divisor *= (1 + band_rate / 100) ** (end - start + 1)
        if last is None or t <= last:
            return divisor
        start = last + 1
    return divisor  # pragma: no cover: the schedule ends with an open band


# --- workings ---------------------------------------------------------------


def _work_outcome(
    o: OutcomeInput, rate: Decimal, default_duration: int, base_year: int | None
) -> tuple[OutcomeResult, Decimal, Decimal]:
    """The OutcomeResult, its exact present value and its exact undiscounted value."""
    name = o.name.strip() if isinstance(o.name, str) else ""
    if not name:
        raise ImpactInputError("Every outcome needs a name")
    quantity = _whole(o.quantity, f"quantity of '{name}'", minimum=0)
    proxy = _whole(o.proxy_pence, f"financial proxy of '{name}'", minimum=0)
    deadweight = _percent(o.deadweight, f"deadweight of '{name}'")
    displacement = _percent(o.displacement, f"displacement of '{name}'")
    attribution = _percent(o.attribution, f"attribution of '{name}'")
    drop_off = _percent(o.drop_off, f"drop-off of '{name}'")
    years = default_duration if o.duration is None else _whole(o.duration, f"duration of '{name}'", minimum=1)
    first = _first_period(o.period, base_year, name)

    gross = Decimal(quantity) * proxy
    if gross > _MAX_GROSS:
        raise ImpactInputError(f"The gross value of '{name}' is implausibly large ({quantity} × {proxy}p)")
    after_dw = gross * _keep(deadweight)
    after_disp = after_dw * _keep(displacement)
    impact = after_disp * _keep(attribution)
    rows, exact_pv, exact_value = [], Decimal(0), Decimal(0)
    for n in range(1, years + 1):
        t = first + n - 1
        kept = _keep(drop_off) ** (n - 1) if n > 1 else Decimal(1)  # Decimal refuses 0 ** 0
        value = impact * kept
        pv = value / discount_divisor(t, rate)
        exact_value += value
        exact_pv += pv
        rows.append(YearValue(
            year=n, period=t, calendar_year=None if base_year is None else base_year + t - 1,
            drop_off_factor=kept.quantize(_SHOWN_FACTOR, ROUND_HALF_UP), value_pence=_pence(value),
            discount_factor=(1 / discount_divisor(t, rate)).quantize(_SHOWN_FACTOR, ROUND_HALF_UP),
            present_value_pence=_pence(pv),
        ))
    result = OutcomeResult(
        name=name, unit=str(o.unit or "units"), quantity=quantity, proxy_pence=proxy,
        deadweight=deadweight, displacement=displacement, attribution=attribution, drop_off=drop_off,
        first_period=first, duration=years, gross_pence=_pence(gross),
        after_deadweight_pence=_pence(after_dw), after_displacement_pence=_pence(after_disp),
        after_attribution_pence=_pence(impact), years=tuple(rows),
        total_value_pence=_pence(exact_value), present_value_pence=_pence(exact_pv),
    )
    return result, exact_pv, exact_value


_FIELD_NAMES = {f.name for f in fields(OutcomeInput)}


def _outcome_input(raw: OutcomeInput | Mapping) -> OutcomeInput:
    if isinstance(raw, OutcomeInput):
        return raw
    if not isinstance(raw, Mapping):
        raise ImpactInputError(f"An outcome must be an OutcomeInput or a mapping, not {type(raw).__name__}")
    unknown = sorted(set(raw) - _FIELD_NAMES)
    if unknown:
        raise ImpactInputError(f"Unknown outcome field(s): {', '.join(map(str, unknown))}")
    missing = sorted({"name", "quantity", "proxy_pence"} - set(raw))
    if missing:
        raise ImpactInputError(f"Outcome is missing: {', '.join(missing)}")
    return OutcomeInput(**raw)


def _first_period(period: object, base_year: int | None, name: str) -> int:
    if base_year is None:
        first = _whole(period, f"period of '{name}'", minimum=1)
        if first >= _CALENDAR_YEAR_LIKE:
            raise ImpactInputError(
                f"Period {first} of '{name}' looks like a calendar year: pass base_year "
                "(the calendar year of year 1) or give periods as 1, 2, 3 ..."
            )
        return first
    base = _whole(base_year, "base year", minimum=0)
    year = _whole(period, f"period of '{name}'", minimum=base)
    return year - base + 1


def _whole(value: object, label: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ImpactInputError(f"The {label} must be a whole number, not {value!r}")
    if value < minimum:
        rule = {0: "cannot be negative", 1: "must be at least 1"}.get(minimum, f"must be at least {minimum}")
        raise ImpactInputError(f"The {label} {rule} (got {value})")
    return value


def _percent(value: object, label: str, upper: int | None = 100) -> Decimal:
    if isinstance(value, (bool, float)) or not isinstance(value, (int, Decimal, str)):
        raise ImpactInputError(f"Give the {label} as a Decimal or whole number of per cent, not {value!r}")
    try:
        number = Decimal(value.strip().rstrip("%").strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise ImpactInputError(f"The {label} is not a number: {value!r}") from None
    if not number.is_finite():
        raise ImpactInputError(f"The {label} must be a finite number")
    if number < 0 or (upper is not None and number > upper):
        limits = "cannot be negative" if upper is None else f"must be between 0% and {upper}%"
        raise ImpactInputError(f"The {label} {limits} (got {_pct(number)})")
    return number


def _keep(percent: Decimal) -> Decimal:
    """The share left after taking off ``percent``: 25 -> 0.75."""
    return 1 - percent / 100


def _pence(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _pct(percent: Decimal) -> str:
    return f"{percent.normalize():f}%"


def _symbol(currency: str) -> str:
    return CURRENCIES.get(currency.upper(), currency.upper() + " ")
