"""Consent for service users' stories (issue 14 point 6): who gave it, when, for what use; withdrawn, the
story leaves the diagnosis page and the exports (a challenge draft never copies it), and only the consent record stays."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from challenge import clock
from challenge.diagnoses import services as diagnoses, stories
from challenge.diagnoses.models import Story
from challenge.errors import FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.platform import processing
from challenge.privacy import export

WORDS = "I go days without speaking to anyone since my husband died."


def record(w, **overrides):
    values = dict(kind="story", body=WORDS, consent_by="Service user 4 (widow)",
                  consent_use="This diagnosis and the challenge it leads to", given_on=date(2026, 11, 2))
    values.update(overrides)
    return stories.record(w.diagnosis, actor=w.seeker, now=clock.now(), **values)


def test_a_seeker_records_a_story_with_its_consent(world, client, login):
    login(world.seeker)
    response = client.post(f"/diagnoses/{world.diagnosis.id}/stories", data={
        "kind": "story", "body": WORDS, "consent_by": "Service user 4", "consent_use": "This diagnosis",
        "given_on": "2026-11-02"})
    assert response.status_code == 302
    story = db.session.scalar(db.select(Story))
    assert (story.consent_by, story.consent_use, story.consent_at.date(), story.recorded_by_id) == (
        "Service user 4", "This diagnosis", date(2026, 11, 2), world.seeker.id)
    page = client.get(f"/diagnoses/{world.diagnosis.id}")
    assert WORDS.encode() in page.data and b"consent from Service user 4" in page.data


def test_withdrawing_removes_the_story_everywhere(world, client, login):
    story = record(world)
    db.session.commit()
    login(world.seeker)
    assert client.post(f"/diagnoses/{world.diagnosis.id}/stories/{story.id}/withdraw").status_code == 302
    assert WORDS.encode() not in client.get(f"/diagnoses/{world.diagnosis.id}").data
    kept = db.session.get(Story, story.id)
    assert kept.withdrawn_at is not None and kept.body == "" and kept.consent_by == "Service user 4 (widow)"
    assert "diagnosis_stories" not in export.gather(world.seeker)
    challenge = diagnoses.start_challenge(world.diagnosis, world.seeker, clock.now())
    assert WORDS not in challenge.context


def test_a_story_with_consent_stays_out_of_the_challenge_draft(world):
    """Consent to use a story for the diagnosis is not consent to publish it: the draft refers to the
    diagnosis and never copies the story."""
    record(world)
    challenge = diagnoses.start_challenge(world.diagnosis, world.seeker, clock.now())
    assert WORDS not in challenge.context and WORDS not in challenge.problem
    assert f"/diagnoses/{world.diagnosis.id}" in challenge.context


def test_the_recorders_export_keeps_the_service_users_words_out(world):
    record(world)
    db.session.commit()
    [row] = export.gather(world.seeker)["diagnosis_stories"]
    assert row["body"] == "another person" and row["consent_by"] == "another person"
    assert WORDS not in json.dumps(export.gather(world.seeker))


def test_the_register_says_withdrawal_removes_it(app):
    entry = {e.table: e for e in processing.register()}["diagnosis_stories"]
    assert entry.special_category and entry.basis is processing.Basis.CONSENT
    assert "withdrawn" in entry.retention


def test_refusals(world):
    with pytest.raises(FieldError):
        record(world, consent_by=" ")
    with pytest.raises(FieldError):
        record(world, given_on=clock.now().date() + timedelta(days=2))
    with pytest.raises(FieldError):
        record(world, kind="rumour")
    with pytest.raises(NotAllowed):
        stories.record(world.diagnosis, "story", WORDS, "x", "y", date(2026, 1, 1), world.creator, clock.now())
    story = record(world)
    stories.withdraw(world.diagnosis, story, world.seeker, clock.now())
    with pytest.raises(InvalidTransition):
        stories.withdraw(world.diagnosis, story, world.seeker, clock.now())


@pytest.mark.parametrize("who", ["creator", "other_seeker", "broker"])
def test_nobody_outside_the_organisation_records_or_withdraws(world, client, login, who):
    story = record(world)
    db.session.commit()
    login(getattr(world, who))
    assert client.post(f"/diagnoses/{world.diagnosis.id}/stories", data={"body": "x"}).status_code == 404
    assert client.post(f"/diagnoses/{world.diagnosis.id}/stories/{story.id}/withdraw").status_code == 404
    assert db.session.get(Story, story.id).withdrawn_at is None
