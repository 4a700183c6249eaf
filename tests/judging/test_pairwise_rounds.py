"""Pairwise rounds (issue 12 point 4): opening one makes no score sheets; the next pair is never conflicted or
repeated; a judgement is recorded once; only panel members of an open pairwise round may compare; the
ranking reaches the panel view, results.load and the decision."""
from __future__ import annotations

import re

import pytest

from challenge import clock
from challenge.errors import DomainError, FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import comparisons, decisions, results, rubric
from challenge.judging.models import Assignment, Conflict, PanelMember, RoundState
from challenge.judging.pairwise_models import PAIRWISE, Comparison
from challenge.platform.models import AuditEvent
from tests.factories import mails

PAIRWISE_ROUND = ({"name": "Screening", "strategy": PAIRWISE},)


@pytest.fixture()
def world(make_world):
    w = make_world(judges=3, entries=5, rounds=PAIRWISE_ROUND)
    assign.open_round(w.round, w.chair, clock.now())
    db.session.commit()
    return w


def _judge(world, i):
    return world.judges[i], world.members[i]


def _compare(world, i, choice="left", note=""):
    user, member = _judge(world, i)
    offer = comparisons.next_offer(world.round, member)
    made, new = comparisons.record(world.round, offer.token, choice, note, user, clock.now())
    db.session.commit()
    return offer, made, new


def test_opening_a_pairwise_round_makes_no_score_sheets_but_records_automatic_conflicts(make_world, seat):
    w = make_world(judges=3, entries=4, rounds=PAIRWISE_ROUND)
    seat(w.challenge, w.creators[0])  # an entrant on the panel
    assign.open_round(w.round, w.chair, clock.now())
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Conflict.id)).where(Conflict.automatic.is_(True))) == 1
    member = db.session.scalar(db.select(Conflict.panel_member_id).where(Conflict.automatic.is_(True)))
    entrant = db.session.get(PanelMember, member)
    assert w.subs[0].id not in comparisons.available_to(w.round, entrant)
    assert w.round.assignment_label == "Judges compare entries two at a time"
    body = mails(w.judges[1].email)[-1].body
    assert "compare entries two at a time" in body and "Before opening each entry" not in body
    assert "declare it on that page" in body


def test_a_pairwise_round_cannot_open_when_conflicts_leave_an_entry_with_one_judge(make_world):
    w = make_world(judges=2, entries=3, rounds=PAIRWISE_ROUND)
    db.session.add(Conflict(panel_member_id=w.members[1].id, submission_id=w.subs[0].id, has_conflict=True,
                            reason="My cousin", declared_at=clock.now()))
    db.session.commit()
    with pytest.raises(InvalidTransition, match="at least two judges"):
        assign.open_round(w.round, w.chair, clock.now())


def test_a_pairwise_round_refuses_a_quality_threshold(make_world):
    w = make_world(state="published")
    with pytest.raises(FieldError, match="quality threshold") as refused:
        rubric.add_round(w.challenge, w.seeker, clock.now(), name="Screen", strategy=PAIRWISE, threshold_percent=50)
    assert refused.value.field == "threshold_percent"
    made = rubric.add_round(w.challenge, w.seeker, clock.now(), name="Screen", strategy=PAIRWISE)
    assert made.strategy == PAIRWISE and made.k is None


def test_the_next_pair_is_never_conflicted_nor_repeated_until_none_is_left(world):
    user, member = _judge(world, 1)
    declared = world.subs[2].id
    db.session.add(Conflict(panel_member_id=member.id, submission_id=declared, has_conflict=True, reason="Friend",
                            declared_at=clock.now()))
    db.session.commit()
    seen = set()
    for _ in range(6):  # 4 entries left to this judge: 6 pairs
        offer, made, new = _compare(world, 1)
        pair = frozenset((offer.left, offer.right))
        assert new and declared not in pair and pair not in seen
        seen.add(pair)
    assert comparisons.next_offer(world.round, member) is None
    assert comparisons.judged_by(world.round, member) == 6


def test_judges_start_from_different_pairs_and_sides():
    """Anti-anchoring: each judge's seed differs, so the first pair (and its sides) is their own."""
    from challenge.judging.scoring import pairwise as pw

    fit = pw.fit(list(range(30)), [])
    assert len({pw.next_pair(fit, list(range(30)), set(), seed=7 * 100_003 + m) for m in range(1, 6)}) > 1


def test_a_second_submit_of_the_same_pair_records_one(world):
    user, member = _judge(world, 0)
    offer = comparisons.next_offer(world.round, member)
    first, new = comparisons.record(world.round, offer.token, "left", "Clearer plan", user, clock.now())
    db.session.commit()
    again, again_new = comparisons.record(world.round, offer.token, "right", "", user, clock.now())
    db.session.commit()
    assert new and not again_new and again.id == first.id and again.winner_id == offer.left
    assert db.session.scalar(db.select(db.func.count(Comparison.id))) == 1
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "judging.pair_compared")) == 1


def test_a_skipped_pair_is_not_offered_again_and_does_not_count(world):
    offer, made, _ = _compare(world, 0, "skip")
    assert made.winner_id is None
    _, member = _judge(world, 0)
    nxt = comparisons.next_offer(world.round, member)
    assert frozenset((nxt.left, nxt.right)) != frozenset((offer.left, offer.right))
    assert all(e.complete == 0 for e in results.load(world.round).entries)


def test_refusals_tampered_offer_another_judges_offer_bad_choice_long_note(world):
    user, member = _judge(world, 0)
    other_user, other = _judge(world, 1)
    offer = comparisons.next_offer(world.round, member)
    with pytest.raises(DomainError, match="not offered to you"):
        comparisons.record(world.round, offer.token[:-2] + "xx", "left", "", user, clock.now())
    with pytest.raises(DomainError, match="not offered to you"):
        comparisons.record(world.round, offer.token, "left", "", other_user, clock.now())
    with pytest.raises(FieldError, match="Choose the better entry"):
        comparisons.record(world.round, offer.token, "both", "", user, clock.now())
    with pytest.raises(FieldError, match="under 1,000"):
        comparisons.record(world.round, offer.token, "left", "x" * 1001, user, clock.now())
    with pytest.raises(NotAllowed):
        comparisons.record(world.round, offer.token, "left", "", world.outsider, clock.now())
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Comparison.id))) == 0


def test_a_closed_round_records_nothing(world):
    user, member = _judge(world, 0)
    offer = comparisons.next_offer(world.round, member)
    assign.close_round(world.round, world.chair, clock.now())
    db.session.commit()
    with pytest.raises(NotAllowed):
        comparisons.record(world.round, offer.token, "left", "", user, clock.now())


def test_declaring_a_conflict_removes_the_entry_and_its_judgements(world):
    user, member = _judge(world, 2)
    offer, made, _ = _compare(world, 2, "left")
    assert results.load(world.round).agreement.value == 1.0
    nxt = comparisons.next_offer(world.round, member)
    with pytest.raises(FieldError, match="what the conflict is"):
        comparisons.declare_conflict(world.round, nxt.token, "left", " ", user, clock.now())
    db.session.rollback()
    comparisons.declare_conflict(world.round, comparisons.Offer(world.round.id, member.id, offer.left,
                                                                offer.right).token, "left", "My employer",
                                 user, clock.now())
    db.session.commit()
    assert offer.left not in comparisons.available_to(world.round, member)
    assert results.load(world.round).agreement.value is None  # the judgement with that entry stops counting


def _consistent_round(world):
    """Every judge answers every pair by the truth: entry 0 best, then 1, 2, ..."""
    truth = {s.id: i for i, s in enumerate(world.subs)}
    for i, member in enumerate(world.members):
        while (offer := comparisons.next_offer(world.round, member)) is not None:
            better = "left" if truth[offer.left] < truth[offer.right] else "right"
            comparisons.record(world.round, offer.token, better, "", world.judges[i], clock.now())
            db.session.commit()


def test_the_ranking_recovers_a_consistent_order_with_full_agreement(world):
    _consistent_round(world)
    res = results.load(world.round)
    assert [e.id for e in res.entries] == [s.id for s in world.subs]
    assert [e.rank for e in res.entries] == [1, 2, 3, 4, 5]
    assert res.agreement.kind == "pairwise" and res.agreement.value == 1.0
    assert "30 judgements by 3 judges on 5 entries" in res.agreement.words
    assert all(e.is_complete and e.interval[0] < e.normalised < e.interval[1] for e in res.entries)


def test_close_entries_are_marked_too_close_to_call(world):
    user, member = _judge(world, 0)
    a, b = world.subs[0].id, world.subs[1].id
    # two judges disagree on a and b
    comparisons.record(world.round, comparisons.Offer(world.round.id, member.id, a, b).token, "left", "", user,
                       clock.now())
    user2, member2 = _judge(world, 1)
    comparisons.record(world.round, comparisons.Offer(world.round.id, member2.id, a, b).token, "right", "", user2,
                       clock.now())
    db.session.commit()
    res = results.load(world.round)
    first = res.entries[0]
    assert first.too_close and res.agreement.value == 0.5


def test_the_decision_takes_the_pairwise_ranking(world):
    _consistent_round(world)
    assign.close_round(world.round, world.chair, clock.now())
    db.session.commit()
    order = decisions.computed_order(results.load(world.round))
    assert [e.id for e in order] == [s.id for s in world.subs]


def test_load_is_cached_until_the_next_judgement(world):
    first = results.load(world.round)
    assert results.load(world.round).entries == first.entries
    _compare(world, 0)
    assert sum(e.complete for e in results.load(world.round).entries) == 2


# --- the pages ------------------------------------------------------------------------------------

def _url(world, tail=""):
    return f"/judging/{world.challenge.slug}/rounds/1/compare{tail}"


def test_a_judge_compares_on_the_page_and_a_double_click_counts_once(world, client, login):
    login(world.judges[1])
    page = client.get(_url(world))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Which entry better answers the challenge?" in html and "Entry A is better" in html
    token = re.search(r'name="offer" type="hidden" value="([^"]+)"', html).group(1)
    data = {"offer": token, "choice": "right", "note": "Stronger evidence"}
    first = client.post(_url(world), data=data)
    second = client.post(_url(world), data=data, follow_redirects=True)
    assert first.status_code == 302
    assert "already recorded" in second.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Comparison.id))) == 1


def test_the_page_names_nobody_when_judging_is_blind(make_world, client, login):
    w = make_world(blind=True, judges=2, entries=3, rounds=PAIRWISE_ROUND)
    assign.open_round(w.round, w.chair, clock.now())
    db.session.commit()
    login(w.judges[1])
    html = client.get(_url(w)).get_data(as_text=True)
    assert "Idea number" in html and "Zebedee" not in html and "Quorn" not in html and "Entered by" not in html


def test_a_refused_judgement_says_why_with_a_400(world, client, login):
    login(world.judges[1])
    html = client.get(_url(world)).get_data(as_text=True)
    token = re.search(r'name="offer" type="hidden" value="([^"]+)"', html).group(1)
    refused = client.post(_url(world), data={"offer": token, "choice": "right", "note": "x" * 1001})
    assert refused.status_code == 400 and "Keep the note under 1,000 characters" in refused.get_data(as_text=True)
    nothing = client.post(_url(world), data={"offer": token, "choice": ""})
    assert nothing.status_code == 400 and "Choose the better entry" in nothing.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Comparison.id))) == 0


@pytest.mark.parametrize("who", ["outsider", "seeker", "broker", "entrant", None])
def test_only_panel_members_may_compare(world, client, login, who):
    person = {"outsider": world.outsider, "seeker": world.seeker, "broker": world.broker,
              "entrant": world.creators[0], None: None}[who]
    login(person)
    answer = client.get(_url(world))
    assert answer.status_code in ((302,) if person is None else (404,))
    assert client.post(_url(world), data={"choice": "left"}).status_code in ((302, 400) if person is None else (404,))
    sub = world.subs[0].id
    assert client.get(_url(world, f"/entries/{sub}/attachments/1")).status_code in (302, 404)


def test_nobody_compares_in_a_closed_or_score_sheet_round(make_world, world, client, login):
    login(world.judges[1])
    assign.close_round(world.round, world.chair, clock.now())
    db.session.commit()
    assert client.get(_url(world)).status_code == 404
    sheets = make_world(judges=2, entries=2)
    assign.open_round(sheets.round, sheets.chair, clock.now())
    db.session.commit()
    login(sheets.judges[1])
    assert client.get(f"/judging/{sheets.challenge.slug}/rounds/1/compare").status_code == 404


def test_the_chair_sees_the_ranking_with_agreement_and_notes(world, client, login):
    _compare(world, 1, "left", note="Much clearer budget")
    login(world.chair)
    html = client.get(f"/judging/{world.challenge.slug}/panel").get_data(as_text=True)
    assert "Compared in pairs" in html and "Agreement = 100%" in html and "Much clearer budget" in html
    assert "Few comparisons" in html
    login(world.judges[1])
    assert client.get(f"/judging/{world.challenge.slug}/panel").status_code == 404


def test_the_queue_links_to_the_comparisons(world, client, login):
    login(world.judges[2])
    html = client.get(f"/judging/{world.challenge.slug}/queue").get_data(as_text=True)
    assert "Compare entries" in html and _url(world) in html
    panels = client.get("/judging/").get_data(as_text=True)
    assert "you compare entries two at a time" in panels and "score sheets submitted" not in panels


def test_after_closing_the_chair_can_shortlist_and_decide_from_the_ranking(world, client, login):
    _consistent_round(world)
    assign.close_round(world.round, world.chair, clock.now())
    db.session.commit()
    login(world.chair)
    slug = world.challenge.slug
    setup = client.get(f"/judging/{slug}/")
    assert setup.status_code == 200 and "Judges compare entries two at a time" in setup.get_data(as_text=True)
    for page in (f"/judging/{slug}/rounds/1/advance", f"/judging/{slug}/rounds/1/decide", f"/judging/{slug}/panel.csv"):
        answer = client.get(page)
        assert answer.status_code == 200, page
        assert world.subs[0].reference in answer.get_data(as_text=True)
    shortlist = client.get(f"/judging/{slug}/rounds/1/advance").get_data(as_text=True)
    assert "Strength" in shortlist and "Share of comparisons won" in shortlist and "Raw mean" not in shortlist


@pytest.mark.parametrize("blind", [True, False])
def test_the_pair_shows_the_entry_answers_as_the_score_sheet_does(make_world, client, login, blind):
    from challenge.challenges.entry_questions import EntryQuestion
    from challenge.submissions.answers import EntryAnswer

    w = make_world(blind=blind, judges=2, entries=2, rounds=PAIRWISE_ROUND)
    name = EntryQuestion(challenge_id=w.challenge.id, position=1, kind="short_text", label="Your organisation",
                         identifying=True)
    need = EntryQuestion(challenge_id=w.challenge.id, position=2, kind="short_text", label="The need")
    db.session.add_all([name, need])
    db.session.flush()
    for n, sub in enumerate(w.subs):
        db.session.add_all([EntryAnswer(submission_id=sub.id, question_id=name.id, value=f"Befrienders {n}",
                                        updated_at=clock.now()),
                            EntryAnswer(submission_id=sub.id, question_id=need.id, value=f"Lonely people {n}",
                                        updated_at=clock.now())])
    db.session.commit()
    assign.open_round(w.round, w.chair, clock.now())
    db.session.commit()
    login(w.judges[1])
    html = client.get(_url(w)).get_data(as_text=True)
    assert "Lonely people 0" in html and "Lonely people 1" in html
    assert ("Befrienders" in html) is not blind
    assert client.get(_url(w, f"/entries/{w.subs[0].id}/answers/{need.id}")).status_code == 404  # not a file


def test_a_conflict_declared_on_the_page_needs_a_reason_and_removes_the_entry(world, client, login):
    login(world.judges[1])
    html = client.get(_url(world)).get_data(as_text=True)
    token = re.search(r'name="conflict-offer" type="hidden" value="([^"]+)"', html).group(1)
    offer = comparisons.Offer.read(token, world.round, world.members[1])
    bare = client.post(_url(world, "/conflict"), data={"conflict-offer": token, "conflict-side": "right"})
    assert bare.status_code == 400 and "Say briefly what the conflict is" in bare.get_data(as_text=True)
    done = client.post(_url(world, "/conflict"), data={"conflict-offer": token, "conflict-side": "right",
                                                       "conflict-reason": "I advise this team"})
    assert done.status_code == 302
    assert offer.right not in comparisons.available_to(world.round, world.members[1])
    assert db.session.scalar(db.select(Conflict.reason).where(Conflict.submission_id == offer.right)) == \
        "I advise this team"


def test_the_chair_opens_and_closes_a_pairwise_round_from_the_set_up_page(make_world, client, login):
    w = make_world(judges=3, entries=3, rounds=PAIRWISE_ROUND)
    login(w.chair)
    opened = client.post(f"/judging/{w.challenge.slug}/rounds/1/open", follow_redirects=True)
    assert "the judges are told to compare its entries in pairs" in opened.get_data(as_text=True)
    closed = client.post(f"/judging/{w.challenge.slug}/rounds/1/close")
    assert closed.status_code == 302  # no score sheets outstanding: no warning step
    db.session.refresh(w.round)
    assert w.round.state == RoundState.CLOSED
