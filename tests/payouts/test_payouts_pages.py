"""The payouts pages: who may do what (404 otherwise), forms that refuse bad input clearly, no 500s."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.payouts import awards, funding, release
from challenge.payouts.models import Award, ChallengeFinance, Funder, Funding, Payout, Refund
from tests.judging.decision_helpers import published_decision
from tests.payouts.payouts_helpers import bank_details

ROLES = ("anonymous", "outsider", "seeker", "funder", "winner", "broker")


def _who(w, role):
    return {"anonymous": None, "outsider": w.outsider, "seeker": w.seeker, "funder": w.trust_member,
            "winner": w.winner, "broker": w.broker}[role]


@pytest.fixture
def paid_world(world):
    """Funded, prize awarded to the winner, who has bank details; the payout is ready."""
    w = world(state="decided")
    bank_details(w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    w.award, w.payout = award, award.payouts[0]
    return w


PAGES = {  # path template → roles that may see it
    "/challenges/{slug}/funding": {"seeker", "funder", "broker"},
    "/finance": {"seeker", "funder", "broker"},
    "/finance.csv": {"seeker", "funder", "broker"},
    "/my/payouts": {"outsider", "seeker", "funder", "winner", "broker"},
    "/my/payouts/bank-details": {"outsider", "seeker", "funder", "winner", "broker"},
    "/admin/payouts": {"broker"},
    "/admin/payouts/challenges/{slug}": {"broker"},
    "/funding/{invoice}": {"seeker", "funder", "broker"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_who_may_see_each_page(client, login, paid_world, path, role):
    w = paid_world
    invoice = db.session.scalars(db.select(Funding).join(Funder).where(Funder.organisation_id == w.trust.id)).first()
    login(_who(w, role))
    response = client.get(path.format(slug=w.challenge.slug, invoice=invoice.id))
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role in PAGES[path]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


MONEY_ACTIONS = {  # (path, form) → roles allowed; everyone else gets 404 and nothing changes
    ("/admin/payouts/{payout}/release", ()): {"broker"},
    ("/admin/payouts/{payout}/retry", ()): {"broker"},
    ("/admin/payouts/{payout}/reverse", (("rev-reason", "Paid in error, returned"),)): {"broker"},
    ("/admin/payouts/challenges/{slug}/refund", (("refund-currency", "GBP"),)): {"broker"},
    ("/admin/payouts/challenges/{slug}/awards", ()): {"broker"},
    ("/admin/payouts/challenges/{slug}/stage-grants", ()): {"broker"},
    ("/challenges/{slug}/funding/waive", (("waive-reason", "Council pays on signature"),)): {"broker"},
    ("/challenges/{slug}/funding/fee", (("fee-percent", "4"),)): {"broker"},
    ("/funding/{invoice}/record", (("rec-amount", "1"), ("rec-currency", "GBP"))): {"broker"},
    ("/funding/funders/{trust_funder}/invoice", ()): {"funder", "broker"},
    ("/challenges/{slug}/funding/funders", ()): {"broker"},  # published: the seeker no longer changes them
}


REFUSED = [(action, role) for action, allowed in MONEY_ACTIONS.items()
           for role in ("outsider", "seeker", "funder", "winner") if role not in allowed]


@pytest.mark.parametrize("action, role", REFUSED)
def test_money_actions_are_404_for_everyone_without_the_right(client, login, paid_world, action, role):
    w = paid_world
    path, form = action
    trust_funder = db.session.scalar(db.select(Funder.id).where(Funder.organisation_id == w.trust.id))
    invoice = db.session.scalars(db.select(Funding)).first()
    before = _snapshot()
    login(_who(w, role))
    response = client.post(path.format(slug=w.challenge.slug, payout=w.payout.id, invoice=invoice.id,
                                       trust_funder=trust_funder), data=dict(form))
    assert response.status_code == 404
    assert _snapshot() == before


def _snapshot():
    db.session.expire_all()
    return (tuple(db.session.scalars(db.select(Payout.state).order_by(Payout.id))),
            db.session.scalar(db.select(db.func.count(Refund.id))),
            db.session.scalar(db.select(db.func.count(Funding.id))),
            tuple(db.session.scalars(db.select(ChallengeFinance.fee_bp))),
            tuple(db.session.scalars(db.select(ChallengeFinance.funding_waived))))


def test_broker_releases_then_a_second_release_is_refused_with_a_message(client, login, paid_world):
    w = paid_world
    login(w.broker)
    response = client.post(f"/admin/payouts/{w.payout.id}/release", follow_redirects=True)
    assert response.status_code == 200 and "Released: now transfer £10,000 to Wyn Winner" in response.text
    response = client.post(f"/admin/payouts/{w.payout.id}/release", follow_redirects=True)
    assert response.status_code == 200 and "already been released" in response.text
    response = client.post(f"/admin/payouts/{w.payout.id}/paid", follow_redirects=True,
                           data={"paid-reference": "FP-20931", "paid-paid_on": clock.now().date().isoformat()})
    assert response.status_code == 200 and "bank reference FP-20931" in response.text
    response = client.post(f"/admin/payouts/{w.payout.id}/release", follow_redirects=True)
    assert response.status_code == 200 and "already been paid" in response.text
    response = client.post(f"/admin/payouts/{w.payout.id}/reverse", data={"rev-reason": ""}, follow_redirects=True)
    assert "Give the reason" in response.text
    db.session.expire_all()
    assert db.session.get(Payout, w.payout.id).state == "paid"


def test_the_challenge_page_names_every_funder_and_share(client, world):
    w = world(state="open")
    response = client.get(f"/challenges/{w.challenge.slug}")
    assert response.status_code == 200
    assert "Riverside Council — 60 %" in response.text and "Riverside NHS Trust — 40 %" in response.text
    assert "Fully funded" in response.text and "£10,500 is held in escrow" in response.text


def test_the_seeker_sets_co_funders_in_the_browser(client, login, world, make_org):
    w = world(state="in_review", fund=False)  # before publication: afterwards only a broker changes funders
    charity = make_org(name="Local Charity", kind="charity")
    login(w.seeker)
    response = client.post(f"/challenges/{w.challenge.slug}/funding/funders", data={
        "organisation_1": w.council.id, "share_1": "50", "organisation_2": w.trust.id, "share_2": "33.33",
        "organisation_3": charity.id, "share_3": "16.67", "stage_grants": "£1,500"}, follow_redirects=True)
    assert "Funders and shares saved" in response.text, response.text[response.text.find("error-summary"):][:600]
    shares = sorted(db.session.scalars(db.select(Funder.share_bp)))
    assert shares == [1667, 3333, 5000]
    assert db.session.get(ChallengeFinance, w.challenge.id).stage_grants_budget == 150_000


BAD_FUNDERS = [
    ({}, "at least one funder"),
    ({"organisation_1": "{lead}", "share_1": "60", "organisation_2": "{trust}", "share_2": "30"}, "add up to 90 %"),
    ({"organisation_1": "{lead}", "share_1": "-10"}, "not negative"),
    ({"organisation_1": "{lead}", "share_1": "abc"}, "like 60 or 33.33"),
    ({"organisation_1": "{lead}", "share_1": "<script>alert(1)</script>"}, "longer than 8 characters"),
    ({"organisation_1": "{lead}", "share_1": "100.001"}, "like 60 or 33.33"),
    ({"organisation_1": "{lead}", "share_1": "１００"}, "like 60 or 33.33"),
    ({"organisation_1": "{lead}", "share_1": "150"}, "100 or less"),
    ({"organisation_1": "", "share_1": "100"}, "could not coerce"),
    ({"organisation_1": "999999", "share_1": "100"}, "Not a valid choice"),
    ({"organisation_1": "0", "share_1": "100"}, "Choose the organisation"),
    ({"organisation_1": "{lead}", "share_1": "100", "stage_grants": "-5"}, "not negative"),
    ({"organisation_1": "{lead}", "share_1": "100", "stage_grants": "1.234"}, "like 1500"),
    ({"organisation_1": "{lead}", "share_1": "100", "stage_grants": "0"}, "more than zero"),
    ({"organisation_1": "{trust}", "share_1": "100"}, "lead organisation must be"),
]


@pytest.mark.parametrize("data, message", BAD_FUNDERS)
def test_the_funders_form_refuses_bad_input_clearly(client, login, world, data, message):
    w = world(state="in_review", fund=False)
    login(w.seeker)
    data = {k: v.format(lead=w.council.id, trust=w.trust.id) for k, v in data.items()}
    response = client.post(f"/challenges/{w.challenge.slug}/funding/funders", data=data)
    assert response.status_code == 400
    assert message in response.text and "There is a problem" in response.text
    assert "<title>Error:" in response.text


BAD_TRANSFERS = [("", "Enter the amount received"), ("-5", "not negative"), ("0", "more than zero"),
                 ("abc", "like 1500"), ("12.345", "like 1500"), ("1e5", "like 1500"), ("£", "like 1500"),
                 ("9" * 30, "20 characters"), ("6,300.01", "more than the £6,300")]


@pytest.mark.parametrize("amount, message", BAD_TRANSFERS)
def test_recording_a_transfer_refuses_bad_amounts(client, login, world, amount, message):
    w = world(fund=False)
    invoice = funding.issue_invoice(w.funders[0], w.seeker, clock.now())
    db.session.commit()
    login(w.broker)
    response = client.post(f"/funding/{invoice.id}/record", data={"rec-amount": amount, "rec-currency": "GBP"})
    assert response.status_code == 400 and message in response.text
    db.session.expire_all()
    assert db.session.get(Funding, invoice.id).state == "pending"


def test_recording_a_transfer_in_another_currency_is_refused(client, login, world):
    w = world(fund=False)
    invoice = funding.issue_invoice(w.funders[0], w.seeker, clock.now())
    db.session.commit()
    login(w.broker)
    response = client.post(f"/funding/{invoice.id}/record", data={"rec-amount": "6300", "rec-currency": "EUR"})
    assert response.status_code == 400 and "held in GBP" in response.text
    response = client.post(f"/funding/{invoice.id}/record", data={"rec-amount": "6300", "rec-currency": "XXX"})
    assert response.status_code == 400 and "Not a valid choice" in response.text


@pytest.mark.parametrize("reason", ["", "abc", "x" * 1001])
def test_waiving_needs_a_real_reason(client, login, world, reason):
    w = world(fund=False)
    login(w.broker)
    response = client.post(f"/challenges/{w.challenge.slug}/funding/waive", data={"waive-reason": reason})
    assert response.status_code == 400
    assert db.session.get(ChallengeFinance, w.challenge.id).funding_waived is False


@pytest.mark.parametrize("percent, message", [("abc", "like 60"), ("-1", "not negative"), ("60", "between 0 % and 50 %"),
                                              ("", "Enter the fee")])
def test_the_fee_form_refuses_bad_input(client, login, world, percent, message):
    w = world(fund=False)
    login(w.broker)
    response = client.post(f"/challenges/{w.challenge.slug}/funding/fee", data={"fee-percent": percent})
    assert response.status_code == 400 and message in response.text


@pytest.mark.parametrize("data, message", [
    ({"holder": "", "sort_code": "309950", "account_number": "12345678"}, "Enter the name on the account"),
    ({"holder": "W", "sort_code": "30995", "account_number": "12345678"}, "6 digits"),
    ({"holder": "W", "sort_code": "309950", "account_number": "<script>"}, "8 digits"),
    ({"holder": "W" * 121, "sort_code": "309950", "account_number": "12345678"}, "120 characters"),
    ({"holder": "W", "sort_code": "３０９９５０", "account_number": "12345678"}, "6 digits"),
])
def test_bank_details_form_refuses_bad_input(client, login, world, data, message):
    w = world(fund=False)
    login(w.winner)
    response = client.post("/my/payouts/bank-details", data=data)
    assert response.status_code == 400 and message in response.text


def test_bank_details_are_shown_masked(client, login, world):
    w = world(fund=False)
    login(w.winner)
    response = client.post("/my/payouts/bank-details", data={"holder": "Wyn Winner", "sort_code": "30-99-50",
                                                            "account_number": "12345678"}, follow_redirects=True)
    assert "ending <strong>5678</strong>" in response.text and "12345678" not in response.text


def test_team_split_in_the_browser(client, login, world, make_user, make_submission):
    w = world()
    lead, mate = make_user("Lee Lead"), make_user("Mo Mate")
    entry = make_submission(w.challenge, lead, team=(mate,))
    [award] = awards.create_awards(w.challenge, [(entry, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    login(mate)
    assert client.get(f"/awards/{award.id}/split").status_code == 404
    login(lead)
    response = client.post(f"/awards/{award.id}/split", data={f"share_{lead.id}": "70", f"share_{mate.id}": "20"})
    assert response.status_code == 400 and "add up to 90 %" in response.text
    response = client.post(f"/awards/{award.id}/split", data={f"share_{lead.id}": "x", f"share_{mate.id}": ""})
    assert response.status_code == 400 and "Enter a share" in response.text
    client.post(f"/awards/{award.id}/split", data={f"share_{lead.id}": "70", f"share_{mate.id}": "30"})
    login(w.outsider)
    assert client.post(f"/awards/{award.id}/split/agree").status_code == 404
    login(mate)
    response = client.post(f"/awards/{award.id}/split/agree", follow_redirects=True)
    assert "Everyone has agreed" in response.text
    db.session.expire_all()
    assert sorted(p.amount for p in db.session.get(Award, award.id).payouts) == [300_000, 700_000]


@pytest.mark.parametrize("data, message", [
    ({"refund-amount": "-1", "refund-currency": "GBP"}, "not negative"),
    ({"refund-amount": "abc", "refund-currency": "GBP"}, "like 1500"),
    ({"refund-amount": "600", "refund-currency": "GBP"}, "larger than the £0 left"),
    ({"refund-amount": "1", "refund-currency": "USD"}, "held in GBP"),
])
def test_the_refund_form_refuses_bad_input(client, login, paid_world, data, message):
    w = paid_world
    login(w.broker)
    response = client.post(f"/admin/payouts/challenges/{w.challenge.slug}/refund", data=data)
    assert response.status_code == 400 and message in response.text
    assert db.session.scalar(db.select(db.func.count(Refund.id))) == 0


def test_award_and_stage_grant_forms_refuse_bad_input(client, login, world):
    w = world()
    login(w.broker)
    url = f"/admin/payouts/challenges/{w.challenge.slug}"
    # The money page awards only the published decision's places: with none, it says how to get one.
    response = client.post(url + "/awards", data={f"place_{w.challenge.prizes[0].id}_1": str(w.sub_a.id)})
    assert response.status_code == 400 and "There is no published decision to award from" in response.text
    for data, message in [({}, "Choose at least one entry"),
                          ({"grant-submissions": [w.sub_a.id], "grant-amount": "0", "grant-currency": "GBP",
                            "grant-round_position": "1"}, "more than zero"),
                          ({"grant-submissions": [w.sub_a.id], "grant-amount": "1500", "grant-currency": "GBP",
                            "grant-round_position": "0"}, "round from 1 to 20"),
                          ({"grant-submissions": [w.sub_a.id], "grant-amount": "100000", "grant-currency": "GBP",
                            "grant-round_position": "1"}, "no stage-grant budget")]:
        response = client.post(url + "/stage-grants", data=data)
        assert response.status_code == 400 and message in response.text
    assert db.session.scalar(db.select(db.func.count(Award.id))) == 0


def test_finance_shows_seekers_only_their_own_challenges_and_exports_csv(client, login, paid_world, world):
    w, other = paid_world, world(fund=False)
    login(w.seeker)
    response = client.get("/finance")
    assert w.challenge.title in response.text and other.challenge.title not in response.text
    login(w.broker)
    csv = client.get("/finance.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.text.strip().splitlines()
    assert lines[0] == "challenge,currency,pledged,funded,held,fee,awarded,paid,refunded,outstanding"
    assert f"{w.challenge.title},GBP,10500.00,10500.00,10000.00,500.00,10000.00,0.00,0.00,10000.00" in lines


def test_csv_cells_cannot_become_formulas(client, login, world):
    w = world(fund=False)
    w.challenge.title = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    login(w.broker)
    assert "'=HYPERLINK" in client.get("/finance.csv").text


def test_my_payouts_shows_awards_and_an_empty_state(client, login, paid_world):
    w = paid_world
    login(w.winner)
    page = client.get("/my/payouts").text
    assert "Prize 1: £10,000" in page and "Ready to pay" in page and "ending <strong>5678</strong>" in page
    login(w.outsider)
    page = client.get("/my/payouts").text
    assert "You have no awards yet" in page, page


def test_queue_lists_payouts_by_state(client, login, paid_world):
    w = paid_world
    login(w.broker)
    page = client.get("/admin/payouts").text
    assert "Ready to release" in page and f"/admin/payouts/{w.payout.id}/release" in page
    release.release_payout(w.payout.id, w.broker, clock.now())
    page = client.get("/admin/payouts").text
    assert "bank transfer to make and record" in page and f"/admin/payouts/{w.payout.id}/paid" in page
    release.record_bank_payment(w.payout.id, "FP-20931", clock.now().date(), w.broker, clock.now())
    page = client.get("/admin/payouts").text
    assert "Reverse payout" in page and "Bank ref. FP-20931" in page


def test_the_award_form_offers_only_places_still_open(client, login, paid_world):
    w = paid_world
    login(w.broker)
    published_decision(w.challenge, [(w.award.submission, w.challenge.prizes[0])], w.broker)
    page = client.get(f"/admin/payouts/challenges/{w.challenge.slug}").text
    assert "Every place the decision gave has been awarded" in page and "Nothing to refund" in page
    response = client.post(f"/admin/payouts/challenges/{w.challenge.slug}/awards", follow_redirects=True)
    assert response.status_code == 200 and "already been awarded" in response.text
    assert db.session.scalar(db.select(db.func.count(Award.id))) == 1
