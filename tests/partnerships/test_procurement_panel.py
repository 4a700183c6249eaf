"""The follow-on procurement panel: when it shows, the band for the value with VAT, the notice export."""
import csv
import io

import pytest

from challenge.extensions import db


@pytest.mark.parametrize("kind, value, expected", [
    ("local_authority", 2_400_000, "No notice is required"),          # £24,000 + VAT = £28,800 < £30,000
    ("local_authority", 2_500_000, "contract details notice is required"),  # £30,000 with VAT: at the threshold
    ("local_authority", 17_310_000, "full procurement"),               # £207,720 with VAT: the 2026 threshold
    ("local_authority", 17_309_999, "contract details notice is required"),
    ("nhs_trust", 1_000_000, "contract details notice is required"),   # £12,000 with VAT: central threshold
    ("nhs_trust", 999_999, "No notice is required"),
    ("government_department", 11_251_500, "full procurement"),         # £135,018.00 with VAT
    ("government_department", 11_251_499, "contract details notice is required"),
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
        page = client.get(f"/partnerships/{p.id}").get_data(as_text=True)
        assert "full procurement" in page and "thresholds for this buyer as this platform sets them" in page
        assert "1 January 2026" not in page
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


def test_the_panel_shows_the_2026_thresholds_and_the_rd_route(client, login, world, make_partnership):
    p = make_partnership("pilot", counterpart=world.second, value=4_800_000)
    login(world.broker)
    page = client.get(f"/partnerships/{p.id}/procurement").get_data(as_text=True)
    assert "full procedure from £207,720" in page and "notice from £30,000" in page
    assert "thresholds for this buyer in force from 1 January 2026" in page
    assert '<option selected value="Below-threshold open procedure">' in page  # £57,600: under the threshold
    above = make_partnership("pilot", counterpart=world.second, value=24_000_000)
    above_page = client.get(f"/partnerships/{above.id}/procurement").get_data(as_text=True)
    assert '<option selected value="Open procedure">' in above_page  # a below-threshold procedure would be wrong
    chosen = client.get(f"/partnerships/{above.id}/procurement?procedure=Direct+award&format=show").get_data(as_text=True)
    assert '<option selected value="Direct award">' in chosen  # the buyer's own choice stands
    assert "as soon as reasonably practicable" in page and "within 30 days" not in page
    assert "if you advertise the contract" in page
    assert "Exempted contract route." in page and "wholly" in page


def test_the_vat_treatment_and_advertising_change_the_notices(client, login, world, make_partnership):
    # £180,000 excl. VAT: £216,000 standard-rated is a full procurement; exempt, it stays £180,000, below £207,720
    p = make_partnership("pilot", counterpart=world.second, value=18_000_000)
    login(world.broker)
    standard = client.get(f"/partnerships/{p.id}/procurement?vat=standard&format=show")
    assert standard.status_code == 200 and "full procurement" in standard.get_data(as_text=True)
    exempt = client.get(f"/partnerships/{p.id}/procurement?vat=exempt&advertised=yes&format=show")
    page = exempt.get_data(as_text=True)
    assert exempt.mimetype == "text/html" and "There is a problem" not in page
    assert "contract details notice is required" in page and "exempt: none added" in page
    assert "the contract is advertised, so publish" in page
    not_advertised = client.get(f"/partnerships/{p.id}/procurement?vat=exempt&advertised=no&format=show")
    assert "Below-threshold tender notice" not in not_advertised.get_data(as_text=True)
    junk = client.get(f"/partnerships/{p.id}/procurement?vat=reduced&advertised=perhaps&format=show")
    assert junk.status_code == 200 and "full procurement" in junk.get_data(as_text=True)  # ignored: standard


def test_the_exported_notice_says_the_vat_treatment(client, login, world, make_partnership):
    p = make_partnership("contracted", counterpart=world.second, value=4_800_000)
    login(world.adopter)
    response = client.get(f"/partnerships/{p.id}/procurement?start=2027-04-01&end=2028-03-31"
                          "&procedure=Direct+award&vat=exempt&format=csv")
    rows = dict(tuple(r) for r in csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows["VAT treatment"] == "Exempt from VAT" and rows["Value including VAT"] == "£48,000"


@pytest.mark.parametrize("value, message", [
    ('{"local_authority": {"notice": 3000000, "full_procedure": 20772000', "not valid JSON"),
    ('{"parish": {"notice": 1}}', "unknown threshold set"),
    ('{"nhs": {"notice": "twelve thousand"}}', "whole pence"),
])
def test_a_bad_procurement_thresholds_setting_stops_start_up(value, message):
    from challenge import create_app
    from challenge.config import SettingInvalid, TestConfig
    with pytest.raises(SettingInvalid, match=message) as refused:
        create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                    "PROCUREMENT_THRESHOLDS": value})
    assert "PROCUREMENT_THRESHOLDS" in str(refused.value)


def test_procurement_thresholds_from_the_environment():
    # A fresh interpreter, so the class-level settings read this environment (as gunicorn's workers do).
    import json
    import os
    import subprocess
    import sys
    script = ("from challenge import create_app; from challenge.config import TestConfig; import json; "
              "print(json.dumps(create_app(TestConfig).config['PROCUREMENT_THRESHOLDS']))")
    env = {**os.environ, "PROCUREMENT_THRESHOLDS": '{"nhs": {"notice": 500000}}'}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    table = json.loads(out.stdout.strip().splitlines()[-1])
    assert table["nhs"] == {"notice": 500_000, "full_procedure": 13_501_800}
    assert table["local_authority"] == {"notice": 3_000_000, "full_procedure": 20_772_000}
    env["PROCUREMENT_THRESHOLDS"] = '{"nhs": []}'
    refused = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "PROCUREMENT_THRESHOLDS: nhs has unknown key(s): (not an object)" in refused.stderr
