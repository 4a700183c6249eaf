"""When API tokens stop working without their owner revoking them (accounts/tokens.py, docs/api.md): a
deactivated account and a staff reset of the second factor revoke every token for good, erasure deletes them;
a password change or reset leaves them working and says so."""
from __future__ import annotations

from challenge import clock
from challenge.accounts import tokens
from challenge.accounts.models import ApiToken
from challenge.extensions import db
from challenge.platform.models import AuditEvent
from tests.factories import PASSWORD

MINE = "/api/v1/my/submissions"


def _token(user, name="Council website") -> str:
    _, secret = tokens.create(user, name, "read", clock.now())
    db.session.commit()
    return secret


def _status(client, secret) -> int:
    return client.get(MINE, headers={"Authorization": f"Bearer {secret}"}).status_code


def test_deactivating_an_account_revokes_its_tokens_for_good(client, login, make_user):
    person, other = make_user(), make_user()
    first, second, others = _token(person, "Website"), _token(person, "Finance"), _token(other)
    broker = make_user(broker=True)
    login(broker)
    assert client.post(f"/admin/users/{person.id}/active", data={"value": "off"}).status_code == 302
    login(None)
    assert _status(client, first) == _status(client, second) == 401
    assert _status(client, others) == 200  # nobody else's
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "api_token.revoke_all"))
    assert (event.actor_id, event.object_id, event.reason) == (broker.id, person.id, "Account deactivated")
    assert sorted(event.data["tokens"]) == ["Finance", "Website"]
    login(broker)
    client.post(f"/admin/users/{person.id}/active", data={"value": "on"})
    login(None)
    assert _status(client, first) == 401  # reactivating brings no token back
    db.session.expire_all()
    assert tokens.tokens_of(person) == []


def test_a_staff_reset_of_the_second_factor_revokes_every_token(runner, make_user, client):
    person = make_user(email="kim@example.org", second_factor=True)
    secret = _token(person)
    assert _status(client, secret) == 200
    result = runner.invoke(args=["users", "reset-second-factor", "kim@example.org",
                                 "--reason", "Phone and codes lost; identity checked by video call"])
    assert result.exit_code == 0, result.output
    assert _status(client, secret) == 401
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "api_token.revoke_all"))
    assert event.actor_id is None and event.reason == "Second factor reset by staff"


def test_a_reset_with_no_tokens_records_no_revocation(runner, make_user):
    make_user(email="kim@example.org", second_factor=True)
    runner.invoke(args=["users", "reset-second-factor", "kim@example.org", "--reason", "Phone lost, checked"])
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "api_token.revoke_all")) is None


def test_erasing_an_account_deletes_its_tokens(client, make_user):
    from challenge.privacy import erasure
    person = make_user()
    secret = _token(person)
    erasure.erase(person, person, clock.now(), password=PASSWORD)
    db.session.commit()
    assert _status(client, secret) == 401
    assert db.session.scalar(db.select(db.func.count(ApiToken.id)).where(ApiToken.user_id == person.id)) == 0


def test_a_password_reset_leaves_tokens_working_and_says_so(client, make_user, outbox):
    person = make_user(email="kim@example.org")
    secret = _token(person)
    client.post("/password/forgot", data={"email": "kim@example.org"})
    done = client.post(outbox.path(outbox()[0]), data={"password": "a brand new long phrase"},
                       follow_redirects=True)
    assert "Your API token still works: revoke any you do not recognise" in done.get_data(as_text=True)
    assert _status(client, secret) == 200


def test_a_password_change_leaves_tokens_working_and_says_so(client, login, make_user):
    person = login(make_user())
    first, _second = _token(person, "One"), _token(person, "Two")
    done = client.post("/account/password", data={"password-current_password": PASSWORD,
                                                  "password-new_password": "a brand new long phrase",
                                                  "password-confirm": "a brand new long phrase"},
                       follow_redirects=True)
    assert "Your 2 API tokens still work" in done.get_data(as_text=True), done.get_data(as_text=True)[:3000]
    login(None)
    assert _status(client, first) == 200
