"""Subject access (issue 14 point 4): the person's data in, other people's out, no secrets, judges'
comments only after the decision, their files; a broker's export for a person who writes in is logged."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging.models import Decision
from challenge.platform.models import AuditEvent
from challenge.privacy import export


def unzip(data: bytes) -> dict[str, object]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return {name: (json.loads(z.read(name)) if name.endswith(".json") else z.read(name)) for name in z.namelist()}


def decide(w, published: bool = True) -> Decision:
    decision = Decision(challenge_id=w.challenge.id, round_id=w.round.id, kind="final", decided_by_id=w.chair.id,
                        decided_at=clock.now(), published_at=clock.now() if published else None)
    db.session.add(decision)
    db.session.commit()
    return decision


def comment(w, text: str) -> None:
    w.assignment.comment = text
    db.session.commit()


def test_a_person_downloads_their_data_from_their_account(world, client, login):
    login(world.creator)
    response = client.post("/account/your-data.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    files = unzip(response.data)
    [me] = files["users.json"]
    assert me["name"] == "Cara Creator" and me["email"] == "cara@example.org"
    assert {s["title"] for s in files["submissions.json"]} == {"Phone befriending"}
    assert files["questions.json"][0]["body"] == "Can a charity enter?"
    assert any(name.startswith("files/attachments-") for name in files)
    assert any(name.startswith("files/entry_answers-") for name in files)
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "data.export"))
    assert event.actor_id == world.creator.id and event.object_id == world.creator.id


def test_no_secrets_leave(world):
    text = json.dumps(export.gather(world.creator))
    for secret in ("password_hash", "session_token", "token_hash", "bank_details_encrypted", "secret_encrypted",
                   "code_hash", "creator_token_hash"):
        assert f'"{secret}"' not in text
    assert "$argon2" not in text


def test_other_people_are_another_person(world):
    world.question.answered_by_id, world.question.answer = world.seeker.id, "Yes: sally@riverside.example.org knows."
    db.session.commit()
    found = export.gather(world.creator)
    text = json.dumps(found)
    for name, email in (("Ben Other", "ben@example.org"), ("Sally Seeker", "sally@riverside.example.org"),
                        ("Jude Judge", "jude@example.org"), ("Brooke Broker", "brooke@example.org")):
        assert name not in text and email not in text
    # The team invitation the creator sent to Ben: Ben's address is not theirs to take.
    [invitation] = found["team_invitations"]
    assert invitation["email"] == "another person"
    # Their question, answered by the seeker: the seeker is another person, her address taken out of the text.
    [question] = found["questions"]
    assert question["asked_by_id"] == world.creator.id and question["answered_by_id"] == "another person"
    assert question["answer"] == "Yes: (another person's address) knows."


def test_nobody_elses_rows_come_along(world):
    found = export.gather(world.creator)
    assert {s["id"] for s in found["submissions"]} == {world.sub.id}
    assert "votes" not in found and "conflicts" not in found
    other = export.gather(world.other_creator)
    assert {s["id"] for s in other["submissions"]} == {world.other_sub.id}
    assert "attachments" not in other


def test_judges_comments_only_after_the_decision_and_without_the_judge(world):
    comment(world, "A clear plan; the budget is thin.")
    assert "assignments" not in export.gather(world.creator)
    decision = decide(world, published=False)  # recorded, not yet published: the comments would tell
    assert "assignments" not in export.gather(world.creator)
    decision.published_at = clock.now()
    db.session.commit()
    [row] = export.gather(world.creator)["assignments"]
    assert row["comment"] == "A clear plan; the budget is thin."
    assert row["panel_member_id"] == "another person"


def test_a_judge_gets_their_own_comments_at_once(world):
    comment(world, "Promising.")
    [row] = export.gather(world.judge)["assignments"]
    assert row["comment"] == "Promising." and row["panel_member_id"] == world.judge_seat.id


def test_a_broker_exports_for_a_person_who_writes_in_and_it_is_logged(world, client, login):
    login(world.broker)
    assert client.get(f"/admin/privacy/people/{world.creator.id}").status_code == 200
    response = client.post(f"/admin/privacy/people/{world.creator.id}/export")
    assert response.status_code == 200
    assert unzip(response.data)["users.json"][0]["email"] == "cara@example.org"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "data.export"))
    assert event.actor_id == world.broker.id and event.object_id == world.creator.id


@pytest.mark.parametrize("who", ["other_creator", "seeker", "judge", None])
def test_nobody_else_gets_a_persons_data(world, client, login, who):
    login(getattr(world, who) if who else None)
    response = client.post(f"/admin/privacy/people/{world.creator.id}/export")
    assert response.status_code == 404
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "data.export")) is None


def test_the_download_needs_a_sign_in(world, client):
    response = client.post("/account/your-data.zip")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_export_service_refuses_another_person(world):
    from challenge.errors import NotAllowed

    with pytest.raises(NotAllowed):
        export.export_for(world.creator, world.other_creator, clock.now() + timedelta(seconds=1))
