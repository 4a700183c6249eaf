"""Commands: `flask demo`, `flask users …`, `flask outbox send`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from challenge import clock
from challenge.extensions import db

users = AppGroup("users", help="Manage accounts.")
outbox_cli = AppGroup("outbox", help="Send queued email.")


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
    """Queue reminders that have come due, send queued email that is due, and retry what failed before."""
    from challenge.challenges.conversation import queue_closing_reminders
    from challenge.platform.outbox import send_due

    reminders = queue_closing_reminders(clock.now())
    db.session.commit()
    if reminders:
        click.echo(f"Queued {reminders} closing-soon reminder(s).")
    sent, failed = send_due(clock.now())
    click.echo(f"Sent {sent} message(s); {failed} failed and will be retried.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def demo(if_empty: bool) -> None:
    """Load a believable world of councils, trusts, challenges, creators and submissions."""
    from challenge.accounts.models import User
    from challenge.demo import SHARED_PASSWORD, load

    if if_empty and db.session.scalar(db.select(db.func.count(User.id))):
        click.echo("The database already has data; demo data not loaded.")
        return
    password = load(clock.now())
    db.session.commit()
    click.echo(f"Demo data loaded. Broker: broker@example.org / {password}")
    click.echo(f"Every other demo account (seekers like seeker@camden.example.org, creators) uses: {SHARED_PASSWORD}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(demo)
