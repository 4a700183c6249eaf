"""360Giving exports of the prizes and stage grants paid: the standard's required fields and formats,
co-funders, who sees what, the public file's opt-in rule, and the demo world.

360Giving's JSON schema is not vendored here; REQUIRED restates, as JSON Schema, what the 360Giving Data
Standard's documentation requires of a grant (id with the 360G- prefix, title, description, ISO 4217
currency, amountAwarded, ISO 8601 awardDate, a recipient organisation or individual, the funding
organisation) and jsonschema checks it with format checking on.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import jsonschema
import pytest

from challenge import clock
from challenge.accounts import orgids
from challenge.extensions import db
from challenge.payouts import giving
from challenge.payouts.models import Award, Payout

ORG_REF = {"type": "object", "required": ["id", "name"],
           "properties": {"id": {"type": "string", "pattern": r"^(GB-(CHC|COH|LAE|NHS)-[A-Z0-9]+|360G-.+-ORG-\d+)$"},
                          "name": {"type": "string", "minLength": 1}}}
REQUIRED = {
    "type": "object", "required": ["grants"], "additionalProperties": False,
    "properties": {"grants": {"type": "array", "items": {
        "type": "object",
        "required": ["id", "title", "description", "currency", "amountAwarded", "awardDate", "fundingOrganization"],
        "oneOf": [{"required": ["recipientOrganization"]}, {"required": ["recipientIndividual"]}],
        "properties": {
            "id": {"type": "string", "pattern": r"^360G-[A-Za-z0-9-]+-\d+$"},
            "title": {"type": "string", "minLength": 1}, "description": {"type": "string", "minLength": 1},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "amountAwarded": {"type": "number", "minimum": 0},
            "awardDate": {"type": "string", "format": "date"},
            "recipientOrganization": {"type": "array", "minItems": 1, "items": ORG_REF},
            "recipientIndividual": {"type": "object", "required": ["id", "name"]},
            "fundingOrganization": {"type": "array", "minItems": 1, "items": ORG_REF},
            "grantProgramme": {"type": "array", "items": {"type": "object", "required": ["code", "title"]}},
            "classifications": {"type": "array", "items": {"type": "object", "required": ["code", "title"]}},
        }}}},
}


def check(document: dict) -> None:
    jsonschema.validate(document, REQUIRED, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def paid_award(w, sub, amount: int, *, paid: bool = True, prize: bool = True) -> Award:
    now = clock.now()
    award = Award(challenge_id=w.challenge.id, submission_id=sub.id, amount=amount, currency="GBP",
                  created_by_id=w.broker.id, created_at=now,
                  **({"prize_id": w.challenge.prizes[0].id, "place": 1} if prize else {"round_position": 1}))
    db.session.add(award)
    db.session.flush()
    db.session.add(Payout(award_id=award.id, user_id=sub.owner_id, amount=amount, currency="GBP", provider="manual",
                          state="paid" if paid else "ready", paid_at=now if paid else None, created_at=now))
    db.session.commit()
    return award


@pytest.fixture
def paid(world):
    w = world("decided")
    w.council.charity_number = ""
    w.council.local_authority_code = "BIR"
    w.winning = paid_award(w, w.sub_a, 1_234_567)
    w.unpaid = paid_award(w, w.sub_b, 50_000, paid=False, prize=False)
    return w


def test_org_ids_take_the_first_identifier_in_order_and_fall_back():
    class Org:
        id, charity_number, company_number, local_authority_code, nhs_org_code = 7, "", "SC123456", "BIR", ""
    assert orgids.org_id(Org, "360G-x") == orgids.OrgId("GB-COH-SC123456", "GB-COH")
    Org.company_number = Org.local_authority_code = ""
    fallback = orgids.org_id(Org, "360G-x")
    assert fallback.identifier == "360G-x-ORG-7" and fallback.is_fallback
    assert orgids.normalise("charity_number", " 112 3456 ") == "1123456"
    assert orgids.normalise("local_authority_code", "bir") == "BIR"
    for field, bad in (("charity_number", "12ab"), ("company_number", "1234"), ("local_authority_code", "B1"),
                       ("nhs_org_code", "R-TH")):
        with pytest.raises(orgids.OrgIdError):
            orgids.normalise(field, bad)


@pytest.mark.parametrize("prefix", ["", "challengeexchange", "360G-", "360G-bad prefix", None])
def test_a_bad_prefix_stops_start_up(prefix):
    from challenge.config import SettingInvalid, check_open_data

    with pytest.raises(SettingInvalid, match="THREESIXTYGIVING_PREFIX"):
        check_open_data({"THREESIXTYGIVING_PREFIX": prefix})
    check_open_data({"THREESIXTYGIVING_PREFIX": "360G-challengeexchange"})


def test_amounts_are_exact_major_units():
    assert giving.amount(1_000_000) == 10000 and isinstance(giving.amount(1_000_000), int)
    assert json.dumps(giving.amount(12_345)) == "123.45"
    assert json.dumps(giving.amount(1)) == "0.01" and json.dumps(giving.amount(999_999_999_99)) == "999999999.99"


def test_broker_package_has_the_standards_fields_co_funders_and_no_unpaid_award(paid, client, login):
    w = paid
    login(w.broker)
    response = client.get("/finance/360giving")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    check(document)
    [grant] = document["grants"]
    assert grant["id"] == f"360G-challengeexchange-{w.winning.id}"
    assert grant["amountAwarded"] == 12345.67 and '"amountAwarded": 12345.67' in response.get_data(as_text=True)
    assert grant["currency"] == "GBP" and grant["awardDate"] == clock.now().date().isoformat()
    assert grant["fundingOrganization"] == [{"id": "GB-LAE-BIR", "name": "Riverside Council"},
                                            {"id": f"360G-challengeexchange-ORG-{w.trust.id}",
                                             "name": "Riverside NHS Trust"}]
    assert grant["recipientIndividual"] == {"id": f"360G-challengeexchange-IND-{w.winning.id}", "name": "Wyn Winner"}
    assert grant["grantProgramme"] == [{"code": w.challenge.slug, "title": w.challenge.title}]
    assert grant["classifications"][0]["code"] == w.challenge.sector


def test_the_csv_has_360givings_column_titles(paid, client, login):
    login(paid.broker)
    response = client.get("/finance/360giving?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    row = rows[0]
    assert row["Identifier"] == f"360G-challengeexchange-{paid.winning.id}" and row["Amount Awarded"] == "12345.67"
    assert row["Currency"] == "GBP" and row["Funding Org:Identifier"] == "GB-LAE-BIR"
    assert row["Funding Org:1:Name"] == "Riverside NHS Trust" and row["Recipient Ind:Name"] == "Wyn Winner"
    assert row["Grant Programme:Code"] == paid.challenge.slug
    assert client.get("/finance/360giving?format=xml").status_code == 404


def test_a_funder_sees_only_what_it_co_funded(paid, world, client, login, make_user, make_org):
    w = paid
    stranger = make_user("Stan Stranger")
    elsewhere = make_org(owner=stranger, name="Elsewhere Council")
    login(w.trust_member)
    document = client.get(f"/organisations/{w.trust.slug}/360giving").get_json()
    assert [g["id"] for g in document["grants"]] == [f"360G-challengeexchange-{w.winning.id}"]
    assert client.get(f"/organisations/{w.council.slug}/360giving").status_code == 404  # not its organisation
    login(stranger)
    assert client.get(f"/organisations/{elsewhere.slug}/360giving").get_json() == {"grants": []}
    assert client.get(f"/organisations/{w.trust.slug}/360giving").status_code == 404
    assert client.get("/finance/360giving").status_code == 404
    login(None)
    assert client.get(f"/organisations/{w.trust.slug}/360giving").status_code == 404


def test_public_file_only_when_every_funder_opted_in_and_decided(paid, client):
    w = paid
    assert client.get("/open-data/360giving.json").get_json() == {"grants": []}
    w.council.publish_grants_open_data = True
    db.session.commit()
    assert client.get("/open-data/360giving.json").get_json() == {"grants": []}  # the trust has not agreed
    w.trust.publish_grants_open_data = True
    db.session.commit()
    document = client.get("/open-data/360giving.json").get_json()
    check(document)
    [grant] = document["grants"]
    assert grant["recipientIndividual"]["name"] == giving.WITHHELD_NAME  # a person's name is not published
    w.challenge.state = "judging"
    db.session.commit()
    assert client.get("/open-data/360giving.json").get_json() == {"grants": []}


def test_organisation_recipient_and_cancelled_award(paid, client, login, make_org):
    w = paid
    maker = make_org(w.winner, name="Maker Ltd", kind="business")
    maker.company_number = "01234567"
    w.sub_a.organisation_id = maker.id
    w.winning.cancelled_at = clock.now() + timedelta(seconds=1)
    db.session.commit()
    login(w.broker)
    assert client.get("/finance/360giving").get_json() == {"grants": []}
    w.winning.cancelled_at = None
    db.session.commit()
    [grant] = client.get("/finance/360giving").get_json()["grants"]
    assert grant["recipientOrganization"] == [{"id": "GB-COH-01234567", "name": "Maker Ltd"}]
    assert "recipientIndividual" not in grant


def test_owner_records_identifiers_and_opts_in_a_broker_cannot(paid, client, login):
    w = paid
    login(w.seeker)
    page = client.get(f"/organisations/{w.council.slug}/edit").get_data(as_text=True)
    assert "Charity number" in page and "360Giving open data" in page
    form = {"name": "Riverside Council", "kind": "local_authority", "charity_number": "12ab",
            "local_authority_code": "bir", "publish_grants_open_data": "y"}
    refused = client.post(f"/organisations/{w.council.slug}/edit", data=form)
    assert refused.status_code == 400 and "Enter the charity number" in refused.get_data(as_text=True)
    db.session.refresh(w.council)
    assert not w.council.publish_grants_open_data
    form["charity_number"] = "1123 456"
    assert client.post(f"/organisations/{w.council.slug}/edit", data=form).status_code == 302
    db.session.refresh(w.council)
    assert (w.council.charity_number, w.council.local_authority_code) == ("1123456", "BIR")
    assert w.council.publish_grants_open_data
    login(w.broker)  # may edit the details, not consent for the organisation
    page = client.get(f"/organisations/{w.council.slug}/edit").get_data(as_text=True)
    assert "360Giving open data" not in page
    form["publish_grants_open_data"] = ""
    assert client.post(f"/organisations/{w.council.slug}/edit", data=form).status_code == 302
    db.session.refresh(w.council)
    assert w.council.publish_grants_open_data


def test_the_service_refuses_the_opt_in_from_anyone_but_an_owner(paid):
    from challenge.accounts.organisations import update_organisation
    from challenge.errors import DomainError, FieldError

    w = paid
    details = {"name": "NHS Trust", "kind": "nhs_trust", "description": "", "website": ""}
    with pytest.raises(DomainError):
        update_organisation(w.trust, w.broker, clock.now(), publish=True, **details)
    with pytest.raises(FieldError):
        update_organisation(w.trust, w.broker, clock.now(), identifiers={"nhs_org_code": "R-TH"}, **details)
    db.session.rollback()
    assert not w.trust.publish_grants_open_data


def test_links_on_the_finance_and_funder_pages(paid, client, login):
    login(paid.broker)
    assert "/finance/360giving" in client.get("/finance").get_data(as_text=True)
    login(paid.trust_member)
    page = client.get(f"/organisations/{paid.trust.slug}").get_data(as_text=True)
    assert f"/organisations/{paid.trust.slug}/360giving" in page


def test_a_funders_finance_page_links_to_its_own_file(paid, client, login):
    login(paid.trust_member)
    page = client.get("/finance").get_data(as_text=True)
    assert f'href="/organisations/{paid.trust.slug}/360giving"' in page
    assert f'href="/organisations/{paid.trust.slug}/360giving?format=csv"' in page
    assert "/finance/360giving" not in page  # the broker's file of everything is not theirs
    assert client.get(f"/organisations/{paid.trust.slug}/360giving").get_json()["grants"]


def test_the_demo_world_gives_a_valid_package(runner, client):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    document = giving.package(giving.paid_awards(), "360G-challengeexchange")
    check(document)
    assert document["grants"], "the demo pays a winner of its completed challenge"
    funders = [org["id"] for g in document["grants"] for org in g["fundingOrganization"]]
    assert "GB-LAE-CON" in funders and any(f.startswith("360G-challengeexchange-ORG-") for f in funders)
    public = client.get("/open-data/360giving.json").get_json()  # Cornwall and Riverside opted in
    check(public)
    assert [g["id"] for g in public["grants"]] == [g["id"] for g in document["grants"]]
