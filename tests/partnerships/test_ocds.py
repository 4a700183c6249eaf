"""The contract details notice as an OCDS 1.1 release package: required fields and formats, permissions.

The OCDS release-package schema (Apache 2.0) is not vendored here (no copy could be brought into the
project from this workplace), so REQUIRED below restates, as JSON Schema, what the OCDS 1.1 documentation
requires of a package and a release, and the formats it names: ocid pattern, ISO 8601 date-times, ISO 4217
currency codes. jsonschema validates against it, with format checking on.
"""
import json
import re
from datetime import UTC, date, datetime

import jsonschema
import pytest

from challenge.partnerships import ocds
from challenge.partnerships.procurement import ProcurementInputError

DATE_TIME = {"type": "string", "format": "date-time"}
VALUE = {"type": "object", "required": ["amount", "currency"],
         "properties": {"amount": {"type": "number", "minimum": 0}, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}}
PARTY_REF = {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
# identifier.scheme is an org-id list code (GB-CHC, GB-COH, GB-LAE, GB-NHS: country, hyphen, register) and
# comes with identifier.id; legalName is there whenever the party has no scheme.
IDENTIFIER = {"type": "object", "properties": {"scheme": {"type": "string", "pattern": r"^[A-Z]{2}-[A-Z]{3}$"},
                                               "id": {"type": "string", "minLength": 1}},
              "dependentRequired": {"scheme": ["id"], "id": ["scheme"]}}
PERIOD = {"type": "object", "properties": {"startDate": DATE_TIME, "endDate": DATE_TIME}, "required": ["startDate", "endDate"]}
REQUIRED = {
    "type": "object",
    "required": ["uri", "publishedDate", "publisher", "version", "releases"],
    "properties": {
        "uri": {"type": "string", "format": "uri"},
        "publishedDate": DATE_TIME,
        "publisher": {"type": "object", "required": ["name"]},
        "version": {"const": "1.1"},
        "releases": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["ocid", "id", "date", "tag", "initiationType", "parties", "buyer", "awards", "contracts"],
            "properties": {
                "ocid": {"type": "string", "pattern": r"^ocds-[a-z0-9]{6}-"},
                "id": {"type": "string", "minLength": 1},
                "date": DATE_TIME,
                "tag": {"const": ["award", "contract"]},
                "initiationType": {"const": "tender"},
                "parties": {"type": "array", "items": {
                    "type": "object", "required": ["id", "name", "roles", "identifier"],
                    "properties": {"roles": {"type": "array", "items": {"enum": ["buyer", "supplier"]}},
                                   "identifier": IDENTIFIER,
                                   "additionalIdentifiers": {"type": "array", "items": IDENTIFIER}}}},
                "buyer": PARTY_REF,
                "awards": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["id", "status", "value", "suppliers"],
                    "properties": {"value": VALUE, "suppliers": {"type": "array", "items": PARTY_REF},
                                   "contractPeriod": PERIOD}}},
                "contracts": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["id", "awardID", "status", "value", "period"],
                    "properties": {"value": VALUE, "period": PERIOD, "dateSigned": DATE_TIME,
                                   "status": {"enum": ["pending", "active", "cancelled", "terminated"]}}}},
            },
        }},
    },
}


def check(package: dict) -> None:
    jsonschema.validate(package, REQUIRED, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    release = package["releases"][0]
    ids = [party["id"] for party in release["parties"]]
    assert len(ids) == len(set(ids)), "parties[].id is unique in the release"
    for party in release["parties"]:
        identifier = party["identifier"]
        if "scheme" in identifier:  # the id is built from the org-id: scheme, hyphen, id within the scheme
            assert party["id"] == f"{identifier['scheme']}-{identifier['id']}"
        else:
            assert identifier["legalName"] == party["name"]
    assert release["buyer"]["id"] in ids
    assert all(s["id"] in ids for award in release["awards"] for s in award["suppliers"])
    assert {c["awardID"] for c in release["contracts"]} <= {a["id"] for a in release["awards"]}


def test_the_schema_catches_what_it_should():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"uri": "x", "publishedDate": "2027-01-01", "publisher": {"name": "x"},
                             "version": "1.1", "releases": []}, REQUIRED,
                            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def package(**changes):
    args = dict(prefix="ocds-abc123", partnership_id=7, title="Pilot", description="Two wards",
                buyer=ocds.Party("org-1", "York Council", "buyer", identifiers=(("GB-LAE", "YOR"),)),
                supplier=ocds.Party("org-2", "Befriend CIC", "supplier", True),
                value_excl_minor=4_800_000, value_incl_minor=5_760_000, currency="GBP", start=date(2027, 4, 1),
                end=date(2028, 3, 31), published=datetime(2027, 3, 2, 9, 30, tzinfo=UTC),
                uri="https://cx.example.org/partnerships/7/procurement?format=ocds", publisher="Challenge Exchange")
    return ocds.release_package(**{**args, **changes})


def test_a_release_package_has_the_required_fields_and_formats():
    result = package()
    check(result)
    release = result["releases"][0]
    assert release["ocid"] == "ocds-abc123-cx-partnership-7"
    assert release["date"] == result["publishedDate"] == "2027-03-02T09:30:00Z"
    assert [p["roles"] for p in release["parties"]] == [["buyer"], ["supplier"]]
    assert release["parties"][0]["identifier"] == {"scheme": "GB-LAE", "id": "YOR", "legalName": "York Council"}
    assert release["parties"][0]["id"] == release["buyer"]["id"] == "GB-LAE-YOR"
    assert release["parties"][1]["identifier"] == {"legalName": "Befriend CIC"}  # no recorded code
    assert release["parties"][1]["id"] == release["awards"][0]["suppliers"][0]["id"] == "org-2"
    assert release["parties"][1]["details"] == {"scale": "sme"}
    contract = release["contracts"][0]
    assert contract["value"] == {"amount": 57_600, "currency": "GBP", "amountNet": 48_000, "amountGross": 57_600}
    assert contract["period"] == {"startDate": "2027-04-01T00:00:00Z", "endDate": "2028-03-31T00:00:00Z"}
    assert contract["status"] == "pending" and "dateSigned" not in contract
    signed = package(date_signed=date(2027, 3, 1))["releases"][0]["contracts"][0]
    assert (signed["status"], signed["dateSigned"]) == ("active", "2027-03-01T00:00:00Z")
    assert ocds.amount(12_345) == 123.45 and ocds.amount(100) == 1


def test_further_codes_are_additional_identifiers_and_one_party_keeps_both_roles():
    charity = ocds.Party("org-2", "Befriend CIC", "supplier", True,
                         identifiers=(("GB-CHC", "1123456"), ("GB-COH", "01234567")))
    release = package(supplier=charity)["releases"][0]
    check(package(supplier=charity))
    party = release["parties"][1]
    assert party["id"] == "GB-CHC-1123456" and party["identifier"]["id"] == "1123456"
    assert party["additionalIdentifiers"] == [{"scheme": "GB-COH", "id": "01234567"}]
    same = ocds.Party("org-1", "York Council", "supplier", False, identifiers=(("GB-LAE", "YOR"),))
    both = package(supplier=same)
    check(both)
    assert [(p["id"], p["roles"]) for p in both["releases"][0]["parties"]] == [("GB-LAE-YOR", ["buyer", "supplier"])]


@pytest.mark.parametrize(("changes", "message"), [
    ({"prefix": "ocds-XYZ"}, "OCDS_PREFIX"), ({"prefix": "abc123"}, "OCDS_PREFIX"), ({"currency": "pounds"}, "ISO 4217"),
])
def test_bad_identifiers_are_refused(changes, message):
    with pytest.raises(ProcurementInputError, match=message):
        package(**changes)


NOTICE = "start=2027-04-01&end=2028-03-31&signed=2027-03-15&procedure=Direct+award&sme=y&format=ocds"


def test_the_panel_downloads_the_notice_as_ocds(client, login, world, make_partnership, app):
    p = make_partnership("contracted", counterpart=world.second, value=4_800_000)
    login(world.adopter)
    response = client.get(f"/partnerships/{p.id}/procurement?{NOTICE}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert f"contract-details-partnership-{p.id}.ocds.json" in response.headers["Content-Disposition"]
    result = json.loads(response.get_data(as_text=True))
    check(result)
    release = result["releases"][0]
    assert re.fullmatch(rf"ocds-xxxxxx-cx-partnership-{p.id}", release["ocid"])  # the placeholder prefix
    assert release["buyer"]["name"] == "York Council"
    assert release["awards"][0]["suppliers"][0]["name"] == "Befriend CIC"
    assert release["contracts"][0]["value"] == {"amount": 57_600, "currency": "GBP", "amountNet": 48_000,
                                                "amountGross": 57_600}
    assert release["contracts"][0]["dateSigned"] == "2027-03-15T00:00:00Z"
    app.config["OCDS_PREFIX"] = "ocds-213czf"
    try:
        again = client.get(f"/partnerships/{p.id}/procurement?{NOTICE}&vat=exempt").get_json()
    finally:
        app.config["OCDS_PREFIX"] = "ocds-xxxxxx"
    assert again["releases"][0]["ocid"].startswith("ocds-213czf-")
    assert again["releases"][0]["contracts"][0]["value"]["amount"] == 48_000  # exempt: not grossed up


@pytest.mark.parametrize("who, status", [("outsider", 404), ("broker", 200), ("adopter", 200)])
def test_the_ocds_download_has_the_panels_permission(client, login, world, make_partnership, make_user, who, status):
    p = make_partnership("pilot", counterpart=world.second, value=4_800_000)
    person = make_user("Nosy Parker", "nosy@example.org") if who == "outsider" else getattr(world, who)
    login(person)
    assert client.get(f"/partnerships/{p.id}/procurement?{NOTICE}").status_code == status


def test_bad_dates_answer_the_form_not_json(client, login, world, make_partnership):
    p = make_partnership("pilot", counterpart=world.second, value=4_800_000)
    login(world.broker)
    response = client.get(f"/partnerships/{p.id}/procurement?start=2028-01-01&end=2027-01-01"
                          "&procedure=Direct+award&format=ocds")
    assert response.mimetype == "text/html"  # the form again, as for the CSV (a GET form answers 200)
    assert "end date cannot be before" in response.get_data(as_text=True)


@pytest.mark.parametrize("prefix", ["ocds-ABCDEF", "213czf", "ocds-12345", ""])
def test_a_bad_ocds_prefix_stops_start_up(prefix):
    from challenge import create_app
    from challenge.config import SettingInvalid, TestConfig
    with pytest.raises(SettingInvalid, match="OCDS_PREFIX must be 'ocds-' and six"):
        create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}, "OCDS_PREFIX": prefix})


def test_the_demo_world_gives_valid_releases_with_org_ids(runner, client, login):
    """Every demo partnership with a procurement panel gives a valid release; Cornwall, the contracted buyer,
    is GB-LAE-CON; Riverside, which recorded no code, keeps the platform's id and its legal name."""
    from challenge.accounts.models import User
    from challenge.extensions import db
    from challenge.partnerships import buying
    from challenge.partnerships.models import Partnership
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    login(db.session.scalars(db.select(User).where(User.is_broker.is_(True))).first())
    buyers = {}
    for p in db.session.scalars(db.select(Partnership).order_by(Partnership.id)):
        if not buying.applies(p):
            continue
        response = client.get(f"/partnerships/{p.id}/procurement?{NOTICE}")
        assert response.status_code == 200, p.title
        release = response.get_json()["releases"][0]
        check(response.get_json())
        buyers[p.counterpart.slug] = next(party for party in release["parties"] if "buyer" in party["roles"])
    assert buyers["cornwall"]["id"] == "GB-LAE-CON"
    assert buyers["cornwall"]["identifier"] == {"scheme": "GB-LAE", "id": "CON", "legalName": buyers["cornwall"]["name"]}
    assert buyers["riverside"]["id"].startswith("org-") and "scheme" not in buyers["riverside"]["identifier"]
