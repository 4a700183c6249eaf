from challenge.extensions import db
from challenge.platform.models import AuditEvent
from tests.factories import PASSWORD


def test_the_profile_needs_a_signed_in_user(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.location


def test_the_profile_shows_details_and_organisations_with_roles(client, make_user, make_org, login):
    user = login(make_user("Priya Shah", "priya@example.org"))
    make_org(name="Leeds City Council", owner=user)
    make_org(user, name="Food Aid Leeds", kind="charity")
    page = client.get("/account").get_data(as_text=True)
    assert "Priya Shah" in page and "priya@example.org" in page
    assert "Leeds City Council" in page and "Food Aid Leeds" in page
    assert page.index("Food Aid Leeds") < page.index("Leeds City Council")
    assert "Owner" in page and "Member" in page


def test_an_empty_profile_explains_what_to_do(client, make_user, login):
    login(make_user())
    assert "You do not belong to an organisation yet" in client.get("/account").get_data(as_text=True)


def test_edit_name_and_bio(client, make_user, login):
    user = login(make_user("Old Name"))
    response = client.post("/account/details", data={"details-name": "  New Name ", "details-bio": "I run a lunch club."},
                           follow_redirects=True)
    assert "Your details have been saved" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.name, user.bio) == ("New Name", "I run a lunch club.")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.update_profile"))
    assert event.actor_id == user.id and event.data == {"fields": ["bio", "name"]}


def test_an_empty_name_is_refused(client, make_user, login):
    user = login(make_user("Kept"))
    response = client.post("/account/details", data={"details-name": "   ", "details-bio": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page and 'href="#details-name"' in page
    assert "<title>Error:" in page
    db.session.refresh(user)
    assert user.name == "Kept"


def test_change_password_needs_the_current_one(client, make_user, login):
    user = login(make_user(email="kim@example.org"))
    before = user.password_hash
    wrong = client.post("/account/password", data={"password-current_password": "not it",
                                                   "password-new_password": "a fresh long phrase"})
    assert "Your current password is not right" in wrong.get_data(as_text=True)
    weak = client.post("/account/password", data={"password-current_password": PASSWORD,
                                                  "password-new_password": "password1"})
    assert "most common" in weak.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == before


def test_change_password_keeps_this_session_and_ends_the_others(app, client, make_user, login):
    user = login(make_user(email="kim@example.org"))
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = user.get_id()
    response = client.post("/account/password", data={"password-current_password": PASSWORD,
                                                      "password-new_password": "a fresh long phrase"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": "kim@example.org", "password": "a fresh long phrase"}).status_code == 302
