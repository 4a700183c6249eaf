"""The signed-in dashboard runs the same statements whatever is in each of its sections (issue 13): the
organisation's challenges in every phase with entries and questions, the challenges followed, the person's own
entries and their notifications, for 1 and for 6 of each."""
from __future__ import annotations

from challenge import clock
from challenge.challenges.models import Follow, Question
from challenge.extensions import db
from challenge.notifications.services import notify
from tests.factories import counted_statements, get_counted

PHASES = ("draft", "in_review", "open", "closed", "judging", "decided")


def _fill(seeker, org, n, make_user, make_org, make_challenge, make_submission) -> None:
    now = clock.now()
    elsewhere = make_org(make_user(), name="Another Council")
    for i in range(n):
        own = make_challenge(org, PHASES[i % len(PHASES)], author=seeker, title=f"Own challenge {i}")
        asker = make_user()
        if own.state not in ("draft", "in_review"):
            make_submission(own, asker)
        db.session.add(Question(challenge_id=own.id, asked_by_id=asker.id, body="Who may enter?", asked_at=now))
        followed = make_challenge(elsewhere, "open", title=f"Followed challenge {i}")
        db.session.add(Follow(user_id=seeker.id, challenge_id=followed.id, created_at=now))
        make_submission(followed, seeker, team=(make_user(),), title=f"My entry {i}")
        notify(seeker, f"Something happened to challenge {i}.", "/dashboard", now)
    db.session.commit()


def test_the_dashboard_runs_the_same_statements_for_1_and_6_of_everything(client, login, make_user, make_org,
                                                                          make_challenge, make_submission):
    counts, pages = [], []
    for n in (1, 6):
        seeker = make_user(f"Sam Seeker {n}")
        org = make_org(owner=seeker, name=f"Council {n}")
        _fill(seeker, org, n, make_user, make_org, make_challenge, make_submission)
        login(seeker)
        page, statements = get_counted(client, "/dashboard")
        counts.append(statements)
        pages.append(page)
    assert counts[0] == counts[1], counts
    assert counts[0] == 11, counts  # was 13 with the challenges as entities
    six = pages[1]
    assert all(f"Own challenge {i}<" in six and f"Followed challenge {i}<" in six for i in range(6))
    assert six.count("My entry ") == 6 and six.count("Something happened to challenge") == 6
    assert "Answer 1 question" in six  # the open one asks for its question's answer
