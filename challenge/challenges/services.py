"""Challenge verbs: drafting and the lifecycle.

Each takes the `actor` and `now`, checks the rules (the transition table in states.py, then who may
act), changes state, writes the audit event, queues any email, flushes, and never commits.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from challenge import permissions
from challenge.accounts.models import Organisation
from challenge.accounts.services import unique_slug
from challenge.challenges.models import SECTOR_LABELS, Challenge, ChallengeType, IPTerms, Prize, ServiceUserData
from challenge.challenges.states import LIFECYCLE, ChallengeState
from challenge.errors import FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.payouts.funding import assert_publishable
from challenge.money import CURRENCIES
from challenge.platform import audit, outbox
from challenge.platform.columns import one_of
from challenge.platform.links import site_link
from challenge.submissions.models import NOT_ENTRY_STATES, Submission, SubmissionCount

MAX_TIERS = 5
MAX_NOTE = 5000

# Checks a higher package registers at start-up before a challenge may go live (judging/rubric.py, imported
# when create_app wires the blueprints: the rubric has a criterion). Each takes the challenge and what is being done ("sending it for review") and returns the
# refusal's wording, or None when it has nothing against it.
GO_LIVE_CHECKS: list[Callable[[Challenge, str], str | None]] = []


def _ensure_ready(challenge: Challenge, doing: str) -> None:
    for check in GO_LIVE_CHECKS:
        problem = check(challenge, doing)
        if problem:
            raise FieldError(problem)


@dataclass
class Tier:
    name: str
    amount: int  # minor units, for each winner
    winners: int = 1


@dataclass
class Draft:
    """What the challenge form collects; the services check it again whoever calls them."""

    title: str
    summary: str = ""
    problem: str = ""
    context: str = ""
    outcomes: str = ""
    eligibility: str = ""
    sector: str = "other"
    tags: str = ""
    type: str = ChallengeType.PROPOSAL
    ip_terms: str = IPTerms.CREATOR_KEEPS
    currency: str = "GBP"
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    blind_judging: bool = False
    feedback_to_entrants: bool = True
    service_user_data: str = ServiceUserData.NONE
    tiers: list[Tier] = field(default_factory=list)


def _check_draft(draft: Draft, now: datetime) -> None:
    if not draft.title.strip():
        raise FieldError("Enter a title", "title")
    if draft.sector not in SECTOR_LABELS:
        raise FieldError("Choose a sector", "sector")
    if draft.type not in ChallengeType.__members__.values():
        raise FieldError("Choose a type of challenge", "type")
    if draft.ip_terms not in IPTerms.__members__.values():
        raise FieldError("Choose the intellectual property terms", "ip_terms")
    if draft.currency not in CURRENCIES:
        raise FieldError("Choose a currency", "currency")
    if draft.service_user_data not in ServiceUserData.__members__.values():
        raise FieldError("Say whether the challenge involves service users' personal data", "service_user_data")
    if not draft.tiers:
        raise FieldError("Add at least one prize tier", "prizes")
    if len(draft.tiers) > MAX_TIERS:
        raise FieldError(f"Add at most {MAX_TIERS} prize tiers", "prizes")
    for tier in draft.tiers:
        if tier.amount <= 0 or tier.winners < 1 or not tier.name.strip():
            raise FieldError("Each prize tier needs a name, an amount above zero and at least one winner",
                                 "prizes")
    if draft.opens_at and draft.closes_at and draft.closes_at <= draft.opens_at:
        raise FieldError("The closing date must be after the opening date", "closes_at")
    if draft.closes_at and draft.closes_at <= now:
        raise FieldError("The closing date must be in the future", "closes_at")


def _apply(challenge: Challenge, draft: Draft) -> None:
    for name in ("summary", "problem", "context", "outcomes", "eligibility", "sector", "type", "ip_terms",
                 "currency", "opens_at", "closes_at", "blind_judging", "feedback_to_entrants", "service_user_data"):
        setattr(challenge, name, getattr(draft, name))
    challenge.title = draft.title.strip()
    challenge.tags = ", ".join(dict.fromkeys(t.strip() for t in draft.tags.split(",") if t.strip()))
    challenge.prizes = [Prize(name=t.name.strip(), amount=t.amount, winners=t.winners, position=i)
                        for i, t in enumerate(draft.tiers, start=1)]
    challenge.prize_pool = challenge.prize_total()


def create(org: Organisation, draft: Draft, actor, now: datetime) -> Challenge:
    """Start a draft challenge for `org`. Refuses non-members and incomplete or impossible drafts
    (no prize tier, closing before opening, closing in the past)."""
    if not permissions.can(actor, "challenge.create", org, now):
        raise NotAllowed("You can only draft challenges for an organisation you belong to.")
    _check_draft(draft, now)
    challenge = Challenge(organisation_id=org.id, created_by_id=actor.id, slug=unique_slug(Challenge, draft.title),
                          state=ChallengeState.DRAFT, created_at=now, updated_at=now)
    _apply(challenge, draft)
    db.session.add(challenge)
    db.session.flush()
    audit.record(actor, "challenge.create", challenge, now, to_state=challenge.state)
    return challenge


def revise(challenge: Challenge, draft: Draft, actor, now: datetime) -> Challenge:
    """Save changes to a draft. Refuses anything not a draft: once sent for review the text is what the
    broker approves, and once published it is frozen (seekers post updates instead)."""
    if challenge.state != ChallengeState.DRAFT:
        raise InvalidTransition("Only a draft can be edited. Once published, the problem is frozen: "
                                "post an update or answer questions instead.")
    if not permissions.can(actor, "challenge.edit", challenge, now):
        raise NotAllowed("Only the challenge's organisation or a broker can edit it.")
    _check_draft(draft, now)
    _apply(challenge, draft)
    challenge.updated_at = now
    audit.record(actor, "challenge.edit", challenge, now)
    db.session.flush()
    return challenge


def move(challenge: Challenge, name: str, actor, now: datetime, *, reason: str = "") -> Challenge:
    """Apply the named move from the transition table, or refuse with InvalidTransition."""
    before = challenge.state
    challenge.state = LIFECYCLE.check(name, challenge.phase(now))
    challenge.updated_at = now
    if challenge.state == ChallengeState.PUBLISHED and challenge.published_at is None:
        challenge.published_at = now
    audit.record(actor, f"challenge.{name}", challenge, now, from_state=before, to_state=challenge.state,
                 reason=reason)
    db.session.flush()
    return challenge


def _ensure(actor, action: str, challenge: Challenge, now: datetime, message: str) -> None:
    if not permissions.can(actor, action, challenge, now):
        raise NotAllowed(message)


def _check_table(challenge: Challenge, name: str, now: datetime) -> None:
    LIFECYCLE.check(name, challenge.phase(now))


def required_text(value: str | None, field: str, what: str, limit: int, called: str | None = None) -> str:
    """`value` stripped; refuses it on `field` when empty ("Enter {what}") or longer than `limit` (the message
    calls it `called`, or `what`)."""
    value = (value or "").strip()
    if not value:
        raise FieldError(f"Enter {what}", field)
    if len(value) > limit:
        raise FieldError(f"Keep {called or what} to {limit:,} characters or fewer", field)
    return value


def _note(text: str | None, field_name: str, what: str) -> str:
    return required_text(text, field_name, what, MAX_NOTE, called=f"the {field_name}")


def missing_for_review(challenge: Challenge) -> list[str]:
    """What a draft still needs before a broker can review it, in words."""
    missing = []
    for attr, words in (("summary", "a summary"), ("problem", "a problem statement"),
                        ("outcomes", "the desired outcomes"), ("eligibility", "who is eligible")):
        if not getattr(challenge, attr).strip():
            missing.append(words)
    if not challenge.opens_at or not challenge.closes_at:
        missing.append("opening and closing dates")
    if not challenge.prizes:
        missing.append("at least one prize tier")
    return missing


def submit_for_review(challenge: Challenge, actor, now: datetime) -> Challenge:
    """Send a draft to the broker. Refuses anything but a draft, anyone but its seekers, an incomplete
    draft, a closing date already past, and a failed go-live check (a rubric with no criterion)."""
    _check_table(challenge, "submit_for_review", now)
    _ensure(actor, "challenge.submit_for_review", challenge, now,
            "Only a member of the challenge's organisation can send it for review.")
    missing = missing_for_review(challenge)
    if missing:
        raise FieldError("Before sending for review, add " + ", ".join(missing) + ".")
    if challenge.closes_at <= now:
        raise FieldError("The closing date has passed: edit the draft and choose new dates.")
    _ensure_ready(challenge, "sending it for review")
    challenge.sent_for_review_at = now
    return move(challenge, "submit_for_review", actor, now)


def challenge_link(challenge: Challenge, anchor: str = "") -> str:
    """The challenge page's full address for emails (`anchor` like "#updates")."""
    return site_link("challenges.show", slug=challenge.slug) + anchor


def _mail_seeker(challenge: Challenge, kind: str, template: str, now: datetime, **context) -> None:
    outbox.queue(kind, challenge.created_by.email, template, now, challenge=challenge, link=challenge_link(challenge),
                 name=challenge.created_by.name, **context)


def publish(challenge: Challenge, actor, now: datetime) -> Challenge:
    """A broker publishes a challenge in review and tells the seeker. Refuses non-brokers, anything not
    in review, a challenge whose closing date has already passed, and one whose prize pool is neither
    fully funded nor waived by a broker, and a failed go-live check (a rubric with no criterion)."""
    _check_table(challenge, "publish", now)
    _ensure(actor, "challenge.review", challenge, now, "Only a broker can publish a challenge.")
    if challenge.closes_at is None or challenge.closes_at <= now:
        raise FieldError("The closing date has passed: send it back so the seeker can set new dates.")
    _ensure_ready(challenge, "publishing it")
    assert_publishable(challenge)
    move(challenge, "publish", actor, now)
    _mail_seeker(challenge, "challenge.published", "challenge_published", now)
    return challenge


def request_changes(challenge: Challenge, note: str, actor, now: datetime) -> Challenge:
    """A broker sends a challenge in review back to draft with a note, emailed to the seeker. Refuses
    non-brokers, anything not in review, and an empty note."""
    _check_table(challenge, "request_changes", now)
    _ensure(actor, "challenge.review", challenge, now, "Only a broker can send a challenge back.")
    challenge.review_note = _note(note, "note", "a note saying what to change")
    move(challenge, "request_changes", actor, now, reason=challenge.review_note)
    _mail_seeker(challenge, "challenge.changes_requested", "challenge_changes_requested", now,
                 note=challenge.review_note)
    return challenge


def cancel(challenge: Challenge, reason: str, actor, now: datetime) -> Challenge:
    """Cancel with a reason. Seekers may cancel a draft, a challenge in review, or a published one with
    no entries yet; after that only a broker may, until the decision. Refuses an empty reason."""
    _check_table(challenge, "cancel", now)
    _ensure(actor, "challenge.cancel", challenge, now,
            "Entries have been received or judging has started, so only a broker can cancel this challenge now.")
    challenge.cancel_reason = _note(reason, "reason", "a reason for cancelling")
    # Refunds of any prize money held are the payouts package's (called here at merge time).
    return move(challenge, "cancel", actor, now, reason=challenge.cancel_reason)


def start_judging(challenge: Challenge, actor, now: datetime) -> Challenge:
    """Close entries for good and start judging. Refuses before the close, anyone but the seeker or a
    broker, and a failed go-live check (a rubric with no criterion)."""
    _check_table(challenge, "start_judging", now)
    _ensure(actor, "challenge.manage_state", challenge, now,
            "Only the challenge's organisation or a broker can start judging.")
    _ensure_ready(challenge, "starting judging")
    return move(challenge, "start_judging", actor, now)


def complete(challenge: Challenge, actor, now: datetime) -> Challenge:
    """Mark an awarded challenge completed (prizes paid, follow-on agreed). Refuses anything not awarded."""
    _check_table(challenge, "complete", now)
    _ensure(actor, "challenge.manage_state", challenge, now,
            "Only the challenge's organisation or a broker can mark it completed.")
    return move(challenge, "complete", actor, now)


def entry_count(challenge: Challenge) -> int:
    """Submissions received: not drafts, not withdrawn."""
    return entry_counts([challenge.id]).get(challenge.id, 0)


def entries_sql(challenge_id):
    """SQL for the entries of the challenge whose id is `challenge_id` (a column), from the kept counts: to
    read with a list of challenges in the same statement."""
    return (db.select(db.func.coalesce(db.func.sum(SubmissionCount.n), 0))
            .where(SubmissionCount.challenge_id == challenge_id,
                   one_of(SubmissionCount.state, NOT_ENTRY_STATES, negate=True))
            .scalar_subquery())


def entry_counts(challenge_ids: list[int]) -> dict[int, int]:
    """Entries per challenge, in one query of the kept counts (submissions/counts.py), not a count of the entries."""
    if not challenge_ids:
        return {}
    rows = db.session.execute(
        db.select(SubmissionCount.challenge_id, db.func.sum(SubmissionCount.n))
        .where(SubmissionCount.challenge_id.in_(challenge_ids), SubmissionCount.state.not_in(NOT_ENTRY_STATES))
        .group_by(SubmissionCount.challenge_id)
    ).all()
    return {challenge_id: int(n) for challenge_id, n in rows if n}
