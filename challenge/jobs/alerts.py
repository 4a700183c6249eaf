"""Alerts a job raises once: a reconciliation mismatch tells the brokers (a notification and one email each)."""
from __future__ import annotations

import hashlib
from datetime import datetime

from flask import current_app
from sqlalchemy.exc import IntegrityError

from challenge.accounts.models import User
from challenge.extensions import db
from challenge.notifications.services import notify
from challenge.payouts.reconcile import Mismatch
from challenge.platform import outbox
from challenge.platform.links import site_link
from challenge.platform.models import RaisedAlert


def alert_key(mismatch: Mismatch) -> str:
    return hashlib.sha256(f"reconcile\t{mismatch}".encode()).hexdigest()


def _claim_new(mismatches: list[Mismatch], now: datetime) -> list[Mismatch]:
    """The mismatches not raised before, recorded now; a concurrent run that raised one first keeps it."""
    new = []
    for mismatch in mismatches:
        key = alert_key(mismatch)
        if db.session.scalar(db.select(RaisedAlert.id).where(RaisedAlert.key == key)) is not None:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(RaisedAlert(key=key, summary=str(mismatch)[:1000], raised_at=now))
        except IntegrityError:  # raised by another run a moment ago
            continue
        new.append(mismatch)
    return new


def alert_brokers(mismatches: list[Mismatch], now: datetime) -> list[Mismatch]:
    """Notify every active broker of each mismatch not raised before, and email each one the new ones once.
    Flushed in the caller's unit of work: rolled back, nothing is recorded as raised. Returns the new ones."""
    new = _claim_new(mismatches, now)
    if not new:
        return []
    brokers = db.session.scalars(db.select(User).where(User.is_broker.is_(True), User.is_active_account.is_(True))
                                 .order_by(User.id)).all()
    path = current_app.url_map.bind("localhost").build("payouts.finance_page")
    link = site_link("payouts.finance_page")
    for broker in brokers:
        for mismatch in new:
            notify(broker, f"Reconciliation mismatch: {mismatch.object}: {mismatch.message}", path, now)
        outbox.queue("reconcile.mismatch", broker.email, "reconcile_mismatch", now, broker=broker,
                     mismatches=new, link=link)
    db.session.flush()
    return new
