"""Updates, questions and answers, follows and the 48-hour reminder."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.challenges import conversation
from challenge.challenges.models import Follow, Question, Update
from challenge.errors import InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.platform.models import OutboxMessage
from tests.challenges.challenge_helpers import mails


def questions() -> list[Question]:
    return list(db.session.scalars(db.select(Question).order_by(Question.id)))


def test_creator_asks_seeker_answers_and_the_asker_is_emailed(client, world, as_role, make_challenge):
    challenge = make_challenge(world.org, "open", title="Lonely no more")
    as_role("creator")
    response = client.post(f"/challenges/{challenge.slug}/questions", data={"body": "Can we use council data?"})
    [question] = questions()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#question-{question.id}")
    assert question.asked_by_id == world.creator.id and question.answer is None
    as_role("seeker")
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Publish answer" in page
    response = client.post(f"/challenges/{challenge.slug}/questions/{question.id}/answer",
                           data={f"q{question.id}-answer": "Not at the proposal stage."})
    assert response.status_code == 302
    db.session.refresh(question)
    assert question.answer == "Not at the proposal stage." and question.answered_by_id == world.seeker.id
    [asked] = mails(world.seeker.email)
    assert asked.subject == 'New question on "Lonely no more"' and "Can we use council data?" in asked.body
    [mail] = mails(world.creator.email)
    assert mail.subject == 'Your question on "Lonely no more" has been answered'
    assert "Can we use council data?" in mail.body and "Not at the proposal stage." in mail.body
    assert f"http://127.0.0.1:5000/challenges/{challenge.slug}#question-{question.id}" in mail.body
    as_role(None)
    public = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Not at the proposal stage." in public and "Publish answer" not in public


def test_an_answer_cannot_be_rewritten(world, make_challenge):
    challenge = make_challenge(world.org, "open")
    question = conversation.ask(challenge, "When?", world.creator, clock.now())
    conversation.answer(question, "Soon", world.seeker, clock.now())
    with pytest.raises(InvalidTransition, match="already been answered"):
        conversation.answer(question, "Later", world.broker, clock.now())


@pytest.mark.parametrize("role,status", [(None, 302), ("creator", 404), ("outsider", 404), ("seeker", 302),
                                         ("broker", 302)])
def test_who_may_answer(client, world, as_role, make_challenge, role, status):
    challenge = make_challenge(world.org, "open")
    question = conversation.ask(challenge, "When?", world.creator, clock.now())
    db.session.commit()
    as_role(role)
    response = client.post(f"/challenges/{challenge.slug}/questions/{question.id}/answer",
                           data={f"q{question.id}-answer": "Soon"})
    assert response.status_code == status
    db.session.refresh(question)
    assert (question.answer == "Soon") is (status == 302 and role is not None)


def test_a_question_of_another_challenge_is_not_found(client, world, as_role, make_challenge):
    mine, theirs = make_challenge(world.org, "open"), make_challenge(world.other_org, "open")
    question = conversation.ask(theirs, "When?", world.creator, clock.now())
    db.session.commit()
    as_role("seeker")
    response = client.post(f"/challenges/{mine.slug}/questions/{question.id}/answer",
                           data={f"q{question.id}-answer": "Hijack"})
    assert response.status_code == 404


@pytest.mark.parametrize("state,role,status", [
    ("open", None, 302), ("open", "creator", 302), ("open", "outsider", 302), ("upcoming", "creator", 302),
    ("open", "seeker", 404), ("open", "broker", 404), ("closed", "creator", 404), ("draft", "creator", 404), ("cancelled", "creator", 404),
])
def test_who_may_ask_and_when(client, world, as_role, make_challenge, state, role, status):
    challenge = make_challenge(world.org, state)
    as_role(role)
    response = client.post(f"/challenges/{challenge.slug}/questions", data={"body": "Is it UK only?"})
    assert response.status_code == status
    if role is None:
        assert "/login" in response.headers["Location"]
    assert len(questions()) == (1 if status == 302 and role else 0)


@pytest.mark.parametrize("body,message", [
    ("", "Enter your question"), ("   \x00 ", "Enter your question"),
    ("q" * 10_001, "Field cannot be longer than 10000 characters")])
def test_bad_questions_are_refused_on_the_page(client, world, as_role, make_challenge, body, message):
    challenge = make_challenge(world.org, "open")
    as_role("creator")
    response = client.post(f"/challenges/{challenge.slug}/questions", data={"body": body})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page and message in page
    assert questions() == []


def test_bad_answers_are_refused_on_the_page(client, world, as_role, make_challenge):
    challenge = make_challenge(world.org, "open")
    question = conversation.ask(challenge, "When?", world.creator, clock.now())
    db.session.commit()
    as_role("seeker")
    for answer in ("", "a" * 10_001):
        response = client.post(f"/challenges/{challenge.slug}/questions/{question.id}/answer",
                               data={f"q{question.id}-answer": answer})
        assert response.status_code == 400 and "There is a problem" in response.get_data(as_text=True)
    db.session.refresh(question)
    assert question.answer is None


def test_questions_and_answers_are_shown_safely(client, world, make_challenge):
    challenge = make_challenge(world.org, "open")
    question = conversation.ask(challenge, "<script>alert(1)</script> Ünïcode 🙂 \u202e", world.creator, clock.now())
    conversation.answer(question, "[x](javascript:alert(2)) **yes**", world.seeker, clock.now())
    db.session.commit()
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "javascript:" not in page
    assert "Ünïcode 🙂" in page and "<strong>yes</strong>" in page


def test_seeker_posts_an_update_and_followers_are_emailed(client, world, as_role, make_challenge, make_user):
    challenge = make_challenge(world.org, "open", title="Warm homes")
    inactive = make_user()
    for person in (world.creator, world.seeker, inactive):
        conversation.follow(challenge, person, clock.now())
    inactive.is_active_account = False
    db.session.commit()
    as_role("seeker")
    assert client.get(f"/challenges/{challenge.slug}/updates/new").status_code == 200
    response = client.post(f"/challenges/{challenge.slug}/updates/new",
                           data={"title": "Webinar on Tuesday", "body": "Join us *online*."})
    assert response.status_code == 302 and response.headers["Location"].endswith("#updates")
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Webinar on Tuesday" in page and "<em>online</em>" in page
    [mail] = mails()  # the follower; not its author, not a deactivated account
    assert mail.to_email == world.creator.email
    assert mail.subject == 'Update on "Warm homes": Webinar on Tuesday' and "#update-" in mail.body


@pytest.mark.parametrize("state,role,status", [
    ("open", "creator", 404), ("open", "outsider", 404), ("open", None, 302), ("open", "broker", 302),
    ("closed", "seeker", 302), ("draft", "seeker", 404), ("in_review", "seeker", 404), ("cancelled", "seeker", 404),
])
def test_who_may_post_updates_and_when(client, world, as_role, make_challenge, state, role, status):
    challenge = make_challenge(world.org, state)
    as_role(role)
    response = client.post(f"/challenges/{challenge.slug}/updates/new", data={"title": "News", "body": "Text"})
    assert response.status_code == status
    count = db.session.scalar(db.select(db.func.count(Update.id)))
    assert count == (1 if status == 302 and role else 0)


@pytest.mark.parametrize("data,message", [
    ({"title": "", "body": "x"}, "Enter a title"), ({"title": "t" * 201, "body": "x"}, "Field cannot be longer"),
    ({"title": "T", "body": ""}, "Enter the update"), ({"title": "T", "body": "b" * 10_001}, "Field cannot be longer")])
def test_bad_updates_are_refused(client, world, as_role, make_challenge, data, message):
    challenge = make_challenge(world.org, "open")
    as_role("seeker")
    response = client.post(f"/challenges/{challenge.slug}/updates/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page and message in page
    assert db.session.scalar(db.select(db.func.count(Update.id))) == 0


def test_follow_and_unfollow(client, world, as_role, make_challenge):
    challenge = make_challenge(world.org, "open", title="Follow me")
    as_role("creator")
    client.post(f"/challenges/{challenge.slug}/follow")
    client.post(f"/challenges/{challenge.slug}/follow")  # twice is still one follow
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 1
    assert "Follow me" in client.get("/dashboard").get_data(as_text=True)
    assert "Unfollow" in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    client.post(f"/challenges/{challenge.slug}/unfollow")
    client.post(f"/challenges/{challenge.slug}/unfollow")
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0
    assert "You do not follow any challenges" in client.get("/dashboard").get_data(as_text=True)


@pytest.mark.parametrize("state,role,status", [
    ("open", None, 302), ("draft", "creator", 404), ("in_review", "creator", 404), ("cancelled", "creator", 404),
    ("closed", "creator", 302), ("decided", "outsider", 302)])
def test_who_may_follow(client, world, as_role, make_challenge, state, role, status):
    challenge = make_challenge(world.org, state)
    as_role(role)
    assert client.post(f"/challenges/{challenge.slug}/follow").status_code == status
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == (1 if status == 302 and role else 0)


def test_follow_is_refused_by_the_service_for_anonymous_users(world, make_challenge):
    from flask_login import AnonymousUserMixin

    with pytest.raises(NotAllowed):
        conversation.follow(make_challenge(world.org, "open"), AnonymousUserMixin(), clock.now())


# --- the 48-hour reminder ------------------------------------------------------------------------

def reminders() -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "challenge.closing_soon")))


def test_reminder_is_queued_once_per_follow_48_hours_before_closing(world, make_challenge, make_user, runner):
    soon = make_challenge(world.org, "open", title="Closing soon")
    soon.closes_at = clock.now() + timedelta(hours=72, minutes=30)  # margin: the real clock ticks too
    later = make_challenge(world.org, "open", title="Closing later")
    db.session.commit()
    other = make_user()
    for user, challenge in ((world.creator, soon), (other, soon), (world.creator, later)):
        conversation.follow(challenge, user, clock.now())
    db.session.commit()
    assert conversation.queue_closing_reminders(clock.now()) == 0
    clock.travel(timedelta(hours=25))  # 47½ hours left
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "Queued 2 closing-soon reminders" in result.output
    sent = reminders()
    assert sorted(m.to_email for m in sent) == sorted([world.creator.email, other.email])
    assert all(m.state == "sent" for m in sent)
    assert sent[0].subject == '"Closing soon" closes in 1 day 23 hours'
    assert "/challenges/" + soon.slug in sent[0].body and "£5,000" in sent[0].body
    clock.travel(timedelta(hours=10))
    result = runner.invoke(args=["outbox", "send"])
    assert "Queued" not in result.output and len(reminders()) == 2


def test_no_reminder_for_closed_cancelled_or_upcoming_challenges(world, make_challenge):
    closed = make_challenge(world.org, "closed")
    cancelled = make_challenge(world.org, "open")
    cancelled.state, cancelled.closes_at = "cancelled", clock.now() + timedelta(hours=5)
    upcoming = make_challenge(world.org, "upcoming")
    upcoming.opens_at, upcoming.closes_at = clock.now() + timedelta(hours=1), clock.now() + timedelta(hours=20)
    db.session.commit()
    for challenge in (closed, cancelled, upcoming):
        db.session.add(Follow(user_id=world.creator.id, challenge_id=challenge.id, created_at=clock.now()))
    db.session.commit()
    assert conversation.queue_closing_reminders(clock.now()) == 0
