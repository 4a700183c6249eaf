"""The solutions library: winning solutions, published with their creators' consent, and the
"We want this too" button that turns another organisation's interest into an adoption lead."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from challenge.accounts.models import Organisation, User
from challenge.accounts.services import organisations_of
from challenge.challenges.models import SECTOR_LABELS, SECTORS, Challenge  # noqa: F401 (the library's sectors)
from challenge.challenges.states import ChallengeState
from challenge.errors import DomainError, FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.judging import publication
from challenge.library.models import AdoptionInterest, LibraryEntry
from challenge.partnerships import services
from challenge.partnerships.models import Partnership
from challenge.partnerships.states import Kind
from challenge.permissions import can
from challenge.platform import audit, outbox
from challenge.platform.links import site_link
from challenge.submissions.models import Submission, SubmissionState

# Challenges whose winners may join the library.
DECIDED = (ChallengeState.DECIDED, ChallengeState.COMPLETED)
MAX_SUMMARY = 2000


def eligible(sub: Submission) -> bool:
    """A winning solution of a decided challenge may join the library."""
    return sub.state == SubmissionState.WINNER and sub.challenge.state in DECIDED


def solution(value) -> Submission | None:
    """The submission named in the consent form, given its id as text (None if not found)."""
    text = str(value or "").strip()
    return db.session.get(Submission, int(text)) if text.isdigit() and len(text) < 12 else None


def winning_solutions() -> list[tuple[Submission, LibraryEntry | None]]:
    """Every winning solution of a decided challenge, with its library entry if it has one (for the broker)."""
    return list(db.session.execute(
        db.select(Submission, LibraryEntry).join(Challenge, Submission.challenge_id == Challenge.id)
        .outerjoin(LibraryEntry, LibraryEntry.submission_id == Submission.id)
        .where(Submission.state == SubmissionState.WINNER, Challenge.state.in_(DECIDED))
        .order_by(Challenge.id.desc(), Submission.id)).all())


def awaiting_consent(user) -> list[Submission]:
    """The user's winning solutions of decided challenges that are not in the library yet."""
    return list(db.session.scalars(
        db.select(Submission).join(Challenge, Submission.challenge_id == Challenge.id)
        .outerjoin(LibraryEntry, LibraryEntry.submission_id == Submission.id)
        .where(Submission.owner_id == user.id, Submission.state == SubmissionState.WINNER, Challenge.state.in_(DECIDED),
               LibraryEntry.id.is_(None))
        .order_by(Submission.id)
    ))


def give_consent(sub: Submission, actor, now: datetime, *, summary: str, consent: bool) -> LibraryEntry:
    """The owner agrees to publish their winning solution; it joins the library at once.

    Refuses: anyone but the owner; no consent ticked; a solution that did not win a decided
    challenge; one already in the library; an overlong summary.
    """
    if not can(actor, "library.give_consent", sub, now):
        raise NotAllowed("Only the person who submitted the solution can agree to publish it.")
    if not consent:
        raise FieldError("Tick the box to agree to publish your solution", "consent")
    if not eligible(sub):
        raise InvalidTransition("Only a winning solution of a decided challenge can join the library.")
    if db.session.scalar(db.select(LibraryEntry.id).where(LibraryEntry.submission_id == sub.id)):
        raise InvalidTransition("This solution is already in the library.")
    summary = (summary or "").strip() or sub.summary
    if len(summary) > MAX_SUMMARY:
        raise FieldError(f"Keep the summary under {MAX_SUMMARY:,} characters", "summary")
    entry = LibraryEntry(submission_id=sub.id, solution_summary=summary, consent_by_id=actor.id,
                         consent_at=now, published_at=now)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "library.consent", entry, now, data={"submission_id": sub.id})
    return entry


def publish(sub: Submission, actor, now: datetime) -> LibraryEntry:
    """A broker (re)publishes a winning solution. Refuses when its owner has not consented."""
    entry = db.session.scalar(db.select(LibraryEntry).where(LibraryEntry.submission_id == sub.id))
    if entry is None:
        raise DomainError("The creator has not agreed to publish this solution, so it cannot join the library.")
    if entry.published_at is not None:
        raise InvalidTransition("This solution is already published in the library.")
    entry.published_at = now
    audit.record(actor, "library.publish", entry, now)
    db.session.flush()
    return entry


def withdraw(entry: LibraryEntry, actor, now: datetime) -> LibraryEntry:
    """Take an entry out of the public library (its consent stays recorded). Refuses if not published."""
    if entry.published_at is None:
        raise InvalidTransition("This solution is not in the public library.")
    entry.published_at = None
    audit.record(actor, "library.withdraw", entry, now)
    db.session.flush()
    return entry


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(q: str = "", sector: str = ""):
    """A select of published entries matching the words of `q` (all of them) and the sector."""
    stmt = (db.select(LibraryEntry).join(Submission, LibraryEntry.submission_id == Submission.id)
            .join(Challenge, Submission.challenge_id == Challenge.id)
            .where(LibraryEntry.published_at.is_not(None)))
    for word in (q or "").split()[:8]:
        pattern = f"%{_escape_like(word[:60])}%"
        stmt = stmt.where(or_(*(col.ilike(pattern, escape="\\") for col in (
            Submission.title, Submission.summary, Submission.description, LibraryEntry.solution_summary,
            Challenge.title, Challenge.problem))))
    if sector:
        stmt = stmt.where(Challenge.sector == sector)
    return stmt.order_by(LibraryEntry.published_at.desc(), LibraryEntry.id.desc())


def what_happened_next(submission_ids: list[int]) -> dict[int, list[Partnership]]:
    """Public partnerships arising from each submission, in one query."""
    found: dict[int, list[Partnership]] = {i: [] for i in submission_ids}
    if submission_ids:
        for p in db.session.scalars(db.select(Partnership).where(
                Partnership.origin_submission_id.in_(submission_ids), Partnership.public.is_(True))
                .order_by(Partnership.id)):
            found[p.origin_submission_id].append(p)
    return found


def organisations_that_may_adopt(user, entry: LibraryEntry) -> list[Organisation]:
    """The user's organisations other than the one that commissioned the solution."""
    if not getattr(user, "is_authenticated", False):
        return []
    commissioned_by = entry.submission.challenge.organisation_id
    return [o for o in organisations_of(user) if o.id != commissioned_by]


def adopting_organisation(user, entry: LibraryEntry, organisation_id: int) -> Organisation | None:
    """The organisation chosen in the "We want this too" form, if the user may adopt on its behalf."""
    return next((o for o in organisations_that_may_adopt(user, entry) if o.id == organisation_id), None)


def want_this_too(entry: LibraryEntry, actor, now: datetime, *, organisation: Organisation | None,
                  note: str) -> AdoptionInterest:
    """Record an organisation's wish to adopt a solution and open an adoption lead for the broker.

    Refuses: an unpublished entry; an organisation the actor does not belong to, or the one that
    commissioned the solution; a second request from the same organisation; an overlong note.
    """
    if entry.published_at is None:
        raise InvalidTransition("This solution is not in the public library.")
    if organisation is None or organisation.id not in {o.id for o in organisations_that_may_adopt(actor, entry)}:
        raise FieldError("Choose an organisation you belong to, other than the one that commissioned "
                               "this solution", "organisation")
    note = (note or "").strip()
    if len(note) > MAX_SUMMARY:
        raise FieldError(f"Keep the note under {MAX_SUMMARY:,} characters", "note")
    if db.session.scalar(db.select(AdoptionInterest.id).where(
            AdoptionInterest.library_entry_id == entry.id, AdoptionInterest.organisation_id == organisation.id)):
        raise FieldError(f"{organisation.name} has already asked to adopt this solution", "organisation")
    sub = entry.submission
    counterpart_is_creator_org = sub.organisation_id == organisation.id
    p = services.create_partnership(
        actor, now, title=f"{sub.title} for {organisation.name}"[:200], kind=Kind.COMMISSIONING,
        creator=sub.owner, creator_organisation=None if counterpart_is_creator_org else sub.organisation,
        counterpart=organisation, origin=sub, commission_amount=0, next_action="Contact the adopter",
    )
    services.timeline(p, "note", actor, now, f"{actor.name} of {organisation.name} wants this too", note)
    interest = AdoptionInterest(library_entry_id=entry.id, organisation_id=organisation.id, user_id=actor.id,
                                note=note, partnership_id=p.id, created_at=now)
    db.session.add(interest)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # a concurrent request from the same organisation got there first
        raise FieldError(f"{organisation.name} has already asked to adopt this solution",
                               "organisation") from None
    audit.record(actor, "library.want_this_too", interest, now, data={"partnership_id": p.id})
    for broker in db.session.scalars(db.select(User).where(User.is_broker.is_(True))):
        outbox.queue("partnership.adoption_interest", broker.email, "adoption_interest", now,
                     broker=broker, actor=actor, organisation=organisation, submission=sub, note=note,
                     link=site_link("partnerships.show", pid=p.id))
    db.session.flush()
    return interest


def public_credit(sub: Submission) -> tuple[str, str] | None:
    """How the challenge page may name a winner: only once they consented to publish their solution here (its
    library entry), as their organisation (or their name) with a link to the entry; None before that."""
    entry = db.session.scalar(db.select(LibraryEntry).where(LibraryEntry.submission_id == sub.id,
                                                           LibraryEntry.published_at.is_not(None)))
    if entry is None:
        return None
    who = sub.organisation.name if sub.organisation else sub.owner.name
    return who, site_link("library.show", eid=entry.id)


publication.WINNER_CREDITS.append(public_credit)
