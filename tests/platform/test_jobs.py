"""Background jobs (challenge/jobs) run inline, and the outbox sends each email once under at-least-once
delivery: a sender killed at any step and the job run again never sends a second email."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock, jobs
from challenge.extensions import db
from challenge.platform import outbox
from challenge.platform.models import OutboxMessage, OutboxState
from challenge.privacy.models import RetentionRun

MAIL = {"user": type("U", (), {"name": "Sam"})(), "link": "https://example.org/reset/x"}


class Killed(BaseException):
    """The worker dies here: nothing after this point runs (not even an `except Exception`)."""


class Sender:
    """A mail server that remembers what it took, and can tell whether it took a Message-ID."""

    def __init__(self):
        self.sent = []

    def send(self, email):
        self.sent.append(email)

    def delivered(self, message_id):
        return any(e["Message-ID"] == message_id for e in self.sent)


@pytest.fixture()
def sender(app, monkeypatch):
    fake = Sender()
    monkeypatch.setattr(outbox, "default_sender", lambda: fake)
    return fake


def queued(n=1) -> list[int]:
    messages = [outbox.queue("test", f"person{i}@example.org", "password_reset", clock.now(), **MAIL) for i in range(n)]
    db.session.commit()
    ids = [m.id for m in messages]
    outbox.discard_queued()  # left for the job, as if the request's own delivery never ran
    return ids


def state(message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def crash_before_claim_commits(monkeypatch, sender):
    monkeypatch.setattr(outbox, "as_email", lambda m: (_ for _ in ()).throw(Killed()))


def crash_before_sending(monkeypatch, sender):
    monkeypatch.setattr(sender, "send", lambda email: (_ for _ in ()).throw(Killed()))


def crash_after_the_server_took_it(monkeypatch, sender):
    def take_then_die(email):
        sender.sent.append(email)
        raise Killed()
    monkeypatch.setattr(sender, "send", take_then_die)


def crash_while_recording(monkeypatch, sender):
    monkeypatch.setattr(outbox, "_record", lambda *a: (_ for _ in ()).throw(Killed()))


@pytest.mark.parametrize("crash", [crash_before_claim_commits, crash_before_sending,
                                   crash_after_the_server_took_it, crash_while_recording])
def test_a_sender_killed_at_any_step_and_the_job_rerun_sends_each_email_once(app, sender, monkeypatch, crash):
    [first, second] = queued(2)
    with monkeypatch.context() as m:
        crash(m, sender)
        with pytest.raises(Killed):
            jobs.run("outbox.send")
    db.session.rollback()  # the dead worker's connection is gone
    jobs.run("outbox.send")  # delivered again at once: the claimed message is left to its (dead) sender
    assert state(second).state == OutboxState.SENT
    claimed = state(first).state
    assert claimed in (OutboxState.PENDING, OutboxState.SENT, OutboxState.SENDING)
    clock.travel(timedelta(seconds=app.config["OUTBOX_CLAIM_SECONDS"] + 1))
    jobs.run("outbox.send")
    jobs.run("outbox.send")
    assert state(first).state == OutboxState.SENT and state(second).state == OutboxState.SENT
    ids = [e["Message-ID"] for e in sender.sent]
    assert sorted(ids) == sorted({outbox.message_id(state(first)), outbox.message_id(state(second))})


def test_a_claimed_message_is_not_sent_by_a_second_run_until_its_claim_is_stale(app, sender):
    [message_id] = queued()
    message = db.session.get(OutboxMessage, message_id)
    message.state, message.claim_id, message.claimed_at = OutboxState.SENDING, "another-worker", clock.now()
    db.session.commit()
    assert outbox.send_due(clock.now()) == (0, 0) and sender.sent == []
    later = clock.now() + timedelta(seconds=app.config["OUTBOX_CLAIM_SECONDS"] + 1)
    assert outbox.send_due(later) == (1, 0) and len(sender.sent) == 1
    assert state(message_id).claim_id != "another-worker"


def test_the_message_id_is_the_same_at_every_attempt(app, sender, monkeypatch):
    [message_id] = queued()
    with monkeypatch.context() as m:
        m.setattr(sender, "send", lambda email: (_ for _ in ()).throw(OSError("connection refused")))
        assert outbox.send_due(clock.now()) == (0, 1)
    message = state(message_id)
    assert message.state == OutboxState.PENDING and message.attempts == 1 and "refused" in message.last_error
    assert outbox.send_due(clock.now() + timedelta(hours=1)) == (1, 0)
    [email] = sender.sent
    assert email["Message-ID"] == outbox.message_id(state(message_id))
    assert email["Message-ID"].startswith(f"<outbox-{message_id}.")


def test_the_eml_folder_tells_a_rerun_that_the_file_was_written(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    files = outbox.FileSender(str(tmp_path))
    [message_id] = queued()
    with monkeypatch.context() as m:
        m.setattr(outbox, "_record", lambda *a: (_ for _ in ()).throw(Killed()))
        with pytest.raises(Killed):
            outbox.send_due(clock.now(), files)
    db.session.rollback()
    assert outbox.send_due(clock.now() + timedelta(hours=1), files) == (1, 0)
    assert len(list(tmp_path.glob("*.eml"))) == 1 and state(message_id).state == OutboxState.SENT


def test_the_commands_run_the_jobs_and_list_the_schedule(app, runner, sender):
    queued(2)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "Sent 2 messages; 0 failed" in result.output and len(sender.sent) == 2
    listing = runner.invoke(args=["jobs", "list"]).output.splitlines()
    assert [line.split("\t")[0] for line in listing] == list(jobs.SCHEDULE)
    assert listing[0].startswith("outbox.send\tevery 1 minute\tQueue the closing-soon reminders")
    assert listing[list(jobs.SCHEDULE).index("privacy.retention")].startswith("privacy.retention\tevery 1 day\t")
    result = runner.invoke(args=["jobs", "run", "outbox.sned"])
    assert result.exit_code != 0 and "There is no job 'outbox.sned'" in result.output
    result = runner.invoke(args=["jobs", "run", "--queue", "privacy.retention"])
    assert result.exit_code == 0 and "No queue is configured" in result.output and "rows done." in result.output


def test_every_scheduled_job_runs_inline(app, sender):
    queued()
    reports = {name: jobs.run(name) for name in jobs.SCHEDULE}
    assert set(jobs.SCHEDULE) == set(jobs.JOBS)
    assert reports["outbox.send"].lines == ["Sent 1 message; 0 failed and will be retried."]
    assert reports["payouts.reconcile"].ok and reports["payouts.reconcile"].lines == []
    assert reports["uploads.sweep"].lines == ["0 orphan files removed."]
    assert db.session.scalar(db.select(db.func.count()).select_from(RetentionRun)) == 1
    assert all(r.ok for r in reports.values())


def test_a_failing_job_leaves_nothing_half_written(app, monkeypatch):
    def half_then_fail(now):
        outbox.queue("test", "x@example.org", "password_reset", now, **MAIL)
        db.session.flush()
        raise RuntimeError("boom")

    monkeypatch.setitem(jobs.JOBS, "test.fail", jobs.Job("test.fail", half_then_fail, "fails"))
    with pytest.raises(RuntimeError):
        jobs.run("test.fail")
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0


def test_the_analyze_job_gives_sqlite_its_statistics(app, runner, make_user, make_org, make_challenge):
    """On SQLite the daily job gathers the planner's statistics (a search then reads its narrow index); on
    PostgreSQL it leaves that to autovacuum and says so."""
    from sqlalchemy import text

    from challenge.extensions import db

    make_challenge(make_org(make_user()), "open")
    result = runner.invoke(args=["jobs", "run", "database.analyze"])
    assert result.exit_code == 0
    if db.engine.dialect.name == "sqlite":
        assert "Statistics refreshed" in result.output
        indexes = set(db.session.scalars(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'challenges'")))
        assert "ix_challenges_search_sort" in indexes
    else:
        assert "autovacuum" in result.output
    assert jobs.SCHEDULE["database.analyze"] == timedelta(days=1)
