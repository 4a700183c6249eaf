"""A password reset token works for exactly one request, also when several arrive at the same moment."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts import passwords
from challenge.accounts.models import PasswordResetToken, User
from challenge.accounts.services import authenticate
from challenge.errors import FieldError
from challenge.extensions import db
from challenge.platform.models import AuditEvent
from tests.races import ON_POSTGRES, SKIP_REASON, run_together as _in_threads


def _tokens(user, count: int) -> list[str]:
    """`count` reset links for `user`, as the emails carry them."""
    tokens = []
    for _ in range(count):
        passwords.request_reset(user.email, clock.now())
        db.session.flush()
    for message in db.session.scalars(db.select(passwords.outbox.OutboxMessage)):
        tokens.append(message.body.split("/password/reset/")[1].split()[0])
    db.session.commit()
    return tokens


def _reset_with(token: str, password: str):
    def work():
        user = passwords.reset_password(token, password, clock.now())
        db.session.commit()
        return user.id

    return work


def test_a_spent_token_is_refused_by_the_service(app, make_user):
    user = make_user(email="kim@example.org")
    [token] = _tokens(user, 1)
    passwords.reset_password(token, "the first new phrase", clock.now())
    db.session.commit()
    with pytest.raises(FieldError):
        passwords.reset_password(token, "the second new phrase", clock.now())


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_ten_simultaneous_uses_of_one_token_change_the_password_once(app, make_user):
    user = make_user(email="kim@example.org")
    [token] = _tokens(user, 1)
    phrases = [f"new phrase number {n} for kim" for n in range(10)]

    results = _in_threads(app, [_reset_with(token, p) for p in phrases])

    done = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, FieldError)]
    assert len(done) == 1 and len(refused) == 9, results
    db.session.expire_all()
    winners = [p for p in phrases if authenticate("kim@example.org", p) is not None]
    assert len(winners) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "user.reset_password")) == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_two_links_of_one_person_used_at_once_change_the_password_once(app, make_user):
    """Using one link spends every other; two links used at the same moment must not both work."""
    user = make_user(email="kim@example.org")
    first, second = _tokens(user, 2)

    results = _in_threads(app, [_reset_with(first, "the first new phrase"),
                                _reset_with(second, "the second new phrase")] * 3)

    assert len([r for r in results if not isinstance(r, Exception)]) == 1, results
    assert all(isinstance(r, FieldError) for r in results if isinstance(r, Exception)), results
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(PasswordResetToken)
                             .where(PasswordResetToken.used_at.is_(None))) == 0
    assert db.session.get(User, user.id) is not None
