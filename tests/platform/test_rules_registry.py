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
