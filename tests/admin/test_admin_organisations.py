from challenge.extensions import db
from challenge.platform.models import AuditEvent


def test_list_with_kind_and_member_count(client, broker, make_user, make_org):
    make_org(make_user(), make_user(), owner=make_user(), name="Calderdale Council")
    make_org(owner=make_user(), name="Food Aid", kind="charity")
    page = client.get("/admin/organisations").get_data(as_text=True)
    row = page[page.index("Calderdale Council"):]
    assert "Local authority" in row and '<td class="text-end">3</td>' in row
    assert "Charity" in page


def test_search_and_filter(client, broker, make_user, make_org):
    make_org(owner=make_user(), name="Calderdale Council")
    food = make_org(owner=make_user(), name="Food Aid", kind="charity")
    food.verified = True
    db.session.commit()
    page = client.get("/admin/organisations?q=calder").get_data(as_text=True)
    assert "Calderdale Council" in page and "Food Aid" not in page
    page = client.get("/admin/organisations?show=verified").get_data(as_text=True)
    assert "Food Aid" in page and "Calderdale Council" not in page


def test_mark_verified_and_back_is_audited(client, broker, make_user, make_org):
    org = make_org(owner=make_user())
    assert client.post(f"/admin/organisations/{org.id}/verified", data={"value": "on"}).status_code == 302
    db.session.refresh(org)
    assert org.verified
    assert "Verified by the platform team" in client.get(f"/organisations/{org.slug}").get_data(as_text=True)
    client.post(f"/admin/organisations/{org.id}/verified", data={"value": "off"})
    db.session.refresh(org)
    assert not org.verified
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["organisation.verify", "organisation.unverify"]


def test_only_brokers_verify(client, make_user, make_org, login):
    owner = make_user()
    org = make_org(owner=owner)
    login(owner)
    assert client.post(f"/admin/organisations/{org.id}/verified", data={"value": "on"}).status_code == 404
    db.session.refresh(org)
    assert not org.verified


def test_an_empty_list_helps(client, broker):
    assert "No organisation matches" in client.get("/admin/organisations").get_data(as_text=True)
