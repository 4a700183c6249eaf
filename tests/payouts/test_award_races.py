"""A team's split decided under the award's lock: the last two members agreeing at once complete it, and
agreeing twice creates nothing twice.

The thread test needs PostgreSQL (SQLite serialises every writer); the others run on both databases and
reproduce the race's interleaving in one session by giving the service rows read before the other
member's agreement was committed."""
from __future__ import annotations

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from challenge import clock
from challenge.accounts.models import User
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.payouts import awards, splits
from challenge.payouts.models import Award, Payout
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads as _in_threads


@pytest.fixture
def team_award(world, make_submission, make_user):
    """A £10,000 prize to a team of three; the lead has proposed 40/30/30 and agreed (the two others not yet)."""
    w = world()
    lead, alice, bob = make_user("Lena Lead"), make_user("Alice Member"), make_user("Bob Member")
    entry = make_submission(w.challenge, lead, team=(alice, bob))
    [award] = awards.create_awards(w.challenge, [(entry, w.challenge.prizes[0])], w.broker, clock.now())
    splits.propose_split(award, [(lead.id, 4000), (alice.id, 3000), (bob.id, 3000)], lead, clock.now())
    db.session.commit()
    w.award, w.lead, w.alice, w.bob = award, lead, alice, bob
    return w


def _payouts(award_id: int) -> list[Payout]:
    return db.session.scalars(db.select(Payout).where(Payout.award_id == award_id).order_by(Payout.user_id)).all()


def test_the_last_agreement_sees_one_committed_after_the_page_was_read(team_award):
    w = team_award
    split_of_alice = next(s for s in w.award.splits if s.user_id == w.alice.id)
    splits.agree_split(w.award, w.alice, clock.now())
    db.session.commit()
    # Bob's request read the award while Alice's agreement was still uncommitted.
    set_committed_value(split_of_alice, "agreed_at", None)
    splits.agree_split(w.award, w.bob, clock.now())
    db.session.commit()
    db.session.expire_all()
    award = db.session.get(Award, w.award.id)
    assert award.split_state == "agreed"
    assert sorted(p.amount for p in _payouts(award.id)) == [300_000, 300_000, 400_000]


def test_agreeing_twice_creates_the_payouts_once(team_award):
    w = team_award
    splits.agree_split(w.award, w.alice, clock.now())
    splits.agree_split(w.award, w.bob, clock.now())
    db.session.commit()
    with pytest.raises(DomainError, match="no proposed split"):
        splits.agree_split(w.award, w.bob, clock.now())
    db.session.rollback()
    # A second request that read the award before the split was settled still creates nothing more.
    set_committed_value(w.award, "split_state", "proposed")
    with pytest.raises(DomainError, match="no proposed split"):
        splits.agree_split(w.award, w.alice, clock.now())
    db.session.rollback()
    assert len(_payouts(w.award.id)) == 3


def test_a_proposal_from_a_stale_page_cannot_reopen_an_agreed_split(team_award):
    w = team_award
    splits.agree_split(w.award, w.alice, clock.now())
    splits.agree_split(w.award, w.bob, clock.now())
    db.session.commit()
    set_committed_value(w.award, "split_state", "proposed")
    set_committed_value(w.award, "payouts", [])
    with pytest.raises(DomainError, match="no longer change"):
        splits.propose_split(w.award, [(w.lead.id, 10000), (w.alice.id, 0), (w.bob.id, 0)], w.lead, clock.now())
    db.session.rollback()
    assert sorted(p.amount for p in _payouts(w.award.id)) == [300_000, 300_000, 400_000]


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
@pytest.mark.parametrize("attempt", range(3))
def test_the_last_two_members_agreeing_at_once_complete_the_split(app, team_award, attempt):
    w = team_award
    award_id, member_ids = w.award.id, [w.alice.id, w.bob.id]
    db.session.commit()

    def agree(user_id):
        def run():
            award = splits.agree_split(db.session.get(Award, award_id), db.session.get(User, user_id), clock.now())
            state = award.split_state  # what this agreement left, read before the commit expires it (read after,
            db.session.commit()        # it could already show the other member's agreement, committed meanwhile)
            return state
        return run

    queue = [agree(uid) for uid in member_ids]
    results = _in_threads(app, 2, lambda: queue.pop()())
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == ["agreed", "proposed"]
    db.session.expire_all()
    assert db.session.get(Award, award_id).split_state == "agreed"
    assert sorted(p.amount for p in _payouts(award_id)) == [300_000, 300_000, 400_000]


def test_a_split_left_stuck_by_the_old_race_can_still_be_completed(client, login, team_award):
    """Before the fix two last agreements at once left everyone agreed, no payouts and no button."""
    w = team_award
    for split in w.award.splits:
        split.agreed_at = split.agreed_at or clock.now()
    db.session.commit()
    assert w.award.split_state == "proposed" and _payouts(w.award.id) == []
    login(w.bob)
    page = client.get("/my/payouts").text
    assert "Set up the payouts" in page
    response = client.post(f"/awards/{w.award.id}/split/agree", follow_redirects=True)
    assert response.status_code == 200 and "Everyone has agreed" in response.text
    assert sorted(p.amount for p in _payouts(w.award.id)) == [300_000, 300_000, 400_000]
    assert "Set up the payouts" not in client.get("/my/payouts").text
