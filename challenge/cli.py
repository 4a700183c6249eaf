"""Commands: `flask db …` (Flask-Migrate, loaded when used), `flask demo`, `flask users …`, `flask outbox send`,
`flask payouts retry|reconcile`, `flask uploads sweep`, `flask privacy retention`, `flask storage migrate`,
`flask jobs list|run`. The periodic ones run the jobs of challenge/jobs inline."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from challenge import clock
from challenge.extensions import db
from challenge.words import count

users = AppGroup("users", help="Manage accounts.")
outbox_cli = AppGroup("outbox", help="Send queued email.")
payouts_cli = AppGroup("payouts", help="Pay winners and check the money.")
uploads_cli = AppGroup("uploads", help="Look after attachment files.")
privacy_cli = AppGroup("privacy", help="Data protection: the retention schedule.")
storage_cli = AppGroup("storage", help="Where uploaded files live: the local folder or an S3 bucket.")
jobs_cli = AppGroup("jobs", help="Background and periodic jobs (inline, or on a Celery worker).")


@users.command("make-broker")
@click.argument("email")
@click.option("--undo", is_flag=True, help="Take the broker role away instead.")
def make_broker(email: str, undo: bool) -> None:
    """Make the account with EMAIL a broker (platform staff), or no longer one with --undo."""
    from challenge.accounts.services import find_user_by_email
    from challenge.admin.services import set_broker

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email address {email}")
    set_broker(user, not undo, None, clock.now(), reason="flask users make-broker")
    db.session.commit()
    click.echo(f"{user.email} is {'no longer' if undo else 'now'} a broker.")


@users.command("reset-second-factor")
@click.argument("email")
@click.option("--reason", required=True, help="Why, and how you checked who asked (kept in the audit log).")
def reset_second_factor(email: str, reason: str) -> None:
    """Remove the authenticator of the account with EMAIL, whose phone and recovery codes are all lost."""
    from challenge.accounts import twofactor
    from challenge.accounts.services import find_user_by_email
    from challenge.errors import FieldError

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email address {email}")
    try:
        twofactor.reset(user, reason, clock.now())
    except FieldError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"{user.email} has no sign-in codes now, is signed out everywhere and has no API tokens; "
               "they set up a new authenticator app at their next sign-in if their role needs one.")


@users.command("list")
@click.option("--brokers", is_flag=True, help="Only brokers.")
def list_users(brokers: bool) -> None:
    """List accounts: email, name, and whether each is a broker or deactivated."""
    from challenge.accounts.models import User

    stmt = db.select(User).order_by(User.email)
    if brokers:
        stmt = stmt.where(User.is_broker.is_(True))
    for user in db.session.scalars(stmt):
        flags = [f for f, on in (("broker", user.is_broker), ("deactivated", not user.is_active_account)) if on]
        click.echo(f"{user.email}\t{user.name}" + (f"\t{', '.join(flags)}" if flags else ""))


@outbox_cli.command("send")
def outbox_send() -> None:
    """Queue reminders that have come due, send queued email that is due, and retry what failed before."""
    _run_job("outbox.send")


@payouts_cli.command("retry")
def payouts_retry() -> None:
    """Release ready payouts, retry stale processing ones (same key) and pending refunds."""
    _run_job("payouts.retry")


@payouts_cli.command("reconcile")
def payouts_reconcile() -> None:
    """Compare the ledger with our records and the provider, alert brokers of new mismatches once; exit 1
    when anything disagrees."""
    if _run_job("payouts.reconcile"):
        click.echo("The ledger, the records and the provider agree.")


def _run_job(name: str) -> bool:
    """Run a job inline (challenge/jobs), print what it did; exit 1 when it found something wrong."""
    from challenge import jobs

    report = jobs.run(name)
    for line in report.lines:
        click.echo(line)
    if not report.ok:
        raise click.exceptions.Exit(1)
    return True


@jobs_cli.command("list")
def jobs_list() -> None:
    """The periodic schedule: each job, how often it runs, and what it does."""
    from challenge import jobs
    from challenge.jobs import tasks  # noqa: F401

    for name, every in jobs.SCHEDULE.items():
        click.echo(f"{name}\tevery {_every(every)}\t{jobs.JOBS[name].what}")


def _every(interval) -> str:
    """`1 minute`, `5 minutes`, `1 hour`, `1 day`: an interval of the schedule in words."""
    seconds = int(interval.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            return count(seconds // size, unit)
    return count(seconds, "second")


@jobs_cli.command("run")
@click.argument("name")
@click.option("--queue", is_flag=True, help="Send it to the queue (JOBS_BROKER_URL) instead of running it here.")
def jobs_run(name: str, queue: bool) -> None:
    """Run the job NAME now (see `flask jobs list`), here or, with --queue, on a worker."""
    from flask import current_app

    from challenge import jobs
    from challenge.jobs import tasks  # noqa: F401

    if name not in jobs.JOBS:
        raise click.ClickException(f"There is no job {name!r}; `flask jobs list` lists them.")
    if queue and current_app.config.get("JOBS_BROKER_URL"):
        jobs.enqueue(name)
        click.echo(f"{name} sent to the queue.")
        return
    if queue:
        click.echo("No queue is configured (JOBS_BROKER_URL): running it here.")
    _run_job(name)


def _echo_broker_key() -> None:
    """Brokers sign in with a code from an authenticator app: print the demo broker's key to add to one."""
    from challenge.accounts import twofactor
    from challenge.accounts.models import User

    broker = db.session.scalar(db.select(User).where(User.email == "broker@example.org"))
    secret = twofactor.secret_of(twofactor.factor_of(broker))
    click.echo(f"The broker also needs a sign-in code, from an app given this authenticator key: {secret}")
    click.echo(f"  (or open {twofactor.provisioning_uri(broker, secret)};"
               f" or run: python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\")")
    click.echo("Owners of organisations that pay into a prize pool are asked to set up sign-in codes at sign-in.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def demo(if_empty: bool) -> None:
    """Load a believable world of councils, trusts, challenges, creators and submissions."""
    from challenge.accounts.models import User
    from demo import SHARED_PASSWORD, accounts_to_try, load

    if if_empty and db.session.scalar(db.select(db.func.count(User.id))):
        click.echo("The database already has data; demo data not loaded.")
        return
    password = load(clock.now())
    db.session.commit()
    click.echo(f"Demo data loaded. Broker: broker@example.org / {password}")
    _echo_broker_key()
    click.echo(f"Every other demo account (seekers like seeker@camden.example.org, creators) uses: {SHARED_PASSWORD}")
    for line in accounts_to_try():
        click.echo(f"  {line}")


@uploads_cli.command("sweep")
@click.option("--older-than", "minutes", type=click.IntRange(min=1), default=60, show_default=True,
              help="Spare files younger than this many minutes (their upload may still be committing).")
@click.option("--dry-run", is_flag=True, help="Only list the files that would be removed.")
def uploads_sweep(minutes: int, dry_run: bool) -> None:
    """Remove attachment files that no submission's row points to (left by an upload killed mid-way)."""
    from datetime import timedelta

    from challenge.submissions.sweep import sweep

    orphans = sweep(clock.now(), timedelta(minutes=minutes), dry_run=dry_run)
    db.session.rollback()
    for orphan in orphans:
        click.echo(f"{'would remove' if dry_run else 'removed'} {orphan.name} ({orphan.size} bytes, "
                   f"written {orphan.modified_at:%Y-%m-%d %H:%M} UTC)")
    click.echo(f"{count(len(orphans), 'orphan file')} {'found' if dry_run else 'removed'}.")


@storage_cli.command("migrate")
def storage_migrate() -> None:
    """Copy every file of the local UPLOAD_FOLDER into the bucket named by STORAGE_URL, checking each one's
    sha256 after the copy; files already there are checked, not copied again. Exits 1 on any mismatch."""
    from challenge.platform import filestore
    from challenge.submissions import storage

    target = filestore.current()
    if isinstance(target, filestore.LocalFolder):
        raise click.ClickException("Set STORAGE_URL=s3://bucket/prefix (and the AWS_* variables) to say where to "
                                   "copy the files to; it is empty, so the files are already where they are used.")
    source = filestore.LocalFolder(current_app.config["UPLOAD_FOLDER"])
    click.echo(f"Copying from {source.describe()} to {target.describe()}…")
    report = filestore.copy_all(source, target, storage.is_file_name)
    for name in report.mismatched:
        click.echo(f"MISMATCH {name}: the bucket's copy has another sha256 than the local file", err=True)
    click.echo(f"{count(len(report.copied), 'file')} copied and verified, {len(report.already_there)} already there "
               f"(verified), {len(report.mismatched)} mismatched.")
    if report.mismatched:
        raise SystemExit(1)


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Only count what is due; change nothing and record no run.")
def privacy_retention(dry_run: bool) -> None:
    """Delete or anonymise what the retention schedule (RETENTION) says is due; safe to run twice. Nothing of
    a challenge on legal hold is touched. Each real run is recorded for the broker's privacy page."""
    from challenge.privacy import retention

    if not dry_run:
        _run_job("privacy.retention")
        return
    counts, _ = retention.run(clock.now(), dry_run=True)
    db.session.rollback()
    for name, n in counts.items():
        click.echo(f"{name}: {n} due")
    click.echo(f"{count(sum(counts.values()), 'row')} due (dry run: nothing changed).")


def bind_migrations(app: Flask) -> None:
    """Bind Flask-Migrate to the app (migrations/, batch mode for SQLite, column types compared): what
    `flask db …` and a test's `flask_migrate.upgrade()` need. create_app does not: Flask-Migrate loads
    Alembic, Mako and Pygments, ~11 MB in every web worker that never migrates (tests/test_memory.py)."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from challenge import ROOT

    Migrate(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)


class MigrationCommands(click.Group):
    """`flask db …`: Flask-Migrate's own group (its options, its commands), taken over when `flask db` is
    parsed, which is also when the app is bound to it. The app's context is there already: FlaskGroup
    pushed it to find this command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from flask_migrate.cli import db as flask_migrate_group

        bind_migrations(current_app._get_current_object())
        self.params, self.callback = flask_migrate_group.params, flask_migrate_group.callback
        self.commands = flask_migrate_group.commands
        return super().parse_args(ctx, args)


def register_cli(app: Flask) -> None:
    app.cli.add_command(MigrationCommands("db", help="Perform database migrations (Flask-Migrate)."))
    app.cli.add_command(users)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(payouts_cli)
    app.cli.add_command(uploads_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(storage_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(demo)
