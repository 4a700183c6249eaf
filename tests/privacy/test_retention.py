"""Retention (issue 14 point 3): each class of the schedule deletes or anonymises what is due and nothing
else, a dry run changes nothing, a second run does nothing, a legal hold keeps a challenge's data, and each
real run leaves a report row for brokers."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.accounts.models import Invitation, PasswordResetToken
from challenge.extensions import db
from challenge.judging.models import Assignment, Decision, PanelInvitation
from challenge.payouts.models import LedgerEntry, PayeeAccount
from challenge.platform import audit
from challenge.platform.models import AuditEvent, OutboxMessage, OutboxState
from challenge.privacy import holds, retention
from challenge.privacy.models import RetentionRun
from challenge.submissions import storage
from challenge.submissions.models import Attachment, Submission, SubmissionState, TeamInvitation
from tests.privacy.privacy_helpers import settle

YEARS_3 = timedelta(days=3 * 365)


def decided_long_ago(w) -> None:
    """The challenge was decided three years ago: the creator's entry lost (the world's award to it was
    withdrawn), the other won."""
    db.session.add(Decision(challenge_id=w.challenge.id, round_id=w.round.id, kind="final",
                            decided_by_id=w.chair.id, decided_at=clock.now() - YEARS_3))
    w.sub.state, w.other_sub.state = SubmissionState.NOT_SELECTED, SubmissionState.WINNER
    w.award.cancelled_at, w.award.cancel_reason = clock.now() - YEARS_3, "Withdrawn"
    w.assignment.comment = "Thin budget."
    db.session.commit()


def old_traces(w) -> None:
    """An IP address in an old audit event, an old sent email, an old expired reset token."""
    long_ago = clock.now() - timedelta(days=400)
    db.session.add(AuditEvent(action="signin", object_type="user", object_id=w.creator.id, ip="203.0.113.9",
                              user_agent="Firefox", at=long_ago, data={}, reason=""))
    db.session.add(OutboxMessage(kind="note", to_email="cara@example.org", subject="Old", body="Old news.",
                                 state=OutboxState.SENT, created_at=long_ago, next_attempt_at=long_ago,
                                 sent_at=long_ago))
    db.session.add(PasswordResetToken(user_id=w.creator.id, token_hash="a" * 64, expires_at=long_ago))
    for model in (Invitation, PanelInvitation, TeamInvitation):
        for row in db.session.scalars(db.select(model)):
            row.created_at = long_ago
    db.session.commit()


def counts() -> dict:
    return retention.run(clock.now(), dry_run=True)[0]


def test_nothing_is_due_in_a_fresh_world(world):
    assert set(counts().values()) == {0}


def test_the_dry_run_counts_and_changes_nothing(world):
    decided_long_ago(world)
    old_traces(world)
    due = counts()
    assert due == {"unsuccessful_entries": 1, "judges_comments": 1, "invitations_unanswered": 3,
                   "reset_tokens": 1, "audit_ip": 1, "outbox_sent": 1, "payee_bank_details": 0,
                   "diagnoses": 0}
    db.session.rollback()
    assert db.session.get(Submission, world.sub.id).title == "Phone befriending"
    assert db.session.scalar(db.select(RetentionRun)) is None
    assert counts() == due


def test_the_commands_dry_run_says_what_is_due_and_records_nothing(world, runner):
    decided_long_ago(world)
    result = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert result.exit_code == 0
    assert "unsuccessful_entries: 1 due" in result.output and "dry run: nothing changed" in result.output
    db.session.rollback()
    assert db.session.get(Submission, world.sub.id).title == "Phone befriending"
    assert db.session.scalar(db.select(RetentionRun)) is None


def test_the_run_deletes_and_anonymises_what_is_due_and_only_that(world, runner):
    decided_long_ago(world)
    old_traces(world)
    attachment_file = storage.path_of(world.attachment.stored_name)
    ledger = db.session.scalar(db.select(db.func.count()).select_from(LedgerEntry))
    result = runner.invoke(args=["privacy", "retention"])
    assert result.exit_code == 0, result.output
    assert "unsuccessful_entries: 1 done" in result.output
    db.session.rollback()
    sub = db.session.get(Submission, world.sub.id)
    assert sub.title == retention.REMOVED_TITLE and sub.description == ""
    assert db.session.scalar(db.select(Attachment).where(Attachment.submission_id == sub.id)) is None
    assert not attachment_file.exists()
    assert db.session.get(Submission, world.other_sub.id).title == "Walking groups"  # the winner's is kept
    assert db.session.get(Assignment, world.assignment.id).comment == ""
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.ip == "203.0.113.9")) is None
    old = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "signin"))  # the event is kept
    assert (old.ip, old.user_agent, old.object_id) == ("", "", world.creator.id)
    assert db.session.scalar(db.select(db.func.count()).select_from(LedgerEntry)) == ledger  # the books are kept
    [run] = db.session.scalars(db.select(RetentionRun))
    assert run.counts["unsuccessful_entries"] == 1 and run.counts["audit_ip"] == 1


def test_a_second_run_does_nothing(world, runner):
    decided_long_ago(world)
    old_traces(world)
    assert runner.invoke(args=["privacy", "retention"]).exit_code == 0
    result = runner.invoke(args=["privacy", "retention"])
    assert "0 rows done" in result.output
    db.session.rollback()
    runs = list(db.session.scalars(db.select(RetentionRun).order_by(RetentionRun.id)))
    assert len(runs) == 2 and set(runs[1].counts.values()) == {0}


def test_a_legal_hold_keeps_the_challenges_data(world):
    decided_long_ago(world)
    old_traces(world)
    holds.place(world.challenge, "A claim about the award", world.broker, clock.now())
    db.session.commit()
    due = counts()
    assert due["unsuccessful_entries"] == 0 and due["judges_comments"] == 0
    assert due["invitations_unanswered"] == 1  # the organisation's invitation is not the challenge's
    retention.run(clock.now())
    db.session.commit()
    assert db.session.get(Submission, world.sub.id).title == "Phone befriending"
    assert storage.path_of(world.attachment.stored_name) is not None


def test_an_entry_with_a_live_award_is_kept(world):
    decided_long_ago(world)
    world.award.cancelled_at = None
    db.session.commit()
    assert counts()["unsuccessful_entries"] == 0


def test_the_period_comes_from_configuration(world, app, monkeypatch):
    decided_long_ago(world)
    monkeypatch.setitem(app.config, "RETENTION", {**app.config["RETENTION"], "unsuccessful_entries": {"years": 5},
                                                  "judges_comments": {"years": 5}})
    due = counts()
    assert due["unsuccessful_entries"] == 0 and due["judges_comments"] == 0


def test_bank_details_go_a_year_after_the_last_payout(world):
    now = clock.now()
    account = PayeeAccount(user_id=world.creator.id, provider="manual", account_holder="C Creator",
                           bank_details_encrypted="sealed", last4="1234", created_at=now, updated_at=now)
    db.session.add(account)
    db.session.commit()
    assert counts()["payee_bank_details"] == 0  # the payout is not settled
    settle(world.payout)
    assert counts()["payee_bank_details"] == 0  # settled, but today
    clock.travel(timedelta(days=400))
    assert counts()["payee_bank_details"] == 1
    retention.run(clock.now())
    db.session.commit()
    assert db.session.get(PayeeAccount, account.id).bank_details_encrypted == ""


def test_brokers_see_the_preview_and_the_runs(world, client, login):
    decided_long_ago(world)
    retention.run(clock.now() - timedelta(days=1))
    db.session.commit()
    login(world.broker)
    page = client.get("/admin/privacy")
    assert page.status_code == 200
    assert b"Unsuccessful entries and their files" in page.data
    assert world.sub.reference.encode() not in page.data  # the run already anonymised it
    assert b"Past runs" in page.data


@pytest.mark.parametrize("who", ["creator", "seeker", "judge"])
def test_only_brokers_see_the_retention_page(world, client, login, who):
    login(getattr(world, who))
    assert client.get("/admin/privacy").status_code == 404
