"""Email through an outbox.

`queue()` writes the message in the caller's transaction, so a change and the email it causes are
saved together or not at all. After the request commits, `deliver_queued()` sends what this request
queued; `send_due()` (the outbox job: `flask outbox send` or the queue's worker) sends anything still
pending and retries failures with a growing delay. Each send claims its message first (state sending, a
claim id, under the row's lock), so a job delivered twice or a worker killed mid-send never sends an email
twice (`send_one`).
"""
from __future__ import annotations

import smtplib
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
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
        partial = self.folder / f".{name}.part"
        partial.write_bytes(bytes(message))
        partial.replace(self.folder / name)  # a whole file or none: what is there was delivered

    def delivered(self, message_id: str) -> bool:
        """Whether a message with this Message-ID is already in the folder."""
        needle = f"Message-ID: {message_id}".encode()
        return any(needle in path.read_bytes() for path in self.folder.glob("*.eml"))


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


def message_id(message: OutboxMessage) -> str:
    """The email's Message-ID, the same at every attempt: a receiving server or mail client that sees the
    same message twice (a sender died after the server took it) can tell it is one email."""
    return f"<outbox-{message.id}.{message.created_at:%Y%m%d%H%M%S}@challenge-exchange.local>"


def as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email["Message-ID"] = message_id(message)
    email["X-Outbox-Id"] = str(message.id)
    if message.kind in OPTIONAL_KINDS:
        for hook in HEADERS:
            for name, value in hook(message.kind, message.to_email).items():
                email[name] = value
    email.set_content(message.body)
    return email


def _claim_timeout() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("OUTBOX_CLAIM_SECONDS", 300)))


def _claim(message_id_: int, now: datetime) -> tuple[EmailMessage, str, bool] | None:
    """Step 1, under the row's lock: take a due message (pending, or held by a sender that died) for this
    attempt and commit. Returns the email, the claim and whether an earlier attempt may have sent it."""
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.id == message_id_)
                                .with_for_update().execution_options(populate_existing=True))
    due = message is not None and (
        (message.state == OutboxState.PENDING and message.next_attempt_at <= now)
        or (message.state == OutboxState.SENDING and message.claimed_at <= now - _claim_timeout()))
    if not due:
        db.session.rollback()
        return None
    retaken = message.state == OutboxState.SENDING
    message.state, message.claim_id, message.claimed_at = OutboxState.SENDING, uuid.uuid4().hex, now
    message.attempts += 1
    email, claim = as_email(message), message.claim_id
    db.session.commit()
    return email, claim, retaken


def _record(message_id_: int, claim: str, error: Exception | None, now: datetime) -> bool:
    """Step 3, under the lock: the outcome of this attempt, if the message is still this attempt's."""
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.id == message_id_)
                                .with_for_update().execution_options(populate_existing=True))
    if message is None or message.state != OutboxState.SENDING or message.claim_id != claim:
        db.session.rollback()  # taken over after a timeout: the other attempt records
        return False
    if error is None:
        message.state, message.sent_at, message.last_error = OutboxState.SENT, now, ""
    else:
        message.last_error = str(error)[:1000]
        message.state = OutboxState.FAILED if message.attempts >= MAX_ATTEMPTS else OutboxState.PENDING
        message.next_attempt_at = now + timedelta(minutes=2 ** message.attempts)
    db.session.commit()
    return error is None


def send_one(message_id_: int, sender: MailSender, now: datetime) -> bool | None:
    """Send one message at most once: claim it (commit), send outside any transaction, record (commit).

    A sender that dies after the mail server took the message leaves it `sending`; after
    OUTBOX_CLAIM_SECONDS another run takes it over and first asks the sender whether that Message-ID was
    delivered (a sender that can tell: the .eml folder) — then it is recorded as sent, not sent again.
    Returns True (sent), False (failed, retried later) or None (not due, or another sender has it)."""
    claimed = _claim(message_id_, now)
    if claimed is None:
        return None
    email, claim, retaken = claimed
    delivered = getattr(sender, "delivered", None)
    if retaken and delivered is not None and delivered(email["Message-ID"]):
        return _record(message_id_, claim, None, now)
    try:
        sender.send(email)
    except Exception as exc:  # any transport failure is retried later
        return _record(message_id_, claim, exc, now)
    return _record(message_id_, claim, None, now)


def deliver_queued(now: datetime, sender: MailSender | None = None) -> int:
    """Send the messages queued in this session's committed transaction. Call after commit."""
    queued = db.session.info.pop(_SESSION_KEY, [])
    ids = [m.id for m in queued if inspect(m).persistent and m.state == OutboxState.PENDING]
    if not ids:
        return 0
    sender = sender or default_sender()
    return sum(bool(send_one(i, sender, now)) for i in ids)


def discard_queued() -> None:
    """Forget what this session queued (its transaction was rolled back)."""
    db.session.info.pop(_SESSION_KEY, None)


def send_due(now: datetime, sender: MailSender | None = None, limit: int = 500) -> tuple[int, int]:
    """Send pending messages whose time has come, and take over those whose sender died. Returns (sent, failed)."""
    sender = sender or default_sender()
    stale = now - _claim_timeout()
    due = db.session.scalars(
        db.select(OutboxMessage.id)
        .where(db.or_(db.and_(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.next_attempt_at <= now),
                      db.and_(OutboxMessage.state == OutboxState.SENDING, OutboxMessage.claimed_at <= stale)))
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()  # ends the read: each message is then claimed in a transaction of its own
    outcomes = [send_one(i, sender, now) for i in due]
    return outcomes.count(True), outcomes.count(False)
