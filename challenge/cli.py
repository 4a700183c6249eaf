"""Commands: `flask demo`, `flask users …`, `flask outbox send`, `flask payouts retry|reconcile`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from challenge import clock
from challenge.extensions import db

users = AppGroup("users", help="Manage accounts.")
outbox_cli = AppGroup("outbox", help="Send queued email.")
payouts_cli = AppGroup("payouts", help="Pay winners and check the money.")


@users.command("make-broker")
@click.argument("email")
def make_broker(email: str) -> None:
    """Make the account with EMAIL a broker (platform staff)."""
    from challenge.accounts.services import find_user_by_email
    from challenge.platform import audit

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email address {email}")
    user.is_broker = True
    audit.record(None, "user.make_broker", user, clock.now())
    db.session.commit()
    click.echo(f"{user.email} is now a broker.")


@outbox_cli.command("send")
def outbox_send() -> None:
    """Send queued email that is due, and retry what failed before."""
    from challenge.platform.outbox import send_due

    sent, failed = send_due(clock.now())
    click.echo(f"Sent {sent} message(s); {failed} failed and will be retried.")


@payouts_cli.command("retry")
def payouts_retry() -> None:
    """Release ready payouts, retry stale processing ones (same key) and pending refunds."""
    from datetime import timedelta

    from flask import current_app

    from challenge.payouts import refunds, release

    delay = timedelta(seconds=int(current_app.config["PAYOUTS_RETRY_AFTER_SECONDS"]))
    for outcome in release.retry_due(clock.now(), delay):
        click.echo(f"payout {outcome.payout_id}: {outcome.state}: {outcome.message}")
    for refund in refunds.process_refunds(refunds.due_refunds(), None, clock.now()):
        click.echo(f"refund {refund.id}: {refund.state}")


@payouts_cli.command("reconcile")
def payouts_reconcile() -> None:
    """Compare the ledger with our records and the provider; exit 1 when anything disagrees."""
    from challenge.payouts.reconcile import reconcile

    mismatches = reconcile(clock.now())
    for mismatch in mismatches:
        click.echo(str(mismatch))
    if mismatches:
        raise click.exceptions.Exit(1)
    click.echo("The ledger, the records and the provider agree.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def demo(if_empty: bool) -> None:
    """Load a believable world of councils, trusts, challenges, creators and submissions."""
    from challenge.accounts.models import User
    from challenge.demo import load

    if if_empty and db.session.scalar(db.select(db.func.count(User.id))):
        click.echo("The database already has data; demo data not loaded.")
        return
    password = load(clock.now())
    db.session.commit()
    click.echo(f"Demo data loaded. Broker: broker@example.org / {password}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(payouts_cli)
    app.cli.add_command(demo)
