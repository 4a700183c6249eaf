"""A pairwise round's progress and reminders: judgements made against the round's target, each judge's fair
share (the target, every entry in MIN_JUDGED judgements, spread over the judges), and reminders to the
judges below it who still have pairs to compare, by the chair's button and by the judging.remind job."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock, jobs
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import comparisons
from challenge.judging.models import Conflict
from challenge.judging.pairwise_models import PAIRWISE
from challenge.platform.models import OutboxMessage

PAIRWISE_ROUND = ({"name": "Screening", "strategy": PAIRWISE},)


@pytest.fixture()
def world(make_world):
    """Three judges, six entries (target 9 judgements, a fair share of 3 each); judge 1 has made three
    choices, judge 2 one choice and one skip, judge 3 nothing."""
    w = make_world(judges=3, entries=6, rounds=PAIRWISE_ROUND)
    assign.open_round(w.round, w.chair, clock.now())
    db.session.commit()
    for i, choices in enumerate([["left", "right", "left"], ["left", "skip"], []]):
        for choice in choices:
            compare(w, i, choice)
    return w


def compare(w, i, choice="left"):
    offer = comparisons.next_offer(w.round, w.members[i])
    comparisons.record(w.round, offer.token, choice, "", w.judges[i], clock.now())
    db.session.commit()


def reminders() -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "judging_reminder")
                                   .order_by(OutboxMessage.id)))


def test_progress_counts_judgements_made_against_the_target_and_each_judges_share(world):
    p = comparisons.progress(world.round)
    assert (p.made, p.target, p.share) == (4, 9, 3)
    parts = {j.member.id: (j.made, j.left, j.share, j.behind) for j in p.judges}
    assert parts == {world.members[0].id: (3, 12, 3, False),  # 15 pairs of 6 entries, 3 answered
                     world.members[1].id: (1, 13, 3, True),  # the skip is not a judgement, nor a pair left
                     world.members[2].id: (0, 15, 3, True)}
    assert comparisons.target_judgements(5) == 8 and comparisons.target_judgements(0) == 0


def test_a_conflict_takes_the_entrys_pairs_and_judgements_out(world):
    db.session.add(Conflict(panel_member_id=world.members[2].id, submission_id=world.subs[0].id, has_conflict=True,
                            reason="My sister's firm", declared_at=clock.now()))
    db.session.commit()
    judge = next(j for j in comparisons.progress(world.round).judges if j.member.id == world.members[2].id)
    assert (judge.made, judge.left) == (0, 10)  # five entries left to them: 10 pairs


def test_a_judge_with_no_pairs_left_has_done_their_share(make_world):
    w = make_world(judges=2, entries=3, rounds=PAIRWISE_ROUND)  # 3 pairs; target 5, share 3
    assign.open_round(w.round, w.chair, clock.now())
    db.session.commit()
    for choice in ("left", "skip", "right"):
        compare(w, 0, choice)
    first = next(j for j in comparisons.progress(w.round).judges if j.member.id == w.members[0].id)
    assert (first.made, first.left, first.share, first.behind) == (2, 0, 2, False)
    assert assign.remind_judges(w.round, w.chair, clock.now()) == 1  # only the second judge
    assert [m.to_email for m in reminders()] == [w.judges[1].email]


def test_only_judges_below_their_share_are_reminded_with_their_own_numbers(world):
    assert assign.remind_judges(world.round, world.chair, clock.now()) == 2
    db.session.commit()
    sent = {m.to_email: m for m in reminders()}
    assert set(sent) == {world.judges[1].email, world.judges[2].email}
    second = sent[world.judges[1].email]
    assert second.subject.startswith("2 comparisons to make: Screening")
    assert "you have made 1 of your fair share of 3 comparisons" in second.body and "2 are still to make" in second.body
    assert "Skipped pairs do not count" in second.body and "Idea number" not in second.body
    assert "made 0 of your fair share of 3 comparisons" in sent[world.judges[2].email].body


def test_no_reminder_once_every_judge_has_made_their_share(world):
    compare(world, 1)
    compare(world, 1)
    for _ in range(3):
        compare(world, 2)
    with pytest.raises(InvalidTransition, match="fair share of comparisons"):
        assign.remind_judges(world.round, world.chair, clock.now())
    assert reminders() == []


def test_the_set_up_page_shows_the_progress_and_offers_the_reminder(world, client, login):
    login(world.chair)
    url = f"/judging/{world.challenge.slug}/"
    page = client.get(url).text
    assert "4 of 9 comparisons aimed for" in page and "0 of 0" not in page
    assert "Each judge (fair share 3)" in page and "Judge 2: 1 of 3 made, 13 pairs left" in page
    assert page.count("below share") == 2 and "Remind judges" in page
    done = client.post(f"{url}rounds/1/remind", follow_redirects=True)
    assert done.status_code == 200 and "2 judges were reminded" in done.text and len(reminders()) == 2
    compare(world, 1)
    compare(world, 1)
    for _ in range(3):
        compare(world, 2)
    page = client.get(url).text
    assert "9 of 9 comparisons aimed for" in page and "below share" not in page and "Remind judges" not in page


def test_the_job_reminds_pairwise_judges_as_the_deadline_nears(world):
    world.round.closes_at = clock.now() + timedelta(hours=30)
    db.session.commit()
    assert jobs.run("judging.remind").lines == [f"round {world.round.id}: reminded 2 judges"]
    assert len(reminders()) == 2
    assert jobs.run("judging.remind").lines == [] and len(reminders()) == 2  # once a day at most


def test_closing_a_pairwise_round_short_of_its_target_asks_nothing_about_score_sheets(world, client, login):
    login(world.chair)
    done = client.post(f"/judging/{world.challenge.slug}/rounds/1/close", follow_redirects=True)
    assert done.status_code == 200 and "score sheets outstanding" not in done.text
    db.session.expire_all()
    assert world.round.state == "closed"
