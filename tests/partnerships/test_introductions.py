"""Introductions: emails to both sides, answers by emailed link or on the page, and the stage they move."""
import re

import pytest

from challenge.extensions import db
from challenge.partnerships.models import Introduction, Partnership


def _introduce(client, login, world, p, note="You both want fewer lonely residents."):
    login(world.broker)
    return client.post(f"/partnerships/{p.id}/introduce", data={"contact": str(world.seeker.id), "note": note})


def _link(outbox, email):
    body = outbox(email)[-1].body
    return re.search(r"http://[^\s]+/introductions/([\w-]+)", body).group(1)


def test_introduction_emails_both_and_moves_to_introduced(client, login, world, make_partnership, outbox):
    p = make_partnership(owner=world.broker)
    response = _introduce(client, login, world, p)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, p.id).stage == "introduced"
    to_creator, to_council = outbox("cara@example.org"), outbox("sam@example.org")
    assert len(to_creator) == len(to_council) == 1
    assert "You both want fewer lonely residents." in to_creator[0].body
    assert to_creator[0].subject == "Introduction: Befriending pilot"
    assert _link(outbox, "cara@example.org") != _link(outbox, "sam@example.org")
    intro = db.session.scalar(db.select(Introduction))
    assert _link(outbox, "cara@example.org") not in (intro.creator_token_hash, intro.counterpart_token_hash)


def test_both_accept_by_emailed_links_moves_to_in_discussion(client, login, world, make_partnership, outbox):
    p = make_partnership(owner=world.broker)
    _introduce(client, login, world, p)
    login(None)
    for email in ("cara@example.org", "sam@example.org"):
        token = _link(outbox, email)
        page = client.get(f"/introductions/{token}").get_data(as_text=True)
        assert "Would you like to take this further?" in page
        assert client.post(f"/introductions/{token}", data={"answer": "accept"}).status_code == 302
    db.session.expire_all()
    p = db.session.get(Partnership, p.id)
    assert p.stage == "in_discussion"
    assert [m.subject for m in outbox("brooke@example.org")] == [
        "Befriend CIC accepted the introduction: Befriending pilot" if False else
        "Cara Creator accepted the introduction: Befriending pilot",
        "Leeds City Council accepted the introduction: Befriending pilot"]
    assert "You have accepted" in client.get(f"/introductions/{_link(outbox, 'sam@example.org')}").get_data(as_text=True)


def test_a_decline_closes_the_partnership_with_the_reason(client, login, world, make_partnership, outbox):
    p = make_partnership()
    _introduce(client, login, world, p)
    login(None)
    client.post(f"/introductions/{_link(outbox, 'sam@example.org')}", data={"answer": "decline"})
    db.session.expire_all()
    p = db.session.get(Partnership, p.id)
    assert (p.stage, p.closed_reason, p.lost_from_stage) == ("closed_lost", "Leeds City Council declined the introduction",
                                                            "introduced")
    page = client.get(f"/introductions/{_link(outbox, 'cara@example.org')}").get_data(as_text=True)
    assert "declined by the other side" in page
    response = client.post(f"/introductions/{_link(outbox, 'cara@example.org')}", data={"answer": "accept"})
    assert response.status_code == 409


def test_answering_twice_is_refused(client, login, world, make_partnership, outbox):
    p = make_partnership()
    _introduce(client, login, world, p)
    token = _link(outbox, "cara@example.org")
    client.post(f"/introductions/{token}", data={"answer": "accept"})
    assert client.post(f"/introductions/{token}", data={"answer": "decline"}).status_code == 409
    assert db.session.scalar(db.select(Introduction)).creator_answer == "accepted"


@pytest.mark.parametrize("token", ["nope", "x" * 300, "%00"])
def test_unknown_tokens_are_404(client, token):
    assert client.get(f"/introductions/{token}").status_code == 404
    assert client.post(f"/introductions/{token}", data={"answer": "accept"}).status_code == 404


def test_a_bad_answer_value_is_400(client, login, world, make_partnership, outbox):
    p = make_partnership()
    _introduce(client, login, world, p)
    assert client.post(f"/introductions/{_link(outbox, 'cara@example.org')}", data={"answer": "maybe"}).status_code == 400


def test_signed_in_sides_answer_on_the_partnership_page(client, login, world, make_partnership):
    p = make_partnership()
    _introduce(client, login, world, p)
    login(world.charity_colleague)  # a member of the creator's organisation answers for the creator side
    page = client.get(f"/partnerships/{p.id}").get_data(as_text=True)
    assert "Accept the introduction" in page
    client.post(f"/partnerships/{p.id}/introduction", data={"side": "creator", "answer": "accept"})
    login(world.seeker)
    # The seeker may not answer for the creator's side.
    client.post(f"/partnerships/{p.id}/introduction", data={"side": "creator", "answer": "decline"})
    intro = db.session.scalar(db.select(Introduction))
    db.session.refresh(intro)
    assert (intro.creator_answer, intro.counterpart_answer) == ("accepted", "pending")
    client.post(f"/partnerships/{p.id}/introduction", data={"side": "counterpart", "answer": "accept"})
    db.session.expire_all()
    assert db.session.get(Partnership, p.id).stage == "in_discussion"


def test_strangers_cannot_answer_on_the_page(client, login, world, make_partnership):
    p = make_partnership()
    _introduce(client, login, world, p)
    login(world.stranger)
    assert client.post(f"/partnerships/{p.id}/introduction", data={"side": "creator", "answer": "accept"}).status_code == 404


@pytest.mark.parametrize("data, message", [
    ({"contact": "0", "note": "Hello"}, "Choose the person"),
    ({"contact": "ADOPTER", "note": "Hello"}, "Not a valid choice"),
    ({"contact": "SEEKER", "note": ""}, "Write a short note"),
    ({"contact": "SEEKER", "note": "x" * 2001}, "under 2,000 characters"),
    ({"contact": "SEEKER", "note": "   "}, "Write a short note"),
])
def test_introduction_form_refuses_bad_input(client, login, world, make_partnership, data, message):
    p = make_partnership()
    login(world.broker)
    data = {k: v.replace("ADOPTER", str(world.adopter.id)).replace("SEEKER", str(world.seeker.id)) for k, v in data.items()}
    response = client.post(f"/partnerships/{p.id}/introduce", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.get(Partnership, p.id).stage == "lead"


def test_only_a_lead_can_be_introduced(client, login, world, make_partnership):
    p = make_partnership("pilot")
    login(world.broker)
    response = client.post(f"/partnerships/{p.id}/introduce", data={"contact": str(world.seeker.id), "note": "Hi"})
    assert response.status_code == 409 and "Only a lead can be introduced" in response.get_data(as_text=True)
