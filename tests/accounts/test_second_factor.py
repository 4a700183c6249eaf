"""Sign-in codes: brokers and the owners of paying organisations must use an authenticator app; anyone may."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pyotp
import pytest

from challenge import clock
from challenge.accounts import sessions, twofactor
from challenge.accounts.models import RecoveryCode, SecondFactor, User
from challenge.extensions import db
from challenge.payouts.models import Funder
from challenge.platform.models import AuditEvent
from tests.factories import PASSWORD, second_factor_code

from tests.races import ON_POSTGRES, SKIP_REASON


def _password(client, email="bea@example.org", **extra):
    return client.post("/login", query_string=extra.pop("query", None),
                       data={"email": email, "password": PASSWORD, **extra})


def _code(client, code):
    return client.post("/login/code", data={"code": code})


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def _setup_secret(client) -> str:
    page = client.get("/account/two-factor").get_data(as_text=True)
    return re.search(r'<code class="fs-5 text-break" id="secret">([A-Z2-7]+)</code>', page).group(1)


def _codes_shown(client) -> list[str]:
    """The recovery codes the sign-in codes page shows now (a page showing them is not kept by the browser)."""
    page = client.get("/account/two-factor")
    codes = re.findall(r"<li class=\"col\">([0-9a-f]{5}-[0-9a-f]{5})</li>", page.get_data(as_text=True))
    assert page.status_code == 200 and (page.headers.get("Cache-Control") == "private, no-store") == bool(codes)
    return codes


def test_a_broker_is_asked_for_a_code_after_the_password(app, make_user):
    broker = make_user(email="bea@example.org", broker=True)
    client = app.test_client()
    answer = _password(client, query={"next": "/admin/"})
    assert answer.status_code == 302 and answer.location == "/login/code"
    assert not _signed_in(client)  # the password alone signs nobody in
    answer = _code(client, second_factor_code(broker.id))
    assert answer.status_code == 302 and answer.location == "/admin/"
    assert _signed_in(client) and client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_and_recorded_and_five_end_the_attempt(app, make_user):
    broker = make_user(email="bea@example.org", broker=True)
    client = app.test_client()
    _password(client)
    for n in range(1, 5):
        answer = _code(client, "000000")
        assert answer.status_code == 400 and "That code is not right" in answer.get_data(as_text=True)
    assert _code(client, "000000").location == "/login"
    assert _code(client, second_factor_code(broker.id)).location == "/login"  # the password is needed again
    assert not _signed_in(client)
    db.session.rollback()
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "signin.second_factor_failed")).all()
    assert len(events) == 5 and {e.object_id for e in events} == {broker.id}


def test_a_code_works_once(app, make_user):
    broker = make_user(email="bea@example.org", broker=True)
    first = app.test_client()
    _password(first)
    code = second_factor_code(broker.id)
    assert _code(first, code).status_code == 302
    second = app.test_client()  # someone who saw the code over the broker's shoulder
    _password(second)
    assert _code(second, code).status_code == 400 and not _signed_in(second)


def test_a_recovery_code_works_once(app, make_user):
    broker = make_user(email="bea@example.org", broker=True)
    codes = twofactor._new_recovery_codes(broker, clock.now())
    db.session.commit()
    client = app.test_client()
    _password(client)
    assert _code(client, codes[0].upper().replace("-", " ")).status_code == 302
    again = app.test_client()
    _password(again)
    assert _code(again, codes[0]).status_code == 400
    assert _code(again, codes[1]).status_code == 302
    assert twofactor.recovery_codes_left(broker) == 8


def test_the_code_step_expires_and_ends_with_a_password_change(app, make_user):
    broker = make_user(email="bea@example.org", broker=True)
    late = app.test_client()
    _password(late)
    clock.travel(timedelta(minutes=6))
    assert _code(late, second_factor_code(broker.id)).location == "/login"
    changed = app.test_client()
    _password(changed)
    broker = db.session.get(User, broker.id)
    broker.session_token = "changed-with-the-password"
    db.session.commit()
    assert _code(changed, second_factor_code(broker.id)).location == "/login"
    assert not _signed_in(late) and not _signed_in(changed)


def test_a_broker_without_one_is_sent_to_set_it_up_before_any_page(app, client, make_user, login):
    broker = login(make_user(email="bea@example.org", broker=True, second_factor=False))
    for path in ("/admin/", "/admin/users", "/dashboard", "/account"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.location == "/account/two-factor", path
    secret = _setup_secret(client)
    assert client.get("/account/two-factor").status_code == 200  # the same secret until it is confirmed
    assert _setup_secret(client) == secret

    assert client.post("/account/two-factor", data={"code": "123456"}).status_code == 400
    answer = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert answer.status_code == 302 and answer.location == "/account/two-factor"  # a refresh posts nothing again
    codes = _codes_shown(client)
    assert len(codes) == 10
    assert _codes_shown(client) == []  # shown once: a second visit, a refresh or Back shows them no more
    assert client.get("/admin/").status_code == 200  # this session goes on

    db.session.rollback()
    factor = db.session.scalar(db.select(SecondFactor).where(SecondFactor.user_id == broker.id))
    assert secret not in factor.secret_encrypted and twofactor.secret_of(factor) == secret
    stored = db.session.scalars(db.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == broker.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    later = client.get("/account/two-factor").get_data(as_text=True)
    assert "10 unused recovery codes" in later and not any(c in later for c in codes)  # shown once


def test_turning_it_on_ends_the_other_sessions(app, client, make_user, login):
    user = login(make_user(email="kim@example.org"))
    other_device = app.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = user.get_id()
    assert _signed_in(other_device)
    secret = _setup_secret(client)
    client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert _signed_in(client) and not _signed_in(other_device)


def test_the_owner_of_a_paying_organisation_must_set_it_up_at_sign_in(
        app, make_user, make_org, make_challenge):
    owner = make_user(email="olu@example.org")
    org = make_org(owner=owner)
    challenge = make_challenge(org)
    db.session.add(Funder(challenge_id=challenge.id, organisation_id=org.id, share_bp=10_000, currency="GBP",
                      created_at=clock.now()))
    db.session.commit()
    client = app.test_client()
    answer = _password(client, "olu@example.org")
    assert answer.location == "/account/two-factor"
    assert client.get("/dashboard").location == "/account/two-factor"
    assert "cannot be turned off" not in client.get("/account/two-factor").get_data(as_text=True)


def test_anyone_else_signs_in_with_the_password_and_may_turn_codes_on_and_off(app, make_user):
    user = make_user(email="kim@example.org")
    client = app.test_client()
    assert _password(client, "kim@example.org").location == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    secret = _setup_secret(client)
    client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert client.post("/account/two-factor/off", data={"code": "000000"}).status_code == 400
    clock.travel(timedelta(seconds=31))
    assert client.post("/account/two-factor/off", data={"code": pyotp.TOTP(secret).at(clock.now())}).status_code == 302
    assert not twofactor.enabled(user)
    assert _password(app.test_client(), "kim@example.org").location == "/dashboard"


def test_a_broker_cannot_turn_it_off(client, make_user, login):
    broker = login(make_user(email="bea@example.org", broker=True))
    answer = client.post("/account/two-factor/off", data={"code": second_factor_code(broker.id)})
    assert answer.status_code == 400 and "cannot be turned off" in answer.get_data(as_text=True)
    assert twofactor.enabled(broker)


def test_new_recovery_codes_replace_the_old_ones(client, make_user, login):
    broker = login(make_user(email="bea@example.org", broker=True))
    old = twofactor._new_recovery_codes(broker, clock.now())
    db.session.commit()
    answer = client.post("/account/two-factor/recovery-codes", data={"code": second_factor_code(broker.id)})
    assert answer.status_code == 302 and answer.location == "/account/two-factor"
    new = _codes_shown(client)
    assert len(new) == 10 and not set(new) & set(old)
    assert _codes_shown(client) == []
    assert twofactor.check(broker, old[0], clock.now()) is None
    assert twofactor.check(broker, new[0], clock.now()) == "recovery"


def test_the_demo_broker_has_a_known_secret(runner, app):
    result = runner.invoke(args=["demo"])
    secret = re.search(r"authenticator key: ([A-Z2-7]{32})", result.output).group(1)
    broker = db.session.scalar(db.select(User).where(User.email == "broker@example.org"))
    assert twofactor.secret_of(twofactor.factor_of(broker)) == secret


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_one_recovery_code_used_five_times_at_once_works_once(app, make_user):
    from tests.races import run_together as _in_threads

    broker = make_user(email="bea@example.org", broker=True)
    [code, *_] = twofactor._new_recovery_codes(broker, clock.now())
    db.session.commit()
    broker_id = broker.id

    def use():
        result = twofactor.check(db.session.get(User, broker_id), code, clock.now())
        db.session.commit()
        return result

    results = _in_threads(app, [use] * 5)
    assert sorted(map(str, results)) == ["None"] * 4 + ["recovery"], results


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_one_app_code_used_five_times_at_once_works_once(app, make_user):
    from tests.races import run_together as _in_threads

    broker = make_user(email="bea@example.org", broker=True)
    code, broker_id = second_factor_code(broker.id), broker.id

    def use():
        result = twofactor.check(db.session.get(User, broker_id), code, clock.now())
        db.session.commit()
        return result

    results = _in_threads(app, [use] * 5)
    assert sorted(map(str, results)) == ["None"] * 4 + ["app"], results



def test_ten_wrong_codes_from_anywhere_close_the_account_s_code_step_for_a_while(app, make_user):
    broker = make_user(email="bea@example.org", broker=True)
    for _ in range(2):  # two machines, five wrong codes each
        machine = app.test_client()
        _password(machine)
        for _ in range(5):
            _code(machine, "000000")
    third = app.test_client()
    _password(third)
    answer = _code(third, second_factor_code(broker.id))
    assert answer.location == "/login" and not _signed_in(third)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "signin.locked_out", AuditEvent.object_id == broker.id)) == 1
    clock.travel(timedelta(minutes=16))
    _password(third)
    assert _code(third, second_factor_code(broker.id)).status_code == 302 and _signed_in(third)


def _session_cookie_contents(app, client) -> str:
    """What anyone holding the session cookie can read: Flask signs it, it does not encrypt it."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    return json.dumps(app.session_interface.get_signing_serializer(app).loads(cookie.value))


def test_the_secret_being_set_up_is_not_readable_in_the_session_cookie(app, client, make_user, login):
    sam = login(make_user(email="sam@example.org", second_factor=False))
    secret = _setup_secret(client)
    contents = _session_cookie_contents(app, client)
    assert secret not in contents and secret.lower() not in contents
    assert sessions._SETUP_SECRET.unseal(json.loads(contents)[sessions.SETUP_SECRET]) == secret
    assert _setup_secret(client) == secret  # kept, sealed, until confirmed
    assert client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    db.session.rollback()
    assert twofactor.secret_of(twofactor.factor_of(sam)) == secret


def test_a_sealed_secret_that_no_longer_opens_starts_the_set_up_again(app, client, make_user, login):
    login(make_user(email="ned@example.org", second_factor=False))
    with client.session_transaction() as session:
        session[sessions.SETUP_SECRET] = "not-a-sealed-value"
    secret = _setup_secret(client)  # a new secret, shown: no 500
    assert client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()}).status_code == 302


def test_recovery_codes_not_shown_within_ten_minutes_are_not_shown_at_all(client, make_user, login, monkeypatch):
    broker = login(make_user(email="bea@example.org", broker=True))
    client.post("/account/two-factor/recovery-codes", data={"code": second_factor_code(broker.id)})
    later = clock.now() + timedelta(minutes=11)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert _codes_shown(client) == []
    assert twofactor.recovery_codes_left(broker) == 10  # made all the same: new ones can be made with a code


def test_the_recovery_codes_are_not_readable_in_the_session_cookie(app, client, make_user, login):
    broker = login(make_user(email="bea@example.org", broker=True))
    client.post("/account/two-factor/recovery-codes", data={"code": second_factor_code(broker.id)})
    contents = _session_cookie_contents(app, client)
    codes = _codes_shown(client)
    assert len(codes) == 10 and not any(code in contents for code in codes)
