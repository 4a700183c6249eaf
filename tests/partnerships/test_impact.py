"""SROI arithmetic: worked examples checked by hand, refusals, rounding, properties."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from challenge.partnerships.impact import (
    DEFAULT_DISCOUNT_RATE,
    FORMULAS,
    ImpactInputError,
    OutcomeInput,
    calculate_sroi,
    explain,
    format_money,
)


# --- worked examples ----------------------------------------------------------


def test_single_outcome_single_year():
    # 120 people x £1,500                     = £180,000.00 gross
    # less deadweight 25 %: 180,000 x 0.75    = £135,000.00
    # less attribution 10 %: 135,000 x 0.90   = £121,500.00
    # one year, discounted with t = 1 at 3.5 %: 121,500 / 1.035 = 117,391.3043... -> £117,391.30
    # NPV = 117,391.30 - 40,000 = £77,391.30; ratio = 117,391.30 / 40,000 = 2.9348 -> 2.93
    outcome = OutcomeInput("Reduced reoffending", quantity=120, proxy_pence=150_000, deadweight=25, attribution=10)
    result = calculate_sroi([outcome], investment_pence=4_000_000)

    o = result.outcomes[0]
    assert result.discount_rate == DEFAULT_DISCOUNT_RATE == Decimal("3.5")
    assert (o.gross_pence, o.after_deadweight_pence, o.after_attribution_pence) == (18_000_000, 13_500_000, 12_150_000)
    assert o.after_displacement_pence == 13_500_000  # displacement defaults to 0
    assert [y.period for y in o.years] == [1]
    assert o.years[0].discount_factor == Decimal("0.966184")  # 1 / 1.035, shown to 6 places
    assert o.present_value_pence == result.total_present_value_pence == 11_739_130
    assert result.net_present_value_pence == 7_739_130
    assert result.ratio == Decimal("2.93")
    assert result.ratio_text == "£2.93 : £1"
    assert explain(result) == [
        "Outcome: Reduced reoffending (from year 1, lasting 1 year)",
        "Gross value: 120 people × £1,500 = £180,000",
        "After deadweight of 25%: £180,000 × (1 − 25%) = £135,000",
        "After attribution of 10%: £135,000 × (1 − 10%) = £121,500",
        "Year 1: value £121,500; present value £121,500 ÷ (1 + 3.5%)^1 = £117,391.30",
        "Present value of Reduced reoffending: £117,391.30",
        "Total present value: £117,391.30",
        "Investment: £40,000",
        "Net present value: £117,391.30 − £40,000 = £77,391.30",
        "SROI ratio: £117,391.30 ÷ £40,000 = £2.93 : £1",
    ]


def test_multi_year_with_drop_off_and_discounting():
    # 50 people x £2,000 = £100,000; x 0.80 (deadweight 20 %) = £80,000; x 0.75 (attribution 25 %) = £60,000
    # drop-off 10 % a year from year 2: year 1 £60,000; year 2 60,000 x 0.9 = £54,000; year 3 60,000 x 0.81 = £48,600
    # 1.035^1 = 1.035, 1.035^2 = 1.071225, 1.035^3 = 1.108717875
    # PV1 = 60,000 / 1.035       = 57,971.0145 -> £57,971.01
    # PV2 = 54,000 / 1.071225    = 50,409.5778 -> £50,409.58
    # PV3 = 48,600 / 1.108717875 = 43,834.4155 -> £43,834.42
    # total = 152,215.0078 -> £152,215.01 (undiscounted 162,600); NPV £52,215.01; ratio 1.5222 -> 1.52
    outcome = {"name": "Into work", "quantity": 50, "proxy_pence": 200_000,
               "deadweight": Decimal("20"), "attribution": Decimal("25"), "drop_off": Decimal("10")}
    result = calculate_sroi([outcome], investment_pence=10_000_000, duration=3)

    o = result.outcomes[0]
    assert [y.value_pence for y in o.years] == [6_000_000, 5_400_000, 4_860_000]
    assert [y.drop_off_factor for y in o.years] == [Decimal("1"), Decimal("0.9"), Decimal("0.81")]
    assert [y.discount_factor for y in o.years] == [Decimal("0.966184"), Decimal("0.933511"), Decimal("0.901943")]
    assert [y.present_value_pence for y in o.years] == [5_797_101, 5_040_958, 4_383_442]
    assert o.total_value_pence == result.total_value_pence == 16_260_000
    assert result.total_present_value_pence == 15_221_501
    assert result.net_present_value_pence == 5_221_501
    assert result.ratio == Decimal("1.52")
    lines = explain(result)
    assert "Year 2: value £60,000 × (1 − 10%)^1 = £54,000; present value £54,000 ÷ (1 + 3.5%)^2 = £50,409.58" in lines
    assert "Year 3: value £60,000 × (1 − 10%)^2 = £48,600; present value £48,600 ÷ (1 + 3.5%)^3 = £43,834.42" in lines


def test_several_outcomes_with_displacement_and_no_discounting():
    # A: 200 people x £350 = £70,000; x 0.7 (deadweight 30 %) = £49,000; x 0.9 (displacement 10 %) = £44,100;
    #    x 0.8 (attribution 20 %) = £35,280; 2 years, drop-off 50 %: £35,280 + £17,640 = £52,920
    # B: 1,000 hours x £12.50 = £12,500; attribution 50 % -> £6,250; starts in year 2, lasts 1 year
    # discount rate 0 %, so PV = value: total £59,170; NPV 59,170 - 20,000 = £39,170; ratio 2.9585 -> 2.96
    outcomes = [
        OutcomeInput("Fewer A&E visits", quantity=200, proxy_pence=35_000, deadweight=30,
                     displacement=10, attribution=20, drop_off=50, duration=2),
        OutcomeInput("Volunteering", quantity=1_000, proxy_pence=1_250, attribution=50, period=2, unit="hours"),
    ]
    result = calculate_sroi(outcomes, investment_pence=2_000_000, discount_rate=0)

    a, b = result.outcomes
    assert (a.gross_pence, a.after_deadweight_pence, a.after_displacement_pence, a.after_attribution_pence) == (
        7_000_000, 4_900_000, 4_410_000, 3_528_000)
    assert [y.value_pence for y in a.years] == [y.present_value_pence for y in a.years] == [3_528_000, 1_764_000]
    assert [y.period for y in b.years] == [2] and b.present_value_pence == 625_000
    assert result.total_present_value_pence == result.total_value_pence == 5_917_000
    assert result.net_present_value_pence == 3_917_000
    assert result.ratio == Decimal("2.96")
    lines = explain(result)
    assert "After displacement of 10%: £49,000 × (1 − 10%) = £44,100" in lines
    assert "Gross value: 1,000 hours × £12.50 = £12,500" in lines
    assert "Total present value: £52,920 + £6,250 = £59,170" in lines
    assert not any("displacement" in line for line in lines if "Volunteering" in line)


def test_later_periods_discounted_from_their_start_and_calendar_years():
    # at 10 %: A, 10 x £121 = £1,210 a year for 2 years: 1,210 / 1.1 = £1,100 and 1,210 / 1.21 = £1,000
    #          B, 1 x £1,331 starting in year 3:          1,331 / 1.331 = £1,000
    # total £3,100 against £1,000 -> £3.10 : £1
    by_index = [OutcomeInput("A", 10, 12_100, duration=2), OutcomeInput("B", 1, 133_100, period=3)]
    by_year = [OutcomeInput("A", 10, 12_100, duration=2, period=2026), OutcomeInput("B", 1, 133_100, period=2028)]
    plain = calculate_sroi(by_index, 100_000, discount_rate=Decimal("10"))
    dated = calculate_sroi(by_year, 100_000, discount_rate=Decimal("10"), base_year=2026)

    for result in (plain, dated):
        assert [y.present_value_pence for o in result.outcomes for y in o.years] == [110_000, 100_000, 100_000]
        assert result.total_present_value_pence == 310_000
        assert result.ratio_text == "£3.10 : £1"
    assert [y.calendar_year for y in dated.outcomes[0].years] == [2026, 2027]
    assert "2028 (year 3): value £1,331; present value £1,331 ÷ (1 + 10%)^3 = £1,000" in explain(dated)


def test_other_currencies_and_formulas():
    result = calculate_sroi([OutcomeInput("X", 1, 100)], 100, discount_rate=0, currency="eur")
    assert result.ratio_text == "€1.00 : €1"
    assert format_money(18_000_000) == "£180,000"
    assert format_money(123_456) == "£1,234.56"
    assert format_money(500, "USD") == "$5"
    assert format_money(-150, "EUR") == "-€1.50"
    assert format_money(1_000, "CHF") == "CHF 10"
    assert {"gross", "present_value", "ratio"} <= FORMULAS.keys()


# --- rounding -------------------------------------------------------------------


def test_rounds_half_up_not_to_even():
    # 5 x 1p x (1 - 50 %) = 2.5p -> 3p (bankers' rounding would give 2p)
    result = calculate_sroi([OutcomeInput("X", 5, 1, deadweight=50)], 1, discount_rate=0)
    assert result.outcomes[0].after_deadweight_pence == 3


def test_steps_carry_unrounded_values():
    # 1 x 1p x 0.5 = 0.5p, shown as 1p; x 0.5 again = 0.25p from the exact 0.5p (not 1p x 0.5 = 0.5p -> 1p)
    result = calculate_sroi([OutcomeInput("X", 1, 1, deadweight=50, attribution=50)], 1, discount_rate=0)
    o = result.outcomes[0]
    assert (o.after_deadweight_pence, o.after_attribution_pence, o.present_value_pence) == (1, 0, 0)


def test_total_comes_from_unrounded_parts_and_explain_says_so():
    # each outcome is worth 0.5p, shown as 1p; the total is 0.5 + 0.5 = 1p, not 1 + 1 = 2p
    outcomes = [OutcomeInput("X", 1, 1, deadweight=50), OutcomeInput("Y", 1, 1, deadweight=50)]
    result = calculate_sroi(outcomes, 1, discount_rate=0)
    assert [o.present_value_pence for o in result.outcomes] == [1, 1]
    assert result.total_present_value_pence == 1
    assert "differ by a penny" in explain(result)[-1]


def test_ratio_rounds_half_up_from_the_total_shown():
    # £10.05 / £10 = 1.005 -> 1.01 (half even would give 1.00)
    result = calculate_sroi([OutcomeInput("X", 1, 1_005)], 1_000, discount_rate=0)
    assert result.ratio == Decimal("1.01")
    assert not any("differ by a penny" in line for line in explain(result))


def test_net_present_value_can_be_negative():
    result = calculate_sroi([OutcomeInput("X", 1, 1_000)], 5_000, discount_rate=0)
    assert result.net_present_value_pence == -4_000
    assert "Net present value: £10 − £50 = -£40" in explain(result)


# --- refusals -------------------------------------------------------------------


def _one(**changes):
    return [{"name": "X", "quantity": 10, "proxy_pence": 1_000, **changes}]


@pytest.mark.parametrize(
    ("outcomes", "kwargs", "message"),
    [
        (_one(quantity=-1), {}, "quantity of 'X' cannot be negative"),
        (_one(proxy_pence=-1), {}, "financial proxy of 'X' cannot be negative"),
        (_one(quantity=True), {}, "whole number"),
        (_one(quantity=1.5), {}, "whole number"),
        (_one(deadweight=-1), {}, "deadweight of 'X' must be between 0% and 100%"),
        (_one(deadweight=101), {}, "deadweight"),
        (_one(attribution=Decimal("-0.1")), {}, "attribution of 'X' must be between"),
        (_one(attribution=Decimal("100.1")), {}, "attribution"),
        (_one(drop_off=-5), {}, "drop-off of 'X' must be between"),
        (_one(drop_off=150), {}, "drop-off"),
        (_one(displacement=-1), {}, "displacement of 'X' must be between"),
        (_one(displacement=Decimal("100.01")), {}, "displacement"),
        (_one(deadweight=12.5), {}, "Decimal or whole number"),
        (_one(deadweight=Decimal("NaN")), {}, "finite"),
        (_one(deadweight="lots"), {}, "not a number"),
        (_one(duration=0), {}, "duration of 'X' must be at least 1"),
        (_one(period=0), {}, "period of 'X' must be at least 1"),
        (_one(period=2026), {}, "looks like a calendar year"),
        (_one(period=2025), {"base_year": 2026}, "period of 'X' must be at least 2026"),
        (_one(deadwieght=10), {}, "Unknown outcome field(s): deadwieght"),
        ([{"name": "X", "quantity": 1}], {}, "missing: proxy_pence"),
        (_one(name="  "), {}, "needs a name"),
        (_one(quantity=10**12, proxy_pence=10**12), {}, "implausibly large"),
        ([], {}, "at least one outcome"),
        (_one(), {"investment_pence": 0}, "investment must be at least 1"),
        (_one(), {"investment_pence": -100}, "investment must be at least 1"),
        (_one(), {"duration": 0}, "duration must be at least 1"),
        (_one(), {"discount_rate": Decimal("-0.5")}, "discount rate cannot be negative"),
        (_one(), {"discount_rate": 3.5}, "Decimal or whole number"),
    ],
)
def test_refusals(outcomes, kwargs, message):
    kwargs = {"investment_pence": 100_000, **kwargs}
    with pytest.raises(ImpactInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        calculate_sroi(outcomes, **kwargs)
    assert issubclass(ImpactInputError, ValueError)


def test_boundaries_accepted():
    result = calculate_sroi(_one(quantity=0, deadweight=0, attribution=100, drop_off="100%"), 1, duration=2)
    assert result.total_present_value_pence == 0 and result.ratio == Decimal("0.00")


# --- properties -----------------------------------------------------------------

percent = st.decimals(min_value=0, max_value=100, places=1)
outcome = st.fixed_dictionaries({
    "name": st.just("Outcome"),
    "quantity": st.integers(0, 100_000),
    "proxy_pence": st.integers(0, 10_000_000),
    "deadweight": percent, "attribution": percent, "drop_off": percent, "displacement": percent,
    "period": st.integers(1, 5),
    "duration": st.integers(1, 10),
})
rate = st.decimals(min_value=0, max_value=20, places=2)


@settings(max_examples=150, deadline=None)
@given(outcome, rate, st.integers(1, 10**9))
def test_present_value_never_exceeds_gross_times_years(raw, discount_rate, investment):
    result = calculate_sroi([raw], investment, discount_rate)
    o = result.outcomes[0]
    assert 0 <= o.present_value_pence <= o.total_value_pence <= o.gross_pence * o.duration
    assert o.after_attribution_pence <= o.after_displacement_pence <= o.after_deadweight_pence <= o.gross_pence
    assert result.net_present_value_pence == result.total_present_value_pence - investment


@settings(max_examples=150, deadline=None)
@given(outcome, rate, st.integers(1, 10**9), st.integers(1, 1_000))
def test_ratio_never_falls_as_quantity_rises(raw, discount_rate, investment, extra):
    before = calculate_sroi([raw], investment, discount_rate)
    after = calculate_sroi([{**raw, "quantity": raw["quantity"] + extra}], investment, discount_rate)
    assert after.total_present_value_pence >= before.total_present_value_pence
    assert after.ratio >= before.ratio


@settings(max_examples=100, deadline=None)
@given(outcome, rate, rate)
def test_a_higher_discount_rate_never_raises_present_value(raw, r1, r2):
    low, high = sorted((r1, r2))
    assert (calculate_sroi([raw], 1, high).total_present_value_pence
            <= calculate_sroi([raw], 1, low).total_present_value_pence)


# --- the Green Book's declining long-term rate ----------------------------------------------------

from challenge.partnerships.impact import GREEN_BOOK_SCHEDULE, discount_divisor, rate_for_year  # noqa: E402


@pytest.mark.parametrize(("year", "rate"), [
    (1, "3.5"), (30, "3.5"), (31, "3.0"), (75, "3.0"), (76, "2.5"), (125, "2.5"), (126, "2.0"), (200, "2.0"),
    (201, "1.5"), (300, "1.5"), (301, "1.0"), (1000, "1.0"),
])
def test_the_default_rate_falls_after_year_30_as_the_green_book_schedule_says(year, rate):
    assert rate_for_year(year) == Decimal(rate)
    assert rate_for_year(year, "4") == Decimal("4")  # any other rate is flat
    assert [r for _, r in GREEN_BOOK_SCHEDULE] == [Decimal(x) for x in ("3.5", "3.0", "2.5", "2.0", "1.5", "1.0")]


def test_each_year_is_discounted_at_its_own_bands_rate():
    assert discount_divisor(30) == Decimal("1.035") ** 30
    assert discount_divisor(31) == Decimal("1.035") ** 30 * Decimal("1.03")
    assert discount_divisor(80) == Decimal("1.035") ** 30 * Decimal("1.03") ** 45 * Decimal("1.025") ** 5
    assert discount_divisor(40, "3.5") < Decimal("1.035") ** 40  # lower than a flat 3.5 % would be
    assert discount_divisor(40, "5") == Decimal("1.05") ** 40


def test_an_outcome_past_year_30_is_discounted_at_the_lower_rate():
    raw = {"name": "Homes kept warm", "quantity": 1, "proxy_pence": 1_000_000, "period": 31, "duration": 2}
    result = calculate_sroi([raw], 100, base_year=None)
    year31, year32 = result.outcomes[0].years
    assert year31.present_value_pence == round(1_000_000 / (1.035**30 * 1.03))  # 3,555.19 -> 355,519p
    assert year32.present_value_pence == round(1_000_000 / (1.035**30 * 1.03**2))
    flat = calculate_sroi([raw], 100, "3.4")
    assert flat.outcomes[0].years[0].present_value_pence == round(1_000_000 / 1.034**31)
    lines = explain(result)
    assert any("Year 31" in line and "Green Book declining rate" in line for line in lines)
    assert not any("Green Book" in line for line in explain(flat))
