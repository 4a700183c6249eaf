"""Erasure never orphans an organisation: while a person is the only owner of one, their erasure is refused
(by themselves or by a broker) with a message naming the organisation and its Members page, where ownership
is handed over; once another member is an owner, the erasure goes through and the organisation keeps them."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts import organisations as orgs
from challenge.accounts.models import Membership, MembershipRole, Organisation, User
from challenge.errors import DomainError, FieldError
from challenge.extensions import db
from challenge.privacy import erasure
from challenge.privacy.models import Erasure
from tests.factories import PASSWORD
from tests.races import ON_POSTGRES, SKIP_REASON, run_together

SALLY = "Sally Seeker"


def owners(org_id: int) -> list[int]:
    return list(db.session.scalars(db.select(Membership.user_id).where(
        Membership.organisation_id == org_id, Membership.role == MembershipRole.OWNER)))


def membership(org, user) -> Membership:
    return orgs.membership_of(org, user)


def test_the_only_owner_cannot_delete_their_account_and_is_told_what_to_do(world, client, login):
    login(world.seeker)
    page = client.get("/account/delete").get_data(as_text=True)
    assert "only owner of Riverside Council" in page  # the name as it is written
    assert f"/organisations/{world.council.slug}/members" in page
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 409
    assert "make another member an owner" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(User, world.seeker.id).name == SALLY
    assert owners(world.council.id) == [world.seeker.id]
    assert db.session.scalar(db.select(Erasure)) is None


def test_a_broker_is_refused_too_and_sees_why(world, client, login):
    login(world.broker)
    page = client.get(f"/admin/privacy/people/{world.seeker.id}").get_data(as_text=True)
    assert "only owner of Riverside Council" in page
    response = client.post(f"/admin/privacy/people/{world.seeker.id}/erase", data={"reason": "Wrote in"})
    assert response.status_code == 409 and b"only owner of Riverside Council" in response.data
    db.session.rollback()
    assert db.session.get(User, world.seeker.id).name == SALLY and owners(world.council.id) == [world.seeker.id]


def test_an_only_member_who_owns_it_is_refused(world):
    """Nobody else to hand it to yet: the message says to invite an owner first."""
    [reason] = erasure.refusals(world.other_seeker)
    assert "only owner of Hillside Council" in reason and "invite someone as an owner" in reason
    with pytest.raises(DomainError):
        erasure.erase(world.other_seeker, world.broker, clock.now(), reason="Wrote in")


def test_once_ownership_is_handed_over_the_erasure_goes_through(world, client, login):
    orgs.change_role(membership(world.council, world.colleague), MembershipRole.OWNER, world.seeker, clock.now())
    db.session.commit()
    assert erasure.refusals(world.seeker) == []
    login(world.seeker)
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    db.session.rollback()
    assert db.session.get(User, world.seeker.id).name == f"Former member {world.seeker.id}"
    assert owners(world.council.id) == [world.colleague.id]  # the council still has an owner
    assert db.session.get(Organisation, world.council.id).name == "Riverside Council"


def test_a_broker_can_hand_ownership_over_then_erase(world, client, login):
    login(world.broker)
    colin = membership(world.council, world.colleague).id
    response = client.post(f"/organisations/{world.council.slug}/members/{colin}/role", data={f"m{colin}-role": "owner"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.post(f"/admin/privacy/people/{world.seeker.id}/erase",
                       data={"reason": "Wrote in on 4 December"}).status_code == 302
    db.session.rollback()
    assert owners(world.council.id) == [world.colleague.id]


def test_the_last_owner_still_cannot_leave_or_be_demoted(world):
    """The rule the erasure now shares with the organisation's own verbs."""
    with pytest.raises(FieldError):
        orgs.remove_member(membership(world.council, world.seeker), world.seeker, clock.now())
    with pytest.raises(FieldError):
        orgs.change_role(membership(world.council, world.seeker), MembershipRole.MEMBER, world.seeker, clock.now())


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_two_owners_erased_at_once_leave_one(app, world):
    """Both co-owners ask at the same moment: one is erased, the other refused, and the council keeps an owner."""
    orgs.change_role(membership(world.council, world.colleague), MembershipRole.OWNER, world.seeker, clock.now())
    db.session.commit()
    ids, broker_id = (world.seeker.id, world.colleague.id), world.broker.id

    def eraser(person_id):
        def erase():
            erasure.erase(db.session.get(User, person_id), db.session.get(User, broker_id), clock.now(),
                          reason="Wrote in")
            db.session.commit()
            return person_id
        return erase

    results = run_together(app, [eraser(i) for i in ids])
    erased = [r for r in results if r in ids]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(erased) == 1 and len(refused) == 1, results
    assert "only owner of Riverside Council" in refused[0].message
    db.session.expire_all()
    assert owners(world.council.id) == [i for i in ids if i not in erased]
