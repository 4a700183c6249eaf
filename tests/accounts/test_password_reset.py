from datetime import timedelta

from challenge import clock
from challenge.accounts.models import PasswordResetToken
from challenge.extensions import db
from tests.factories import PASSWORD

NEW = "a brand new long phrase"


def _ask(client, email):
    return client.post("/password/forgot", data={"email": email})


def test_known_and_unknown_emails_get_the_same_answer(client, make_user, outbox):
    make_user(email="kim@example.org")
    known, unknown = _ask(client, "kim@example.org"), _ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    strip = lambda r, e: r.get_data(as_text=True).replace(e, "EMAIL")  # noqa: E731
    assert strip(known, "kim@example.org") == strip(unknown, "nobody@example.org")
    assert [m.to_email for m in outbox()] == ["kim@example.org"]


def test_only_the_hash_of_the_token_is_stored(client, make_user, outbox):
    make_user(email="kim@example.org")
    _ask(client, "KIM@example.org")
    token = outbox.path(outbox()[0]).rsplit("/", 1)[1]
    row = db.session.scalar(db.select(PasswordResetToken))
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert timedelta(minutes=59) < row.expires_at - clock.now() <= timedelta(hours=1)


def test_the_emailed_link_works_once(app, client, make_user, outbox):
    user = make_user(email="kim@example.org")
    _ask(client, "kim@example.org")
    message = outbox()[0]
    assert message.subject == "Reset your Challenge Exchange password"
    assert outbox.link(message).startswith(app.config["SITE_URL"] + "/password/reset/")
    path = outbox.path(message)
    assert client.get(path).status_code == 200
    done = client.post(path, data={"password": NEW})
    assert done.status_code == 302 and done.location.endswith("/login")
    assert client.post("/login", data={"email": "kim@example.org", "password": NEW}).status_code == 302
    again = client.post(path, data={"password": "yet another long phrase"})
    assert again.status_code == 410
    assert "expired or has already been used" in again.get_data(as_text=True)
    db.session.refresh(user)
    assert client.post("/login", data={"email": "kim@example.org", "password": PASSWORD}).status_code == 400


def test_the_link_expires_after_an_hour(client, make_user, outbox):
    make_user(email="kim@example.org")
    _ask(client, "kim@example.org")
    path = outbox.path(outbox()[0])
    clock.travel(timedelta(minutes=61))
    response = client.post(path, data={"password": NEW})
    assert response.status_code == 410
    assert "Ask for a new link" in response.get_data(as_text=True)


def test_a_weak_new_password_keeps_the_link_usable(client, make_user, outbox):
    make_user(email="kim@example.org")
    _ask(client, "kim@example.org")
    path = outbox.path(outbox()[0])
    weak = client.post(path, data={"password": "password1"})
    assert weak.status_code == 400 and "There is a problem" in weak.get_data(as_text=True)
    assert client.post(path, data={"password": NEW}).status_code == 302


def test_resetting_ends_other_sessions(app, client, make_user, outbox, login):
    user = make_user(email="kim@example.org")
    other_device = app.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = user.get_id()
    assert other_device.get("/account").status_code == 200
    _ask(client, "kim@example.org")
    client.post(outbox.path(outbox()[0]), data={"password": NEW})
    assert other_device.get("/account").status_code == 302


def test_an_unknown_token_is_refused(client):
    assert client.get("/password/reset/not-a-real-token").status_code == 410
    # a NUL in the address is no page at all (challenge/platform/hygiene.py)
    assert client.post("/password/reset/%00%ff", data={"password": NEW}).status_code == 404
    assert client.post("/password/reset/%ff%fe", data={"password": NEW}).status_code == 410


def test_deactivated_accounts_get_no_email(client, make_user, outbox):
    user = make_user(email="kim@example.org")
    user.is_active_account = False
    db.session.commit()
    assert _ask(client, "kim@example.org").status_code == 200
    assert outbox() == []
