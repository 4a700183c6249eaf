"""A signed-in request reads its user once (issue 13): one statement brings the user, their memberships and the
facts every page asks (on a judging panel? a second factor?); nothing else asks again, and a change made in the
request is read afresh."""
from __future__ import annotations

import re

from challenge.accounts import services, twofactor
from challenge.accounts.models import User
from challenge.extensions import db
from tests.factories import counted_statements, give_second_factor

ABOUT_THE_USER = re.compile(r"\bFROM (users|memberships|panel_members|second_factors)\b")


def _about_the_user(statements) -> list[str]:
    return [s for s in statements if ABOUT_THE_USER.search(s)]


def test_a_signed_in_page_reads_the_user_roles_and_facts_in_one_statement(client, login, make_user, make_org,
                                                                           make_challenge, seat):
    judge = make_user("Jo Judge")
    org = make_org(judge, name="Leeds City Council")
    seat(make_challenge(org, "open"), judge)
    login(judge)
    with counted_statements() as statements:
        page = client.get("/my/submissions").get_data(as_text=True)
    assert len(_about_the_user(statements)) == 1, _about_the_user(statements)
    assert ">Judging</a>" in page and ">Finance</a>" in page  # the facts the nav bar shows, from that statement


def test_someone_on_no_panel_and_in_no_organisation_sees_neither_link(client, login, make_user):
    login(make_user("Cara Creator"))
    with counted_statements() as statements:
        page = client.get("/my/submissions").get_data(as_text=True)
    assert len(_about_the_user(statements)) == 1
    assert ">Judging</a>" not in page and ">Finance</a>" not in page


def test_the_brokers_second_factor_gate_asks_nothing_more(client, login, make_user):
    broker = make_user("Brooke Broker", broker=True)
    login(broker)
    with counted_statements() as statements:
        assert client.get("/finance").status_code == 200
    assert len(_about_the_user(statements)) == 1
    login(make_user("Bea Broker", broker=True, second_factor=False))
    refused = client.get("/admin/")  # without an authenticator: still sent to set one up
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/account/two-factor")


def test_a_fact_changed_in_the_request_is_read_afresh(app, make_user):
    user = make_user("Nia New")
    with app.test_request_context():
        loaded = services.load_user(user.get_id())
        assert loaded is not None and not twofactor.enabled(loaded)
        give_second_factor(loaded)  # a write (flush) forgets what the request read
        assert twofactor.enabled(loaded)


def test_a_stale_or_unknown_session_loads_nobody(app, make_user):
    user = make_user()
    with app.test_request_context():
        assert services.load_user(f"{user.id}:wrong-token") is None
        assert services.load_user("999999:x") is None and services.load_user("x:y") is None
        user.is_active_account = False
        db.session.commit()
        assert services.load_user(db.session.get(User, user.id).get_id()) is None


def test_rules_get_the_person_not_the_proxy_in_front_of_them(app, make_user, monkeypatch):
    """`can(None, …)` hands a rule the signed-in User itself: each attribute a rule reads through Flask-Login's
    proxy would look the person up again (tens of times a page)."""
    from flask_login import current_user, login_user

    from challenge import permissions

    seen = []
    monkeypatch.setitem(permissions.RULES, "test.peek", lambda user, thing, now: seen.append(user) or True)
    ada = make_user("Ada Proxy")
    with app.test_request_context():
        assert permissions.can(None, "test.peek")
        login_user(ada)
        assert permissions.can(None, "test.peek") and permissions.can(current_user, "test.peek")
    assert [type(u).__name__ for u in seen] == ["AnonymousUserMixin", "User", "User"]
    assert seen[1] is ada and seen[2] is ada


def test_the_loaded_user_is_the_sessions_own_and_its_changes_are_saved(app, make_user, make_org):
    """load_user reads the row around the ORM (platform/columns.persistent): the User it gives is the session's own,
    with nothing to flush, its memberships loaded when asked, and a change to it saved as any instance's."""
    from sqlalchemy import inspect

    from challenge import permissions

    user = make_user("Pat Persistent")
    owned, joined = make_org(name="Owned Org", owner=user), make_org(user, name="Joined Org")
    user_id, email, ident = user.id, user.email, user.get_id()
    owned_id, joined_id = owned.id, joined.id
    db.session.expunge_all()
    with app.test_request_context():
        loaded = services.load_user(ident)
        state = inspect(loaded)
        assert state.persistent and not (db.session.new or db.session.dirty)
        assert db.session.get(User, user_id) is loaded
        assert loaded.email == email and loaded.created_at.tzinfo is not None
        with counted_statements() as statements:
            roles = permissions.roles_of(loaded)
        assert statements == [] and roles == {owned_id: "owner", joined_id: "member"}
        assert {m.organisation_id: m.role for m in loaded.memberships} == roles  # loaded when first read
        assert services.load_user(loaded.get_id()) is loaded  # already in the session: that one
        loaded.name = "Pat Saved"
        db.session.commit()
    db.session.expunge_all()
    assert db.session.get(User, user_id).name == "Pat Saved"
