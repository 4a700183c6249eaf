"""Retention that runs by itself: each data class has a period in configuration (`RETENTION`), and
`run()` (the `flask privacy retention` command, from cron) deletes or anonymises what is due and records a
report row. Nothing of a challenge on legal hold is touched. Running it twice does nothing the second time:
each class selects only what is due and not yet done.

The ledger and invoices are kept for the statutory accounting period and never touched here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_

from challenge.accounts.models import Invitation, PasswordResetToken
from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.diagnoses.models import Diagnosis, Story
from challenge.extensions import db
from challenge.judging.models import Assignment, Decision, PanelInvitation, Round
from challenge.payouts.models import Award, PayeeAccount, Payout
from challenge.platform import audit
from challenge.platform.models import AuditEvent, OutboxMessage, OutboxState
from challenge.platform.processing import describe_period
from challenge.privacy import holds
from challenge.privacy.erasure import SETTLED
from challenge.privacy.models import RetentionRun
from challenge.submissions import storage
from challenge.submissions.answers import EntryAnswer
from challenge.submissions.models import Attachment, Submission, SubmissionState, TeamInvitation

REMOVED_TITLE = "Entry removed under the retention schedule"
EXAMPLES = 3


def period(name: str) -> timedelta:
    """The configured period of a data class ({"years": n} or {"days": n})."""
    setting = current_app.config["RETENTION"][name]
    return timedelta(days=365 * setting.get("years", 0) + setting.get("days", 0))


def describe(name: str) -> str:
    """The period in words ("2 years"): the same words the Article 30 register shows."""
    return describe_period(name)


def _decided_before(cutoff: datetime):
    """Challenges whose final decision is older than the cutoff and that are not on legal hold."""
    return (db.select(Decision.challenge_id)
            .where(Decision.kind == "final", Decision.decided_at < cutoff))


@dataclass(frozen=True)
class DataClass:
    """One line of the schedule: what is due (rows, with a few words each for the preview) and how it goes."""

    name: str
    label: str
    action: str  # "deleted" or "anonymised": what happens when due
    due: Callable[[datetime, set[int]], list]  # (now, held challenge ids) → the rows due
    example: Callable[[object], str]
    apply: Callable[[list, datetime], None]


def _entries_due(now, held):
    return list(db.session.scalars(db.select(Submission).where(
        Submission.challenge_id.in_(_decided_before(now - period("unsuccessful_entries"))),
        Submission.challenge_id.not_in(held), Submission.state != SubmissionState.WINNER,
        # An entry with an award (a stage grant) is the award's record, unless the award was withdrawn.
        Submission.id.not_in(db.select(Award.submission_id).where(Award.cancelled_at.is_(None))),
        Submission.title != REMOVED_TITLE).order_by(Submission.id)))


def _remove_entries(subs, now):
    ids = [s.id for s in subs]
    for model in (Attachment, EntryAnswer):
        for row in db.session.scalars(db.select(model).where(model.submission_id.in_(ids))):
            if row.stored_name:
                storage.remove_after_commit(db.session(), row.stored_name)
            db.session.delete(row)
    for sub in subs:
        sub.title, sub.summary, sub.description, sub.state_reason = REMOVED_TITLE, "", "", ""


def _comments_due(now, held):
    decided = _decided_before(now - period("judges_comments"))
    return list(db.session.scalars(db.select(Assignment).join(Round, Assignment.round_id == Round.id).where(
        Round.challenge_id.in_(decided), Round.challenge_id.not_in(held), Assignment.comment != "")
        .order_by(Assignment.id)))


def _clear_comments(rows, now):
    for row in rows:
        row.comment = ""


def _invitations_due(now, held):
    cutoff = now - period("invitations_unanswered")
    rows = list(db.session.scalars(db.select(Invitation).where(Invitation.accepted_at.is_(None),
                                                               Invitation.created_at < cutoff)))
    rows += db.session.scalars(db.select(PanelInvitation).where(
        PanelInvitation.accepted_at.is_(None), PanelInvitation.created_at < cutoff,
        PanelInvitation.challenge_id.not_in(held)))
    rows += db.session.scalars(db.select(TeamInvitation).join(Submission).where(
        TeamInvitation.accepted_at.is_(None), TeamInvitation.created_at < cutoff, Submission.challenge_id.not_in(held)))
    return rows


def _delete(rows, now):
    for row in rows:
        db.session.delete(row)


def _tokens_due(now, held):
    return list(db.session.scalars(db.select(PasswordResetToken).where(
        PasswordResetToken.expires_at < now - period("reset_tokens"))))


def _audit_due(now, held):
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.at < now - period("audit_ip"), or_(AuditEvent.ip != "", AuditEvent.user_agent != ""))
        .order_by(AuditEvent.id)))


def _forget_origin(events, now):
    """The audit log is append-only for the ORM; its database trigger lets the IP address and browser go."""
    table = AuditEvent.__table__
    ids = [e.id for e in events]
    db.session.flush()  # the other classes' changes, before expire_all() below would drop them
    db.session.connection().execute(table.update().where(table.c.id.in_(ids)).values(ip="", user_agent=""))
    db.session.expire_all()


def _outbox_due(now, held):
    return list(db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.state == OutboxState.SENT, OutboxMessage.sent_at < now - period("outbox_sent"))))


def _bank_details_due(now, held):
    """Bank details of payees whose payouts are all settled, the last over the period ago."""
    last = (db.select(Payout.user_id, func.max(func.coalesce(Payout.paid_at, Payout.created_at)).label("last"))
            .group_by(Payout.user_id).subquery())
    unsettled = db.select(Payout.user_id).where(Payout.state.not_in(SETTLED))
    return list(db.session.scalars(db.select(PayeeAccount).join(last, last.c.user_id == PayeeAccount.user_id).where(
        PayeeAccount.bank_details_encrypted != "", last.c.last < now - period("payee_bank_details"),
        PayeeAccount.user_id.not_in(unsettled))))


def _forget_bank_details(accounts, now):
    for account in accounts:
        account.bank_details_encrypted = ""


def _diagnoses_due(now, held):
    """Diagnoses last changed over the period ago whose challenge, if they led to one, was decided (or
    cancelled) over the period ago and is not on legal hold. A diagnosis whose challenge still runs is kept."""
    cutoff = now - period("diagnoses")
    ended = db.select(Challenge.id).where(Challenge.state == ChallengeState.CANCELLED, Challenge.updated_at < cutoff)
    return list(db.session.scalars(db.select(Diagnosis).where(
        Diagnosis.updated_at < cutoff,
        or_(Diagnosis.challenge_id.is_(None),
            Diagnosis.challenge_id.in_(_decided_before(cutoff)) & Diagnosis.challenge_id.not_in(held),
            Diagnosis.challenge_id.in_(ended) & Diagnosis.challenge_id.not_in(held)))
        .order_by(Diagnosis.id)))


def _erase_diagnoses(rows, now):
    """The diagnosis goes whole: its evidence, quotes and findings, and its stories with who consented."""
    ids = [d.id for d in rows]
    db.session.execute(db.delete(Story).where(Story.diagnosis_id.in_(ids)))
    for d in rows:
        db.session.delete(d)


CLASSES = (
    DataClass("unsuccessful_entries", "Unsuccessful entries and their files", "anonymised", _entries_due,
              lambda s: f"{s.reference}: {s.title}", _remove_entries),
    DataClass("judges_comments", "Judges' comments", "deleted", _comments_due,
              lambda a: f"Assignment {a.id}: {a.comment[:60]}", _clear_comments),
    DataClass("invitations_unanswered", "Invitations not accepted", "deleted", _invitations_due,
              lambda i: f"{type(i).__name__} {i.id} of {i.created_at:%d %b %Y}", _delete),
    DataClass("reset_tokens", "Expired password reset tokens", "deleted", _tokens_due,
              lambda t: f"Token {t.id}, expired {t.expires_at:%d %b %Y}", _delete),
    DataClass("audit_ip", "IP addresses and browsers in the audit log", "anonymised", _audit_due,
              lambda e: f"{e.action} on {e.at:%d %b %Y}", _forget_origin),
    DataClass("outbox_sent", "Sent email", "deleted", _outbox_due,
              lambda m: f"{m.subject[:60]} ({m.sent_at:%d %b %Y})", _delete),
    DataClass("payee_bank_details", "Payees' bank details", "deleted", _bank_details_due,
              lambda p: f"Payee account {p.id} (…{p.last4})", _forget_bank_details),
    DataClass("diagnoses", "Problem diagnoses, their quotes and service users' stories", "deleted", _diagnoses_due,
              lambda d: f"Diagnosis {d.id}, last changed {d.updated_at:%d %b %Y}", _erase_diagnoses),
)


@dataclass(frozen=True)
class Line:
    data_class: DataClass
    period: str
    rows: list

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def examples(self) -> list[str]:
        return [self.data_class.example(r) for r in self.rows[:EXAMPLES]]


def preview(now: datetime) -> list[Line]:
    """What the next run would delete or anonymise, class by class (nothing changes)."""
    held = holds.held_challenge_ids()
    return [Line(c, describe(c.name), c.due(now, held)) for c in CLASSES]


def run(now: datetime, *, dry_run: bool = False) -> tuple[dict[str, int], RetentionRun | None]:
    """Delete or anonymise what is due; record the run (not for a dry run). Returns the counts and the run."""
    lines = preview(now)
    counts = {line.data_class.name: line.count for line in lines}
    if dry_run:
        return counts, None
    for line in lines:
        if line.rows:
            line.data_class.apply(line.rows, now)
    record = RetentionRun(ran_at=now, counts=counts, held=len(holds.held_challenge_ids()))
    db.session.add(record)
    db.session.flush()
    audit.record(None, "privacy.retention_run", record, now, data=counts)
    return counts, record


def recent_runs(limit: int = 10) -> list[RetentionRun]:
    return list(db.session.scalars(db.select(RetentionRun).order_by(RetentionRun.ran_at.desc(),
                                                                    RetentionRun.id.desc()).limit(limit)))
