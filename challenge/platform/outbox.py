"""Email through an outbox.

`queue()` writes the message in the caller's transaction, so a change and the email it causes are
saved together or not at all. After the request commits, `deliver_queued()` sends what this request
queued; `send_due()` (the `flask outbox send` command) sends anything still pending and retries
failures with a growing delay.
"""
from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from collections.abc import Callable
from typing import Protocol

from flask import current_app, render_template
from sqlalchemy import inspect

from challenge.extensions import db
from challenge.platform.models import OutboxMessage, OutboxState

MAX_ATTEMPTS = 8
_SESSION_KEY = "outbox_queued"

# Email a person may refuse (not strictly needed to use the platform), and the hooks a higher package
# registers for it (challenge/privacy/consent.py): WANTED(kind, to_email) says whether the person still takes
# it (queue() skips it otherwise); HEADERS(kind, to_email) gives the List-Unsubscribe headers (RFC 8058).
OPTIONAL_KINDS = frozenset({"challenge.update", "challenge.closing_soon"})
WANTED: list[Callable[[str, str], bool]] = []
HEADERS: list[Callable[[str, str], dict[str, str]]] = []


class MailSender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SMTPSender:
    def __init__(self, config):
        self.config = config

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.config["MAIL_SERVER"], self.config["MAIL_PORT"], timeout=20) as smtp:
            if self.config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if self.config.get("MAIL_USERNAME"):
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
            smtp.send_message(message)


class FileSender:
    """Writes each message as an .eml file a person can open, when no SMTP server is configured."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.utcnow().strftime("%Y%m%dT%H%M%S")
        name = f"{stamp}-{message['X-Outbox-Id']}.eml"
        (self.folder / name).write_bytes(bytes(message))


def default_sender() -> MailSender:
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SMTPSender(config)
    return FileSender(config["MAIL_FOLDER"])


def queue(kind: str, to_email: str, template: str, now: datetime, **context) -> OutboxMessage | None:
    """Queue an email rendered from `templates/mail/<template>.txt` (first line: the subject); None for an
    optional kind the person has unsubscribed from."""
    if kind in OPTIONAL_KINDS and not all(wanted(kind, to_email) for wanted in WANTED):
        return None
    text = render_template(f"mail/{template}.txt", **context).lstrip()
    subject, _, body = text.partition("\n")
    message = OutboxMessage(
        kind=kind, to_email=to_email, subject=one_line(subject)[:200], body=body.strip() + "\n",
        created_at=now, next_attempt_at=now,
    )
    db.session.add(message)
    db.session.info.setdefault(_SESSION_KEY, []).append(message)
    return message


def one_line(text: str) -> str:
    """A subject on one line: a title with a tab, a carriage return or doubled spaces reads as one line."""
    return " ".join(text.split())


def _as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="challenge-exchange.local")
    email["X-Outbox-Id"] = str(message.id)
    if message.kind in OPTIONAL_KINDS:
        for hook in HEADERS:
            for name, value in hook(message.kind, message.to_email).items():
                email[name] = value
    email.set_content(message.body)
    return email


def _attempt(message: OutboxMessage, sender: MailSender, now: datetime) -> bool:
    message.attempts += 1
    try:
        sender.send(_as_email(message))
    except Exception as exc:  # any transport failure is retried later
        message.last_error = str(exc)[:1000]
        message.state = OutboxState.FAILED if message.attempts >= MAX_ATTEMPTS else OutboxState.PENDING
        message.next_attempt_at = now + timedelta(minutes=2 ** message.attempts)
        return False
    message.state = OutboxState.SENT
    message.sent_at = now
    message.last_error = ""
    return True


def deliver_queued(now: datetime, sender: MailSender | None = None) -> int:
    """Send the messages queued in this session's committed transaction. Call after commit."""
    queued = db.session.info.pop(_SESSION_KEY, [])
    if not queued:
        return 0
    sender = sender or default_sender()
    sent = 0
    for message in queued:
        if not inspect(message).persistent or message.state != OutboxState.PENDING:
            continue  # rolled back, or already handled
        sent += _attempt(message, sender, now)
    db.session.commit()
    return sent


def discard_queued() -> None:
    """Forget what this session queued (its transaction was rolled back)."""
    db.session.info.pop(_SESSION_KEY, None)


def send_due(now: datetime, sender: MailSender | None = None, limit: int = 500) -> tuple[int, int]:
    """Send pending messages whose time has come. Returns (sent, failed)."""
    sender = sender or default_sender()
    due = db.session.scalars(
        db.select(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for message in due:
        if _attempt(message, sender, now):
            sent += 1
        else:
            failed += 1
        db.session.commit()
    return sent, failed
