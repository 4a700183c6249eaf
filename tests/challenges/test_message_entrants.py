"""A seeker messages the entrants of their challenge (issue 11 point 7): all of them or the shortlisted,
one email each in the second person through the outbox, a preview that counts the recipients, one
sending however often "Send" is pressed, a copy on the updates page when ticked, and nobody else may."""
from __future__ import annotations

import re

import pytest

from challenge.challenges.models import Update
from challenge.extensions import db
from challenge.notifications.models import EntrantMessage
from challenge.platform.models import OutboxMessage
from challenge.submissions.models import Submission, SubmissionState


@pytest.fixture()
def entrants(make_user, make_org, make_challenge, make_submission, seat):
    seeker, broker = make_user("Sam Seeker"), make_user("Brooke Broker", broker=True)
    other_seeker, judge, creator = make_user("Omar Other"), make_user("Jude Judge"), make_user("Cal Creator")
    council, other = make_org(seeker, name="Leeds City Council"), make_org(other_seeker, name="York Council")
    challenge = make_challenge(council, "closed", title="Loneliness challenge")
    ana, ben, cy, dee = (make_user(name) for name in ("Ana Able", "Ben Bold", "Cy Calm", "Dee Draft"))
    make_submission(challenge, ana, SubmissionState.SHORTLISTED, team=(ben,))
    make_submission(challenge, cy, SubmissionState.SUBMITTED)
    make_submission(challenge, dee, SubmissionState.DRAFT)  # a draft is not an entry
    make_submission(challenge, make_user("Wes Withdrawn"), SubmissionState.WITHDRAWN)
    make_submission(make_challenge(other), creator)  # another challenge's entrant
    seat(challenge, judge)
    return type("World", (), dict(locals()))


def _url(w) -> str:
    return f"/challenges/{w.challenge.slug}/message-entrants"


def _form(client, w) -> dict:
    html = client.get(_url(w)).get_data(as_text=True)
    return {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1),
            "send_key": re.search(r'name="send_key"[^>]*value="([^"]+)"', html).group(1),
            "audience": "all", "subject": "Pitch day\non 12 January", "body": "Come and meet the panel."}


def _messages(kind="challenge.entrant_message") -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.to_email)))


def test_the_preview_counts_the_people_and_sends_nothing(client, login, entrants):
    login(entrants.seeker)
    page = client.get(_url(entrants)).get_data(as_text=True)
    assert "Everyone who entered (3 people)" in page and "Only the shortlisted entrants (2 people)" in page
    response = client.post(_url(entrants), data={**_form(client, entrants), "preview": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "This message will go to <strong>3 people</strong>" in html
    assert "Send to 3 people" in html and _messages() == []


def test_sending_emails_each_entrant_once_in_the_second_person(client, login, entrants):
    login(entrants.seeker)
    data = {**_form(client, entrants), "send": "1"}
    response = client.post(_url(entrants), data=data, follow_redirects=True)
    assert "Your message is on its way to 3 people." in response.get_data(as_text=True)
    sent = _messages()
    assert sorted(m.to_email for m in sent) == sorted(u.email for u in (entrants.ana, entrants.ben, entrants.cy))
    first = next(m for m in sent if m.to_email == entrants.ana.email)
    assert first.subject == 'Message about "Loneliness challenge": Pitch day on 12 January'
    assert "\n" not in first.subject
    assert first.body.startswith("Hello Ana Able,") and "You receive it because you" in first.body
    assert "Come and meet the panel." in first.body and "Please do not reply to this email" in first.body
    assert db.session.scalar(db.select(EntrantMessage.recipients)) == 3
    # a double click (the same form again) sends nothing more
    again = client.post(_url(entrants), data=data, follow_redirects=True).get_data(as_text=True)
    assert "Your message was already sent to 3 people." in again
    assert len(_messages()) == 3 and db.session.scalar(db.select(db.func.count(EntrantMessage.id))) == 1


def test_only_the_shortlisted(client, login, entrants):
    login(entrants.broker)
    client.post(_url(entrants), data={**_form(client, entrants), "audience": "shortlisted", "send": "1"})
    assert sorted(m.to_email for m in _messages()) == sorted([entrants.ana.email, entrants.ben.email])
    assert "You receive it because you are one of them" in _messages()[0].body


def test_the_recipients_see_it_in_their_notifications(client, login, entrants):
    login(entrants.seeker)
    client.post(_url(entrants), data={**_form(client, entrants), "send": "1"})
    login(entrants.cy)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Leeds City Council sent you a message about “Loneliness challenge”: Pitch day on 12 January" in html


def test_a_copy_on_the_updates_page_when_ticked(client, login, entrants):
    login(entrants.seeker)
    client.post(_url(entrants), data={**_form(client, entrants), "send": "1"})
    assert db.session.scalar(db.select(db.func.count(Update.id))) == 0
    client.post(_url(entrants), data={**_form(client, entrants), "post_copy": "y", "send": "1"})
    update = db.session.scalar(db.select(Update))
    assert update.title == "Pitch day on 12 January" and update.body == "Come and meet the panel."
    assert "Pitch day on 12 January" in client.get(f"/challenges/{entrants.challenge.slug}").get_data(as_text=True)


def test_an_empty_message_or_an_empty_group_is_refused_with_its_reason(client, login, entrants):
    login(entrants.seeker)
    response = client.post(_url(entrants), data={**_form(client, entrants), "body": "  ", "send": "1"})
    assert response.status_code == 400 and "Enter the message" in response.get_data(as_text=True)
    db.session.execute(db.update(Submission).where(Submission.state == SubmissionState.SHORTLISTED)
                       .values(state=SubmissionState.SUBMITTED))
    db.session.commit()
    response = client.post(_url(entrants), data={**_form(client, entrants), "audience": "shortlisted",
                                                 "preview": "1"})
    assert response.status_code == 400 and "Nobody is in that group yet" in response.get_data(as_text=True)
    assert "Only the shortlisted entrants (0 people)" in response.get_data(as_text=True)
    assert _messages() == []


@pytest.mark.parametrize("who", ["other_seeker", "creator", "judge", "ana"])
def test_nobody_else_may_message_the_entrants(client, login, entrants, who):
    login(getattr(entrants, who))
    assert client.get(_url(entrants)).status_code == 404
    data = {"audience": "all", "subject": "Hi", "body": "Hello", "send_key": "k" * 20, "send": "1"}
    assert client.post(_url(entrants), data=data).status_code == 404
    assert _messages() == []


def test_signed_out_people_are_sent_to_sign_in(client, entrants):
    assert client.get(_url(entrants)).status_code == 302


def test_the_management_panel_offers_it_to_the_owners_only(client, login, entrants):
    page = f"/challenges/{entrants.challenge.slug}"
    login(entrants.seeker)
    assert "Message the entrants" in client.get(page).get_data(as_text=True)
    login(entrants.ana)
    assert "Message the entrants" not in client.get(page).get_data(as_text=True)
