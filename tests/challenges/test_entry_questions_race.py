"""Adding an entry question decides under the challenge's lock: the same question sent four times at once
(a double click, two tabs) is added once, and a question racing the publication is either in before it or
refused after it."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.challenges import entry_questions as eq
from challenge.challenges.models import Challenge
from challenge.errors import DomainError, FieldError
from challenge.extensions import db
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads, run_together

pytestmark = [pytest.mark.postgres_only, pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)]
MB = 1024 * 1024


@pytest.fixture()
def draft(make_user, make_org, make_challenge):
    seeker = make_user("Sita Seeker")
    return make_challenge(make_org(seeker), "draft"), seeker


def adder(challenge_id: int, seeker_id: int, label: str):
    def add():
        q = eq.save_question(db.session.get(Challenge, challenge_id), eq.QuestionSpec(kind="number", label=label),
                             db.session.get(User, seeker_id), clock.now(), 20 * MB)
        db.session.commit()
        return q.id
    return add


def test_the_same_question_sent_four_times_at_once_is_added_once(app, draft):
    challenge, seeker = draft
    results = in_threads(app, 4, adder(challenge.id, seeker.id, "How many staff?"))
    added = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, FieldError)]
    assert len(added) == 1 and len(refused) == 3, results
    assert all("already asks that question" in r.message for r in refused)
    db.session.expire_all()
    assert [q.label for q in eq.questions_of(db.session.get(Challenge, challenge.id))] == ["How many staff?"]


def test_a_question_racing_the_publication_is_never_added_after_it(app, draft):
    challenge, seeker = draft
    challenge_id = challenge.id

    def publish():
        row = db.session.get(Challenge, challenge_id)
        row.state, row.published_at = "published", clock.now()
        db.session.commit()
        return "published"

    results = run_together(app, [publish, adder(challenge_id, seeker.id, "Late question")])
    assert "published" in results
    db.session.expire_all()
    asked = eq.questions_of(db.session.get(Challenge, challenge_id))
    late = [r for r in results if isinstance(r, DomainError)]
    assert (len(asked), len(late)) in ((1, 0), (0, 1)), results  # in before the publication, or refused after
