"""Impact records through the form, refusals with clear messages, and the SROI page matching impact.py."""
import csv
import io
from decimal import Decimal

import pytest

from challenge.extensions import db
from challenge.money import format_money
from challenge.partnerships.impact import OutcomeInput, calculate_sroi
from challenge.partnerships.models import ImpactRecord

GOOD = {"outcome": "Fewer emergency admissions", "unit": "people", "quantity": "120", "proxy": "1,500",
        "proxy_source": "Unit Cost Database", "period": "1", "duration": "3", "deadweight": "25", "attribution": "10",
        "drop_off": "20", "displacement": ""}


@pytest.fixture()
def p(make_partnership, world):
    return make_partnership("pilot", counterpart=world.second)


def test_recorded_outcomes_give_the_sroi_of_the_pure_module(client, login, world, p):
    login(world.broker)
    assert client.post(f"/partnerships/{p.id}/impact", data=GOOD).status_code == 302
    assert client.post(f"/partnerships/{p.id}/investment", data={"investment": "£40,000"}).status_code == 302
    record = db.session.scalar(db.select(ImpactRecord))
    assert (record.quantity, record.proxy, record.deadweight_bp, record.attribution_bp, record.drop_off_bp,
            record.displacement_bp, record.duration) == (120, 150_000, 2500, 1000, 2000, 0, 3)
    expected = calculate_sroi([OutcomeInput("Fewer emergency admissions", 120, 150_000, deadweight=25, attribution=10,
                                            drop_off=20, duration=3)], 4_000_000, Decimal("3.5"))
    page = client.get(f"/partnerships/{p.id}/impact").get_data(as_text=True)
    assert expected.ratio_text in page
    assert format_money(expected.total_present_value_pence) in page
    for y in expected.outcomes[0].years:
        assert format_money(y.present_value_pence) in page and str(y.discount_factor) in page
    assert "Gross value: 120 people × £1,500 = £180,000" in page  # the worked steps in words
    assert expected.ratio_text in client.get(f"/partnerships/{p.id}").get_data(as_text=True)


def test_the_discount_rate_comes_from_config(client, login, world, p, app):
    app.config["DISCOUNT_RATE_PERCENT"] = "0"
    try:
        login(world.broker)
        client.post(f"/partnerships/{p.id}/impact", data=GOOD | {"duration": "1", "drop_off": ""})
        client.post(f"/partnerships/{p.id}/investment", data={"investment": "121500"})
        page = client.get(f"/partnerships/{p.id}/impact").get_data(as_text=True)
        assert "£1.00 : £1" in page and "at 0% a year" in page  # no discounting: value equals investment
    finally:
        app.config["DISCOUNT_RATE_PERCENT"] = "3.5"


def test_the_calculation_exports_as_csv(client, login, world, p):
    login(world.broker)
    client.post(f"/partnerships/{p.id}/impact", data=GOOD)
    client.post(f"/partnerships/{p.id}/investment", data={"investment": "40000"})
    login(world.adopter)  # the counterpart may read and export it
    response = client.get(f"/partnerships/{p.id}/impact.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv" and rows[0][0] == "Outcome" and len(rows[1:4]) == 3
    assert rows[1][4] == "180000.00" and rows[1][-1] == "117391.30"
    assert ["SROI ratio", str(calculate_sroi([OutcomeInput("x", 120, 150_000, deadweight=25, attribution=10,
                                                           drop_off=20, duration=3)], 4_000_000).ratio)] in rows


def test_export_without_outcomes_explains_why(client, login, world, p):
    login(world.broker)
    response = client.get(f"/partnerships/{p.id}/impact.csv", follow_redirects=True)
    assert "Record at least one outcome and the investment" in response.get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("quantity", "-3", "not negative"),
    ("quantity", "", "Enter a whole number"),
    ("quantity", "1.5", "whole number"),
    ("quantity", "٣", "whole number"),
    ("quantity", "99999999999", "at most"),
    ("proxy", "-10", "not negative"),
    ("proxy", "abc", "Enter an amount in pounds"),
    ("deadweight", "101", "between 0 and 100"),
    ("attribution", "150%", "between 0 and 100"),
    ("drop_off", "-5", "between 0 and 100"),
    ("displacement", "Infinity", "between 0 and 100"),
    ("deadweight", "ten", "as a number"),
    ("period", "0", "at least 1"),
    ("period", "2026", "at most 50"),
    ("duration", "0", "at least 1"),
    ("outcome", "", "Enter the outcome"),
    ("outcome", "x" * 201, "200"),
])
def test_bad_impact_input_is_refused_with_a_clear_message(client, login, world, p, field, value, message):
    login(world.broker)
    response = client.post(f"/partnerships/{p.id}/impact", data=GOOD | {field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page and message in page
    assert db.session.scalar(db.select(db.func.count(ImpactRecord.id))) == 0


@pytest.mark.parametrize("value, message", [("0", "more than £0"), ("", "Enter an amount"), ("-1", "not negative")])
def test_investment_must_be_positive(client, login, world, p, value, message):
    login(world.broker)
    response = client.post(f"/partnerships/{p.id}/investment", data={"investment": value})
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_removing_an_outcome(client, login, world, p, make_partnership):
    login(world.broker)
    client.post(f"/partnerships/{p.id}/impact", data=GOOD)
    record = db.session.scalar(db.select(ImpactRecord))
    other = make_partnership("lead", title="Other")
    assert client.post(f"/partnerships/{other.id}/impact/{record.id}/delete").status_code == 404
    assert client.post(f"/partnerships/{p.id}/impact/{record.id}/delete").status_code == 302
    assert db.session.scalar(db.select(db.func.count(ImpactRecord.id))) == 0


def test_readers_see_no_editing_forms(client, login, world, p):
    login(world.creator)
    page = client.get(f"/partnerships/{p.id}/impact").get_data(as_text=True)
    assert "Record an outcome" not in page and "No outcomes recorded yet." in page
