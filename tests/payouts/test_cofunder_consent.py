"""Co-funders consent: a named organisation is asked, and until one of its members accepts it is not
shown publicly, not invoiced and not counted; after publication the funders change only through a broker."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.errors import DomainError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.payouts import funding
from challenge.payouts.models import Funder, Funding
from challenge.platform.models import AuditEvent, OutboxMessage
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads as _in_threads


@pytest.fixture
def asked(world, make_user, make_org):
    """A challenge in review; the council's seeker names a charity (two members) as a 30 % co-funder."""
    w = world(state="in_review", fund=False, shares=(10000,))
    w.chair, w.treasurer = make_user("Cass Chair"), make_user("Toby Treasurer")
    w.charity = make_org(w.chair, w.treasurer, name="Hill Charity", kind="charity")
    funding.set_funders(w.challenge, [(w.council, 7000), (w.charity, 3000)], w.seeker, clock.now())
    db.session.commit()
    w.lead_funder, w.co_funder = funding.funders_of(w.challenge, include_unaccepted=True)
    return w


def _mail(kind: str) -> list[str]:
    return sorted(db.session.scalars(db.select(OutboxMessage.to_email).where(OutboxMessage.kind == kind)))


def _public_page(app, w) -> str:
    """The challenge page as an anonymous visitor sees it once published (the asked state is set up in review)."""
    stored, w.challenge.state = w.challenge.state, "published"
    db.session.commit()
    text = app.test_client().get(f"/challenges/{w.challenge.slug}").text
    w.challenge.state = stored
    db.session.commit()
    return text


def _events(action: str) -> int:
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_a_named_co_funder_is_asked_and_is_neither_shown_nor_invoiced_nor_counted(app, client, login, asked):
    w = asked
    assert (w.lead_funder.state, w.co_funder.state) == ("accepted", "pending")
    assert _mail("funder_request") == sorted([w.chair.email, w.treasurer.email])
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.to_email == w.chair.email))
    assert "Hill Charity" in message.subject and f"/funding/funders/{w.co_funder.id}/consent" in message.body
    # not shown publicly
    page = _public_page(app, w)
    assert "Riverside Council — 70 %" in page and "Hill Charity" not in page
    # not counted: the lead pays its whole pledge and the pool is still not funded
    assert set(funding.pledges(w.challenge)) == {w.lead_funder.id}
    invoice = funding.issue_invoice(w.lead_funder, w.seeker, clock.now())
    funding.record_bank_transfer(invoice, invoice.amount, "GBP", "BACS 1", w.broker, clock.now())
    db.session.commit()
    status = funding.pool_status(w.challenge)
    assert status.funded == invoice.amount < status.required and not status.fully_funded
    # not invoiced: refused by the service, and the buttons' routes are 404 even to its members and a broker
    with pytest.raises(DomainError):
        funding.issue_invoice(w.co_funder, w.chair, clock.now())
    db.session.rollback()
    for who in (w.chair, w.broker):
        login(who)
        assert client.post(f"/funding/funders/{w.co_funder.id}/invoice").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Funding.id)).where(Funding.funder_id == w.co_funder.id)) == 0
    # the funding page shows the seeker that the charity has not accepted yet
    login(w.seeker)
    assert "Asked: not yet accepted" in client.get(f"/challenges/{w.challenge.slug}/funding").text


def test_a_member_accepts_in_the_browser_and_the_share_then_counts(app, client, login, asked):
    w = asked
    login(w.treasurer)
    page = client.get(f"/funding/funders/{w.co_funder.id}/consent")
    assert page.status_code == 200 and "Will Hill Charity co-fund this challenge?" in page.text
    assert "30 %" in page.text and "Waiting for your answer" in page.text
    response = client.post(f"/funding/funders/{w.co_funder.id}/accept", follow_redirects=True)
    assert response.status_code == 200 and "Hill Charity is now a co-funder" in response.text
    db.session.expire_all()
    funder = db.session.get(Funder, w.co_funder.id)
    assert (funder.state, funder.decided_by_id) == ("accepted", w.treasurer.id)
    assert _mail("funder_accepted") == [w.seeker.email]
    assert "Hill Charity — 30 %" in _public_page(app, w)
    assert set(funding.pledges(w.challenge)) == {w.lead_funder.id, w.co_funder.id}
    assert client.post(f"/funding/funders/{w.co_funder.id}/invoice").status_code == 302
    # a second answer the same way (a double click, the other member) changes nothing
    login(w.chair)
    client.post(f"/funding/funders/{w.co_funder.id}/accept")
    db.session.expire_all()
    assert _events("funding.funder_accepted") == 1 and db.session.get(Funder, w.co_funder.id).decided_by_id == \
        w.treasurer.id


def test_a_declined_request_stays_hidden_and_cannot_then_be_accepted(app, client, login, asked):
    w = asked
    login(w.chair)
    response = client.post(f"/funding/funders/{w.co_funder.id}/decline", follow_redirects=True)
    assert "You have declined" in response.text
    assert _mail("funder_declined") == [w.seeker.email]
    with pytest.raises(InvalidTransition, match="already declined"):
        funding.accept_funding(w.co_funder.id, w.treasurer, clock.now())
    db.session.rollback()
    assert client.post(f"/funding/funders/{w.co_funder.id}/accept").status_code == 409
    db.session.expire_all()
    assert db.session.get(Funder, w.co_funder.id).state == "declined"
    assert "Hill Charity" not in _public_page(app, w)
    login(w.seeker)
    assert "Declined" in client.get(f"/challenges/{w.challenge.slug}/funding").text


def test_only_the_named_organisations_members_may_answer(client, login, asked, make_user):
    w = asked
    outsider = make_user("Olly Other")
    for who in (w.seeker, w.broker, outsider, w.trust_member):
        login(who)
        assert client.get(f"/funding/funders/{w.co_funder.id}/consent").status_code == 404
        assert client.post(f"/funding/funders/{w.co_funder.id}/accept").status_code == 404
        assert client.post(f"/funding/funders/{w.co_funder.id}/decline").status_code == 404
        with pytest.raises(NotAllowed):
            funding.accept_funding(w.co_funder.id, who, clock.now())
        db.session.rollback()
    client.post("/logout")
    assert client.get(f"/funding/funders/{w.co_funder.id}/consent").status_code == 302  # to sign in
    db.session.expire_all()
    assert db.session.get(Funder, w.co_funder.id).state == "pending"


def test_renaming_with_the_same_share_keeps_the_answer_and_a_new_share_asks_again(asked):
    w = asked
    funding.accept_funding(w.co_funder.id, w.chair, clock.now())
    funding.set_funders(w.challenge, [(w.council, 7000), (w.charity, 3000)], w.seeker, clock.now())
    [kept] = [f for f in funding.funders_of(w.challenge) if f.organisation_id == w.charity.id]
    assert kept.state == "accepted"
    funding.set_funders(w.challenge, [(w.council, 6000), (w.charity, 4000)], w.seeker, clock.now())
    [again] = [f for f in funding.funders_of(w.challenge, include_unaccepted=True)
               if f.organisation_id == w.charity.id]
    assert again.state == "pending"
    assert _mail("funder_request").count(w.chair.email) == 2  # asked when named, and again for the new share


def test_a_withdrawn_request_cannot_be_answered(asked):
    w = asked
    stale_id = w.co_funder.id
    funding.set_funders(w.challenge, [(w.council, 10000)], w.seeker, clock.now())
    db.session.commit()
    with pytest.raises(DomainError, match="withdrawn"):
        funding.accept_funding(stale_id, w.chair, clock.now())


def test_after_publication_only_a_broker_changes_the_funders(client, login, world, make_org):
    w = world(state="open", fund=False)
    data = {"organisation_1": w.council.id, "share_1": "100"}
    login(w.seeker)
    page = client.get(f"/challenges/{w.challenge.slug}/funding").text
    assert "Save funders" not in page and "can now change only through the broker" in page
    assert client.post(f"/challenges/{w.challenge.slug}/funding/funders", data=data).status_code == 404
    assert len(funding.funders_of(w.challenge)) == 2
    login(w.broker)
    response = client.post(f"/challenges/{w.challenge.slug}/funding/funders", data=data, follow_redirects=True)
    assert "Funders and shares saved" in response.text
    assert [f.organisation_id for f in funding.funders_of(w.challenge, include_unaccepted=True)] == [w.council.id]


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_an_accept_and_a_decline_at_the_same_moment_leave_one_answer(app, asked):
    w = asked
    funder_id, chair_id, treasurer_id = w.co_funder.id, w.chair.id, w.treasurer.id
    db.session.commit()
    answers = iter([(funding.accept_funding, chair_id), (funding.decline_funding, treasurer_id)] * 3)
    lock = __import__("threading").Lock()

    def answer():
        with lock:
            decide, user_id = next(answers)
        funder = decide(funder_id, db.session.get(User, user_id), clock.now())
        state = funder.state
        db.session.commit()
        return state

    results = _in_threads(app, 6, answer)
    db.session.expire_all()
    final = db.session.get(Funder, funder_id).state
    assert final in ("accepted", "declined")
    assert [r for r in results if not isinstance(r, Exception)] == [final] * 3, results
    assert all(isinstance(r, InvalidTransition) for r in results if isinstance(r, Exception)), results
    assert _events("funding.funder_accepted") + _events("funding.funder_declined") == 1


def test_an_organisation_asked_to_co_fund_sees_no_pool_figures_and_needs_no_codes_until_it_accepts(client, login,
                                                                                                   asked):
    """Being asked is not agreeing: the finance page lists the pool to the charity's members only once one of them
    accepts, and only then does its owner (who manages its money) have to sign in with a second factor."""
    from challenge.permissions import can

    from challenge.accounts.models import Membership

    w = asked
    db.session.scalar(db.select(Membership).where(Membership.user_id == w.chair.id)).role = "owner"
    db.session.commit()
    login(w.treasurer)
    assert w.challenge.title not in client.get("/finance").text
    assert not can(w.chair, "account.second_factor_required")
    funding.accept_funding(w.co_funder.id, w.chair, clock.now())
    db.session.commit()
    assert w.challenge.title in client.get("/finance").text
    assert can(w.chair, "account.second_factor_required")
