"""After the final decision is recorded: the broker's correction while it is provisional, publishing the
results, and what an entry's outcome is.

The decision is provisional until it is published. Publishing, under the decision's lock, is the one moment
the outcome takes effect: the entries become winner or not selected, the challenge becomes awarded, the
awards are created from the money the pool holds (a pool that holds nothing yet is awarded from the money page
when it is paid, still exactly these places), and every entrant is told by email. A correction therefore moves
no money: there is none to move back.

A people's-choice vote may close after the results are published. The public pages name its winner from the
moment it closes (`placements` reads the clock), and `announce_vote` (the job judging.peoples_choice, every
five minutes) then does what publishing would have done for it: the entry becomes a winner, its people are
told, and its prize is awarded when the pool holds money (else from the money page, as any place).
`JudgingSettings.vote_announced_at` records that it was done, so it is done once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from datetime import datetime

from challenge.challenges.models import Challenge, Prize
from challenge.challenges.services import move
from challenge.errors import DomainError, FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.judging import decisions, peoples, results
from challenge.judging.decisions import MAX_REASON, final_decision, placements, placements_for
from challenge.judging.models import DECIDED, DECIDED_ENTRIES, JUDGED_STATES, Decision, JudgingSettings
from challenge.judging.rubric import settings_of
from challenge.payouts import awards
from challenge.permissions import can
from challenge.notifications.services import notify
from challenge.platform import audit, outbox, tx
from challenge.platform.links import site_link
from challenge.submissions import pages as submission_pages
from challenge.submissions.models import Submission, SubmissionState
from challenge.webhooks import events as webhook_events


def _locked(challenge: Challenge) -> Decision:
    """The challenge's final decision, locked and read afresh, or a refusal saying what to do first."""
    found = final_decision(challenge)
    if found is None:
        raise InvalidTransition("There is no decision to publish or correct yet: the chair records it first "
                                "with “Decide the winners”.")
    return tx.lock(Decision, found.id)


def correct(challenge: Challenge, choices: list[int | None], reason: str, actor, now: datetime) -> Decision:
    """A broker corrects the recorded decision before the results are published: `choices` fills the prize
    places as on the decision page, `reason` says why (kept on the decision and in the audit log).
    Refuses anyone but a broker, a published decision, a missing reason, a correction that changes nothing
    (a second click) and entries the decision page would refuse (below the threshold, chosen twice)."""
    if not can(actor, "judging.correct", challenge, now):
        raise NotAllowed("Only a broker can correct the panel's decision.")
    decision = _locked(challenge)
    if decision.published_at is not None:
        raise InvalidTransition("The results are published: the decision can no longer be corrected.")
    if not reason.strip():
        raise FieldError("Say why the decision is corrected: the reason is shown on the decision.", "reason")
    if len(reason) > MAX_REASON:
        raise FieldError(f"Keep the reason under {MAX_REASON:,} characters.", "reason")
    before = [(s.prize_id, s.submission_id) for s in decision.selections]
    checked = decisions.plan_correction(decision.round, choices)
    after = [(p.prize.id, p.entry.id) for p in checked.places if p.entry is not None]
    if after == before:
        raise InvalidTransition("The decision already places these entries, so nothing was corrected.")
    decision.selections.clear()
    db.session.flush()
    decision.selections.extend(decisions.selections_for(checked.places))
    decision.corrected_at, decision.corrected_by_id, decision.correction_reason = now, actor.id, reason.strip()
    db.session.flush()
    audit.record(actor, "judging.decision_corrected", decision, now, reason=reason.strip(),
                 data={"before": before, "after": after})
    return decision


def publish(challenge: Challenge, actor, now: datetime) -> Decision:
    """Publish the results: the entries' outcomes, the challenge awarded, the awards (when the pool holds
    money) and an email to every entrant. Refuses those the rule judging.publish does not allow, no
    decision, and results already published (a second click does nothing more)."""
    decision = _locked(challenge)
    if decision.published_at is not None:
        raise InvalidTransition("The results are already published, and every entrant has been told.")
    if not can(actor, "judging.publish", challenge, now):
        raise NotAllowed("Only the chair, the seeker or a broker can publish the results.")
    decision.published_at, decision.published_by_id = now, actor.id
    placed = placements(challenge, now)  # the panel's places, and the public vote's winner if the vote has closed
    settings = settings_of(challenge)
    if settings is not None and peoples.window(settings, now) == peoples.VoteWindow.CLOSED:
        tx.lock(JudgingSettings, settings.id).vote_announced_at = now  # announced here: announce_vote has no more to do
    winners = {sub.id for sub, _ in placed}
    entries = list(db.session.scalars(db.select(Submission).where(
        Submission.challenge_id == challenge.id, Submission.state.in_(JUDGED_STATES)).order_by(Submission.id)))
    heard = {sub.id: _heard(sub, winners) for sub in entries}
    for sub in entries:
        decisions.set_state(sub, SubmissionState.WINNER if sub.id in winners else SubmissionState.NOT_SELECTED,
                            actor, now)
    results.touch(challenge.id)
    move(challenge, "decide", actor, now, reason=decision.departure_reason or decision.override_reason)
    if placed and decisions.holds_money(challenge):
        awards.create_awards(challenge, placed, actor, now)
    for sub in entries:
        _tell(sub, heard[sub.id], [prize for entry, prize in placed if entry.id == sub.id], now)
    audit.record(actor, "judging.results_published", decision, now,
                 data={"winners": sorted(winners), "told": len(entries)})
    webhook_events.raise_decision_published(challenge, len(winners), now)
    return decision


def announce_vote(challenge: Challenge, actor, now: datetime) -> Submission | None:
    """Announce the people's choice of a vote that closed after the results were published: its winner becomes
    a winner, is awarded the vote's prize when the pool holds money (through awards.create_awards; a place
    the money page awarded meanwhile is not awarded again) and its people are told. Returns the winner, or
    None when there is nothing to announce: no vote, the vote still open, the results not published, no votes
    cast, or already announced. A prize the pool cannot cover now is left to the money page (recorded in the
    audit log); the announcement still stands. Decided under the settings row's lock, so two runs at once
    announce once."""
    found = settings_of(challenge)
    settings = tx.lock(JudgingSettings, found.id) if found is not None else None
    decision = final_decision(challenge)
    if (settings is None or settings.vote_announced_at is not None or decision is None
            or decision.published_at is None or peoples.window(settings, now) != peoples.VoteWindow.CLOSED):
        return None
    settings.vote_announced_at = now
    won = peoples.vote_winner(challenge, now)
    audit.record(actor, "judging.vote_announced", settings, now,
                 data={"winner": won[0].id if won else None, "prize": won[1].id if won else None})
    if won is None:
        return None
    sub, prize = won
    decisions.set_state(sub, SubmissionState.WINNER, actor, now)
    results.touch(challenge.id)
    if decisions.holds_money(challenge) and not awards.awarded(sub, prize):
        try:
            with db.session.begin_nested():
                awards.create_awards(challenge, [(sub, prize)], actor, now)
        except DomainError as exc:  # the pool cannot cover it now: the money page awards it later, as any place
            audit.record(actor, "judging.vote_award_deferred", settings, now, reason=exc.message)
    _tell(sub, "peoples_choice", [prize], now)
    db.session.flush()
    return sub


def _heard(sub: Submission, winners: set[int]) -> str:
    if sub.id in winners:
        return "winner"
    return "shortlisted" if sub.state == SubmissionState.SHORTLISTED else "not_selected"


HEARD_WORDS = {"winner": "won a prize", "shortlisted": "was shortlisted but not placed",
               "not_selected": "was not selected this time", "peoples_choice": "won the people's choice"}


def _tell(sub: Submission, heard: str, prizes: list[Prize], now: datetime) -> None:
    """One email to each of the entry's people, and a line in their notifications: its outcome, its prizes,
    and where its feedback is."""
    feedback = (site_link("judging.feedback_page", slug=sub.challenge.slug, reference=sub.reference)
                if sub.challenge.feedback_to_entrants else None)
    settings = settings_of(sub.challenge)
    later = settings.feedback_at if settings and settings.feedback_at and settings.feedback_at > now else None
    for person in sorted({sub.owner, *(m.user for m in sub.team)}, key=lambda u: u.id):
        outbox.queue("judging.outcome", person.email, "judging_outcome", now, person=person, submission=sub,
                     challenge=sub.challenge, heard=heard, prizes=prizes, feedback=feedback, feedback_from=later,
                     link=site_link("submissions.show", ref=sub.reference))
        notify(person, f"The results of “{sub.challenge.title}” are published: your entry {sub.reference} "
                       f"{HEARD_WORDS[heard]}.", urlsplit(site_link("submissions.show", ref=sub.reference)).path, now)


@dataclass
class Outcome:
    """What every page says about an entry's result: `kind` is winner / not_selected, `label` the words."""

    kind: str
    label: str
    prizes: list[Prize]


def outcome_of(sub: Submission) -> Outcome | None:
    """The entry's published outcome, or None while there is none to tell (judging, or a decision not yet
    published). The one place pages ask: the state publication set, and the places the decision gave."""
    return outcomes_of([sub]).get(sub.id)


def outcomes_of(subs) -> dict[int, Outcome]:
    """outcome_of for each of a list of entries, by entry id (those with none to tell left out), in a fixed
    number of queries however many challenges they entered."""
    told = [s for s in subs if s.challenge.state in DECIDED and s.state in DECIDED_ENTRIES]
    placed = placements_for({s.challenge for s in told}) if told else {}
    out = {}
    for sub in told:
        prizes = [prize for entry, prize in placed[sub.challenge_id] if entry.id == sub.id]
        out[sub.id] = (Outcome("winner", "Winner: " + ", ".join(p.name for p in prizes), prizes) if prizes
                       else Outcome("not_selected", "Not selected", []))
    return out


def published_placements(challenge: Challenge) -> list[tuple[Submission, Prize]] | None:
    """For the money page (payouts registers no judging import): the places the published decision gave, or
    None when there is no published decision to award from."""
    decision = final_decision(challenge)
    if decision is None or decision.published_at is None:
        return None
    return placements(challenge)


# How the public challenge page may name a winner: each source (the library, above judging, registers one
# at start-up) returns (who, link to their library entry) once the winner consented to be published, else None.
WINNER_CREDITS: list[Callable[[Submission], tuple[str, str] | None]] = []


@dataclass
class PublicWinner:
    prize: Prize
    title: str | None  # None: the winner has not consented to be named
    who: str | None
    link: str | None


def public_winners(challenge: Challenge) -> list[PublicWinner]:
    """The published winners as the public challenge page names them: the prize always; the entry, who won
    it and a link to their library entry only with the winner's consent (their library entry)."""
    if challenge.state not in DECIDED:
        return []
    out = []
    for sub, prize in placements(challenge):
        credit = next((found for source in WINNER_CREDITS if (found := source(sub)) is not None), None)
        out.append(PublicWinner(prize, sub.title if credit else None, *(credit or (None, None))))
    return out


awards.DECIDED_PLACES.append(published_placements)
submission_pages.OUTCOMES_OF.append(outcomes_of)
