"""Recording and editing partnerships through the forms, the timeline, the board and its CSV."""
import csv
import io
from datetime import timedelta

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.partnerships.models import Partnership, PartnershipEvent


def _new(world, **overrides):
    data = {"title": "Befriending for York", "kind": "commissioning", "creator_email": "CARA@example.org",
            "creator_organisation": str(world.charity.id), "counterpart": str(world.second.id), "value": "£48,000",
            "commission_kind": "percent", "commission_amount": "", "commission_percent": "7.5",
            "owner": str(world.broker.id), "next_action": "Send the pilot proposal", "next_action_due": "2030-01-15"}
    return data | overrides


def test_broker_records_a_partnership_from_a_winning_solution(client, login, world):
    login(world.broker)
    form = client.get(f"/partnerships/new?submission={world.winner.id}").get_data(as_text=True)
    assert "Arising from" in form and "cara@example.org" in form
    response = client.post("/partnerships/new", data=_new(world, origin=str(world.winner.id)))
    assert response.status_code == 302
    p = db.session.scalar(db.select(Partnership))
    assert (p.stage, p.value, p.commission_bp, p.commission_amount, p.commission) == ("lead", 4_800_000, 750, None, 360_000)
    assert (p.origin_submission_id, p.origin_challenge_id, p.owner_id) == (world.winner.id, world.challenge.id, world.broker.id)
    assert p.next_action_due.hour in (17, 16)  # 17:00 London time, stored in UTC
    page = client.get(f"/partnerships/{p.id}").get_data(as_text=True)
    assert "£48,000" in page and "£3,600 (7.5% of the value)" in page and "Recorded as a lead" in page


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "Enter a name"),
    ("title", "x" * 201, "200"),
    ("creator_email", "nobody@example.org", "no account with that email"),
    ("counterpart", "0", "Choose the counterpart organisation"),
    ("counterpart", "abc", "Choose the counterpart organisation"),
    ("value", "-5", "not negative"),
    ("value", "twelve", "Enter an amount in pounds"),
    ("value", "1e9", "Enter an amount in pounds"),
    ("commission_percent", "101", "between 0 and 100"),
    ("commission_percent", "-1", "between 0 and 100"),
    ("commission_percent", "NaN", "between 0 and 100"),
    ("commission_percent", "1.234", "2 decimal places"),
    ("kind", "merger", "Not a valid choice"),
    ("owner", "999999", "Not a valid choice"),
    ("next_action_due", "31/02/2030", "Not a valid date"),
])
def test_bad_input_is_refused_with_a_clear_message(client, login, world, field, value, message):
    login(world.broker)
    response = client.post("/partnerships/new", data=_new(world, **{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert db.session.scalar(db.select(db.func.count(Partnership.id))) == 0


def test_percentage_kind_needs_a_percentage(client, login, world):
    login(world.broker)
    page = client.post("/partnerships/new", data=_new(world, commission_percent="")).get_data(as_text=True)
    assert "Enter the commission percentage" in page


def test_counterpart_cannot_be_the_creators_own_organisation(client, login, world):
    login(world.broker)
    page = client.post("/partnerships/new", data=_new(world, counterpart=str(world.charity.id))).get_data(as_text=True)
    assert "must be a different organisation" in page


def test_creator_must_belong_to_the_creator_organisation(client, login, world):
    login(world.broker)
    page = client.post("/partnerships/new", data=_new(world, creator_organisation=str(world.council.id))
                       ).get_data(as_text=True)
    assert "is not a member of Leeds City Council" in page


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "Ünïcødé ‮ 🤝 ẞ", "\x00nul"])
def test_odd_text_is_stored_and_shown_escaped(client, login, world, text):
    login(world.broker)
    response = client.post("/partnerships/new", data=_new(world, title=text, next_action=text))
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page


def test_edit_changes_terms_and_switches_commission_kind(client, login, world, make_partnership):
    p = make_partnership("pilot", value=1_000_000, commission_bp=500)
    login(world.broker)
    form = client.get(f"/partnerships/{p.id}/edit").get_data(as_text=True)
    assert 'value="10,000.00"' in form and 'value="5"' in form
    response = client.post(f"/partnerships/{p.id}/edit", data={
        "title": "Bigger pilot", "kind": "pilot", "value": "20000", "commission_kind": "amount",
        "commission_amount": "1,500", "owner": "0", "next_action": "", "public": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    p = db.session.get(Partnership, p.id)
    assert (p.title, p.value, p.commission_amount, p.commission_bp, p.commission, p.public) == (
        "Bigger pilot", 2_000_000, 150_000, None, 150_000, True)


def test_edit_refuses_a_percentage_over_100(client, login, world, make_partnership):
    p = make_partnership("pilot")
    login(world.broker)
    page = client.post(f"/partnerships/{p.id}/edit", data={
        "title": "x", "kind": "pilot", "value": "1", "commission_kind": "percent", "commission_percent": "150",
        "owner": "0"}).get_data(as_text=True)
    assert "between 0 and 100" in page


@pytest.mark.parametrize("data, message", [
    ({"kind": "note", "title": ""}, "Enter a title"),
    ({"kind": "document", "title": "Pilot plan", "url": ""}, "Enter the link to the document"),
    ({"kind": "document", "title": "Pilot plan", "url": "javascript:alert(1)"}, "starting with https://"),
    ({"kind": "stage_change", "title": "Sneaky"}, "Not a valid choice"),
])
def test_timeline_refuses_bad_events(client, login, world, make_partnership, data, message):
    p = make_partnership()
    login(world.broker)
    response = client.post(f"/partnerships/{p.id}/events", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_timeline_notes_meetings_and_documents(client, login, world, make_partnership):
    p = make_partnership()
    login(world.broker)
    for data in ({"kind": "note", "title": "Called Leeds", "body": "Keen on a pilot"},
                 {"kind": "meeting", "title": "Met the commissioner"},
                 {"kind": "document", "title": "Pilot plan", "url": "https://example.org/plan.pdf"}):
        assert client.post(f"/partnerships/{p.id}/events", data=data).status_code == 302
    kinds = [e.kind for e in db.session.scalars(db.select(PartnershipEvent).order_by(PartnershipEvent.id))]
    assert kinds == ["stage_change", "note", "meeting", "document"]
    page = client.get(f"/partnerships/{p.id}").get_data(as_text=True)
    assert 'href="https://example.org/plan.pdf"' in page and "Keen on a pilot" in page


def test_board_columns_filters_and_overdue(client, login, world, make_partnership):
    late = make_partnership("pilot", title="Late one", owner=world.broker, next_action="Chase",
                            next_action_due=clock.now() - timedelta(days=2))
    make_partnership("lead", title="Fresh lead", counterpart=world.second)
    login(world.broker)
    page = client.get("/partnerships/").get_data(as_text=True)
    assert "Late one" in page and "Fresh lead" in page and "Overdue" in page
    only_late = client.get("/partnerships/?overdue=1").get_data(as_text=True)
    assert "Late one" in only_late and "Fresh lead" not in only_late
    assert "Fresh lead" not in client.get("/partnerships/?owner=mine").get_data(as_text=True)
    york = client.get("/partnerships/?q=York&view=list").get_data(as_text=True)
    assert "Fresh lead" in york and "Late one" not in york
    assert "No partnership matches" in client.get("/partnerships/?q=%25_nothing").get_data(as_text=True)
    assert client.get("/partnerships/?kind=bogus&stage=nope&owner=x").status_code == 200
    mine = client.get("/partnerships/mine").get_data(as_text=True)
    assert "Partnerships I own" in mine and "Late one" in mine
    assert late.is_overdue(clock.now())


def test_board_csv_has_the_filtered_rows(client, login, world, make_partnership):
    make_partnership("contracted", title="=HYPERLINK(\"evil\")", value=1_234_567, commission_bp=1000)
    make_partnership("lead", title="Other")
    login(world.broker)
    response = client.get("/partnerships/export.csv?stage=contracted")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2
    assert rows[1][1].startswith("'=")  # a formula is not run by a spreadsheet
    assert rows[1][7:9] == ["12345.67", "1234.57"]
