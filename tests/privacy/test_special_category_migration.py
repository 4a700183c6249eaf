"""Migration 0028_special_category seals the special category values already stored, and its downgrade
unseals them (the suite's own database is taken back to the revision before it and up to the head again)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from challenge import clock
from challenge.diagnoses import stories
from challenge.diagnoses.models import Diagnosis
from challenge.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
WORDS = ("Waits for the memory clinic", "I forget my tablets", "Half missed a dose", "My dementia got worse",
         "Mrs K (carer)")


def _before_0028() -> str:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return ScriptDirectory.from_config(config).get_revision("0028_special_category").down_revision


def _stored(d_id: int) -> tuple:
    row = db.session.execute(text("select evidence, quotes, survey_findings from diagnoses where id = :i"),
                             {"i": d_id}).one()
    story = db.session.execute(text("select body, consent_by from diagnosis_stories where diagnosis_id = :i"),
                               {"i": d_id}).one()
    return (*row, *story)


def test_the_migration_seals_what_is_stored_and_its_downgrade_unseals_it(app, make_user, make_org):
    seeker = make_user("Sally Seeker")
    council = make_org(seeker)
    now = clock.now()
    d = Diagnosis(organisation_id=council.id, title="Memory clinic", evidence=WORDS[0], quotes=WORDS[1],
                  survey_findings=WORDS[2], created_by_id=seeker.id, created_at=now, updated_at=now)
    db.session.add(d)
    db.session.flush()
    stories.record(d, "story", WORDS[3], WORDS[4], "This diagnosis", date(2026, 11, 1), seeker, now)
    db.session.commit()
    d_id = d.id
    assert not set(_stored(d_id)) & set(WORDS)
    db.session.remove()
    try:
        downgrade(directory=MIGRATIONS, revision=_before_0028())
        assert _stored(d_id) == WORDS
        consent_by = next(c for c in inspect(db.engine).get_columns("diagnosis_stories") if c["name"] == "consent_by")
        assert getattr(consent_by["type"], "length", None) == 200
        db.session.remove()
    finally:
        upgrade(directory=MIGRATIONS)
    assert not set(_stored(d_id)) & set(WORDS)
    assert all(value.startswith("gAAAA") for value in _stored(d_id))
    d = db.session.get(Diagnosis, d_id)
    assert (d.evidence, d.quotes, d.survey_findings, stories.active(d)[0].body) == WORDS[:4]
