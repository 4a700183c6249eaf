"""The people's-choice prize resists throwaway accounts: a confirmed email address to vote, one vote per
mailbox, and the broker sees bursts of votes from new accounts."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from challenge import clock
from challenge.accounts import confirmation
from challenge.accounts.models import User
from challenge.extensions import db
from challenge.judging import peoples
from challenge.judging.models import JudgingSettings, Vote
from challenge.platform.models import OutboxMessage
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads as _in_threads


@pytest.fixture()
def vote_world(make_world):
    world = make_world(state="closed", entries=3)
    db.session.add(JudgingSettings(challenge_id=world.challenge.id, peoples_choice=True,
                                   peoples_choice_prize_id=world.challenge.prizes[1].id,
                                   vote_opens_at=clock.now() - timedelta(hours=1),
                                   vote_closes_at=clock.now() + timedelta(days=2)))
    db.session.commit()
    world.url = f"/judging/{world.challenge.slug}/vote"
    return world


def _votes() -> int:
    return db.session.scalar(db.select(db.func.count(Vote.id)))


def _link_in_mail(to: str) -> str:
    mail = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to_email == to,
                                                            OutboxMessage.kind == "account.confirm")
                              .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"(/account/confirm/\S+)", mail.body).group(1)


def test_sign_up_emails_a_link_and_pressing_its_button_confirms(client):
    response = client.post("/signup", data={"name": "Nia New", "email": "nia@example.org",
                                            "password": "a long unusual passphrase", "confirm": "a long unusual passphrase"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "nia@example.org"))
    assert user.email_confirmed_at is None
    link = _link_in_mail("nia@example.org")
    page = client.get(link)  # opening the link (or a mail scanner fetching it) confirms nothing
    assert page.status_code == 200 and "Confirm nia@example.org" in page.text
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is None
    assert client.post(link).status_code == 302
    client.post(link)  # a second press changes nothing
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None
    assert client.get("/account/confirm/not-a-real-token").status_code == 410


def test_a_link_stops_working_when_the_address_changes(make_user):
    user = make_user("Ali Address", "ali@example.org", confirmed=False)
    token = confirmation.token_for(user)
    user.email = "ali.new@example.org"
    db.session.commit()
    assert confirmation.confirm(token, clock.now()) is None and user.email_confirmed_at is None


def test_an_unconfirmed_account_cannot_vote_until_it_confirms(client, login, vote_world, make_user):
    fresh = make_user("Una Unconfirmed", "una@example.org", confirmed=False)
    login(fresh)
    page = client.get(vote_world.url).text
    assert "Confirm your email address" in page and "Send the link again" in page and "Cast my vote" not in page
    response = client.post(vote_world.url, data={"entry": str(vote_world.subs[0].id)})
    assert response.status_code == 403 and "Confirm your email address to vote" in response.text and _votes() == 0
    assert client.post("/account/confirm", data={"next": vote_world.url}).location.endswith(vote_world.url)
    client.post("/account/confirm")  # pressed again at once: no second email
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(OutboxMessage.kind == "account.confirm")) == 1
    client.post(_link_in_mail("una@example.org"))
    login(db.session.get(User, fresh.id))
    assert client.post(vote_world.url, data={"entry": str(vote_world.subs[0].id)}).status_code == 302 and _votes() == 1


@pytest.mark.parametrize("first, second", [
    ("Ann.Lee@gmail.com", "annlee+prize@googlemail.com"),
    ("sam@example.org", "SAM+2@Example.org"),
])
def test_one_vote_per_mailbox(client, login, vote_world, make_user, first, second):
    login(make_user("First", first))
    assert client.post(vote_world.url, data={"entry": str(vote_world.subs[0].id)}).status_code == 302
    login(make_user("Second", second))
    response = client.post(vote_world.url, data={"entry": str(vote_world.subs[1].id)})
    assert response.status_code == 400 and "each person has one vote" in response.text and _votes() == 1


def test_different_mailboxes_each_vote(client, login, vote_world, make_user):
    for email in ("ann.lee@example.org", "annlee@example.org"):  # dots matter outside Gmail
        login(make_user("Voter", email))
        assert client.post(vote_world.url, data={"entry": str(vote_world.subs[0].id)}).status_code == 302
    assert _votes() == 2


def _vote_as_new_accounts(world, entry, count, spacing, age=timedelta(hours=1)):
    for n in range(count):
        joined = clock.now() - age
        user = User(name=f"Burst {n}", email=f"burst{entry.id}-{n}-{spacing.seconds}@example.org", password_hash="x",
                    session_token="t", created_at=joined, email_confirmed_at=joined)
        db.session.add(user)
        db.session.flush()
        db.session.add(Vote(challenge_id=world.challenge.id, user_id=user.id, voter=user.email, submission_id=entry.id,
                            cast_at=clock.now() + n * spacing))
    db.session.commit()


def test_the_broker_sees_a_burst_of_new_accounts_voting_for_one_entry(client, login, vote_world):
    w = vote_world
    _vote_as_new_accounts(w, w.subs[0], peoples.BURST_VOTES + 1, timedelta(seconds=40))  # a burst
    _vote_as_new_accounts(w, w.subs[1], peoples.BURST_VOTES + 2, timedelta(minutes=15))  # steady: no burst
    _vote_as_new_accounts(w, w.subs[2], peoples.BURST_VOTES + 2, timedelta(seconds=10), age=timedelta(days=30))
    [burst] = peoples.bursts(w.challenge)
    assert burst.entry.id == w.subs[0].id and burst.votes == peoples.BURST_VOTES + 1
    login(w.broker)
    page = client.get(w.url).text
    assert "unusual voting" in page and w.subs[0].reference in page and w.subs[1].reference not in page
    login(w.outsider)
    assert "unusual voting" not in client.get(w.url).text
    login(w.chair)
    assert "unusual voting" not in client.get(w.url).text


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_two_addresses_of_one_mailbox_voting_at_once_count_once(app, vote_world, make_user):
    ids = [make_user("A", "kim.lo@gmail.com").id, make_user("B", "kimlo+x@gmail.com").id]
    challenge_id, sub_id = vote_world.challenge.id, vote_world.subs[0].id
    queue = list(ids)

    def vote():
        from challenge.challenges.models import Challenge
        from challenge.submissions.models import Submission
        peoples.cast(db.session.get(Challenge, challenge_id), db.session.get(Submission, sub_id),
                     db.session.get(User, queue.pop()), clock.now())
        db.session.commit()
        return "voted"

    results = _in_threads(app, 2, vote)
    assert results.count("voted") == 1, results
    db.session.expire_all()
    assert _votes() == 1
