import pytest

from challenge.accounts.models import Membership, Organisation
from challenge.extensions import db
from challenge.platform.models import AuditEvent

VALID = {"name": "Kirklees Council", "kind": "local_authority", "description": "We serve **Huddersfield**.",
         "website": "https://www.kirklees.gov.uk"}


def test_create_an_organisation_makes_you_its_owner(client, make_user, login):
    user = login(make_user())
    response = client.post("/organisations/new", data=VALID)
    org = db.session.scalar(db.select(Organisation))
    assert response.status_code == 302 and response.location == f"/organisations/{org.slug}/members"
    assert (org.name, org.kind, org.slug, org.website) == ("Kirklees Council", "local_authority", "kirklees-council",
                                                          "https://www.kirklees.gov.uk")
    membership = db.session.scalar(db.select(Membership))
    assert (membership.user_id, membership.role) == (user.id, "owner")
    assert db.session.scalar(db.select(AuditEvent.action)) == "organisation.create"


def test_creating_needs_a_signed_in_user(client):
    assert client.get("/organisations/new").status_code == 302
    assert client.post("/organisations/new", data=VALID).status_code == 302
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://example.org", "www.example.org", "https://",
                                     "data:text/html,hi"])
def test_only_web_addresses_are_accepted(client, make_user, login, website):
    login(make_user())
    page = client.post("/organisations/new", data={**VALID, "website": website}).get_data(as_text=True)
    assert "There is a problem" in page and 'href="#website"' in page
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


def test_every_kind_of_the_issue_is_offered(client, make_user, login):
    login(make_user())
    page = client.get("/organisations/new").get_data(as_text=True)
    for label in ("Local authority", "NHS trust", "Government department", "School or academy trust", "Charity",
                  "Social enterprise", "Business", "University", "Investor or foundation", "Other"):
        assert f">{label}</option>" in page


def test_an_unknown_kind_is_refused(client, make_user, login):
    login(make_user())
    page = client.post("/organisations/new", data={**VALID, "kind": "cartel"}).get_data(as_text=True)
    assert "Choose a kind of organisation from the list" in page


def test_the_public_page(client, make_user, make_org, make_challenge):
    owner = make_user("Olu Owner")
    org = make_org(name="Leeds Teaching Hospitals", kind="nhs_trust", owner=owner)
    org.website, org.description = "https://www.leedsth.nhs.uk", "A *big* trust <script>alert(1)</script>"
    db.session.commit()
    make_challenge(org, "open", title="Fewer missed appointments")
    make_challenge(org, "draft", title="Secret draft")
    make_challenge(org, "in_review", title="Waiting review")
    page = client.get(f"/organisations/{org.slug}").get_data(as_text=True)
    assert "<h1" in page and "Leeds Teaching Hospitals" in page and "NHS trust" in page
    assert '<a href="https://www.leedsth.nhs.uk" rel="noopener nofollow">' in page
    assert "<em>big</em>" in page and "<script>alert(1)" not in page
    assert "Fewer missed appointments" in page
    assert "Secret draft" not in page and "Waiting review" not in page
    assert "Olu Owner" not in page  # members are for members


def test_members_are_listed_for_members_and_brokers_only(client, make_user, make_org, login):
    owner, member, stranger, broker = make_user("Olu Owner"), make_user("Mo Member"), make_user(), make_user(broker=True)
    org = make_org(member, owner=owner)
    for who, sees in ((owner, True), (member, True), (broker, True), (stranger, False), (None, False)):
        login(who)
        page = client.get(f"/organisations/{org.slug}").get_data(as_text=True)
        assert ("Olu Owner" in page and "Mo Member" in page) is sees, who


def test_an_organisation_without_challenges_says_so(client, make_org, make_user):
    org = make_org(owner=make_user(), name="Quiet Trust")
    assert "Quiet Trust has not published a challenge yet" in client.get(f"/organisations/{org.slug}").get_data(as_text=True)


def test_odd_slugs_are_not_found(client):
    for slug in ("nope", "%00", "DROP%20TABLE", "a" * 300, "%F0%9F%98%80"):
        assert client.get(f"/organisations/{slug}").status_code == 404


def test_owners_edit_details_and_others_get_404(client, make_user, make_org, login):
    owner, member = make_user(), make_user()
    org = make_org(member, owner=owner, name="Old Name")
    for who in (None, member, make_user()):
        login(who)
        assert client.get(f"/organisations/{org.slug}/edit").status_code == 404
        assert client.post(f"/organisations/{org.slug}/edit", data=VALID).status_code == 404
    login(owner)
    assert client.get(f"/organisations/{org.slug}/edit").status_code == 200
    response = client.post(f"/organisations/{org.slug}/edit", data={**VALID, "name": "New Name"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.name == "New Name" and org.slug.startswith("org-")  # the address does not move
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "organisation.update"))
    assert event.data["fields"] == ["description", "name", "website"]  # the kind did not change


def test_a_broker_may_edit_any_organisation(client, make_user, make_org, login):
    org = make_org(owner=make_user())
    login(make_user(broker=True))
    assert client.get(f"/organisations/{org.slug}/edit").status_code == 200
