from challenge.accounts.models import User
from challenge.extensions import db
from tests.factories import PASSWORD


def test_sign_up_creates_an_account_and_signs_in(client):
    response = client.post("/signup", data={"name": "Ada Lovelace", "email": "Ada@Example.org",
                                           "password": "a long enough phrase"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Welcome, Ada Lovelace" in response.get_data(as_text=True)
    user = db.session.scalar(db.select(User))
    assert user.email == "Ada@Example.org"
    assert user.password_hash.startswith("$argon2")


def test_email_is_unique_whatever_its_case(client, make_user):
    make_user(email="sam@example.org")
    response = client.post("/signup", data={"name": "Sam", "email": "SAM@example.ORG", "password": "another long phrase"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "already exists" in page
    assert "<title>Error:" in page
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_common_and_short_passwords_are_refused(client):
    for password in ("password1", "short"):
        response = client.post("/signup", data={"name": "X", "email": "x@example.org", "password": password})
        assert "There is a problem" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_login_with_right_and_wrong_password(client, make_user):
    make_user(email="kim@example.org")
    bad = client.post("/login", data={"email": "kim@example.org", "password": "wrong password"})
    assert "not right" in bad.get_data(as_text=True)
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "wrong password"})
    assert "not right" in unknown.get_data(as_text=True)
    good = client.post("/login", data={"email": "KIM@example.org", "password": PASSWORD})
    assert good.status_code == 302
    assert client.get("/dashboard").status_code == 200
