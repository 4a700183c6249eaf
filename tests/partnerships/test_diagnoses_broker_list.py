"""The brokers' list of every organisation's diagnoses (/diagnoses/all, linked from the broker console): state,
organisation, dates and stories, filtered and paged; nobody else sees it (404), and listing them shows no
special category data, so it is not logged as a view of it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from challenge import clock
from challenge.diagnoses import services as diagnoses, stories
from challenge.extensions import db
from challenge.platform.models import AuditEvent

QUOTE = "I talk to the telly."


def diagnosis(w, title, org=None, author=None, age=timedelta(0)):
    d = diagnoses.create(org or w.council, author or w.seeker, clock.now() - age, title=title, quotes=QUOTE)
    db.session.commit()
    return d


def test_a_broker_sees_every_organisations_diagnoses_with_state_and_dates(world, client, login):
    lonely = diagnosis(world, "Older people feel lonely", age=timedelta(days=40))
    rivers = diagnosis(world, "Rivers are dirty", org=world.second, author=world.adopter)
    stories.record(lonely, "story", "My days are empty.", "Service user 4", "This diagnosis", date(2026, 11, 2),
                   world.seeker, clock.now())
    challenge = diagnoses.start_challenge(lonely, world.seeker, clock.now())
    db.session.commit()
    login(world.broker)
    page = client.get("/diagnoses/all").get_data(as_text=True)
    for text in ("Older people feel lonely", "Rivers are dirty", "Leeds City Council", "York Council", "No challenge yet", "Draft", challenge.title, f"D-{rivers.id}",
                 "2 years after its last change"):
        assert text in page, text
    assert 'Challenge <span class="badge phase-badge text-bg-light border">Draft</span>' in page  # its phase's badge
    assert QUOTE not in page and "My days are empty." not in page  # titles and dates, not people's words
    assert not db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "special_category.viewed"))
    started = client.get("/diagnoses/all?state=challenge").get_data(as_text=True)
    assert "Older people feel lonely" in started and "Rivers are dirty" not in started
    waiting = client.get("/diagnoses/all?state=no_challenge").get_data(as_text=True)
    assert "Older people feel lonely" not in waiting and "Rivers are dirty" in waiting


def test_the_most_recently_changed_first_and_paged(world, client, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "TABLE_PER_PAGE", 2)
    for n, title in enumerate(("Oldest", "Middle", "Newest")):
        diagnosis(world, title, age=timedelta(days=10 - n))
    login(world.broker)
    first = client.get("/diagnoses/all").get_data(as_text=True)
    assert "Page 1 of 2" in first and first.index("Newest") < first.index("Middle")
    assert "Oldest" not in first and "/diagnoses/all?page=2" in first
    second = client.get("/diagnoses/all?page=2").get_data(as_text=True)
    assert "Oldest" in second and "Newest" not in second and "Middle" not in second


@pytest.mark.parametrize("query", ["?state=nonsense", "?page=abc", "?page=999", "?state=%00"])
def test_odd_queries_are_no_error(world, client, login, query):
    login(world.broker)
    assert client.get("/diagnoses/all" + query).status_code in (200, 400)


def test_an_empty_filter_says_so(world, client, login):
    login(world.broker)
    page = client.get("/diagnoses/all?state=challenge").get_data(as_text=True)
    assert "No diagnoses are at that stage." in page and "Show every diagnosis" in page


@pytest.mark.parametrize("who", ["seeker", "creator", "adopter", "stranger", "anonymous"])
def test_nobody_but_brokers_sees_the_list(world, client, login, who):
    diagnosis(world, "Older people feel lonely")
    login(None if who == "anonymous" else getattr(world, who))
    response = client.get("/diagnoses/all")
    assert response.status_code == 404 and b"Older people feel lonely" not in response.data


def test_the_broker_console_and_the_diagnoses_page_link_to_it(world, client, login):
    login(world.broker)
    assert b'href="/diagnoses/all"' in client.get("/admin/").data
    assert b'href="/diagnoses/all"' in client.get("/diagnoses/").data
    login(world.seeker)
    assert b'href="/diagnoses/all"' not in client.get("/diagnoses/").data
