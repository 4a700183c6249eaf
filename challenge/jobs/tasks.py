"""The jobs themselves: each takes the time and returns what it did; `challenge.jobs.run` gives it its unit of work."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from challenge.errors import DomainError
from challenge.extensions import db
from challenge.jobs import Report, job
from challenge.platform import tx
from challenge.words import count

# Judges of a round whose deadline is this close are reminded (at most once per REMIND_EVERY).
REMIND_BEFORE = timedelta(hours=48)


@job("outbox.send")
def send_outbox(now: datetime) -> Report:
    """Queue the closing-soon reminders that came due, then send due email and retry what failed."""
    from challenge.challenges.conversation import queue_closing_reminders
    from challenge.platform.outbox import send_due

    reminders = queue_closing_reminders(now)
    tx.commit()
    lines = [f"Queued {count(reminders, 'closing-soon reminder')}."] if reminders else []
    sent, failed = send_due(now)
    return Report(lines + [f"Sent {count(sent, 'message')}; {failed} failed and will be retried."])


@job("webhooks.send")
def send_webhooks(now: datetime) -> Report:
    """Raise challenge.closed for challenges that closed, send due webhooks, retry failed ones, prune the log."""
    from challenge.submissions.closing import announce_closes
    from challenge.webhooks.sending import prune, send_due

    raised = announce_closes(now)
    prune(now)
    tx.commit()
    delivered, failed = send_due(now)
    lines = [f"Raised {count(raised, 'challenge.closed delivery', 'challenge.closed deliveries')}."] if raised else []
    return Report(lines + [f"Delivered {count(delivered, 'webhook')}; {failed} failed and will be retried."])


@job("payouts.retry")
def retry_payouts(now: datetime) -> Report:
    """Release ready payouts, retry stale processing ones (same idempotency key) and pending refunds."""
    from challenge.payouts import refunds, release

    delay = timedelta(seconds=int(current_app.config["PAYOUTS_RETRY_AFTER_SECONDS"]))
    lines = [f"payout {o.payout_id}: {o.state}: {o.message}" for o in release.retry_due(now, delay)]
    lines += [f"refund {r.id}: {r.state}" for r in refunds.process_refunds(refunds.due_refunds(), None, now)]
    return Report(lines)


@job("payouts.reconcile")
def reconcile_payouts(now: datetime) -> Report:
    """Compare the ledger with our records and the provider; alert the brokers once per new mismatch."""
    from challenge.jobs.alerts import alert_brokers
    from challenge.payouts.reconcile import reconcile

    mismatches = reconcile(now)
    new = alert_brokers(mismatches, now)
    lines = [str(m) for m in mismatches]
    if new:
        lines.append(f"Brokers alerted of {count(len(new), 'new mismatch', 'new mismatches')}.")
    return Report(lines, ok=not mismatches)


@job("judging.remind")
def remind_judges(now: datetime) -> Report:
    """Remind the judges with sheets left in each round whose deadline is within 48 hours (once a day at most)."""
    from challenge.judging.assignment import REMIND_EVERY, remind_judges as remind
    from challenge.judging.models import Round, RoundState

    due = db.session.scalars(db.select(Round.id).where(
        Round.state == RoundState.OPEN, Round.closes_at > now, Round.closes_at <= now + REMIND_BEFORE,
        db.or_(Round.reminded_at.is_(None), Round.reminded_at <= now - REMIND_EVERY)).order_by(Round.id)).all()
    lines = []
    for round_id in due:
        round_ = tx.lock(Round, round_id)  # two runs at once: the second sees reminded_at and is refused
        try:
            with db.session.begin_nested():
                judges = remind(round_, None, now)
        except DomainError as exc:
            lines.append(f"round {round_id}: {exc.message}")
            continue
        tx.commit()
        lines.append(f"round {round_id}: reminded {count(judges, 'judge')}")
    return Report(lines)


@job("judging.peoples_choice")
def announce_peoples_choice(now: datetime) -> Report:
    """Announce (and award) the people's choice of each vote that closed after the results were published."""
    from challenge.challenges.models import Challenge
    from challenge.judging.models import Decision, JudgingSettings
    from challenge.judging.publication import announce_vote

    due = db.session.scalars(db.select(JudgingSettings.challenge_id).join(
        Decision, (Decision.challenge_id == JudgingSettings.challenge_id) & (Decision.kind == "final"))
        .where(JudgingSettings.peoples_choice.is_(True), JudgingSettings.vote_closes_at <= now,
               JudgingSettings.vote_announced_at.is_(None), Decision.published_at.is_not(None))
        .order_by(JudgingSettings.challenge_id)).all()
    lines = []
    for challenge_id in due:
        try:
            with db.session.begin_nested():
                winner = announce_vote(db.session.get(Challenge, challenge_id), None, now)
        except DomainError as exc:  # the pool cannot cover the prize, say: the broker awards it from the money page
            lines.append(f"challenge {challenge_id}: {exc.message}")
            continue
        tx.commit()
        lines.append(f"challenge {challenge_id}: " + (f"the people's choice is {winner.reference}" if winner
                                                      else "nothing to announce (no votes, or another run was first)"))
    return Report(lines)


@job("uploads.sweep")
def sweep_uploads(now: datetime, grace: timedelta = timedelta(minutes=60)) -> Report:
    """Remove attachment files that no submission points to (left by an upload killed mid-way)."""
    from challenge.submissions.sweep import sweep

    orphans = sweep(now, grace)
    return Report([f"removed {o.name} ({o.size} bytes, written {o.modified_at:%Y-%m-%d %H:%M} UTC)"
                   for o in orphans] + [f"{count(len(orphans), 'orphan file')} removed."])


@job("privacy.retention")
def apply_retention(now: datetime) -> Report:
    """Delete or anonymise what the retention schedule says is due (safe to run twice)."""
    from challenge.privacy import retention

    counts, _ = retention.run(now)
    return Report([f"{name}: {n} done" for name, n in counts.items()]
                  + [f"{count(sum(counts.values()), 'row')} done."])


@job("database.analyze")
def analyze_database(now: datetime) -> Report:
    """Refresh the query planner's statistics on SQLite (PostgreSQL's autovacuum does it there by itself)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return Report([f"Nothing to do on {engine.dialect.name}: its autovacuum keeps the statistics."])
    # Without statistics SQLite guesses from the indexes' shapes alone, and a catalogue search read every match's
    # wide row rather than the narrow index made for it (ix_challenges_search_sort): 4.9 ms instead of 2.9 ms.
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return Report(["Statistics refreshed (ANALYZE)."])
