"""Special category data (issue 14 point 8): the columns declared `special` are sealed at rest with their own
key, left out of every CSV export, shown to those allowed, and each broker's view of them is logged;
withdrawal and erasure still work on the sealed columns."""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import Column, MetaData, Text, text

from challenge import clock
from challenge.admin import queries
from challenge.diagnoses import stories
from challenge.extensions import db
from challenge.platform import processing
from challenge.platform.models import AuditEvent
from challenge.platform.sealed import SPECIAL_CATEGORY, SealedText
from challenge.privacy import erasure
from tests.factories import PASSWORD
from tests.privacy.privacy_helpers import settle
from tests.privacy.test_erasure import whole_database_text
from tests.security.sweep_params import url_for_rule
from tests.security.world import ROLES

EVIDENCE, QUOTE, FINDINGS = "Diabetic clinic waits doubled", "My insulin ran out twice", "Nine in ten missed a dose"
STORY, WHO = "I was sectioned after the crisis team never came.", "Service user 7 (Ward 4)"
SPECIAL_WORDS = (EVIDENCE, QUOTE, FINDINGS, STORY, WHO)


def fill(w, who: str = WHO):
    """The world's diagnosis with health data in every special column, and one story with its consent."""
    d = w.diagnosis
    d.evidence, d.quotes, d.survey_findings = EVIDENCE, QUOTE, FINDINGS
    story = stories.record(d, "story", STORY, who, "This diagnosis", date(2026, 11, 2), w.seeker, clock.now())
    db.session.commit()
    return story


def raw(sql: str, **params):
    return tuple(db.session.execute(text(sql), params).one())


def views():
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "special_category.viewed")))


def test_the_database_holds_ciphertext_and_the_page_shows_the_words(world, client, login):
    story = fill(world)
    stored = raw("select evidence, quotes, survey_findings from diagnoses where id = :id", id=world.diagnosis.id)
    stored += raw("select body, consent_by from diagnosis_stories where id = :id", id=story.id)
    for cipher, words in zip(stored, SPECIAL_WORDS):
        assert cipher.startswith("gAAAA") and words not in cipher  # a Fernet token, not the words
        assert SPECIAL_CATEGORY.unseal(cipher) == words
    db.session.expire_all()
    assert (world.diagnosis.evidence, stories.active(world.diagnosis)[0].consent_by) == (EVIDENCE, WHO)
    login(world.seeker)
    page = client.get(f"/diagnoses/{world.diagnosis.id}").get_data(as_text=True)
    assert all(words in page for words in SPECIAL_WORDS)


def test_one_declaration_says_what_is_sealed_and_a_mismatch_is_caught(app):
    assert processing.special_columns() == {"diagnoses": {"evidence", "quotes", "survey_findings"},
                                            "diagnosis_stories": {"body", "consent_by"}}
    register = {r["table"]: r for r in csv.DictReader(io.StringIO(processing.as_csv()))}
    assert register["diagnosis_stories"]["special"] == "body, consent_by"
    assert register["diagnoses"]["special_category"] == "True" and register["users"]["special"] == ""
    metadata = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(metadata)
    metadata.tables["diagnoses"].c.quotes.type = Text()
    metadata.tables["challenges"].append_column(Column("health_flags", SealedText()))
    assert processing.undeclared(metadata) == [
        "challenges.health_flags: sealed as special category but not declared special",
        "diagnoses.quotes: special category but not sealed at rest"]


def test_a_brokers_view_is_logged_and_a_members_is_not(world, client, login):
    fill(world)
    login(world.seeker)
    assert client.get(f"/diagnoses/{world.diagnosis.id}").status_code == 200
    assert views() == []
    login(world.broker)
    page = client.get(f"/diagnoses/{world.diagnosis.id}").get_data(as_text=True)
    assert STORY in page and "this view is recorded in the audit log" in page
    assert "Record the story" not in page and "Consent withdrawn: remove" not in page and "/edit" not in page
    [event] = views()
    assert (event.actor_id, event.object_type, event.object_id) == (world.broker.id, "diagnosis", world.diagnosis.id)
    assert event.data["fields"] == ["evidence", "quotes", "survey_findings", "1 story"]
    client.get(f"/diagnoses/{world.diagnosis.id}")
    assert len(views()) == 2  # every view, not one a minute
    assert client.post(f"/diagnoses/{world.diagnosis.id}/edit", data={"title": "Changed"}).status_code == 404
    security_log = {e.action for e in db.session.scalars(queries.audit_query(kind="security"))}
    assert "special_category.viewed" in security_log and "diagnosis.story_recorded" not in security_log


def test_a_withdrawn_story_leaves_the_page_and_the_database(world, client, login):
    story = fill(world)
    stories.withdraw(world.diagnosis, story, world.seeker, clock.now())
    db.session.commit()
    assert raw("select body from diagnosis_stories where id = :id", id=story.id) == ("",)
    login(world.broker)
    page = client.get(f"/diagnoses/{world.diagnosis.id}").get_data(as_text=True)
    assert STORY not in page and "No stories recorded with consent yet." in page
    assert views()[0].data["fields"] == ["evidence", "quotes", "survey_findings"]


def test_no_csv_export_carries_special_category_data(app, world, client, login):
    fill(world)
    login(world.broker)
    client.get(f"/diagnoses/{world.diagnosis.id}")  # its event is in the audit log's CSV too
    downloads = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.endswith(".csv") or "GET" not in rule.methods:
            continue
        url = url_for_rule(rule, world)
        for role in ROLES:
            login(getattr(world, role))
            response = client.get(url)
            if response.status_code == 200:
                downloads += 1
                body = response.get_data(as_text=True)
                assert not [w for w in SPECIAL_WORDS if w in body], f"{url} as {role}"
    assert downloads >= 6  # the sweep really downloaded: the broker alone has several exports


def test_erasure_reaches_into_sealed_columns(world):
    name = world.creator.name
    settle(world.payout)
    fill(world, who=f"{name}'s neighbour")
    world.diagnosis.evidence = f"{name} told us the clinic moved."
    db.session.commit()
    assert name in whole_database_text()  # the search unseals: it can find a name in a sealed column
    erasure.erase(world.creator, world.creator, clock.now(), password=PASSWORD)
    db.session.commit()
    assert name not in whole_database_text()
    db.session.expire_all()
    pseudonym = erasure.pseudonym(world.creator.id)[0]
    assert world.diagnosis.evidence == f"{pseudonym} told us the clinic moved."
    assert stories.active(world.diagnosis)[0].consent_by == f"{pseudonym}'s neighbour"
    cipher = raw("select evidence from diagnoses where id = :id", id=world.diagnosis.id)[0]
    assert SPECIAL_CATEGORY.unseal(cipher) == world.diagnosis.evidence
