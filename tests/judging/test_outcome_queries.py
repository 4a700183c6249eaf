"""A list of entries reads their published outcomes in a fixed number of queries (issue 13): "Your submissions"
runs the same statements for 1 and for 6 decided challenges entered, and says what the single-entry rule says."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging import publication
from challenge.judging.models import Decision, JudgingSettings, Selection, Vote
from challenge.submissions import pages
from tests.factories import counted_statements, get_counted


@pytest.fixture()
def entered(make_user, make_org, make_challenge, make_submission, rubric_for):
    """`entered(creator, n)`: n decided challenges with published results that `creator` entered. The creator
    won the panel's first prize in every other one (i even), and the people's choice too in the first; the
    vote also closed in the fourth, for the other entrant. Feedback is open, except in the fifth (next week).
    Returns the creator's entries."""

    def make(creator, n: int):
        now = clock.now()
        seeker = make_user("Sam Seeker")
        org = make_org(seeker, name="Riverside Council")
        mine = []
        for i in range(n):
            challenge = make_challenge(org, "decided", prizes=((1_000_000, 1), (250_000, 1)),
                                       feedback_to_entrants=True)
            _, rounds = rubric_for(challenge)
            won = i % 2 == 0
            sub = make_submission(challenge, creator, "winner" if won else "not_selected", title=f"Entry {i}")
            other = make_submission(challenge, make_user(), "not_selected" if won else "winner")
            first, second = challenge.prizes
            decision = Decision(challenge_id=challenge.id, round_id=rounds[0].id, kind="final",
                                decided_by_id=seeker.id, decided_at=now - timedelta(days=3), published_at=now)
            decision.selections.append(Selection(submission_id=(sub if won else other).id, prize_id=first.id,
                                                 position=1))
            settings = JudgingSettings(challenge_id=challenge.id,
                                       feedback_at=now + timedelta(days=7) if i == 4 else now - timedelta(days=1))
            if i % 3 == 0:
                settings.peoples_choice, settings.peoples_choice_prize_id = True, second.id
                settings.vote_opens_at, settings.vote_closes_at = now - timedelta(days=9), now - timedelta(days=2)
                voter = make_user()
                db.session.add(Vote(challenge_id=challenge.id, user_id=voter.id, voter=voter.email,
                                    submission_id=(sub if won else other).id, cast_at=now - timedelta(days=5)))
            db.session.add_all([decision, settings])
            db.session.commit()
            mine.append(sub)
        return mine

    return make


def _labels(page: str) -> list[str]:
    return re.findall(r'<div class="small">(Winner: [^<]*)</div>', page)


def test_your_submissions_runs_the_same_statements_for_1_and_6_decided_challenges(client, login, make_user,
                                                                                   entered):
    counts, pages_seen = [], []
    for n in (1, 6):
        creator = make_user(f"Creator of {n}")
        entered(creator, n)
        login(creator)
        page, statements = get_counted(client, "/my/submissions")
        counts.append(statements)
        pages_seen.append(page)
    assert counts[0] == counts[1], counts
    one, six = pages_seen
    assert _labels(one) == ["Winner: Prize 1, Prize 2"]
    # Newest change first: entries 5 … 0. The winners of the panel's prize, the first also the public's.
    assert _labels(six) == ["Winner: Prize 1", "Winner: Prize 1", "Winner: Prize 1, Prize 2"]
    assert six.count("Not selected") == 3
    assert one.count("Read your feedback") == 1 and six.count("Read your feedback") == 5  # not the fifth yet


def test_the_list_and_the_single_entry_give_the_same_outcome(app, make_user, entered):
    creator = make_user()
    subs = entered(creator, 6)
    db.session.expire_all()
    listed = pages.outcomes(subs)
    assert {s.id: pages.outcome_of(s) for s in subs} == listed
    assert [listed[s.id].label for s in subs] == ["Winner: Prize 1, Prize 2", "Not selected", "Winner: Prize 1",
                                                  "Not selected", "Winner: Prize 1", "Not selected"]
    assert publication.outcomes_of([]) == {} and pages.outcomes([]) == {}



def test_the_decisions_and_the_settings_are_read_in_one_statement_and_kept(app, make_user, entered):
    """The published final decisions and the judging settings of a list's challenges come in one statement (the
    decisions' selections and the people's-choice prizes loaded after it), and the rules asked next about the same
    challenges (feedback on every row) read the settings kept, not again."""
    from challenge.judging.decisions import placements_for
    from challenge.judging.rubric import kept_settings

    subs = entered(make_user(), 6)
    db.session.expire_all()
    challenges = [s.challenge for s in subs]
    with app.test_request_context("/"):
        with counted_statements() as statements:
            placed = placements_for(challenges)
        finals = [s for s in statements if "judging_settings" in s and "decisions" in s]
        assert len(finals) == 1, statements
        assert not [s for s in statements if "judging_settings" in s and s is not finals[0]], statements
        assert sorted(len(placed[c.id]) for c in challenges) == [1, 1, 1, 1, 2, 2]
        with counted_statements() as again:
            kept = [kept_settings(c) for c in challenges]
        assert again == [] and all(s is not None and s.challenge_id == c.id for s, c in zip(kept, challenges))
