"""Problem diagnoses: members only, the form's refusals, and the challenge draft that starts from one."""
import pytest

from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.diagnoses.models import Diagnosis

GOOD = {"title": "Older people feel lonely at home", "summary": "A third of over-75s see nobody most days.",
        "evidence": "**ONS 2024**: 31% of over-75s", "quotes": "I talk to the telly.\n\nNobody knocks any more.",
        "survey_respondents": "1,240", "survey_findings": "410 of 1,240 felt lonely most days.",
        "causes": "Bus routes cut; day centres closed.", "stakeholders": "Age UK, GP surgeries, housing"}


@pytest.fixture()
def diagnosis(client, login, world):
    login(world.seeker)
    client.post("/diagnoses/new", data=GOOD | {"organisation": str(world.council.id)})
    return db.session.scalar(db.select(Diagnosis))


def test_a_seeker_keeps_a_diagnosis_page(client, world, diagnosis):
    assert (diagnosis.organisation_id, diagnosis.survey_respondents) == (world.council.id, 1240)
    page = client.get(f"/diagnoses/{diagnosis.id}").get_data(as_text=True)
    assert "“I talk to the telly.”" in page and "“Nobody knocks any more.”" in page
    assert "<strong>1,240</strong> people answered" in page and "<strong>ONS 2024</strong>" in page
    assert "Older people feel lonely at home" in client.get("/diagnoses/").get_data(as_text=True)


def test_start_a_challenge_draft_from_it(client, world, diagnosis):
    response = client.post(f"/diagnoses/{diagnosis.id}/start-challenge")
    challenge = db.session.scalar(db.select(Challenge).where(Challenge.state == "draft"))
    assert response.headers["Location"].endswith(f"/challenges/{challenge.slug}")
    assert (challenge.title, challenge.organisation_id, challenge.created_by_id) == (
        "Older people feel lonely at home", world.council.id, world.seeker.id)
    assert "Bus routes cut" in challenge.problem and challenge.summary == GOOD["summary"]
    assert "1,240 people answered our survey" in challenge.context
    assert f"[diagnosis D-{diagnosis.id}](/diagnoses/{diagnosis.id})" in challenge.context
    # People's words (quotes, evidence, survey findings) stay in the diagnosis: a challenge is published.
    for words in ("I talk to the telly", "Nobody knocks", "ONS 2024", "410 of 1,240"):
        assert words not in challenge.context and words not in challenge.problem
    assert client.get(f"/challenges/{challenge.slug}").status_code == 200
    again = client.post(f"/diagnoses/{diagnosis.id}/start-challenge")
    assert again.status_code == 409 and "already been started" in again.get_data(as_text=True)


@pytest.mark.parametrize("who", ["broker", "creator", "adopter", "stranger", "anonymous"])
def test_only_members_of_its_organisation_see_it(client, login, world, diagnosis, who):
    """A broker may read it (tests/privacy/test_special_category.py), never change it."""
    login(None if who == "anonymous" else getattr(world, who))
    paths = [f"/diagnoses/{diagnosis.id}/edit"] + ([] if who == "broker" else [f"/diagnoses/{diagnosis.id}"])
    for path in paths:
        assert client.get(path).status_code == 404
    assert client.post(f"/diagnoses/{diagnosis.id}/edit", data=GOOD | {"title": "Hacked"}).status_code == 404
    assert client.post(f"/diagnoses/{diagnosis.id}/start-challenge").status_code == 404
    assert db.session.get(Diagnosis, diagnosis.id).title == GOOD["title"]


def test_editing(client, world, diagnosis):
    form = client.get(f"/diagnoses/{diagnosis.id}/edit").get_data(as_text=True)
    assert 'value="1240"' in form
    response = client.post(f"/diagnoses/{diagnosis.id}/edit", data=GOOD | {"title": "Loneliness", "survey_respondents": ""})
    assert response.status_code == 302
    db.session.expire_all()
    d = db.session.get(Diagnosis, diagnosis.id)
    assert (d.title, d.survey_respondents) == ("Loneliness", None)


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "Enter the problem"),
    ("title", "x" * 201, "200"),
    ("summary", "x" * 501, "under 500"),
    ("survey_respondents", "-4", "not negative"),
    ("survey_respondents", "lots", "whole number"),
    ("evidence", "x" * 20_001, "20000"),
    ("organisation", "OTHER", "Not a valid choice"),
    ("organisation", "zzz", "Not a valid choice"),
])
def test_bad_input_is_refused(client, login, world, field, value, message):
    login(world.seeker)
    data = GOOD | {"organisation": str(world.council.id)}
    data[field] = value.replace("OTHER", str(world.second.id))
    response = client.post("/diagnoses/new", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Diagnosis.id))) == 0


def test_script_is_escaped(client, login, world):
    login(world.seeker)
    client.post("/diagnoses/new", data=GOOD | {"organisation": str(world.council.id),
                                               "quotes": "<script>alert(1)</script>", "evidence": "<img src=x onerror=alert(1)>"})
    page = client.get(f"/diagnoses/{db.session.scalar(db.select(Diagnosis.id))}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "onerror" not in page


def test_people_without_an_organisation_are_told_what_to_do(client, login, world):
    login(world.stranger)
    assert "Join or create" in client.get("/diagnoses/").get_data(as_text=True)
    assert "Join or create" in client.get("/diagnoses/new").get_data(as_text=True)
