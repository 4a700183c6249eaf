import pytest

from challenge.accounts.models import Membership
from challenge.extensions import db
from challenge.platform.models import AuditEvent


def _membership(org, user):
    return db.session.scalar(db.select(Membership).where(Membership.organisation_id == org.id,
                                                         Membership.user_id == user.id))


def _role(client, org, membership, role):
    return client.post(f"/organisations/{org.slug}/members/{membership.id}/role", data={f"m{membership.id}-role": role})


def test_an_owner_promotes_and_demotes(client, make_user, make_org, login):
    owner, member = make_user(), make_user("Mo Member")
    org = make_org(member, owner=owner)
    login(owner)
    m = _membership(org, member)
    assert _role(client, org, m, "owner").status_code == 302
    db.session.refresh(m)
    assert m.role == "owner"
    assert _role(client, org, _membership(org, owner), "member").status_code == 302  # two owners: fine
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "organisation.change_role").order_by(AuditEvent.id)).all()[-1]
    assert (event.from_state, event.to_state, event.data["user_id"]) == ("owner", "member", owner.id)


def test_the_last_owner_cannot_be_demoted(client, make_user, make_org, login):
    owner = login(make_user())
    org = make_org(make_user(), owner=owner)
    m = _membership(org, owner)
    response = _role(client, org, m, "member")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page and "needs at least one owner" in page
    assert f'href="#m{m.id}-role"' in page and "<title>Error:" in page
    db.session.refresh(m)
    assert m.role == "owner"


def test_the_last_owner_cannot_be_removed_or_leave(client, make_user, make_org, login):
    owner = login(make_user())
    org = make_org(make_user(), owner=owner)
    m = _membership(org, owner)
    removed = client.post(f"/organisations/{org.slug}/members/{m.id}/remove")
    assert "needs at least one owner" in removed.get_data(as_text=True)
    left = client.post(f"/organisations/{org.slug}/leave", follow_redirects=True)
    assert "You are the only owner" in left.get_data(as_text=True)
    assert _membership(org, owner) is not None


def test_an_owner_removes_a_member_and_members_may_leave(client, make_user, make_org, login):
    owner, gone, leaver = make_user(), make_user("Gone Soon"), make_user()
    org = make_org(gone, leaver, owner=owner)
    login(owner)
    assert client.post(f"/organisations/{org.slug}/members/{_membership(org, gone).id}/remove").status_code == 302
    assert _membership(org, gone) is None
    login(leaver)
    assert client.post(f"/organisations/{org.slug}/leave").status_code == 302
    assert _membership(org, leaver) is None
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["organisation.remove_member", "organisation.leave"]


def test_a_second_owner_makes_leaving_possible(client, make_user, make_org, login):
    owner, other = make_user(), make_user()
    org = make_org(owner=owner)
    db.session.add(Membership(user_id=other.id, organisation_id=org.id, role="owner", created_at=org.created_at))
    db.session.commit()
    login(owner)
    assert client.post(f"/organisations/{org.slug}/leave").status_code == 302
    assert _membership(org, owner) is None


@pytest.mark.parametrize("path", ["members", "edit"])
def test_non_owners_get_404_on_management_pages(client, make_user, make_org, login, path):
    member = make_user()
    org = make_org(member, owner=make_user())
    for who in (None, member, make_user()):
        login(who)
        assert client.get(f"/organisations/{org.slug}/{path}").status_code == 404


def test_non_owners_cannot_change_roles_or_remove(client, make_user, make_org, login):
    owner, member = make_user(), make_user()
    org = make_org(member, owner=owner)
    m = _membership(org, owner)
    login(member)
    assert _role(client, org, m, "member").status_code == 404
    assert client.post(f"/organisations/{org.slug}/members/{m.id}/remove").status_code == 404
    assert _membership(org, owner).role == "owner"


def test_a_membership_of_another_organisation_is_not_found(client, make_user, make_org, login):
    other_owner = make_user()
    other = make_org(owner=other_owner)
    mine = make_org(owner=login(make_user()))
    victim = _membership(other, other_owner)
    assert _role(client, mine, victim, "member").status_code == 404
    assert client.post(f"/organisations/{mine.slug}/members/{victim.id}/remove").status_code == 404


def test_strangers_cannot_leave_what_they_are_not_in(client, make_user, make_org, login):
    org = make_org(owner=make_user())
    login(make_user())
    assert client.post(f"/organisations/{org.slug}/leave").status_code == 404


def test_the_members_page_lists_members_and_pending_invitations(client, make_user, make_org, login):
    owner = login(make_user("Olu Owner"))
    org = make_org(make_user("Mo Member"), owner=owner)
    page = client.get(f"/organisations/{org.slug}/members").get_data(as_text=True)
    assert "Olu Owner" in page and "Mo Member" in page
    assert "No invitations are waiting" in page
