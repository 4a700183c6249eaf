"""Who may see and change a partnership: a truth table over people × pages. Not allowed is a 404."""
import pytest

from challenge.extensions import db
from challenge.partnerships.models import Partnership

PEOPLE = ["broker", "creator", "charity_colleague", "seeker", "adopter", "stranger", "anonymous"]
# The partnership is between Cara (of Befriend CIC) and York Council; its origin challenge is Leeds's.
VIEWERS = {"broker", "creator", "charity_colleague", "adopter"}

READ_PAGES = ["/partnerships/{id}", "/partnerships/{id}/impact", "/partnerships/{id}/procurement"]
BROKER_PAGES = ["/partnerships/{id}/edit", "/partnerships/{id}/introduce"]
BROKER_POSTS = [("/partnerships/{id}/move", {"move": "to_introduced"}),
                ("/partnerships/{id}/events", {"kind": "note", "title": "Hello"}),
                ("/partnerships/{id}/impact", {"outcome": "x", "quantity": "1", "proxy": "1"}),
                ("/partnerships/{id}/investment", {"investment": "100"}),
                ("/partnerships/{id}/edit", {"title": "Renamed", "kind": "pilot", "owner": "0"})]


@pytest.fixture()
def setup(world, make_partnership, login):
    p = make_partnership("pilot", counterpart=world.second, value=5_000_000)

    def as_(who):
        login(None if who == "anonymous" else getattr(world, who))
        return p

    return as_


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("path", READ_PAGES)
def test_reading_a_partnership(client, setup, who, path):
    p = setup(who)
    response = client.get(path.format(id=p.id))
    assert response.status_code == (200 if who in VIEWERS else 404)


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("path", BROKER_PAGES)
def test_broker_only_pages(client, setup, who, path):
    p = setup(who)
    assert client.get(path.format(id=p.id)).status_code == (200 if who == "broker" else 404)


@pytest.mark.parametrize("who", [w for w in PEOPLE if w != "broker"])
@pytest.mark.parametrize("path, data", BROKER_POSTS)
def test_nobody_but_a_broker_changes_it(client, setup, who, path, data):
    p = setup(who)
    assert client.post(path.format(id=p.id), data=data).status_code == 404
    db.session.expire_all()
    fresh = db.session.get(Partnership, p.id)
    assert (fresh.stage, fresh.title, fresh.impact_records, fresh.investment) == ("pilot", "Befriending pilot", [], 0)


def test_a_partnership_that_does_not_exist_is_404(client, login, world):
    login(world.broker)
    assert client.get("/partnerships/999999").status_code == 404


@pytest.mark.parametrize("who, status", [("broker", 200), ("creator", 302), ("stranger", 302), ("anonymous", 302)])
def test_the_board_is_for_brokers(client, setup, who, status):
    setup(who)
    response = client.get("/partnerships/")
    assert response.status_code == status
    if who != "broker" and who != "anonymous":
        assert response.headers["Location"].endswith("/partnerships/mine")


@pytest.mark.parametrize("who", ["creator", "stranger", "anonymous"])
def test_the_board_csv_and_new_form_are_for_brokers(client, setup, who):
    setup(who)
    assert client.get("/partnerships/export.csv").status_code == 404
    assert client.get("/partnerships/new").status_code == 404


@pytest.mark.parametrize("who, sees", [("creator", True), ("charity_colleague", True), ("adopter", True),
                                       ("seeker", False), ("stranger", False)])
def test_my_partnerships_lists_only_ones_you_are_part_of(client, setup, who, sees):
    setup(who)
    page = client.get("/partnerships/mine").get_data(as_text=True)
    assert ("Befriending pilot" in page) is sees
