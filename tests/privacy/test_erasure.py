"""Erasure (issue 14 point 5): a pseudonym everywhere, the books whole, refused while a payout is pending
or a legal hold applies, once only."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func

from challenge import clock
from challenge.accounts.models import User
from challenge.extensions import db
from challenge.judging.models import PanelInvitation
from challenge.payouts.models import Award, LedgerEntry, Payout
from challenge.payouts.states import PayoutState
from challenge.platform import audit, outbox
from challenge.platform.models import AuditEvent, OutboxMessage
from challenge.privacy import erasure, holds
from challenge.privacy.models import Erasure
from challenge.submissions import storage
from challenge.submissions.models import Attachment
from tests.factories import PASSWORD
from tests.privacy.privacy_helpers import settle

NAME, EMAIL = "Cara Creator", "cara@example.org"


def whole_database_text() -> str:
    """Every row of every table, as text: where an erased name or address must not be found."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(db.select(table)).all():
            parts.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(parts)


def uploaded_bytes() -> bytes:
    """Every file in the upload folder, concatenated: where an erased name or address must not be found."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def ledger_balances() -> dict:
    return dict(db.session.execute(db.select(LedgerEntry.account, func.sum(LedgerEntry.amount))
                                   .group_by(LedgerEntry.account)).all())


def traces(w) -> None:
    """What a person leaves about the platform beyond their own rows: their address in the audit log's
    details, email queued to them, an email to someone else naming them, an invitation to their address."""
    now = clock.now()
    audit.record(None, "signin.failed", w.creator, now, data={"email": EMAIL, "failed": "password"})
    outbox.queue("challenge.answer", EMAIL, "question_answered", now, question=w.question,
                 link="https://x.example/c", name=NAME, challenge=w.challenge)
    db.session.add(OutboxMessage(kind="note", to_email="sally@riverside.example.org", subject=f"{NAME} asked",
                                 body=f"{NAME} ({EMAIL}) asked a question.", created_at=now, next_attempt_at=now))
    db.session.add(PanelInvitation(challenge_id=w.other_challenge.id, email=EMAIL, role="judge",
                                   token_hash="f" * 64, invited_by_id=w.other_seeker.id, created_at=now))
    db.session.commit()


def test_erasure_leaves_no_name_or_address_anywhere_and_the_books_whole(world, client, login):
    w = world
    settle(w.payout)
    traces(w)
    assert NAME in whole_database_text() and EMAIL in whole_database_text()
    balances, awards = ledger_balances(), db.session.scalar(db.select(func.count()).select_from(Award))
    events = db.session.scalar(db.select(func.count()).select_from(AuditEvent))
    attachment_file = storage.path_of(w.attachment.stored_name)
    assert attachment_file is not None
    creator_id, sub_id = w.creator.id, w.sub.id

    login(w.creator)
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302

    text = whole_database_text()
    assert NAME not in text
    assert EMAIL not in text.lower()
    files = uploaded_bytes()
    assert NAME.encode() not in files and EMAIL.encode() not in files.lower()
    assert ledger_balances() == balances
    assert db.session.scalar(db.select(func.count()).select_from(Award)) == awards
    assert db.session.scalar(db.select(func.count()).select_from(AuditEvent)) == events + 1  # + the erasure
    person = db.session.get(User, creator_id)
    assert person.name == f"Former member {creator_id}"
    assert person.email == f"former-member-{creator_id}@erased.invalid"
    assert person.bio == "" and not person.is_active_account
    # The books still name the (pseudonymous) account: the award, the payout, the entry.
    assert db.session.get(Payout, w.payout.id).user_id == creator_id
    assert db.session.scalar(db.select(Attachment).where(Attachment.submission_id == sub_id)) is None
    assert not attachment_file.exists()
    assert db.session.scalar(db.select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.to_email == EMAIL)) == 0
    # Signed out everywhere: the old session opens nothing.
    assert client.get("/account").status_code == 302


def test_the_erased_person_cannot_sign_in_again(world, client):
    settle(world.payout)
    erasure.erase(world.creator, world.creator, clock.now(), password=PASSWORD)
    db.session.commit()
    pseudonymous = f"former-member-{world.creator.id}@erased.invalid"
    for email in (EMAIL, pseudonymous):
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 400  # the form again, signed in nobody
    assert client.get("/account").status_code == 302


def test_refused_while_a_payout_is_pending(world, client, login):
    login(world.creator)
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 409
    assert b"payout to this account is still pending" in response.data
    db.session.rollback()
    assert db.session.get(User, world.creator.id).name == NAME
    assert db.session.scalar(db.select(Erasure)) is None


@pytest.mark.parametrize("state", [PayoutState.READY, PayoutState.PROCESSING, PayoutState.INSTRUCTED,
                                   PayoutState.FAILED, PayoutState.REVERSAL_DUE])
def test_every_unsettled_payout_refuses(world, state):
    settle(world.payout, state)
    assert erasure.refusals(world.creator)


@pytest.mark.parametrize("state", [PayoutState.PAID, PayoutState.CANCELLED, PayoutState.REVERSED])
def test_settled_payouts_do_not(world, state):
    settle(world.payout, state)
    assert erasure.refusals(world.creator) == []


def test_refused_under_a_legal_hold_with_the_challenge_named(world, client, login):
    settle(world.payout)
    holds.place(world.challenge, "A complaint about the judging", world.broker, clock.now())
    db.session.commit()
    login(world.broker)
    response = client.post(f"/admin/privacy/people/{world.creator.id}/erase", data={"reason": "Asked by email"})
    assert response.status_code == 409
    assert b"on legal hold (Tackling loneliness)" in response.data
    assert db.session.get(User, world.creator.id).email == EMAIL
    assert storage.path_of(world.attachment.stored_name) is not None


def test_the_wrong_password_changes_nothing(world, client, login):
    settle(world.payout)
    login(world.creator)
    response = client.post("/account/delete", data={"password": "not my password"})
    assert response.status_code == 400
    assert b"That is not your current password." in response.data
    assert db.session.get(User, world.creator.id).name == NAME


def test_a_broker_needs_a_reason_and_it_is_audited(world, client, login):
    settle(world.payout)
    login(world.broker)
    url = f"/admin/privacy/people/{world.creator.id}/erase"
    assert client.post(url, data={"reason": ""}).status_code == 400
    assert db.session.get(User, world.creator.id).name == NAME
    assert client.post(url, data={"reason": "Wrote in on 1 December asking to be erased"}).status_code == 302
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.erased"))
    assert event.actor_id == world.broker.id and event.reason.startswith("Wrote in")


@pytest.mark.parametrize("who", ["other_creator", "judge", "seeker"])
def test_nobody_else_can_erase_an_account(world, client, login, who):
    settle(world.payout)
    login(getattr(world, who))
    assert client.post(f"/admin/privacy/people/{world.creator.id}/erase", data={"reason": "x"}).status_code == 404
    assert client.get(f"/admin/privacy/people/{world.creator.id}").status_code == 404
    assert db.session.get(User, world.creator.id).name == NAME


def test_a_second_erasure_does_nothing_more(world):
    settle(world.payout)
    first = erasure.erase(world.creator, world.broker, clock.now(), reason="Asked")
    db.session.commit()
    second = erasure.erase(world.creator, world.broker, clock.now(), reason="Asked again")
    db.session.commit()
    assert first.id == second.id
    assert db.session.scalar(db.select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "user.erased")) == 1


def test_a_broker_erases_their_own_account_only_from_the_account_page(world, client, login):
    login(world.broker)
    response = client.post(f"/admin/privacy/people/{world.broker.id}/erase", data={"reason": "Leaving"})
    assert response.status_code == 400 and b"on your account page" in response.data
    assert db.session.get(User, world.broker.id).name == "Brooke Broker"
