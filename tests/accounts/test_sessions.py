from challenge.extensions import db
from tests.factories import PASSWORD


def _cookie(client, name="session"):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def test_session_fixation_fails_at_login(client, make_user):
    make_user(email="kim@example.org")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = _cookie(client)
    client.post("/login", data={"email": "kim@example.org", "password": PASSWORD})
    after = _cookie(client)
    assert before and after and before != after
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_remember_me_sets_a_lasting_cookie_only_when_asked(app, make_user):
    make_user(email="kim@example.org")
    plain, remembered = app.test_client(), app.test_client()
    plain.post("/login", data={"email": "kim@example.org", "password": PASSWORD})
    remembered.post("/login", data={"email": "kim@example.org", "password": PASSWORD, "remember": "y"})
    assert _cookie(plain, "remember_token") is None
    assert _cookie(remembered, "remember_token")
    with remembered.session_transaction() as session:
        session.clear()  # the browser was closed: only the remember cookie is left
    assert remembered.get("/account").status_code == 200


def test_log_out_ends_the_session(client, make_user):
    make_user(email="kim@example.org")
    client.post("/login", data={"email": "kim@example.org", "password": PASSWORD})
    assert client.get("/account").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_a_deactivated_account_cannot_sign_in_and_its_sessions_end(app, client, make_user, login):
    user = make_user(email="kim@example.org")
    login(user)
    assert client.get("/account").status_code == 200
    user.is_active_account = False
    db.session.commit()
    assert client.get("/account").status_code == 302
    response = app.test_client().post("/login", data={"email": "kim@example.org", "password": PASSWORD})
    assert response.status_code == 400 and "not right" in response.get_data(as_text=True)


def test_next_only_goes_to_this_site(client, make_user):
    make_user(email="kim@example.org")
    for evil in ("https://evil.example", "//evil.example", "/\\evil.example"):
        response = client.post(f"/login?next={evil}", data={"email": "kim@example.org", "password": PASSWORD})
        assert response.location == "/dashboard"
    response = client.post("/login?next=/account", data={"email": "kim@example.org", "password": PASSWORD})
    assert response.location == "/account"
