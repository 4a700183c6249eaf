"""The one door for access: every package's rules registered at start-up, and a per-request memo that
never answers from data the request has since changed."""
from __future__ import annotations

import pytest

from challenge import permissions
from challenge.accounts.models import Membership
from challenge.extensions import db
from challenge.platform import lifecycle


def test_each_package_registers_its_own_rules(app):
    owners = {permissions.RULES[action].__module__ for action in permissions.RULES}
    assert set(permissions.RULE_MODULES) <= owners
    assert "challenge.permissions" not in owners  # the door decides nothing itself


def test_an_action_has_exactly_one_rule():
    with pytest.raises(RuntimeError, match="two rules"):
        permissions.rule("challenge.view")(lambda user, thing, now: True)


def test_an_unknown_action_is_an_error_not_a_yes():
    with pytest.raises(KeyError):
        permissions.can(None, "no.such_action")


def test_a_write_in_the_same_request_is_seen_by_the_next_question(app, make_user, make_org):
    person, org = make_user(), make_org()
    db.session.commit()
    with app.test_request_context():
        assert permissions.role_in(person, org.id) is None  # remembered for the request …
        db.session.add(Membership(organisation_id=org.id, user_id=person.id, role="member",
                                  created_at=org.created_at))
        db.session.flush()  # … until anything is written
        assert permissions.role_in(person, org.id) == "member"


def test_the_memo_is_remembered_within_a_request(app, make_user, make_org):
    person, org = make_user(), make_org()
    db.session.commit()
    with app.test_request_context():
        calls = []
        for _ in range(3):
            permissions.memo("test", 1, lambda: calls.append(1))
        assert len(calls) == 1
        permissions.forget()
        permissions.memo("test", 1, lambda: calls.append(1))
        assert len(calls) == 2


def test_each_request_starts_with_an_empty_memo(app):
    with app.test_request_context():
        permissions.memo("test", 1, lambda: "stale")
        app.preprocess_request()  # what Flask runs before every view
        assert permissions.memo("test", 1, lambda: "fresh") == "fresh"


def test_a_lifecycle_refuses_in_its_own_words():
    import enum

    class Light(enum.StrEnum):
        RED = "red"
        GREEN = "green"

    table = lifecycle.Lifecycle("light", [lifecycle.Move("go", {Light.RED}, Light.GREEN, "Only a red light turns green")])
    thing = type("Thing", (), {"state": Light.RED})()
    assert table.apply(thing, "go") == (Light.RED, Light.GREEN) and thing.state == Light.GREEN
    from challenge.errors import InvalidTransition

    with pytest.raises(InvalidTransition, match="Only a red light turns green"):
        table.apply(thing, "go")
    assert str(lifecycle.state_check("state", Light).sqltext) == "state in ('red', 'green')"


def test_the_viewer_is_the_person_behind_current_user_in_every_case(app, make_user):
    """`viewer()` (current_user without its proxy, for the questions a page asks ~30 times) is whoever current_user
    is: nobody outside a request, the anonymous user before and after sign-in, the signed-in person in between; and
    `can(None, …)` and `signed_in(current_user)` ask about them."""
    from flask_login import current_user, login_user, logout_user

    person = make_user()
    db.session.commit()
    with app.app_context():
        assert permissions.viewer() is None and current_user._get_current_object() is None
    with app.test_request_context():
        anonymous = permissions.viewer()
        assert anonymous is current_user._get_current_object() and not anonymous.is_authenticated
        assert not permissions.signed_in(current_user) and permissions.viewer_id() is None
        login_user(person)
        assert permissions.viewer() is person is current_user._get_current_object()
        assert permissions.viewer_id() == person.id
        assert permissions.signed_in(current_user)
        asked = []
        permissions.RULES["test.viewer"] = lambda user, thing, now: asked.append(user) or True
        try:
            assert permissions.can(None, "test.viewer") and permissions.can(current_user, "test.viewer")
        finally:
            del permissions.RULES["test.viewer"]
        assert asked == [person, person]
        logout_user()
        assert not permissions.viewer().is_authenticated and not permissions.signed_in(current_user)


@pytest.mark.parametrize("negate", [False, True])
def test_one_of_finds_what_in_finds_with_each_value_a_parameter_of_its_own(app, make_user, negate):
    """platform/columns.one_of: the same rows as `in_()` / `not_in()`, with nothing written into the text at run time."""
    from challenge.accounts.models import User
    from challenge.platform.columns import one_of

    people = [make_user() for _ in range(4)]
    db.session.commit()
    wanted = [people[0].email, people[2].email]
    fixed = one_of(User.email, wanted, negate=negate)
    expanding = User.email.not_in(wanted) if negate else User.email.in_(wanted)
    found = set(db.session.scalars(db.select(User.id).where(fixed)))
    assert found == set(db.session.scalars(db.select(User.id).where(expanding)))
    assert ({people[0].id, people[2].id} & found) == (set() if negate else {people[0].id, people[2].id})
    compiled = db.select(User.id).where(fixed).compile(dialect=db.engine.dialect)
    assert not compiled.post_compile_params and len([b for b in compiled.binds if b.startswith("param")]) == 2
