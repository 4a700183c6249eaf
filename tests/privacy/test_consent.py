"""Optional email and one-click unsubscribe (issue 14 point 6, RFC 8058): updates and closing-soon
reminders carry List-Unsubscribe and List-Unsubscribe-Post; a POST to the link, with no session and no
CSRF token, unsubscribes; the person's account page switches it back on; mail they need is unaffected."""
from __future__ import annotations

import re

import pytest

from challenge import clock
from challenge.challenges import conversation
from challenge.challenges.models import Follow
from challenge.extensions import db
from challenge.platform import outbox
from challenge.platform.models import OutboxMessage
from challenge.privacy import consent
from challenge.privacy.models import EmailPreference


class Captured:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)


@pytest.fixture()
def followed(world, make_challenge):
    """An open challenge of the council that the creator follows."""
    challenge = make_challenge(world.council, "open", title="Warm homes", author=world.seeker)
    db.session.add(Follow(user_id=world.creator.id, challenge_id=challenge.id, created_at=clock.now()))
    db.session.commit()
    return challenge


def post_update(challenge, world) -> list[OutboxMessage]:
    conversation.post_update(challenge, "Deadline moved", "One more week.", world.seeker, clock.now())
    db.session.commit()
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "challenge.update",
                                                                  OutboxMessage.to_email == world.creator.email)))


def sent(messages) -> list:
    sender = Captured()
    for message in messages:
        sender.send(outbox.as_email(message))
    return sender.sent


def test_optional_email_carries_one_click_unsubscribe(world, followed, app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://challenge.example.org")
    [email] = sent(post_update(followed, world))
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(https://challenge\.example\.org/email/unsubscribe/[^>]+)>",
                        email["List-Unsubscribe"]).group(1)
    assert consent.person_of(link.rsplit("/", 1)[1]).id == world.creator.id


def test_mail_a_person_needs_has_no_unsubscribe(world):
    outbox.queue("password_reset", world.creator.email, "password_reset", clock.now(), user=world.creator,
                 link="https://x.example/reset", hours=1)
    db.session.commit()
    [email] = sent(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "password_reset")))
    assert email["List-Unsubscribe"] is None and email["List-Unsubscribe-Post"] is None


def test_the_one_click_post_needs_no_sign_in_and_no_csrf_token(world, followed, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = consent.token_for(world.creator.email)
    response = client.post(f"/email/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert b"You have been unsubscribed" in response.data
    assert db.session.get(EmailPreference, world.creator.id).optional_email is False
    assert post_update(followed, world) == []  # no longer queued for them
    # A second click changes nothing more.
    assert client.post(f"/email/unsubscribe/{token}").status_code == 200


def test_the_link_opened_in_a_browser_shows_a_button_first(world, client):
    token = consent.token_for(world.creator.email)
    page = client.get(f"/email/unsubscribe/{token}")
    assert page.status_code == 200 and b">Unsubscribe</button>" in page.data
    assert db.session.get(EmailPreference, world.creator.id) is None  # the GET changed nothing


@pytest.mark.parametrize("token", ["nonsense", consent.SALT, "InVhQGV4YW1wbGUub3JnIg.forged"])
def test_a_forged_link_is_refused(world, client, token):
    assert client.get(f"/email/unsubscribe/{token}").status_code == 404
    assert client.post(f"/email/unsubscribe/{token}").status_code == 404
    assert db.session.scalar(db.select(EmailPreference)) is None


def test_the_account_page_switches_it_back_on(world, followed, client, login):
    consent.set_optional_email(world.creator, False, world.creator, clock.now())
    db.session.commit()
    login(world.creator)
    page = client.get("/account/your-data")
    assert page.status_code == 200 and b"Email you can turn off" in page.data
    assert client.post("/account/email-preferences", data={"optional_email": "y"}).status_code == 302
    assert db.session.get(EmailPreference, world.creator.id).optional_email is True
    assert len(post_update(followed, world)) == 1


def test_closing_reminders_respect_the_preference(world, followed):
    consent.set_optional_email(world.creator, False, world.creator, clock.now())
    followed.closes_at = clock.now() + conversation.REMINDER_BEFORE / 2
    db.session.commit()
    conversation.queue_closing_reminders(clock.now())
    db.session.commit()
    assert db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "challenge.closing_soon")) is None
