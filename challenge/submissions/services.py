"""Submission verbs: start a draft, change it, submit, withdraw, attach files, disqualify.

Each takes the acting user and `now`, checks the rules at `now` to the second (a challenge is open
until `closes_at`, exclusive), changes state, writes the audit log, queues email and flushes. None
commits: the caller does, once. Once a challenge is not open, nothing about its submissions changes,
except a broker's disqualification.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import BinaryIO

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from challenge.accounts.models import Organisation, User
from challenge.challenges.models import Challenge
from challenge.challenges.states import Phase
from challenge.errors import DomainError, FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.dates import format_dt, local
from challenge.permissions import can, is_seeker
from challenge.platform import audit, outbox, tx
from challenge.platform.links import site_link
from challenge.submissions import answers as entry_answers
from challenge.submissions import storage, team
from challenge.submissions.models import (
    ACTIVE_STATES, CHANGEABLE_STATES, SUBMISSION_MOVES, Attachment, ReferenceCounter, Submission, SubmissionState,
)

MAX_TEAM = team.MAX_TEAM
_REFERENCE = re.compile(r"^[A-Za-z0-9-]{1,20}$")


class AlreadyEntered(DomainError):
    """The actor already has an active submission to this challenge: `existing`."""

    status = 409

    def __init__(self, existing: Submission):
        super().__init__(f"You already have a submission to this challenge ({existing.reference}).")
        self.existing = existing


class AlreadySubmitted(InvalidTransition):
    pass


# --- looking things up ------------------------------------------------------------------------------

def by_reference(reference: str) -> Submission | None:
    if not _REFERENCE.match(reference or ""):
        return None  # not a reference at all (and PostgreSQL refuses some characters, like NUL)
    return db.session.scalar(db.select(Submission).where(Submission.reference == reference))


def active_for(challenge: Challenge, user) -> Submission | None:
    """The user's one active submission to the challenge (as its owner), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(db.select(Submission).where(
        Submission.challenge_id == challenge.id, Submission.owner_id == user.id,
        Submission.state.in_(ACTIVE_STATES)))


def stamp(dt: datetime) -> str:
    """`Fri 12 Dec 2026 at 16:59:58 GMT`: to the second, for receipts."""
    d = local(dt)
    return f"{format_dt(dt, with_year=True).rsplit(',', 1)[0]} at {d:%H:%M:%S} {d.tzname()}"


def next_reference(now: datetime) -> str:
    """`CX-<year>-<5 digits>` from the year's counter, incremented under a row lock.

    The insert-if-missing takes SQLite's write lock (SQLite serialises writers); on PostgreSQL the
    SELECT … FOR UPDATE makes concurrent requests queue on the year's row until each one commits.
    """
    year = now.year
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is not None:
        db.session.execute(insert(ReferenceCounter).values(year=year, last=0)
                           .on_conflict_do_nothing(index_elements=["year"]))
    elif db.session.get(ReferenceCounter, year) is None:
        db.session.add(ReferenceCounter(year=year, last=0))
        db.session.flush()
    counter = db.session.scalars(
        db.select(ReferenceCounter).where(ReferenceCounter.year == year)
        .with_for_update().execution_options(populate_existing=True)
    ).one()
    counter.last += 1
    db.session.flush()
    return f"CX-{year}-{counter.last:05d}"


# --- the rules every change checks -----------------------------------------------------------------

def ensure_open(challenge: Challenge, now: datetime) -> None:
    """Refuse unless the challenge accepts submissions at `now` (closes_at itself is closed)."""
    phase = challenge.phase(now)
    if phase == Phase.OPEN:
        return
    if phase == Phase.UPCOMING:
        raise InvalidTransition(f"This challenge opens on {format_dt(challenge.opens_at, True)}. "
                                "You can submit a solution from then.")
    if phase in (Phase.DRAFT, Phase.IN_REVIEW, Phase.CANCELLED):
        raise InvalidTransition("This challenge is not accepting submissions.")
    raise InvalidTransition(f"This challenge closed on {format_dt(challenge.closes_at, True)}. "
                            "Submissions can no longer be made, changed or withdrawn.")


def ensure_can_start(challenge: Challenge, actor, now: datetime) -> None:
    """Refuse a new entry: challenge not open, actor among its seekers, or disqualified before."""
    ensure_open(challenge, now)
    if not can(actor, "challenge.submit", challenge, now):
        raise NotAllowed(_why_not_enter(challenge, actor))
    existing = active_for(challenge, actor)
    if existing is not None:
        raise AlreadyEntered(existing)
    barred = db.session.scalar(db.select(Submission.reference).where(
        Submission.challenge_id == challenge.id, Submission.owner_id == actor.id,
        Submission.state == SubmissionState.DISQUALIFIED).limit(1))
    if barred:
        raise NotAllowed(f"Your entry {barred} to this challenge was disqualified, so you cannot enter again.")


def _why_not_enter(challenge: Challenge, actor) -> str:
    """The refusal's wording (the rule `challenge.submit` decided: open, signed in, not one of its seekers)."""
    if is_seeker(actor, challenge):
        return f"You are a member of {challenge.organisation.name}, which runs this challenge, so you cannot enter it."
    return "You cannot enter this challenge."


def ensure_changeable(sub: Submission, actor, now: datetime) -> None:
    """Refuse any change unless the challenge is open, the entry is live and the actor owns it."""
    ensure_open(sub.challenge, now)
    if sub.state not in CHANGEABLE_STATES:
        raise InvalidTransition(f"This submission is {SubmissionState(sub.state).label.lower()} "
                                "and can no longer be changed.")
    if not can(actor, "submission.edit", sub, now):
        raise NotAllowed(f"Only {sub.owner.name}, who made this submission, can change or withdraw it.")


def _organisation(actor, organisation_id: int | None) -> Organisation | None:
    if not organisation_id:
        return None
    org = db.session.get(Organisation, organisation_id)
    if org is None or not can(actor, "organisation.act_for", org):
        raise FieldError("Choose an organisation you belong to, or submit as yourself.", "organisation")
    return org


def _sync_team(sub: Submission, emails: list[str], actor, now: datetime) -> list[str]:
    """Members and invitations as listed; new addresses are invited (see team.py), never added directly."""
    return team.sync(sub, emails, actor, now, _invitation_link)


def _invitation_link(token: str) -> str:
    return site_link("submissions.team_invitation", token=token)


def _tell_team(sub: Submission, kind: str, template: str, now: datetime, **context) -> None:
    link = site_link("submissions.show", ref=sub.reference)
    for person in [sub.owner, *(m.user for m in sub.team)]:
        outbox.queue(kind, person.email, template, now, person=person, submission=sub,
                     challenge=sub.challenge, link=link, stamp=stamp, **context)


# --- the verbs ------------------------------------------------------------------------------------

def start_draft(challenge: Challenge, actor, now: datetime, *, title: str, summary: str = "",
                description: str = "", organisation_id: int | None = None, team_emails: str = "",
                answers: dict[int, str] | None = None,
                files: dict[int, entry_answers.Upload] | None = None) -> Submission:
    """Start the actor's entry as a draft with a stable reference, keeping its answers to the entry questions.

    Refuses when the challenge is not open, the actor is one of its seekers, already has an active
    entry (AlreadyEntered, carrying it) or was disqualified from it; refuses an organisation the actor
    does not belong to and a team field that is not a list of at most MAX_TEAM email addresses. Each
    address is emailed an invitation to join (team.py); nobody joins without accepting. An eligibility
    answer that stops the entry (answers.Ineligible) is refused before anything is written.
    """
    ensure_can_start(challenge, actor, now)
    entry_answers.check_eligible(entry_answers.questions_for(challenge), answers or {})
    org = _organisation(actor, organisation_id)
    emails = team.parse(team_emails, actor)
    sub = Submission(
        challenge=challenge, owner=actor, organisation=org, reference=next_reference(now),
        title=title.strip(), summary=summary.strip(), description=description.strip(),
        state=SubmissionState.DRAFT, created_at=now, updated_at=now,
    )
    db.session.add(sub)
    db.session.flush()
    audit.record(actor, "submission.start", sub, now, to_state=sub.state,
                 data={"challenge": challenge.slug, "invited": len(emails)})
    _sync_team(sub, emails, actor, now)
    entry_answers.save(sub, answers or {}, files or {}, now)
    db.session.flush()
    return sub


def update(sub: Submission, actor, now: datetime, *, title: str, summary: str, description: str,
           organisation_id: int | None = None, team_emails: str = "", answers: dict[int, str] | None = None,
           files: dict[int, entry_answers.Upload] | None = None) -> Submission:
    """Change the text, organisation, team and answers while the challenge is open; owner only.

    A submitted entry stays submitted, so it may not lose its title, summary, description or a required
    answer to an entry question.
    """
    ensure_changeable(sub, actor, now)
    org = _organisation(actor, organisation_id)
    emails = team.parse(team_emails, sub.owner)
    values = {"title": title.strip(), "summary": summary.strip(), "description": description.strip()}
    if sub.state == SubmissionState.SUBMITTED:
        missing = {k: f"A submitted solution needs a {k}" for k, v in values.items() if not v}
        if missing:
            raise FieldError.on(missing)
    changed = [k for k, v in values.items() if getattr(sub, k) != v]
    if (org.id if org else None) != sub.organisation_id:
        changed.append("organisation")
    if _sync_team(sub, emails, actor, now):
        changed.append("team")
    changed += entry_answers.save(sub, answers or {}, files or {}, now)
    if sub.state == SubmissionState.SUBMITTED and (unanswered := entry_answers.problems_on_submit(sub)):
        raise FieldError.on(unanswered)  # an entered solution keeps its required answers
    for key, value in values.items():
        setattr(sub, key, value)
    sub.organisation = org
    sub.updated_at = now
    audit.record(actor, "submission.update", sub, now, data={"changed": changed})
    db.session.flush()
    return sub


def submit(sub: Submission, actor, now: datetime, *, eligibility_confirmed: bool,
           terms_accepted: bool) -> Submission:
    """Make the draft final before the close; queue the receipt to the owner and team.

    Refuses after the close (to the second), when already submitted (AlreadySubmitted), and
    without a title, summary, description, the eligibility declaration and acceptance of the terms,
    an answer to each required entry question, or with an eligibility answer that stops the entry.
    Decided under the submission's row lock, so a double click or two tabs submit (and send the
    receipt) once: the second request reads the first one's state after the lock and is refused.
    """
    ensure_changeable(sub, actor, now)
    tx.lock(Submission, sub.id)
    if sub.state == SubmissionState.SUBMITTED:
        raise AlreadySubmitted(f"{sub.reference} was already submitted on {stamp(sub.submitted_at)}.")
    problems = {k: f"Add a {k} before you submit" for k in ("title", "summary", "description")
                if not getattr(sub, k).strip()}
    if not eligibility_confirmed:
        problems["eligibility_confirmed"] = "Confirm that you meet the eligibility criteria"
    if not terms_accepted:
        problems["terms_accepted"] = "Accept the challenge’s terms to submit"
    problems.update(entry_answers.problems_on_submit(sub))
    if problems:
        raise FieldError.on(problems)
    sub.eligibility_confirmed = sub.terms_accepted = True
    before, after = SUBMISSION_MOVES.apply(sub, "submit")
    sub.submitted_at, sub.updated_at = now, now
    audit.record(actor, "submission.submit", sub, now, from_state=before, to_state=after)
    _tell_team(sub, "submission.receipt", "submission_receipt", now)
    db.session.flush()
    return sub


def withdraw(sub: Submission, actor, now: datetime, *, reason: str = "") -> Submission:
    """Withdraw a draft or a submitted entry before the close; owner only. The owner may enter again."""
    ensure_changeable(sub, actor, now)
    before, _ = SUBMISSION_MOVES.apply(sub, "withdraw")
    sub.state_reason, sub.updated_at = reason.strip(), now
    audit.record(actor, "submission.withdraw", sub, now, from_state=before, to_state=sub.state,
                 reason=sub.state_reason)
    if before == SubmissionState.SUBMITTED:
        _tell_team(sub, "submission.withdrawn", "submission_withdrawn", now)
    db.session.flush()
    return sub


def add_attachment(sub: Submission, stream: BinaryIO, filename: str, actor, now: datetime) -> Attachment:
    """Store a checked file and attach it; refuses past UPLOAD_MAX_FILES or UPLOAD_MAX_BYTES.

    The file is deleted again if this unit of work is rolled back, so nothing is half-saved.
    """
    ensure_changeable(sub, actor, now)
    limit = current_app.config["UPLOAD_MAX_FILES"]
    # Lock the submission's row so two uploads at once cannot both see room for a fifth file.
    tx.lock(Submission, sub.id)
    count = db.session.scalar(db.select(db.func.count(Attachment.id)).where(Attachment.submission_id == sub.id))
    if count >= limit:
        raise FieldError(f"A submission can have at most {limit} files. Remove one before adding another.", "file")
    stored = storage.store(stream, filename, current_app.config["UPLOAD_MAX_BYTES"])
    storage.written_in(db.session(), stored.stored_name)
    attachment = Attachment(submission=sub, original_name=stored.display_name, stored_name=stored.stored_name,
                            content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                            uploaded_at=now, cleaned=stored.cleaned)
    db.session.add(attachment)
    sub.updated_at = now
    db.session.flush()
    audit.record(actor, "submission.attach", sub, now, data={
        "attachment": attachment.id, "name": attachment.original_name, "size": stored.size,
        "sha256": stored.sha256})
    db.session.flush()
    return attachment


def remove_attachment(sub: Submission, attachment: Attachment, actor, now: datetime) -> None:
    """Detach a file while the challenge is open; the file leaves the disk once this is committed."""
    ensure_changeable(sub, actor, now)
    if attachment.submission_id != sub.id:
        raise NotAllowed("That file is not part of this submission.")
    audit.record(actor, "submission.detach", sub, now, data={
        "attachment": attachment.id, "name": attachment.original_name, "sha256": attachment.sha256})
    storage.remove_after_commit(db.session(), attachment.stored_name)
    sub.attachments.remove(attachment)
    sub.updated_at = now
    db.session.flush()


# What other packages do, in the same transaction, when an entry is disqualified: payouts cancels its awards.
# Each hook(sub, reason, actor, now) returns a sentence for the broker ("" for nothing). Registered by the
# package at start-up, because submissions sit below payouts and do not import them.
_after_disqualify: list[Callable[[Submission, str, object, datetime], str]] = []


def after_disqualify(hook: Callable[[Submission, str, object, datetime], str]):
    """Register `hook` to run after every disqualification (once, however often it is registered)."""
    if hook not in _after_disqualify:
        _after_disqualify.append(hook)
    return hook


def disqualify(sub: Submission, actor, now: datetime, *, reason: str) -> list[str]:
    """A broker removes an entered solution from the competition, with a reason the team is sent; the entry's
    awards are cancelled (see `after_disqualify`). Returns what that did, as sentences for the broker.

    Decided under the entry's lock, so a double click disqualifies once. Refuses anyone but a broker, drafts,
    withdrawn or already disqualified entries, challenges already decided, and an empty reason.
    """
    tx.lock(Submission, sub.id)
    if not can(actor, "submission.disqualify", sub, now):
        if sub.state == SubmissionState.DISQUALIFIED and can(actor, "submission.moderate", sub, now):
            raise InvalidTransition(f"{sub.reference} has already been disqualified.")
        raise NotAllowed("Only a broker can disqualify an entered submission before the decision.")
    if not reason.strip():
        raise FieldError("Give the reason for disqualifying this submission", "reason")
    before, _ = SUBMISSION_MOVES.apply(sub, "disqualify")
    sub.state_reason, sub.updated_at = reason.strip(), now
    audit.record(actor, "submission.disqualify", sub, now, from_state=before, to_state=sub.state,
                 reason=sub.state_reason)
    _tell_team(sub, "submission.disqualified", "submission_disqualified", now)
    db.session.flush()
    return [said for hook in _after_disqualify if (said := hook(sub, sub.state_reason, actor, now))]
