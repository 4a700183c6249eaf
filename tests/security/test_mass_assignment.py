"""Fields a person may not set (state, owner, broker flag, amounts, stage, someone else's scores) are
ignored when added to a form: each test also changes one legitimate field, to show the form was taken."""
from __future__ import annotations

from challenge.accounts.models import User
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.partnerships import services as partnerships
from challenge.partnerships.models import Partnership
from challenge.submissions.models import Submission
from challenge import clock
from tests.security.formdata import form_on

EXTRA = {"state": "winner", "is_broker": "1", "is_active_account": "0", "amount": "999999", "value": "999999",
         "stage": "scaled", "score": "4", "judge_id": "1", "published_at": "2020-01-01"}


def test_the_profile_form_sets_only_name_and_bio(app, client, make_user, login):
    person, other = make_user(email="me@example.org"), make_user()
    login(person)
    data = form_on(client.get("/account").get_data(as_text=True), "/account/details")
    data.update({"details-name": "New Name", **EXTRA, "email": "boss@example.org", "id": str(other.id),
                 "details-is_broker": "y", "details-email": "boss@example.org", "password_hash": "x"})
    assert client.post("/account/details", data=data).status_code == 302
    db.session.expire_all()
    me = db.session.get(User, person.id)
    assert me.name == "New Name"
    assert not me.is_broker and me.is_active_account and me.email == "me@example.org"


def test_the_submission_form_cannot_set_state_owner_or_challenge(app, client, make_user, make_org, make_challenge,
                                                                  make_submission, login):
    creator, rival = make_user(), make_user()
    org = make_org(make_user())
    challenge, elsewhere = make_challenge(org, "open"), make_challenge(org, "open")
    sub = make_submission(challenge, creator, "draft")
    login(creator)
    page = client.get(f"/submissions/{sub.reference}/edit").get_data(as_text=True)
    data = form_on(page, f"/submissions/{sub.reference}/edit")
    data.update({"title": "Better title", **EXTRA, "owner_id": str(rival.id), "owner": str(rival.id),
                 "challenge_id": str(elsewhere.id), "reference": "CX-HACKED", "state_reason": "x"})
    assert client.post(f"/submissions/{sub.reference}/edit", data=data).status_code == 302
    db.session.expire_all()
    sub = db.session.get(Submission, sub.id)
    assert sub.title == "Better title"
    assert (sub.state, sub.owner_id, sub.challenge_id, sub.reference) == ("draft", creator.id, challenge.id,
                                                                         sub.reference)
    assert not sub.reference.startswith("CX-HACKED")


def test_the_challenge_form_cannot_set_state_organisation_or_author(app, client, make_user, make_org,
                                                                     make_challenge, login):
    seeker, stranger = make_user(), make_user()
    org, other_org = make_org(seeker), make_org(stranger)
    challenge = make_challenge(org, "draft")
    login(seeker)
    page = client.get(f"/challenges/{challenge.slug}/edit").get_data(as_text=True)
    data = form_on(page, f"/challenges/{challenge.slug}/edit")
    data.update({"title": "A sharper title", **EXTRA, "state": "published", "organisation_id": str(other_org.id),
                 "created_by_id": str(stranger.id), "slug": "hijacked", "fee_bp": "0"})
    response = client.post(f"/challenges/{challenge.slug}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    challenge = db.session.get(Challenge, challenge.id)
    assert challenge.title == "A sharper title"
    assert (challenge.state, challenge.organisation_id, challenge.created_by_id) == ("draft", org.id, seeker.id)
    assert challenge.published_at is None and challenge.slug != "hijacked"


def test_the_partnership_form_cannot_move_the_stage_or_swap_the_people(app, client, make_user, make_org, login):
    broker, creator, intruder = make_user(broker=True), make_user(), make_user()
    council = make_org(make_user())
    p = partnerships.create_partnership(broker, clock.now(), title="Pilot", kind="pilot", creator=creator,
                                        counterpart=council)
    db.session.commit()
    login(broker)
    data = form_on(client.get(f"/partnerships/{p.id}/edit").get_data(as_text=True), f"/partnerships/{p.id}/edit")
    data.update({"title": "Pilot, renamed", "stage": "scaled", "creator_id": str(intruder.id),
                 "counterpart_id": str(make_org(intruder).id), "investment": "999999"})
    assert client.post(f"/partnerships/{p.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    p = db.session.get(Partnership, p.id)
    assert p.title == "Pilot, renamed"
    assert (p.stage, p.creator_id, p.counterpart_id, p.investment) == ("lead", creator.id, council.id, 0)


def test_a_judge_cannot_score_for_someone_else(app, client, sec_world, login):
    from challenge.judging.models import Assignment, Conflict, Criterion, Score

    w = sec_world
    chairs = Assignment(round_id=w.round.id, panel_member_id=w.chair_seat.id, submission_id=w.sub.id,
                        reference=w.sub.reference)
    foreign = Criterion(challenge_id=w.other_challenge.id, position=1, name="Other", weight=100, scale_min=0,
                        scale_max=4, levels=[])
    db.session.add_all([chairs, foreign, Conflict(panel_member_id=w.judge_seat.id, submission_id=w.sub.id,
                                                  has_conflict=False, declared_at=clock.now())])
    db.session.commit()
    login(w.judge)
    url = f"/judging/{w.challenge.slug}/entries/{w.assignment.id}/scores"
    others = {"assignment_id": str(chairs.id), "panel_member_id": str(w.chair_seat.id), "judge_id": str(w.chair.id),
              "user_id": str(w.chair.id), "state": "submitted", "action": "save"}
    response = client.post(url, data={f"score-{w.criterion.id}": "3", "comment": "Fine", **others})
    assert response.status_code == 302
    db.session.expire_all()
    assert [s.value for s in db.session.scalars(db.select(Score).where(Score.assignment_id == w.assignment.id))] == [3]
    assert db.session.get(Assignment, w.assignment.id).state != "submitted"
    refused = client.post(url, data={f"score-{w.criterion.id}": "2", f"score-{foreign.id}": "4", **others})
    assert refused.status_code in (400, 409)
    db.session.expire_all()
    assert db.session.scalars(db.select(Score).where(Score.assignment_id == chairs.id)).all() == []
    assert db.session.scalars(db.select(Score).where(Score.criterion_id == foreign.id)).all() == []
    assert db.session.get(Assignment, chairs.id).comment == ""
    # and the chair's entry page is not the judge's to post to
    assert client.post(f"/judging/{w.challenge.slug}/entries/{chairs.id}/scores",
                       data={f"score-{w.criterion.id}": "0", "action": "submit"}).status_code == 404
    assert db.session.scalars(db.select(Score).where(Score.assignment_id == chairs.id)).all() == []
