"""Issue 14 point 7: DPIA screening. A draft that involves service users' data carries the ICO's screening
questions; review needs them answered, publishing needs the DPO's sign-off when a full DPIA is required, the
answers freeze at publication, and the DPIA record is the seeker's organisation's and the brokers' only."""
from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest

from challenge import clock
from challenge.challenges import services
from challenge.errors import FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.payouts.funding import waive_funding
from challenge.platform.models import AuditEvent
from challenge.privacy import dpia
from challenge.privacy.dpia import FULL_DPIA, NO_FULL_DPIA, QUESTIONS, outcome_of
from tests.challenges.challenge_helpers import challenge_form
from tests.factories import PUBLISHABLE

ALL_NO = {q.key: {"answer": "no", "note": ""} for q in QUESTIONS}


def _answers(**yes) -> dict[str, tuple[str, str]]:
    """Every question answered "no", except those named (key=note) answered "yes" with that note."""
    return {q.key: ("yes", yes[q.key]) if q.key in yes else ("no", "") for q in QUESTIONS}


def _form(**yes) -> dict:
    data = {}
    for key, (answer, note) in _answers(**yes).items():
        data[f"{key}-answer"], data[f"{key}-note"] = answer, note
    return data


@pytest.fixture()
def w(make_user, make_org, make_challenge, rubric_for):
    seeker = make_user("Priya Seeker", "priya@camden.example.org")
    colleague = make_user("Colin Colleague", "colin@camden.example.org")
    outsider = make_user("Olly Other", "olly@leeds.example.org")
    creator = make_user("Cara Creator", "cara@example.net")
    broker = make_user("Brooke Broker", "brooke@example.org", broker=True)
    org = make_org(seeker, colleague, name="Camden Council")
    make_org(outsider, name="Leeds City Council")
    draft = make_challenge(org, "draft", outcomes="Fewer missed appointments", eligibility="Anyone",
                           service_user_data="special")
    rubric_for(draft, criteria=PUBLISHABLE, rounds=())
    return SimpleNamespace(seeker=seeker, colleague=colleague, outsider=outsider, creator=creator, broker=broker,
                           org=org, draft=draft)


def _in_review(w, **yes):
    dpia.save_answers(w.draft, _answers(**yes), w.seeker, clock.now())
    services.submit_for_review(w.draft, w.seeker, clock.now())
    waive_funding(w.draft, "Funding agreed in writing", w.broker, clock.now())
    db.session.commit()
    return w.draft


# --- the outcome: a pure function ------------------------------------------------------------------------

def test_no_service_users_data_needs_no_screening():
    out = outcome_of("none", {})
    assert (out.needed, out.complete, out.full_dpia) == (False, True, False)


def test_personal_data_with_every_answer_no_needs_no_full_dpia_and_says_why():
    out = outcome_of("personal", ALL_NO)
    assert out.complete and not out.full_dpia and out.headline == NO_FULL_DPIA
    assert "none of the ICO's high-risk indicators applies" in out.reasons[0]


@pytest.mark.parametrize("key", [q.key for q in QUESTIONS if q.high_risk])
def test_any_high_risk_yes_means_a_full_dpia_naming_it(key):
    out = outcome_of("personal", {**ALL_NO, key: {"answer": "yes", "note": ""}})
    assert out.full_dpia and out.headline == FULL_DPIA
    assert dpia.BY_KEY[key].short in out.reasons[0]


def test_health_data_means_a_full_dpia_even_with_every_answer_no():
    out = outcome_of("special", ALL_NO)
    assert out.full_dpia and "health data" in out.reasons[0]


def test_data_leaving_the_uk_alone_is_not_high_risk_but_is_said():
    out = outcome_of("personal", {**ALL_NO, "outside_uk": {"answer": "yes", "note": "Azure EU"}})
    assert not out.full_dpia and any("leaves the UK" in r for r in out.reasons)


def test_an_unanswered_question_leaves_the_screening_unfinished():
    answers = dict(ALL_NO)
    del answers["vulnerable"]
    out = outcome_of("special", answers)
    assert not out.complete and not out.full_dpia and "1 of" in out.headline


# --- the draft and review -----------------------------------------------------------------------------------

def test_the_draft_form_records_whether_service_users_data_is_involved(client, login, w):
    login(w.seeker)
    page = client.get(f"/challenges/{w.draft.slug}/edit")
    assert "Will this challenge involve service users&#39; personal data or health data?" in page.text
    response = client.post(f"/challenges/{w.draft.slug}/edit", data=challenge_form(service_user_data="personal"))
    assert response.status_code == 302
    db.session.refresh(w.draft)
    assert w.draft.service_user_data == "personal"
    refused = client.post(f"/challenges/{w.draft.slug}/edit", data=challenge_form(service_user_data="lots"))
    assert refused.status_code == 400
    db.session.refresh(w.draft)
    assert w.draft.service_user_data == "personal"


def test_sending_for_review_is_refused_until_the_screening_is_answered(w):
    with pytest.raises(FieldError) as refused:
        services.submit_for_review(w.draft, w.seeker, clock.now())
    assert "DPIA screening must be finished before sending it for review" in refused.value.message
    assert "answer every question" in refused.value.message
    assert w.draft.state == "draft"
    dpia.save_answers(w.draft, _answers(), w.seeker, clock.now())
    services.submit_for_review(w.draft, w.seeker, clock.now())
    assert w.draft.state == "in_review"


def test_a_draft_without_service_users_data_goes_to_review_unscreened(w):
    w.draft.service_user_data = "none"
    services.submit_for_review(w.draft, w.seeker, clock.now())
    assert w.draft.state == "in_review"


def test_answering_over_http_saves_and_audits_each_changed_answer(client, login, w):
    login(w.seeker)
    assert client.post(f"/challenges/{w.draft.slug}/dpia", data=_form()).status_code == 302
    screening = dpia.screening_of(w.draft)
    assert screening.answered_by_id == w.seeker.id and screening.full_dpia_required
    assert len(_audited("privacy.dpia_answer")) == len(QUESTIONS)
    client.post(f"/challenges/{w.draft.slug}/dpia", data=_form(vulnerable="Patients of the trust"))
    changed = _audited("privacy.dpia_answer")[len(QUESTIONS):]
    assert [e.data["question"] for e in changed] == ["vulnerable"]
    assert changed[0].data["from"]["answer"] == "no" and changed[0].data["to"]["answer"] == "yes"
    db.session.refresh(screening)
    assert screening.answers["vulnerable"] == {"answer": "yes", "note": "Patients of the trust"}


def test_a_missing_answer_is_refused_with_a_message(client, login, w):
    login(w.seeker)
    data = _form()
    del data["large_scale-answer"]
    response = client.post(f"/challenges/{w.draft.slug}/dpia", data=data)
    assert response.status_code == 400 and "Answer yes or no" in response.text
    assert dpia.screening_of(w.draft) is None


def test_a_draft_that_says_no_service_users_data_has_nothing_to_screen(w):
    w.draft.service_user_data = "none"
    with pytest.raises(FieldError, match="nothing to screen"):
        dpia.save_answers(w.draft, _answers(), w.seeker, clock.now())


def test_only_the_challenges_organisation_or_a_broker_may_answer(w):
    with pytest.raises(NotAllowed):
        dpia.save_answers(w.draft, _answers(), w.outsider, clock.now())
    dpia.save_answers(w.draft, _answers(), w.colleague, clock.now())
    assert dpia.screening_of(w.draft).answered_by_id == w.colleague.id


# --- publishing and the DPO's sign-off ----------------------------------------------------------------------

def test_publishing_is_refused_with_409_until_the_dpo_sign_off(w):
    challenge = _in_review(w)
    with pytest.raises(InvalidTransition) as refused:
        services.publish(challenge, w.broker, clock.now())
    assert refused.value.status == 409 and FULL_DPIA in refused.value.message
    assert "DPIA completed and signed off by the DPO" in refused.value.message
    assert challenge.state == "in_review"
    dpia.sign_off(challenge, clock.now().date(), "DPIA-2026-014", w.broker, clock.now())
    services.publish(challenge, w.broker, clock.now())
    assert challenge.state == "published"


def test_changed_answers_after_the_sign_off_need_a_new_one(w):
    challenge = _in_review(w)
    dpia.sign_off(challenge, clock.now().date(), "DPIA-2026-014", w.broker, clock.now())
    dpia.save_answers(challenge, _answers(), w.seeker, clock.now())  # the same answers again: still signed off
    assert dpia.signed_off(dpia.screening_of(challenge))
    changed = {**_answers(), QUESTIONS[0].key: ("yes", "Matching with the council's housing records")}
    dpia.save_answers(challenge, changed, w.seeker, clock.now())
    screening = dpia.screening_of(challenge)
    assert not dpia.signed_off(screening) and screening.dpo_reference == ""
    assert [e.data for e in _audited("privacy.dpia_sign_off_cleared")] == [{"reference": "DPIA-2026-014"}]
    with pytest.raises(InvalidTransition):
        services.publish(challenge, w.broker, clock.now())
    assert challenge.state == "in_review"


def test_no_full_dpia_publishes_without_a_sign_off(w):
    w.draft.service_user_data = "personal"
    challenge = _in_review(w)
    services.publish(challenge, w.broker, clock.now())
    assert challenge.state == "published"


def test_publishing_over_http_without_the_sign_off_says_why_in_a_banner(client, login, w):
    challenge = _in_review(w)
    login(w.broker)
    response = client.post(f"/challenges/{challenge.slug}/publish", follow_redirects=True)
    db.session.refresh(challenge)
    assert challenge.state == "in_review"
    assert "A full DPIA is required before the challenge opens: tick" in response.text


def test_the_broker_signs_off_over_http_and_it_is_audited(client, login, w):
    challenge = _in_review(w)
    login(w.broker)
    page = client.get(f"/challenges/{challenge.slug}/dpia")
    assert "DPIA completed and signed off by the DPO" in page.text
    response = client.post(f"/challenges/{challenge.slug}/dpia/sign-off", data={
        "confirmed": "y", "signed_on": clock.now().date().isoformat(), "reference": "DPIA-2026-014"})
    assert response.status_code == 302
    screening = dpia.screening_of(challenge)
    assert screening.signed_off_by_id == w.broker.id and screening.dpo_reference == "DPIA-2026-014"
    [event] = _audited("privacy.dpia_signed_off")
    assert event.data == {"signed_on": clock.now().date().isoformat(), "reference": "DPIA-2026-014"}
    client.post(f"/challenges/{challenge.slug}/dpia/sign-off", data={
        "confirmed": "y", "signed_on": clock.now().date().isoformat(), "reference": "DPIA-2026-014"})
    assert len(_audited("privacy.dpia_signed_off")) == 1  # the same sign-off twice changes nothing


@pytest.mark.parametrize("data, message", [
    ({"signed_on": "today", "reference": "R1"}, "Tick to confirm"),
    ({"confirmed": "y", "signed_on": "", "reference": "R1"}, "Enter the date"),
    ({"confirmed": "y", "signed_on": "2099-01-01", "reference": "R1"}, "today or earlier"),
    ({"confirmed": "y", "signed_on": "2026-01-01", "reference": ""}, "Enter the DPIA&#39;s reference"),
])
def test_a_sign_off_without_its_details_is_refused(client, login, w, data, message):
    challenge = _in_review(w)
    login(w.broker)
    response = client.post(f"/challenges/{challenge.slug}/dpia/sign-off", data=data)
    assert response.status_code == 400 and message in response.text
    assert not dpia.signed_off(dpia.screening_of(challenge))


def test_only_a_broker_may_sign_off(client, login, w):
    challenge = _in_review(w)
    with pytest.raises(NotAllowed):
        dpia.sign_off(challenge, clock.now().date(), "R1", w.seeker, clock.now())
    login(w.seeker)
    response = client.post(f"/challenges/{challenge.slug}/dpia/sign-off", data={
        "confirmed": "y", "signed_on": clock.now().date().isoformat(), "reference": "R1"})
    assert response.status_code == 404 and not dpia.signed_off(dpia.screening_of(challenge))


def test_there_is_nothing_to_sign_off_without_a_full_dpia(w):
    w.draft.service_user_data = "personal"
    challenge = _in_review(w)
    with pytest.raises(FieldError, match="nothing to sign off"):
        dpia.sign_off(challenge, clock.now().date(), "R1", w.broker, clock.now())


def test_the_screening_is_frozen_once_published(client, login, w):
    challenge = _in_review(w)
    dpia.sign_off(challenge, clock.now().date(), "R1", w.broker, clock.now())
    services.publish(challenge, w.broker, clock.now())
    db.session.commit()
    with pytest.raises(InvalidTransition, match="frozen"):
        dpia.save_answers(challenge, _answers(monitoring="CCTV"), w.seeker, clock.now())
    login(w.seeker)
    response = client.post(f"/challenges/{challenge.slug}/dpia", data=_form(monitoring="CCTV"))
    assert response.status_code == 409 and "frozen" in response.text
    assert dpia.screening_of(challenge).answers["monitoring"]["answer"] == "no"
    page = client.get(f"/challenges/{challenge.slug}/dpia")
    assert page.status_code == 200 and "The screening is frozen" in page.text and 'name="monitoring-answer"' not in page.text
    login(w.broker)
    later = clock.now().date() - timedelta(days=1)
    response = client.post(f"/challenges/{challenge.slug}/dpia/sign-off", data={
        "confirmed": "y", "signed_on": later.isoformat(), "reference": "R2"})
    assert response.status_code == 409 and dpia.screening_of(challenge).dpo_reference == "R1"


# --- who sees it, and the record -----------------------------------------------------------------------------

PAGES = ("/dpia", "/dpia/record", "/dpia/record.json", "/dpia/record.md")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who, status", [("seeker", 200), ("colleague", 200), ("broker", 200), ("creator", 404),
                                         ("outsider", 404), (None, 404)])
def test_only_the_organisation_and_brokers_see_the_screening_and_record(client, login, w, path, who, status):
    login(getattr(w, who) if who else None)
    assert client.get(f"/challenges/{w.draft.slug}{path}").status_code == status


@pytest.mark.parametrize("who", ["creator", "outsider", None])
def test_nobody_else_may_answer(client, login, w, who):
    login(getattr(w, who) if who else None)
    assert client.post(f"/challenges/{w.draft.slug}/dpia", data=_form()).status_code == 404
    assert dpia.screening_of(w.draft) is None


def test_the_record_says_the_challenge_controller_answers_outcome_and_sign_off(client, login, w, app, monkeypatch):
    monkeypatch.setitem(app.config, "PRIVACY_CONTROLLER", "Camden Exchange Ltd")
    challenge = _in_review(w, vulnerable="Patients")
    dpia.sign_off(challenge, clock.now().date(), "DPIA-7", w.broker, clock.now())
    db.session.commit()
    login(w.seeker)
    response = client.get(f"/challenges/{challenge.slug}/dpia/record.json")
    assert response.headers["Content-Disposition"] == f'attachment; filename="dpia-{challenge.slug}.json"'
    record = json.loads(response.data)
    assert record["challenge"]["title"] == challenge.title and record["controller"]["name"] == "Camden Exchange Ltd"
    assert record["outcome"]["full_dpia_required"] and record["outcome"]["headline"] == FULL_DPIA
    assert {a["key"]: a["answer"] for a in record["answers"]}["vulnerable"] == "yes"
    assert record["answered_by"] == "Priya Seeker"
    assert record["sign_off"]["reference"] == "DPIA-7" and record["sign_off"]["recorded_by"] == "Brooke Broker"
    markdown = client.get(f"/challenges/{challenge.slug}/dpia/record.md").text
    assert f"# DPIA screening record: {challenge.title}" in markdown and f"**{FULL_DPIA}**" in markdown
    assert "reference DPIA-7" in markdown and "Camden Exchange Ltd" in markdown
    page = client.get(f"/challenges/{challenge.slug}/dpia/record").text
    assert "Camden Exchange Ltd" in page and "DPIA-7" in page


def test_the_challenge_page_shows_the_broker_the_answers_and_outcome(client, login, w):
    challenge = _in_review(w, matching="GP and hospital records joined")
    login(w.broker)
    page = client.get(f"/challenges/{challenge.slug}").text
    assert 'id="dpia-heading"' in page and FULL_DPIA in page and "GP and hospital records joined" in page
    assert "Record the DPO's sign-off" in page
    login(w.creator)
    db.session.commit()
    assert client.get(f"/challenges/{challenge.slug}").status_code == 404  # unpublished: the creator sees nothing


def _audited(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
