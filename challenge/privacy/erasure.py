"""Erasure (UK GDPR Article 17) that keeps the books whole.

The account becomes a pseudonym ("Former member 1234", an address that cannot receive mail); wherever the
old name or address was written (team listings, Q&A, votes' mailbox, payee records, email bodies, the
audit log's details) it is replaced by the pseudonym; invitations and email to the old address, the
person's files (unless a held challenge needs them), sessions, second factor and memberships go. The
ledger, awards, decisions and audit trail keep their rows, now naming the pseudonym.

Refused while a payout to them is not settled or cancelled, a challenge they are part of is on legal
hold, or they are the only owner of an organisation: as on GitHub or Slack, ownership is handed over first
(another member made an owner, by them or a broker), since an organisation always keeps an owner to answer for
its challenges, funding and invoices (accounts/organisations.py). Decided under the lock on the account: a second erasure (a double click, two brokers) finds the
first one's record and does nothing.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import JSON, String, Text, Unicode, UnicodeText, cast, func

from challenge.accounts import organisations as orgs, services as accounts
from challenge.accounts.models import (ApiToken, Invitation, Membership, PasswordResetToken, RecoveryCode,
                                      SecondFactor, User)
from challenge.challenges.models import Follow
from challenge.errors import FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.judging.models import PanelInvitation
from challenge.permissions import can, is_broker
from challenge.platform import audit, tx
from challenge.platform.models import OutboxMessage
from challenge.platform.sealed import SealedText
from challenge.payouts.models import PayeeAccount, Payout
from challenge.payouts.states import PayoutState
from challenge.privacy import holds, scope
from challenge.privacy.models import EmailPreference, Erasure, ErasureRequest
from challenge.submissions import storage
from challenge.submissions.answers import EntryAnswer
from challenge.submissions.models import Attachment, Submission, TeamInvitation

SETTLED = frozenset({PayoutState.PAID, PayoutState.CANCELLED, PayoutState.REVERSED})
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never delivered
TEXT_TYPES = (String, Text, Unicode, UnicodeText)


def pseudonym(user_id: int) -> tuple[str, str]:
    return f"Former member {user_id}", f"former-member-{user_id}@{ERASED_DOMAIN}"


def erasure_of(user) -> Erasure | None:
    return db.session.scalar(db.select(Erasure).where(Erasure.user_id == user.id))


def refusals(user) -> list[str]:
    """Why the account cannot be erased now (empty when it can)."""
    reasons = []
    pending = db.session.scalar(db.select(func.count()).select_from(Payout)
                                .where(Payout.user_id == user.id, Payout.state.not_in(SETTLED)))
    if pending:
        reasons.append("a prize payout to this account is still pending; it can be erased once the payout is "
                       "paid or cancelled")
    held = holds.holds_on_person(user)
    if held:
        names = ", ".join(c.title for c in held)
        reasons.append(f"a challenge this account is part of is on legal hold ({names})")
    for org in orgs.owned_alone_by(user):
        reasons.append(f"this account is the only owner of {org.name}, which must not be left without one: on "
                       f"{org.name}'s Members page make another member an owner, or invite someone as an owner "
                       "and wait until they accept, then try again")
    return reasons


def _check_asker(user, actor, now, password: str | None, reason: str) -> ErasureRequest:
    if not can(actor, "privacy.erase", user, now):
        raise NotAllowed("Only the person themselves or a broker can erase an account.")
    if actor.id == user.id:
        if password is None:
            raise FieldError("To delete your own account, use 'Delete your account' on your account page.",
                             "reason")
        if not password or accounts.authenticate(user.email, password) is None:
            raise FieldError("That is not your current password.", "password")
        return ErasureRequest.PERSON
    if not is_broker(actor) or not (reason or "").strip():
        raise FieldError("Say why the account is erased (the person's request): it is kept in the audit log.",
                         "reason")
    return ErasureRequest.BROKER


def erase(user, actor, now: datetime, *, password: str | None = None, reason: str = "") -> Erasure:
    """Erase the account of `user` (see the module's docstring). The person re-enters their password; a
    broker gives a reason. Returns the erasure (the earlier one when the account is already erased)."""
    request = _check_asker(user, actor, now, password, reason)
    user = tx.lock(User, user.id)
    holds.lock_challenges_of(user)
    orgs.owned_alone_by(user, lock=True)  # another owner leaving at the same moment waits for this decision
    done = erasure_of(user)
    if done is not None:
        return done
    problems = refusals(user)
    if problems:
        raise InvalidTransition("The account cannot be erased yet: " + "; ".join(problems) + ".")
    old_name, old_email = user.name, user.email
    files = _delete_files(user)
    _delete_personal_rows(user, old_email)
    _pseudonymise(user, old_name, old_email)
    erasure = Erasure(user_id=user.id, erased_by_id=actor.id, erased_at=now, by_request_of=request,
                      files_deleted=files)
    db.session.add(erasure)
    audit.record(actor, "user.erased", user, now, reason=(reason or "").strip() or "At the person's request",
                 data={"files_deleted": files, "by": request.value})
    db.session.flush()
    return erasure


def _delete_files(user) -> int:
    """The person's uploads on entries they own, except those of a held challenge (kept with the hold)."""
    held = holds.held_challenge_ids()
    subs = db.select(Submission.id).where(Submission.owner_id == user.id, Submission.challenge_id.not_in(held))
    count = 0
    for attachment in db.session.scalars(db.select(Attachment).where(Attachment.submission_id.in_(subs))):
        storage.remove_after_commit(db.session(), attachment.stored_name)
        db.session.delete(attachment)
        count += 1
    for answer in db.session.scalars(db.select(EntryAnswer).where(EntryAnswer.submission_id.in_(subs),
                                                                  EntryAnswer.stored_name.is_not(None))):
        storage.remove_after_commit(db.session(), answer.stored_name)
        db.session.delete(answer)
        count += 1
    return count


def _delete_personal_rows(user, old_email: str) -> None:
    """What only served the person: sessions' secrets, memberships, follows, invitations and queued email."""
    for model in (ApiToken, PasswordResetToken, RecoveryCode, SecondFactor, Membership, Follow, EmailPreference):
        db.session.execute(db.delete(model).where(model.user_id == user.id))
    email = old_email.lower()
    for model in (Invitation, PanelInvitation, TeamInvitation):
        db.session.execute(db.delete(model).where(func.lower(model.email) == email, model.accepted_at.is_(None)))
    db.session.execute(db.delete(OutboxMessage).where(func.lower(OutboxMessage.to_email) == email))


def _pseudonymise(user, old_name: str, old_email: str) -> None:
    name, email = pseudonym(user.id)
    user.name, user.email, user.bio = name, email, ""
    user.password_hash = "!erased"  # no password hashes to this: nobody signs in again
    user.session_token = accounts.new_session_token()  # every session and "remember me" cookie ends
    user.is_active_account, user.email_confirmed_at = False, None
    for account in db.session.scalars(db.select(PayeeAccount).where(PayeeAccount.user_id == user.id)):
        account.account_holder, account.payout_email = name, email
        account.bank_details_encrypted, account.last4 = "", ""
    db.session.flush()
    _replace_everywhere({old_email: email, old_email.lower(): email, old_name: name})


def _replace_everywhere(replacements: dict[str, str]) -> None:
    """Rewrite every text and JSON column of every table that still holds the old name or address.

    Through the connection (the same transaction), so the audit log's ORM guard is not asked; its database
    trigger allows changing a row's details (reason, data) but never who, what or when."""
    connection = db.session.connection()
    for table in scope.tables():
        if table.name == "users":
            continue  # the erased row is already the pseudonym; other people's names are not touched
        for column in table.columns:
            if isinstance(column.type, JSON):
                _replace_in_json(connection, table, column, replacements)
            elif isinstance(column.type, SealedText):
                _replace_in_sealed(connection, table, column, replacements)
            elif isinstance(column.type, TEXT_TYPES) and not scope.is_secret(column):
                for old, new in replacements.items():
                    if len(old) >= 3:
                        connection.execute(table.update().where(column.contains(old, autoescape=True))
                                           .values({column.name: func.replace(column, old, new)}))
    db.session.expire_all()


def _replace_in_sealed(connection, table, column, replacements: dict[str, str]) -> None:
    """A sealed column (special category data) cannot be searched in SQL: each value is unsealed here."""
    key = list(table.primary_key.columns)[0]
    for row_id, value in connection.execute(db.select(key, column).where(column != "")).all():
        text = value or ""
        for old, new in replacements.items():
            if len(old) >= 3:
                text = text.replace(old, new)
        if text != value:
            connection.execute(table.update().where(key == row_id).values({column.name: text}))


def _replace_in_json(connection, table, column, replacements: dict[str, str]) -> None:
    key = list(table.primary_key.columns)[0]
    for old, new in replacements.items():
        if len(old) < 3:
            continue
        rows = connection.execute(db.select(key, column).where(
            cast(column, Text).contains(json.dumps(old)[1:-1], autoescape=True))).all()
        for row_id, value in rows:
            text = json.dumps(value).replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
            connection.execute(table.update().where(key == row_id).values({column.name: json.loads(text)}))
