from datetime import timedelta

from challenge import clock
from challenge.accounts.models import Invitation, Membership
from challenge.accounts.services import token_hash
from challenge.extensions import db


def _invite(client, org, email="new.person@example.org", role="member"):
    return client.post(f"/organisations/{org.slug}/invitations", data={"email": email, "role": role})


def _membership(org, user):
    return db.session.scalar(db.select(Membership).where(Membership.organisation_id == org.id,
                                                         Membership.user_id == user.id))


def test_an_owner_invites_and_the_invitee_joins(app, client, make_user, make_org, login, outbox):
    owner = login(make_user("Olu Owner"))
    org = make_org(owner=owner, name="Bradford Council")
    response = _invite(client, org, "Nia.New@Example.org", "owner")
    assert response.status_code == 302
    message = outbox()[0]
    assert message.to_email == "Nia.New@Example.org"
    assert message.subject == "Olu Owner invited you to join Bradford Council on Challenge Exchange"
    assert outbox.link(message).startswith(app.config["SITE_URL"] + "/invitations/")
    invitation = db.session.scalar(db.select(Invitation))
    assert outbox.path(message).rsplit("/", 1)[1] not in invitation.token_hash
    nia = login(make_user("Nia New", "nia.new@example.org"))
    page = client.get(outbox.path(message)).get_data(as_text=True)
    assert "Accept and join Bradford Council" in page
    joined = client.post(outbox.path(message), follow_redirects=True)
    assert "Welcome to Bradford Council" in joined.get_data(as_text=True)
    assert _membership(org, nia).role == "owner"
    assert client.get(outbox.path(message)).status_code == 410  # single use


def test_someone_signed_out_is_sent_to_sign_up_and_back(client, make_user, make_org, login, outbox):
    org = make_org(owner=login(make_user()))
    _invite(client, org, "fresh@example.org")
    path = outbox.path(outbox()[0])
    login(None)
    response = client.get(path)
    assert response.status_code == 302 and response.location.startswith("/signup?")
    assert f"next={path}" in response.location and "email=fresh@example.org" in response.location
    signup = client.get(response.location).get_data(as_text=True)
    assert 'value="fresh@example.org"' in signup
    done = client.post(response.location, data={"name": "Fresh", "email": "fresh@example.org",
                                                "password": "a long enough phrase"})
    assert done.location == path
    client.post(path)
    assert db.session.scalar(db.select(db.func.count(Membership.id)).where(Membership.organisation_id == org.id)) == 2


def test_someone_with_an_account_is_sent_to_sign_in(client, make_user, make_org, login, outbox):
    make_user(email="known@example.org")
    org = make_org(owner=login(make_user()))
    _invite(client, org, "known@example.org")
    login(None)
    response = client.get(outbox.path(outbox()[0]))
    assert response.location.startswith("/login?")


def test_an_invitation_for_another_email_is_refused(client, make_user, make_org, login, outbox):
    org = make_org(owner=login(make_user()))
    _invite(client, org, "right@example.org")
    path = outbox.path(outbox()[0])
    wrong = login(make_user(email="wrong@example.org"))
    page = client.get(path).get_data(as_text=True)
    assert "This invitation is for someone else" in page and "Accept and join" not in page
    response = client.post(path)
    assert response.status_code == 400
    assert "was sent to right@example.org" in response.get_data(as_text=True)
    assert _membership(org, wrong) is None


def test_invitations_expire_after_14_days(client, make_user, make_org, login, outbox):
    org = make_org(owner=login(make_user()))
    _invite(client, org, "late@example.org")
    login(make_user(email="late@example.org"))
    clock.travel(timedelta(days=14, seconds=1))
    assert client.post(outbox.path(outbox()[0])).status_code == 410


def test_a_new_invitation_replaces_the_old_one(client, make_user, make_org, login, outbox):
    org = make_org(owner=login(make_user()))
    _invite(client, org, "twice@example.org")
    _invite(client, org, "TWICE@example.org", "owner")
    first, second = outbox()
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 1
    invitee = login(make_user(email="twice@example.org"))
    assert client.get(outbox.path(first)).status_code == 410
    client.post(outbox.path(second))
    assert _membership(org, invitee).role == "owner"


def test_members_cannot_be_invited_again(client, make_user, make_org, login):
    member = make_user(email="already@example.org")
    org = make_org(member, owner=login(make_user()))
    page = _invite(client, org, "Already@example.org").get_data(as_text=True)
    assert "is already a member" in page and "There is a problem" in page


def test_an_owner_cancels_a_pending_invitation(client, make_user, make_org, login, outbox):
    org = make_org(owner=login(make_user()))
    _invite(client, org, "maybe@example.org")
    invitation = db.session.scalar(db.select(Invitation))
    page = client.get(f"/organisations/{org.slug}/members").get_data(as_text=True)
    assert "maybe@example.org" in page
    assert client.post(f"/organisations/{org.slug}/invitations/{invitation.id}/cancel").status_code == 302
    login(make_user(email="maybe@example.org"))
    assert client.get(outbox.path(outbox()[0])).status_code == 410


def test_only_owners_and_brokers_invite(client, make_user, make_org, login, outbox):
    member = make_user()
    org = make_org(member, owner=make_user())
    for who in (None, member, make_user()):
        login(who)
        assert _invite(client, org).status_code == 404
    login(make_user(broker=True))
    assert _invite(client, org).status_code == 302
    assert len(outbox()) == 1


def test_an_invitation_of_another_organisation_cannot_be_cancelled(client, make_user, make_org, login, outbox):
    theirs = make_org(owner=login(make_user()))
    _invite(client, theirs)
    invitation = db.session.scalar(db.select(Invitation))
    mine = make_org(owner=login(make_user()))
    assert client.post(f"/organisations/{mine.slug}/invitations/{invitation.id}/cancel").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 1


def test_an_owner_accepting_a_member_invitation_stays_owner(client, make_user, make_org, login, outbox):
    owner, other_owner = make_user(), make_user(email="boss@example.org")
    org = make_org(owner=owner)
    db.session.add(Membership(user_id=other_owner.id, organisation_id=org.id, role="owner", created_at=org.created_at))
    db.session.commit()
    login(owner)
    # Invited before becoming a member by another route: accepting must not demote.
    invitation = Invitation(organisation_id=org.id, email="boss@example.org", role="member", invited_by_id=owner.id,
                            created_at=clock.now(), token_hash=token_hash("tok"))
    db.session.add(invitation)
    db.session.commit()
    login(other_owner)
    assert client.post("/invitations/tok").status_code == 302
    assert _membership(org, other_owner).role == "owner"
