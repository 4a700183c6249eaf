"""platform/columns.json_rows and decoded: a related table's rows as one JSON value of a statement's row, read back
as the ORM would load them, on the database the suite runs on (SQLite, and PostgreSQL in CI's second run). The
challenge page reads its eight lists this way (challenges/showpage._public_statement)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import Column, Float

from challenge import clock
from challenge.challenges.models import Challenge, Question
from challenge.extensions import db
from challenge.judging.models import Criterion
from challenge.judging.rubric import CRITERION_ORDER
from challenge.platform.columns import decoded, json_rows, persistent

CRITERIA = (Criterion.id, Criterion.position, Criterion.name, Criterion.levels, Criterion.social_value,
            Criterion.weight)
ASKED = (Question.id, Question.body, Question.asked_at, Question.answer, Question.answered_at)


@pytest.fixture()
def world(make_user, make_org):
    seeker, creator = make_user("Priya Seeker"), make_user("Cara Creator")
    return SimpleNamespace(seeker=seeker, creator=creator, org=make_org(seeker, name="Camden Council"))


def _read(columns, *where, order_by=()):
    """Each challenge's id and its rows of `columns`, decoded."""
    value = json_rows(db.engine.dialect.name, columns, *where, order_by=order_by)
    rows = db.session.execute(db.select(Challenge.id, value).order_by(Challenge.id)).all()
    return {challenge_id: decoded(columns, found) for challenge_id, found in rows}


def test_each_row_holds_its_own_rows_in_order_as_the_orm_loads_them(app, world, make_challenge, rubric_for):
    first, second, bare = (make_challenge(world.org) for _ in range(3))
    rubric_for(first, criteria=(("Impact", 60), ("Feasibility", 40, True)))
    rubric_for(second, criteria=(("Reach", 100),))
    db.session.execute(db.update(Criterion).where(Criterion.name == "Impact").values(position=9))  # now last
    db.session.commit()
    first, second, bare = first.id, second.id, bare.id
    read = _read(CRITERIA, Criterion.challenge_id == Challenge.id, order_by=CRITERION_ORDER)
    db.session.expunge_all()
    for challenge_id in (first, second):
        loaded = db.session.scalars(db.select(Criterion).where(Criterion.challenge_id == challenge_id)
                                    .order_by(*CRITERION_ORDER)).all()
        assert read[challenge_id] == [tuple(getattr(c, column.key) for column in CRITERIA) for c in loaded]
    assert [row[2] for row in read[first]] == ["Feasibility", "Impact"]  # in CRITERION_ORDER
    feasibility = read[first][0]
    assert feasibility[4] is True and read[first][1][4] is False  # flags, not SQLite's 1 and 0
    assert isinstance(feasibility[3], list) and feasibility[3]  # the JSON column's list, not its text
    assert read[bare] == []  # none: an empty list on either database


def test_timestamps_come_back_aware_in_utc_and_nulls_as_none(app, world, make_challenge):
    challenge = make_challenge(world.org)
    asked = clock.now().replace(microsecond=123456) - timedelta(days=2)
    db.session.add_all([
        Question(challenge_id=challenge.id, asked_by_id=world.creator.id, body="Later?", asked_at=asked),
        Question(challenge_id=challenge.id, asked_by_id=world.creator.id, body="First?",
                 asked_at=asked - timedelta(hours=1), answer="Yes", answered_by_id=world.seeker.id,
                 answered_at=asked + timedelta(minutes=5))])
    db.session.commit()
    read = _read(ASKED, Question.challenge_id == Challenge.id, order_by=(Question.asked_at, Question.id))
    first, later = read[challenge.id]
    assert (first[1], first[2], first[3], first[4]) == ("First?", asked - timedelta(hours=1), "Yes",
                                                        asked + timedelta(minutes=5))
    assert first[2].utcoffset() == timedelta(0)
    assert (later[1], later[2], later[3], later[4]) == ("Later?", asked, None, None)


def test_a_column_it_cannot_read_back_is_refused(app):
    with pytest.raises(TypeError, match="cannot read back"):
        decoded((Column("ratio", Float),), [[0.5]])


def test_persistent_makes_the_sessions_clean_instance_and_saves_its_changes(app, world, make_challenge, rubric_for):
    """The instances the challenge page makes of those rows: in the session as if loaded, nothing to flush, the
    columns not given (and relationships) loaded when read, a change saved as any instance's."""
    from sqlalchemy import inspect

    challenge = make_challenge(world.org)
    (criterion, _), _ = rubric_for(challenge)
    criterion_id, levels, challenge_id = criterion.id, list(criterion.levels), challenge.id
    db.session.expunge_all()
    row = _read(CRITERIA, Criterion.challenge_id == Challenge.id, order_by=CRITERION_ORDER)[challenge_id][0]
    made = persistent(Criterion, {column.key: value for column, value in zip(CRITERIA, row, strict=True)})
    assert inspect(made).persistent and not (db.session.new or db.session.dirty)
    assert db.session.get(Criterion, criterion_id) is made
    assert made.levels == levels and made.challenge_id == challenge_id  # not given: loaded when read
    assert made.challenge is db.session.get(Challenge, challenge_id)  # a relationship: loaded when read
    assert persistent(Criterion, {"id": criterion_id, "name": "ignored"}) is made  # already there: that one
    made.name = "Impact on residents"
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(Criterion, criterion_id).name == "Impact on residents"
