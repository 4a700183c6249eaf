"""submission_counts: each challenge's submissions per state, kept in the same transaction as the
submissions (challenge/submissions/counts.py; issue 13), so the broker's dashboard reads a few rows."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.dashboards import services as dashboards
from challenge.extensions import db
from challenge.submissions import counts, services
from challenge.submissions.models import Submission, SubmissionCount
from tests.factories import counted_statements
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads


def _kept() -> dict:
    return {(c, s): n for c, s, n in db.session.execute(
        db.select(SubmissionCount.challenge_id, SubmissionCount.state, SubmissionCount.n)) if n}


def _counted() -> dict:
    return {(c, s): n for c, s, n in db.session.execute(
        db.select(Submission.challenge_id, Submission.state, db.func.count()).group_by(
            Submission.challenge_id, Submission.state))}


def test_counts_follow_every_change_of_state(make_user, make_org, make_challenge, make_submission):
    challenge = make_challenge(make_org(make_user()), "open")
    other = make_challenge(make_org(make_user()), "open")
    drafts = [make_submission(challenge, make_user(), "draft") for _ in range(3)]
    make_submission(other, make_user(), "submitted")
    db.session.commit()
    assert _kept() == _counted() == {(challenge.id, "draft"): 3, (other.id, "submitted"): 1}
    drafts[0].summary, drafts[0].description = "A summary", "A description"
    services.submit(drafts[0], drafts[0].owner, clock.now(), eligibility_confirmed=True, terms_accepted=True)
    drafts[1].state = "withdrawn"
    db.session.commit()
    assert _kept() == _counted() == {(challenge.id, "draft"): 1, (challenge.id, "submitted"): 1,
                                     (challenge.id, "withdrawn"): 1, (other.id, "submitted"): 1}
    drafts[2].state = "submitted"
    db.session.flush()
    db.session.rollback()  # a change rolled back is not counted
    assert _kept() == _counted()
    db.session.expire_all()
    db.session.delete(db.session.get(Submission, drafts[2].id))
    db.session.commit()
    assert _kept() == _counted() and (challenge.id, "draft") not in _kept()


def test_recount_rebuilds_what_a_bulk_insert_bypassed(make_user, make_org, make_challenge, make_submission):
    challenge = make_challenge(make_org(make_user()), "open")
    make_submission(challenge, make_user(), "submitted")
    db.session.commit()
    db.session.execute(db.delete(SubmissionCount))
    counts.recount([challenge.id])
    assert _kept() == _counted() == {(challenge.id, "submitted"): 1}


def test_the_dashboard_reads_the_counts_not_the_submissions(make_user, make_org, make_challenge, make_submission):
    org = make_org(make_user())
    busy, quiet = make_challenge(org, "open", title="Busy one"), make_challenge(org, "open", title="Quiet one")
    for state in ("submitted", "submitted", "withdrawn", "draft", "draft", "draft"):
        make_submission(busy, make_user(), state)
    make_submission(quiet, make_user(), "submitted")
    make_submission(make_challenge(org, "open", title="Only drafts"), make_user(), "draft")
    db.session.commit()
    with counted_statements() as statements:
        rows = dashboards.submissions_per_challenge(None)
    assert rows == [("Busy one", 3), ("Quiet one", 1)]  # drafts are not counted; a challenge of drafts is absent
    assert not any("FROM submissions" in s for s in statements), statements


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_simultaneous_entries_are_all_counted(app, make_user, make_org, make_challenge, make_submission):
    challenge = make_challenge(make_org(make_user()), "open")
    drafts = [make_submission(challenge, make_user(), "draft") for _ in range(6)]
    for d in drafts:
        d.summary, d.description = "A summary", "A description"
    db.session.commit()
    ids = iter([(d.id, d.owner_id) for d in drafts])

    def submit():
        sub_id, owner_id = next(ids)
        sub = db.session.get(Submission, sub_id)
        services.submit(sub, db.session.get(User, owner_id), clock.now(), eligibility_confirmed=True,
                        terms_accepted=True)
        db.session.commit()
        return "submitted"

    results = in_threads(app, 6, submit)
    assert results == ["submitted"] * 6, results
    db.session.expire_all()
    assert _kept() == _counted() == {(challenge.id, "submitted"): 6}
