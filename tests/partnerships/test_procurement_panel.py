"""The follow-on procurement panel: when it shows, the band for the value with VAT, the notice export."""
import csv
import io

import pytest

from challenge.extensions import db


@pytest.mark.parametrize("kind, value, expected", [
    ("local_authority", 2_400_000, "No notice is required"),          # £24,000 + VAT = £28,800 < £30,000
    ("local_authority", 2_500_000, "contract details notice is required"),  # £30,000 with VAT: at the threshold
    ("local_authority", 17_908_700, "full procurement"),               # £214,904.40 with VAT
    ("nhs_trust", 1_000_000, "contract details notice is required"),   # £12,000 with VAT: central threshold
    ("nhs_trust", 999_999, "No notice is required"),
    ("government_department", 11_640_667, "full procurement"),         # £139,688.00 with VAT
])
def test_the_band_follows_the_value_with_vat(client, login, world, make_org, make_partnership, kind, value, expected):
    buyer = make_org(world.adopter, kind=kind, name="Buyer")
    p = make_partnership("pilot", counterpart=buyer, value=value)
    login(world.broker)
    page = client.get(f"/partnerships/{p.id}").get_data(as_text=True)
    assert "Buying this: the Procurement Act 2023" in page and expected in page


@pytest.mark.parametrize("kind, stage", [("charity", "contracted"), ("investor", "pilot"),
                                         ("local_authority", "in_discussion"), ("local_authority", "lead")])
def test_no_panel_for_private_counterparts_or_before_pilot(client, login, world, make_org, make_partnership, kind, stage):
    buyer = make_org(world.adopter, kind=kind, name="Buyer")
    p = make_partnership(stage, counterpart=buyer, value=50_000_000)
    login(world.broker)
    assert "Buying this" not in client.get(f"/partnerships/{p.id}").get_data(as_text=True)
    assert "applies when the counterpart is a public body" in client.get(
        f"/partnerships/{p.id}/procurement").get_data(as_text=True)


def test_thresholds_come_from_config(client, login, world, make_partnership, app):
    app.config["PROCUREMENT_THRESHOLDS"] = {"local_authority": {"notice": 100, "full_procedure": 200}}
    try:
        p = make_partnership("contracted", counterpart=world.second, value=1_000)
        login(world.broker)
        assert "full procurement" in client.get(f"/partnerships/{p.id}").get_data(as_text=True)
    finally:
        app.config["PROCUREMENT_THRESHOLDS"] = None


def test_the_contract_details_notice_exports_as_csv(client, login, world, make_partnership):
    p = make_partnership("contracted", counterpart=world.second, value=4_800_000)
    login(world.adopter)
    response = client.get(f"/partnerships/{p.id}/procurement?start=2027-04-01&end=2028-03-31"
                          "&procedure=Below-threshold+open+procedure&sme=y&vcse=y")
    assert response.mimetype == "text/csv"
    rows = dict(tuple(r) for r in csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows["Buyer name"] == "York Council" and rows["Supplier name"] == "Befriend CIC"
    assert rows["Value excluding VAT"] == "£48,000" and rows["Value including VAT"] == "£57,600"
    assert (rows["Start date"], rows["End date"], rows["Supplier is a VCSE"]) == ("2027-04-01", "2028-03-31", "Yes")


@pytest.mark.parametrize("query, message", [
    ("start=2027-04-01&end=2026-01-01&procedure=Direct+award", "end date cannot be before"),
    ("start=&end=2026-01-01&procedure=Direct+award", "Enter the start date"),
    ("start=2027-02-30&end=2028-01-01&procedure=Direct+award", "Not a valid date"),
    ("start=2027-01-01&end=2028-01-01&procedure=Bribery", "Not a valid choice"),
])
def test_the_notice_form_refuses_bad_input(client, login, world, make_partnership, query, message):
    p = make_partnership("pilot", counterpart=world.second, value=4_800_000)
    login(world.broker)
    response = client.get(f"/partnerships/{p.id}/procurement?{query}")
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and "There is a problem" in page and message in page
    assert db.session.get(type(p), p.id).stage == "pilot"
