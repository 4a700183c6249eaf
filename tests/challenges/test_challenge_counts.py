"""challenge_counts: how many challenges are in each state, kept in the same transaction as the challenges
(challenge/challenges/counts.py; platform/kept_counts.py; issue 13), so the catalogue's first page says how many
are listed without counting them."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.challenges import catalogue, counts
from challenge.challenges.models import Challenge, ChallengeCount
from challenge.extensions import db
from challenge.platform.kept_counts import keep_counts
from challenge.submissions.models import Submission, SubmissionCount
from tests.factories import counted_statements
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads


def _kept() -> dict:
    return {s: n for s, n in db.session.execute(db.select(ChallengeCount.state, ChallengeCount.n)) if n}


def _counted() -> dict:
    return dict(db.session.execute(db.select(Challenge.state, db.func.count()).group_by(Challenge.state)).all())


def test_counts_follow_every_change_of_state(world, make_challenge):
    drafts = [make_challenge(world.org, "draft") for _ in range(3)]
    make_challenge(world.org, "open")
    assert _kept() == _counted() == {"draft": 3, "published": 1}
    drafts[0].state = "in_review"
    drafts[1].state = "cancelled"
    db.session.commit()
    assert _kept() == _counted() == {"draft": 1, "in_review": 1, "cancelled": 1, "published": 1}
    drafts[2].state = "published"
    db.session.flush()
    db.session.rollback()  # a change rolled back is not counted
    assert _kept() == _counted()
    db.session.expire_all()  # the old state is loaded before the change (active_history), even when expired
    drafts[0].state = "published"
    db.session.commit()
    assert _kept() == _counted() == {"draft": 1, "cancelled": 1, "published": 2}
    db.session.delete(db.session.get(Challenge, drafts[2].id))
    db.session.commit()
    assert _kept() == _counted() == {"cancelled": 1, "published": 2}


def test_recount_rebuilds_what_a_bulk_insert_bypassed(world, make_challenge):
    make_challenge(world.org, "open")
    make_challenge(world.org, "judging")
    db.session.execute(db.delete(ChallengeCount))
    counts.recount()
    assert _kept() == _counted() == {"published": 1, "judging": 1}


def test_the_first_page_reads_the_count_not_the_challenges(client, world, make_challenge):
    for state in ("open", "open", "closed", "judging", "decided", "completed", "draft", "in_review", "cancelled"):
        make_challenge(world.org, state)
    with counted_statements() as statements:
        page = client.get("/").get_data(as_text=True)
    assert "6 challenges" in page
    [first_page] = [s for s in statements if "challenge_counts" in s]
    assert "count(" not in first_page.lower()  # the total is a sum of the kept counts, not a count of rows
    now = clock.now()
    assert catalogue.search_challenges(catalogue.CatalogueParams(), now, cards=True).total == 6


def test_a_counted_attribute_that_changes_needs_its_old_value():
    with pytest.raises(TypeError, match="active_history"):
        keep_counts(Submission, SubmissionCount, ("challenge_id", "state"), moving=("challenge_id",))


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_challenges_moved_at_once_are_all_counted(app, world, make_challenge):
    """Six transactions move six challenges from review to published at the same moment (the publishing rules are
    tested with the lifecycle; here, any flush that moves a state): both counts move six times, none is lost."""
    reviewed = [make_challenge(world.org, "in_review") for _ in range(6)]
    ids = iter([c.id for c in reviewed])

    def publish():
        challenge = db.session.get(Challenge, next(ids))
        challenge.state = "published"
        db.session.commit()
        return challenge.state

    results = in_threads(app, 6, publish)
    assert results == ["published"] * 6, results
    db.session.expire_all()
    assert _kept() == _counted() == {"published": 6}
