"""A double click answers once and does its side effects once: submitting an entry (one receipt, one audit
event) and following a challenge (one follow, one audit event), one after another and at the same moment."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.challenges import conversation
from challenge.challenges.models import Challenge, Follow
from challenge.extensions import db
from challenge.platform.models import AuditEvent, OutboxMessage
from challenge.submissions import services
from challenge.submissions.models import Submission
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads as _in_threads


def _events(action: str) -> int:
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == action))


def _receipts() -> int:
    return db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(OutboxMessage.kind == "submission.receipt"))


@pytest.fixture()
def draft(make_user, make_org, make_challenge, make_submission):
    seeker, creator = make_user("Sue Seeker"), make_user("Cal Creator")
    challenge = make_challenge(make_org(seeker), "open")
    sub = make_submission(challenge, creator, "draft", title="Warm homes")
    sub.summary, sub.description = "A summary", "A description"
    db.session.commit()
    return sub


def test_submitting_twice_sends_one_receipt(client, login, draft):
    login(draft.owner)
    form = {"eligibility_confirmed": "y", "terms_accepted": "y"}
    first = client.post(f"/submissions/{draft.reference}/submit", data=form)
    second = client.post(f"/submissions/{draft.reference}/submit", data=form, follow_redirects=True)
    assert first.status_code == 302 and second.status_code == 200 and "already submitted" in second.text
    assert _receipts() == 1 and _events("submission.submit") == 1


def test_following_twice_is_one_follow(client, login, draft):
    login(draft.owner)
    slug = draft.challenge.slug
    assert client.post(f"/challenges/{slug}/follow").status_code == 302
    assert client.post(f"/challenges/{slug}/follow").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 1 and _events("challenge.follow") == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_six_simultaneous_submits_send_one_receipt(app, draft):
    sub_id, owner_id = draft.id, draft.owner_id

    def submit():
        sub = db.session.get(Submission, sub_id)
        services.submit(sub, db.session.get(User, owner_id), clock.now(), eligibility_confirmed=True,
                        terms_accepted=True)
        db.session.commit()
        return "submitted"

    results = _in_threads(app, 6, submit)
    assert results.count("submitted") == 1, results
    assert all(isinstance(r, services.AlreadySubmitted) for r in results if r != "submitted"), results
    db.session.expire_all()
    assert _receipts() == 1 and _events("submission.submit") == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_six_simultaneous_follows_make_one_follow(app, draft):
    challenge_id, owner_id = draft.challenge_id, draft.owner_id

    def follow():
        conversation.follow(db.session.get(Challenge, challenge_id), db.session.get(User, owner_id), clock.now())
        db.session.commit()
        return "followed"

    results = _in_threads(app, 6, follow)
    assert results == ["followed"] * 6, results
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 1 and _events("challenge.follow") == 1
