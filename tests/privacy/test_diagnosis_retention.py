"""Diagnoses under the retention schedule: the register promises a period (`RETENTION["diagnoses"]`), and the
daily retention job deletes a diagnosis with its quotes, findings and service users' stories once that period
has passed since it was last changed, or since the challenge it led to was decided. A newer diagnosis, one
whose challenge still runs and one whose challenge is on legal hold are kept."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from challenge import clock, jobs
from challenge.challenges.states import ChallengeState
from challenge.diagnoses import services as diagnoses, stories
from challenge.diagnoses.models import Diagnosis, Story
from challenge.extensions import db
from challenge.judging.models import Decision
from challenge.platform import processing
from challenge.privacy import holds, retention

YEARS_3 = timedelta(days=3 * 365)


def kept_since(w, age: timedelta, **fields) -> Diagnosis:
    """A diagnosis of the world's council, with service users' words and a story, last changed `age` ago."""
    then = clock.now() - age
    d = diagnoses.create(w.council, w.seeker, then, title="Why do carers burn out?", quotes="I never sleep.",
                         evidence="Three carers were admitted to hospital.", **fields)
    stories.record(d, "story", "My mother needs me every night.", "Ann, a carer", "This diagnosis",
                   (then - timedelta(days=1)).date(), w.seeker, then)
    db.session.commit()
    return d


def gone(d_id: int) -> bool:
    db.session.expire_all()
    return (db.session.get(Diagnosis, d_id) is None
            and db.session.scalar(db.select(Story).where(Story.diagnosis_id == d_id)) is None)


def decide(challenge, age: timedelta, w) -> None:
    db.session.add(Decision(challenge_id=challenge.id, round_id=w.round.id, kind="final", decided_by_id=w.chair.id,
                            decided_at=clock.now() - age))
    db.session.commit()


def test_the_job_deletes_a_diagnosis_older_than_the_period_with_its_stories(world):
    old = kept_since(world, YEARS_3)
    new = kept_since(world, timedelta(days=300))
    report = jobs.run("privacy.retention")
    db.session.commit()
    assert "diagnoses: 1 done" in report.lines
    assert gone(old.id)
    assert db.session.get(Diagnosis, new.id).quotes == "I never sleep."  # the newer one is kept whole
    assert len(stories.active(db.session.get(Diagnosis, new.id))) == 1
    assert db.session.get(Diagnosis, world.diagnosis.id) is not None  # the world's, made today
    assert jobs.run("privacy.retention").lines[-1] == "0 rows done."  # a second run has nothing to do


def test_the_period_counts_from_the_decision_of_the_challenge_it_led_to(world):
    d = kept_since(world, YEARS_3)
    d.challenge_id = world.challenge.id
    db.session.commit()
    assert retention.run(clock.now(), dry_run=True)[0]["diagnoses"] == 0  # its challenge is not decided yet
    decide(world.challenge, timedelta(days=300), world)
    assert retention.run(clock.now(), dry_run=True)[0]["diagnoses"] == 0  # decided, but within the period
    clock.travel(timedelta(days=500))
    retention.run(clock.now())
    db.session.commit()
    assert gone(d.id)


def test_a_cancelled_challenges_diagnosis_goes_after_the_period(world, make_challenge):
    cancelled = make_challenge(world.council, ChallengeState.CANCELLED, title="Respite care", author=world.seeker)
    cancelled.updated_at = clock.now() - YEARS_3
    d = kept_since(world, YEARS_3)
    d.challenge_id = cancelled.id
    db.session.commit()
    retention.run(clock.now())
    db.session.commit()
    assert gone(d.id)


def test_a_legal_hold_on_its_challenge_keeps_the_diagnosis(world):
    d = kept_since(world, YEARS_3)
    d.challenge_id = world.challenge.id
    decide(world.challenge, YEARS_3, world)
    holds.place(world.challenge, "A claim about the evidence", world.broker, clock.now())
    db.session.commit()
    jobs.run("privacy.retention")
    db.session.commit()
    kept = db.session.get(Diagnosis, d.id)
    assert kept.quotes == "I never sleep." and len(stories.active(kept)) == 1
    holds.lift(world.challenge, "Settled", world.broker, clock.now())
    db.session.commit()
    jobs.run("privacy.retention")
    db.session.commit()
    assert gone(d.id)


def _register_rows(table: str) -> list[dict]:
    return [row for row in csv.DictReader(io.StringIO(processing.as_csv())) if row["table"] == table]


def test_the_register_states_the_period_the_job_enforces(world, app, monkeypatch):
    [row] = _register_rows("diagnoses")
    assert retention.describe("diagnoses") == "2 years"
    assert "2 years after it was last changed" in row["retention"] and "{period}" not in row["retention"]
    [story_row] = _register_rows("diagnosis_stories")
    assert "2 years" in story_row["retention"]
    # One setting moves both: the register and the job.
    monkeypatch.setitem(app.config, "RETENTION", {**app.config["RETENTION"], "diagnoses": {"years": 5}})
    [row] = _register_rows("diagnoses")
    assert "5 years after it was last changed" in row["retention"]
    records = json.loads(processing.as_json({}))["records"]
    assert any(r["table"] == "diagnoses" and "5 years" in r["retention"] for r in records)
    d = kept_since(world, YEARS_3)
    assert retention.run(clock.now(), dry_run=True)[0]["diagnoses"] == 0
    clock.travel(timedelta(days=3 * 365))
    assert [x.id for x in retention.preview(clock.now())[-1].rows] == [d.id]


def test_the_privacy_notice_states_the_period(world, client):
    page = client.get("/privacy")
    assert page.status_code == 200
    assert b"2 years after it was last changed" in page.data


@pytest.mark.parametrize("who", ["creator", "seeker", "judge"])
def test_only_brokers_see_the_schedule_with_diagnoses(world, client, login, who):
    login(getattr(world, who))
    assert client.get("/admin/privacy").status_code == 404


def test_brokers_see_diagnoses_in_the_retention_preview(world, client, login):
    kept_since(world, YEARS_3)
    login(world.broker)
    page = client.get("/admin/privacy")
    assert page.status_code == 200
    assert b"Problem diagnoses, their quotes and service users" in page.data
