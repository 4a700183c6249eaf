"""Issue 11 points 1, 2 and 5: a recorded decision is provisional until published; a broker may correct it
until then; publishing tells every entrant once and creates the awards; every page reads one outcome, and
the money page awards only the places the published decision gave."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.errors import InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import decisions, publication, rubric
from challenge.judging.models import Decision
from challenge.payouts import funding
from challenge.payouts.models import Award
from challenge.platform.models import AuditEvent, OutboxMessage
from tests.factories import pay_or_waive, publish_and_start_judging, score_and_close
from tests.judging.judging_helpers import open_round, score_all


def _recorded(make_world, places=3, **kw):
    """Four entries judged (entry n scores n), the chair's decision recorded from the ranking, not published."""
    world = make_world(judges=2, entries=4, **kw)
    round_ = open_round(world)
    index = {s.id: i for i, s in enumerate(world.subs)}
    score_all(world, round_, lambda m, s: (index[s.id], index[s.id]))
    assign.close_round(round_, world.chair, clock.now())
    decisions.decide(round_, [s.id for s in world.subs[::-1][:places]], world.chair, clock.now(),
                     empty_reason="Fewer places this time.")
    db.session.commit()
    return world


def _outcomes(world) -> list[str]:
    db.session.expire_all()
    return [s.state for s in world.subs]


def _mails(kind="judging.outcome") -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.to_email)))


def test_publishing_tells_every_entrant_once_in_the_second_person_with_a_feedback_link(client, login, make_world):
    world = _recorded(make_world)
    assert _mails() == [] and _outcomes(world) == ["submitted"] * 4
    login(world.chair)
    slug = world.challenge.slug
    first = client.post(f"/judging/{slug}/publish", follow_redirects=True)
    assert first.status_code == 200 and "The results are published" in first.text
    second = client.post(f"/judging/{slug}/publish", follow_redirects=True)  # a double click
    assert second.status_code == 200 and "already published" in second.text
    mails = _mails()
    assert sorted(m.to_email for m in mails) == sorted(c.email for c in world.creators)  # one each
    assert _outcomes(world) == ["not_selected", "winner", "winner", "winner"]
    assert world.challenge.state == "decided"
    by_email = {m.to_email: m for m in mails}
    won, lost = by_email[world.creators[3].email], by_email[world.creators[0].email]
    assert won.subject == f"You have won Prize 1: {world.challenge.title}" and "\n" not in won.subject
    assert "your entry" in won.body and "£10,000" in won.body
    assert lost.subject == f"The results of {world.challenge.title}" and "was not selected" in lost.body
    assert f"/judging/{slug}/feedback/{world.subs[0].reference}" in lost.body
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "judging.results_published")) == 1


def test_a_shortlisted_entrant_hears_they_were_shortlisted(make_world):
    world = make_world(judges=2, entries=4, rounds=({"name": "Shortlist"}, {"name": "Final"}))
    first = open_round(world)
    index = {s.id: i for i, s in enumerate(world.subs)}
    score_all(world, first, lambda m, s: (index[s.id], index[s.id]))
    assign.close_round(first, world.chair, clock.now())
    decisions.advance(first, [world.subs[3].id, world.subs[2].id], world.chair, clock.now())
    final = open_round(world, 2)
    score_all(world, final, lambda m, s: (index[s.id], index[s.id]))
    assign.close_round(final, world.chair, clock.now())
    decisions.decide(final, [world.subs[3].id], world.chair, clock.now(), empty_reason="One prize only.")
    publication.publish(world.challenge, world.chair, clock.now())
    db.session.commit()
    subjects = {m.to_email: m.subject for m in _mails()}
    assert subjects[world.creators[2].email].endswith("you were shortlisted")
    assert subjects[world.creators[0].email] == f"The results of {world.challenge.title}"
    assert len(subjects) == 4


def test_who_may_publish(client, login, make_world):
    world = _recorded(make_world)
    slug = world.challenge.slug
    for user in (world.judges[1], world.outsider, world.creators[0]):
        login(user)
        assert client.post(f"/judging/{slug}/publish").status_code == 404
    assert _mails() == []
    other_seeker = make_world().seeker
    login(other_seeker)
    assert client.post(f"/judging/{slug}/publish").status_code == 404
    login(world.seeker)  # the commissioner takes part in the decision, so may publish it
    assert client.post(f"/judging/{slug}/publish").status_code == 302
    assert len(_mails()) == 4
    with pytest.raises(InvalidTransition, match="already published"):
        publication.publish(world.challenge, world.broker, clock.now())


def test_publishing_without_a_decision_says_what_to_do_first(client, login, make_world):
    world = make_world()
    login(world.chair)
    response = client.post(f"/judging/{world.challenge.slug}/publish", follow_redirects=True)
    assert response.status_code == 200 and "Decide the winners" in response.text
    assert world.challenge.state == "judging"


def test_only_a_broker_corrects_with_a_reason_shown_on_the_decision(client, login, make_world):
    world = _recorded(make_world)
    slug = world.challenge.slug
    url = f"/judging/{slug}/decision/correct"
    swap = {"slot-0": str(world.subs[2].id), "slot-1": str(world.subs[3].id), "slot-2": str(world.subs[1].id)}
    for user in (world.chair, world.seeker, world.judges[1], world.creators[0], world.outsider):
        login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, data={**swap, "reason": "x"}).status_code == 404
    with pytest.raises(NotAllowed):
        publication.correct(world.challenge, [world.subs[2].id], "Because", world.chair, clock.now())
    db.session.rollback()
    login(world.broker)
    page = client.get(url).text
    assert f'<option value="{world.subs[3].id}" selected>' in page.split('name="slot-0"')[1].split("</select>")[0]
    refused = client.post(url, data=swap)
    assert refused.status_code == 400 and "Say why the decision is corrected" in refused.text
    same = client.post(url, data={"slot-0": str(world.subs[3].id), "slot-1": str(world.subs[2].id),
                                  "slot-2": str(world.subs[1].id), "reason": "No change"})
    assert same.status_code == 409 and "nothing was corrected" in same.text
    done = client.post(url, data={**swap, "reason": "Entry 3 breached the eligibility rules on team size."})
    assert done.status_code == 302
    decision = db.session.scalar(db.select(Decision))
    db.session.refresh(decision)
    assert [s.submission_id for s in decision.selections] == [world.subs[2].id, world.subs[3].id, world.subs[1].id]
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "judging.decision_corrected"))
    assert event.reason == "Entry 3 breached the eligibility rules on team size." and event.actor_id == world.broker.id
    setup = client.get(f"/judging/{slug}/").text
    assert f"Corrected by {world.broker.name}" in setup and "breached the eligibility rules" in setup
    assert _mails() == [] and _outcomes(world) == ["submitted"] * 4  # a correction tells nobody, moves nothing
    publication.publish(world.challenge, world.broker, clock.now())
    db.session.commit()
    assert _outcomes(world) == ["not_selected", "winner", "winner", "winner"]
    assert decisions.placements(world.challenge)[0][0].id == world.subs[2].id
    late = client.post(url, data={**swap, "slot-0": str(world.subs[3].id), "reason": "Too late"})
    assert late.status_code == 409 and "The results are published" in late.text
    page = client.get(url)
    assert "can no longer be corrected" in page.text and "Why the decision is corrected" not in page.text


def test_correction_refuses_an_entry_below_the_threshold(make_world):
    world = _recorded(make_world, places=1, rounds=({"name": "R", "threshold_percent": 60},))
    with pytest.raises(Exception, match="below this round's quality threshold"):
        publication.correct(world.challenge, [world.subs[0].id], "Because", world.broker, clock.now())


def _waived_and_judged(make_user, make_org, make_challenge, make_submission):
    """A challenge whose funding was waived (the pool holds nothing), judged: entry 2 best, entry 1 next."""
    now = clock.now()
    broker, seeker = make_user("Brooke Broker", broker=True), make_user("Sam Seeker")
    council = make_org(seeker, name="Riverside Council")
    challenge = make_challenge(council, "in_review", prizes=((1_000_000, 1), (200_000, 1)), author=seeker)
    challenge.closes_at = now + timedelta(days=10)
    rubric.apply_sbri_preset(challenge, seeker, now)
    funders = funding.set_funders(challenge, [(council, 10000)], seeker, now)
    pay_or_waive(challenge, funders, seeker, broker, now, pay=False)
    entrants, subs, judges, later = publish_and_start_judging(challenge, seeker, broker, make_user, make_submission,
                                                              now, entries=3)
    round_ = rubric.rounds_of(challenge)[0]
    assign.open_round(round_, seeker, later)
    score_and_close(round_, subs, judges[0], later)
    db.session.commit()
    return challenge, broker, seeker, funders, entrants, subs, judges[0], round_, later


def test_every_page_agrees_after_decide_publish_and_the_money_page_award(client, login, make_user, make_org,
                                                                         make_challenge, make_submission):
    challenge, broker, seeker, funders, entrants, subs, chair, round_, later = _waived_and_judged(
        make_user, make_org, make_challenge, make_submission)
    money = f"/admin/payouts/challenges/{challenge.slug}"

    def pages_of(n):
        login(entrants[n])
        return {"mine": client.get("/my/submissions").text, "entry": client.get(f"/submissions/{subs[n].reference}").text,
                "payouts": client.get("/my/payouts").text, "dashboard": client.get("/dashboard").text}

    decisions.decide(round_, [subs[2].id, subs[0].id], chair, later, departure_reason="Entry 1 is ready to pilot.")
    db.session.commit()
    login(broker)
    assert "There is no published decision to award from" in client.get(money).text
    assert client.post(f"{money}/awards").status_code == 400  # the money page cannot award before publication
    assert db.session.scalar(db.select(db.func.count(Award.id))) == 0
    for text in pages_of(0).values():  # provisional: the entrant sees no outcome yet
        assert "Not selected" not in text and "Winner" not in text
    publication.publish(challenge, chair, later + timedelta(hours=1))
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Award.id))) == 0  # nothing held: awarded later
    winner, loser = pages_of(0), pages_of(1)
    assert "Winner: Prize 2" in winner["mine"] and "Winner: Prize 2" in winner["entry"]
    assert "Not selected" in loser["mine"] and "Not selected" in loser["entry"]
    assert "Winner" in winner["dashboard"] and "Not selected" in loser["dashboard"]
    assert "Winner" not in loser["payouts"]
    # The pool is paid after all; the broker awards from the money page exactly the decision's places.
    for funder in funders:
        invoice = funding.issue_invoice(funder, seeker, later)
        funding.record_bank_transfer(invoice, invoice.amount, invoice.currency, "BACS 7", broker, later)
    db.session.commit()
    login(broker)
    page = client.get(money).text
    assert subs[2].reference in page and subs[0].reference in page and "Award these places" in page
    assert subs[1].reference not in page.split("Award the decision")[1].split("</form>")[0]
    done = client.post(f"{money}/awards", follow_redirects=True)
    assert done.status_code == 200 and "2 prizes awarded, as the decision gave them" in done.text
    awarded = {(a.submission_id, a.prize.name) for a in db.session.scalars(db.select(Award))}
    assert awarded == {(subs[2].id, "Prize 1"), (subs[0].id, "Prize 2")}
    winner, loser = pages_of(0), pages_of(1)
    assert "Prize 2" in winner["payouts"] and "Winner: Prize 2" in winner["entry"] and "Winner" in winner["mine"]
    login(entrants[0])
    feedback = client.get(f"/judging/{challenge.slug}/feedback/{subs[0].reference}")
    assert feedback.status_code == 200 and "Winner: Prize 2" in feedback.text
    assert "You have no awards yet" in loser["payouts"] and "Not selected" in loser["entry"]
    assert "Winner" in winner["dashboard"] and "Not selected" in loser["dashboard"]
    login(broker)
    again = client.post(f"{money}/awards", follow_redirects=True)
    assert "already been awarded" in again.text and db.session.scalar(db.select(db.func.count(Award.id))) == 2


def test_the_public_challenge_page_names_the_winners_only_with_their_consent(client, login, make_world):
    from challenge.library import services as library

    world = _recorded(make_world, places=1)
    login(world.outsider)
    page = client.get(f"/challenges/{world.challenge.slug}").text
    assert "The winners" not in page  # recorded, not published
    publication.publish(world.challenge, world.chair, clock.now())
    db.session.commit()
    page = client.get(f"/challenges/{world.challenge.slug}").text
    assert "The winners" in page and "the winner has not yet agreed to be named" in page
    assert world.subs[3].title not in page.split("The winners")[1].split("</section>")[0]
    entry = library.give_consent(world.subs[3], world.creators[3], clock.now(), summary="", consent=True)
    db.session.commit()
    page = client.get(f"/challenges/{world.challenge.slug}").text
    winners = page.split("The winners")[1].split("</section>")[0]
    assert f"“{world.subs[3].title}” by {world.creators[3].name}" in winners
    assert f"/library/{entry.id}" in winners


def test_the_public_votes_winner_is_a_winner_on_every_page_when_the_vote_closed_before_publication(make_world):
    from challenge.judging.models import JudgingSettings, Vote

    world = make_world(judges=2, entries=3)
    db.session.add(JudgingSettings(challenge_id=world.challenge.id, peoples_choice=True,
                                   peoples_choice_prize_id=world.challenge.prizes[1].id,
                                   vote_opens_at=clock.now() - timedelta(days=2),
                                   vote_closes_at=clock.now() - timedelta(days=1)))
    db.session.add(Vote(challenge_id=world.challenge.id, user_id=world.outsider.id, submission_id=world.subs[0].id,
                        voter=world.outsider.email, cast_at=clock.now() - timedelta(days=1, hours=2)))
    round_ = open_round(world)
    index = {s.id: i for i, s in enumerate(world.subs)}
    score_all(world, round_, lambda m, s: (index[s.id], index[s.id]))
    assign.close_round(round_, world.chair, clock.now())
    decisions.decide(round_, [world.subs[2].id], world.chair, clock.now())  # the panel fills Prize 1 only
    publication.publish(world.challenge, world.chair, clock.now())
    db.session.commit()
    assert _outcomes(world) == ["winner", "not_selected", "winner"]
    assert publication.outcome_of(world.subs[0]).label == "Winner: Prize 2"
    subjects = {m.to_email: m.subject for m in _mails()}
    assert subjects[world.creators[0].email] == f"You have won Prize 2: {world.challenge.title}"


def test_entrants_read_their_outcome_in_their_notifications_only_once_published(client, login, make_world):
    world = _recorded(make_world)
    winner, loser = world.creators[3], world.creators[0]
    login(winner)
    before = client.get("/dashboard").get_data(as_text=True)
    assert "are published" not in before and "won a prize" not in before
    login(world.chair)
    client.post(f"/judging/{world.challenge.slug}/publish")
    login(winner)
    page = client.get("/dashboard").get_data(as_text=True)
    assert (f"The results of “{world.challenge.title}” are published: your entry {world.subs[3].reference} "
            "won a prize.") in page
    assert f'href="/submissions/{world.subs[3].reference}"' in page
    login(loser)
    page = client.get("/dashboard").get_data(as_text=True)
    assert f"your entry {world.subs[0].reference} was not selected this time." in page
    assert world.subs[3].reference not in page  # nobody reads another entrant's outcome
