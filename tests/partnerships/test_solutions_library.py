"""The solutions library: consent, publication by brokers, search, "what happened next", adoption leads."""
import pytest

from challenge.extensions import db
from challenge.library.models import AdoptionInterest, LibraryEntry
from challenge.partnerships.models import Partnership


def test_the_winner_is_invited_and_consent_publishes(client, login, world):
    login(world.creator)
    page = client.get("/library/").get_data(as_text=True)
    assert "Your winning solutions" in page and "Phone befriending" in page
    assert "can join the solutions library" in client.get("/partnerships/mine").get_data(as_text=True)
    response = client.post("/library/consent", data={"submission": str(world.winner.id), "consent": "y",
                                                     "summary": "Volunteers call people who live alone."})
    assert response.status_code == 302
    entry = db.session.scalar(db.select(LibraryEntry))
    assert entry.published_at is not None and entry.consent_by_id == world.creator.id
    login(None)
    public = client.get(f"/library/{entry.id}").get_data(as_text=True)
    assert "Volunteers call people who live alone." in public and "Leeds City Council" in public
    assert "Too many people are <strong>lonely</strong>" in public  # the problem, from the challenge


def test_consent_must_be_ticked(client, login, world):
    login(world.creator)
    response = client.post("/library/consent", data={"submission": str(world.winner.id), "summary": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Tick the box" in page and "There is a problem" in page
    assert db.session.scalar(db.select(db.func.count(LibraryEntry.id))) == 0


@pytest.mark.parametrize("who", ["teammate", "seeker", "stranger", "broker"])
def test_only_the_owner_consents(client, login, world, who):
    login(getattr(world, who))
    response = client.post("/library/consent", data={"submission": str(world.winner.id), "consent": "y"})
    assert response.status_code == 404
    assert db.session.scalar(db.select(db.func.count(LibraryEntry.id))) == 0


@pytest.mark.parametrize("state, challenge_state", [("submitted", "decided"), ("not_selected", "decided"),
                                                    ("winner", "judging")])
def test_only_winners_of_decided_challenges_can_join(client, login, world, make_challenge, make_submission,
                                                     state, challenge_state):
    ch = make_challenge(world.council, challenge_state)
    sub = make_submission(ch, world.creator, state)
    login(world.creator)
    assert client.post("/library/consent", data={"submission": str(sub.id), "consent": "y"}).status_code == 404


def test_consent_form_refuses_an_overlong_summary_and_junk_ids(client, login, world):
    login(world.creator)
    response = client.post("/library/consent", data={"submission": str(world.winner.id), "consent": "y",
                                                     "summary": "x" * 2001})
    assert response.status_code == 400 and "under 2,000 characters" in response.get_data(as_text=True)
    for junk in ("", "abc", "99999999", "-1", "1" * 40):
        assert client.post("/library/consent", data={"submission": junk, "consent": "y"}).status_code == 404


def test_a_broker_publishes_only_with_consent(client, login, world, published_entry):
    login(world.broker)
    assert client.post(f"/library/{published_entry.id}/withdraw").status_code == 302
    assert client.get(f"/library/{published_entry.id}").status_code == 200  # brokers still see it
    login(None)
    assert client.get(f"/library/{published_entry.id}").status_code == 404
    login(world.broker)
    assert "Agreed" in client.get("/library/manage").get_data(as_text=True)
    assert client.post(f"/library/manage/{world.winner.id}/publish").status_code == 302
    db.session.expire_all()
    assert db.session.get(LibraryEntry, published_entry.id).published_at is not None


def test_a_broker_cannot_publish_without_consent(client, login, world):
    login(world.broker)
    assert "Waiting for the creator" in client.get("/library/manage").get_data(as_text=True)
    response = client.post(f"/library/manage/{world.winner.id}/publish")
    assert response.status_code == 400 and "has not agreed" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(LibraryEntry.id))) == 0


@pytest.mark.parametrize("who", ["creator", "seeker", "stranger"])
def test_managing_the_library_is_for_brokers(client, login, world, published_entry, who):
    login(getattr(world, who))
    assert client.get("/library/manage").status_code == 404
    assert client.post(f"/library/{published_entry.id}/withdraw").status_code == 404
    assert client.post(f"/library/manage/{world.winner.id}/publish").status_code == 404


def test_search_and_sector_filter(client, world, published_entry, make_challenge, make_submission):
    page = client.get("/library/?q=phone+volunteers").get_data(as_text=True)
    assert "Phone befriending" in page and "1 solution matching" in page
    assert "No solution matches" in client.get("/library/?q=potholes").get_data(as_text=True)
    assert "Phone befriending" in client.get("/library/?sector=social_care").get_data(as_text=True)
    assert "No solution matches" in client.get("/library/?sector=transport").get_data(as_text=True)
    for odd in ("%25", "_", "\\", "<script>", "😀" * 50, "a" * 500, "%00"):
        assert client.get(f"/library/?q={odd}&sector=nonsense&page=-3").status_code == 200


def test_the_empty_library_says_so(client):
    assert "The library is empty for now" in client.get("/library/").get_data(as_text=True)


def test_what_happened_next_shows_public_partnerships_with_their_sroi(client, world, published_entry,
                                                                     make_partnership):
    from challenge import clock
    from challenge.partnerships import outcomes

    shown = make_partnership("contracted", counterpart=world.second, kind="commissioning")
    shown.public = True
    make_partnership("pilot", title="Hidden one", counterpart=world.second)
    outcomes.add_record(shown, world.broker, clock.now(), outcome="Less loneliness", quantity=100, proxy=100_000,
                        period=1, duration=1, deadweight_bp=0, attribution_bp=0, drop_off_bp=0, displacement_bp=0)
    outcomes.set_investment(shown, world.broker, clock.now(), 1_000_000)
    db.session.commit()
    page = client.get(f"/library/{published_entry.id}").get_data(as_text=True)
    assert "Commissioning or contract with York Council" in page and "contracted" in page
    assert "social return £9.66 : £1" in page  # £100,000 / 1.035 / £10,000
    assert "Hidden one" not in page


def test_we_want_this_too_opens_an_adoption_lead(client, login, world, published_entry, outbox):
    login(world.adopter)
    page = client.get(f"/library/{published_entry.id}").get_data(as_text=True)
    assert "We want this too" in page and "York Council" in page
    response = client.post(f"/library/{published_entry.id}/want",
                           data={"organisation": str(world.second.id), "note": "Our residents need this."})
    assert response.status_code == 302
    interest = db.session.scalar(db.select(AdoptionInterest))
    p = db.session.get(Partnership, interest.partnership_id)
    assert (p.stage, p.kind, p.counterpart_id, p.creator_id, p.creator_organisation_id) == (
        "lead", "commissioning", world.second.id, world.creator.id, world.charity.id)
    assert (p.origin_submission_id, p.origin_challenge_id, p.owner_id) == (world.winner.id, world.challenge.id, None)
    assert "wants this too" in client.get(f"/partnerships/{p.id}").get_data(as_text=True)  # the adopter sees it
    assert "New adoption lead: York Council" in outbox("brooke@example.org")[0].subject
    again = client.post(f"/library/{published_entry.id}/want", data={"organisation": str(world.second.id)})
    assert again.status_code == 400 and "already asked" in again.get_data(as_text=True)


@pytest.mark.parametrize("who", ["seeker", "stranger"])
def test_the_commissioning_organisation_and_people_without_one_cannot_ask(client, login, world, published_entry, who):
    login(getattr(world, who))
    page = client.get(f"/library/{published_entry.id}").get_data(as_text=True)
    assert f'action="/library/{published_entry.id}/want"' not in page
    response = client.post(f"/library/{published_entry.id}/want", data={"organisation": str(world.council.id)})
    assert response.status_code == 404
    assert db.session.scalar(db.select(db.func.count(AdoptionInterest.id))) == 0


def test_anonymous_cannot_ask(client, world, published_entry):
    response = client.post(f"/library/{published_entry.id}/want", data={"organisation": str(world.second.id)})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("org, message", [("COUNCIL", "other than the one that commissioned"),
                                          ("OTHER", "other than the one that commissioned"), ("abc", "other than the one"),
                                          ("", "other than the one that commissioned")])
def test_want_form_refuses_organisations_you_cannot_speak_for(client, login, world, published_entry, make_org,
                                                              org, message):
    other = make_org(name="Somewhere Else")
    login(world.adopter)
    value = org.replace("COUNCIL", str(world.council.id)).replace("OTHER", str(other.id))
    response = client.post(f"/library/{published_entry.id}/want", data={"organisation": value})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Partnership.id))) == 0


def test_want_note_cannot_be_overlong(client, login, world, published_entry):
    login(world.adopter)
    response = client.post(f"/library/{published_entry.id}/want",
                           data={"organisation": str(world.second.id), "note": "x" * 2001})
    assert response.status_code == 400 and "under 2,000" in response.get_data(as_text=True)
