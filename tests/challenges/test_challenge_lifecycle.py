"""The transition table, every move allowed and refused, and who may make each move over HTTP."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.challenges import services
from challenge.challenges.states import MOVES, Phase, refusal
from challenge.errors import DomainError, FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.payouts.funding import waive_funding
from challenge.platform.audit import history
from tests.challenges.challenge_helpers import mails
from tests.factories import PUBLISHABLE

PHASES = ["draft", "in_review", "upcoming", "open", "closed", "judging", "decided", "completed", "cancelled"]


@pytest.mark.parametrize("name", sorted(MOVES))
@pytest.mark.parametrize("phase", PHASES)
def test_every_move_in_every_phase(world, make_challenge, name, phase):
    challenge = make_challenge(world.org, phase)
    assert challenge.phase(clock.now()) == Phase(phase)
    if Phase(phase) in MOVES[name].source:
        services.move(challenge, name, world.broker, clock.now(), reason="test")
        assert challenge.state == MOVES[name].target
        assert history(challenge)[-1].action == f"challenge.{name}"
    else:
        before = challenge.state
        with pytest.raises(InvalidTransition) as refused:
            services.move(challenge, name, world.broker, clock.now())
        assert refused.value.message == refusal(name, Phase(phase))
        assert refused.value.message.endswith(f"this challenge is {Phase(phase).label.lower()}.")
        assert challenge.state == before and history(challenge) == []


def test_refusal_messages_read_as_sentences():
    assert refusal("publish", Phase.DRAFT) == "Only a challenge in review can be published; this challenge is draft."
    assert refusal("start_judging", Phase.OPEN) == (
        "Judging can start only once the challenge has closed; this challenge is open.")
    assert refusal("cancel", Phase.DECIDED).startswith("A challenge that has been awarded")
    assert "no such step" in refusal("explode", Phase.OPEN)


def test_submit_for_review_needs_a_complete_draft(world, make_challenge, rubric_for):
    draft = make_challenge(world.org, "draft")
    rubric_for(draft, criteria=PUBLISHABLE)
    with pytest.raises(FieldError) as refused:
        services.submit_for_review(draft, world.seeker, clock.now())
    assert "desired outcomes" in refused.value.message and "who is eligible" in refused.value.message
    draft.outcomes, draft.eligibility = "Fewer lonely people", "Anyone"
    at = clock.now()
    services.submit_for_review(draft, world.seeker, at)
    assert draft.state == "in_review" and draft.sent_for_review_at == at


def test_submit_for_review_refuses_a_past_closing_date_and_other_people(world, make_challenge):
    draft = make_challenge(world.org, "draft", outcomes="x", eligibility="y")
    with pytest.raises(NotAllowed):
        services.submit_for_review(draft, world.outsider, clock.now())
    draft.closes_at = clock.now() - timedelta(minutes=1)
    draft.opens_at = clock.now() - timedelta(days=1)
    with pytest.raises(FieldError, match="closing date has passed"):
        services.submit_for_review(draft, world.seeker, clock.now())


def waive(challenge, broker) -> None:
    waive_funding(challenge, "Funding agreed in writing", broker, clock.now())
    db.session.commit()


def test_publish_is_refused_until_the_pool_is_funded_or_the_requirement_waived(world, make_challenge, rubric_for):
    challenge = make_challenge(world.org, "in_review")
    rubric_for(challenge, criteria=PUBLISHABLE)
    with pytest.raises(DomainError, match="not fully funded"):
        services.publish(challenge, world.broker, clock.now())
    assert challenge.state == "in_review"
    waive(challenge, world.broker)
    services.publish(challenge, world.broker, clock.now())
    assert challenge.state == "published"


def test_publish_emails_the_seeker_and_refuses_non_brokers(world, make_challenge, rubric_for):
    challenge = make_challenge(world.org, "in_review")
    rubric_for(challenge, criteria=PUBLISHABLE)
    waive(challenge, world.broker)
    with pytest.raises(NotAllowed):
        services.publish(challenge, world.seeker, clock.now())
    at = clock.now()
    services.publish(challenge, world.broker, at)
    assert challenge.state == "published" and challenge.published_at == at
    [mail] = mails(world.seeker.email)
    assert "is published" in mail.subject and f"/challenges/{challenge.slug}" in mail.body


def test_publish_refuses_a_challenge_whose_closing_date_passed(world, make_challenge):
    challenge = make_challenge(world.org, "in_review")
    clock.travel(timedelta(days=11))
    with pytest.raises(FieldError, match="send it back"):
        services.publish(challenge, world.broker, clock.now())


def test_request_changes_needs_a_note_and_emails_it(world, make_challenge):
    challenge = make_challenge(world.org, "in_review")
    with pytest.raises(FieldError, match="Enter a note"):
        services.request_changes(challenge, "   ", world.broker, clock.now())
    services.request_changes(challenge, "Please add the budget.", world.broker, clock.now())
    assert challenge.state == "draft" and challenge.review_note == "Please add the budget."
    [mail] = mails(world.seeker.email)
    assert "Changes requested" in mail.subject and "Please add the budget." in mail.body
    assert history(challenge)[-1].reason == "Please add the budget."


def test_seeker_cancels_before_entries_but_not_after(world, make_challenge, make_submission):
    quiet = make_challenge(world.org, "open")
    services.cancel(quiet, "No longer needed", world.seeker, clock.now())
    assert quiet.state == "cancelled" and quiet.cancel_reason == "No longer needed"
    busy = make_challenge(world.org, "open")
    make_submission(busy, world.creator)
    with pytest.raises(NotAllowed, match="only a broker"):
        services.cancel(busy, "Changed our minds", world.seeker, clock.now())
    services.cancel(busy, "Funding withdrawn", world.broker, clock.now())
    assert busy.state == "cancelled"


def test_a_draft_or_withdrawn_submission_is_not_an_entry(world, make_challenge, make_submission, make_user):
    challenge = make_challenge(world.org, "open")
    make_submission(challenge, world.creator, "draft")
    make_submission(challenge, make_user(), "withdrawn")
    services.cancel(challenge, "Not needed", world.seeker, clock.now())
    assert challenge.state == "cancelled"


def test_seeker_cannot_cancel_during_judging_a_broker_can(world, make_challenge):
    challenge = make_challenge(world.org, "judging")
    with pytest.raises(NotAllowed):
        services.cancel(challenge, "Because", world.seeker, clock.now())
    with pytest.raises(FieldError, match="Enter a reason"):
        services.cancel(challenge, "", world.broker, clock.now())
    services.cancel(challenge, "The panel could not be formed", world.broker, clock.now())
    assert challenge.state == "cancelled"


def test_start_judging_and_complete(world, make_challenge, rubric_for):
    challenge = make_challenge(world.org, "closed")
    rubric_for(challenge, criteria=PUBLISHABLE)
    with pytest.raises(NotAllowed):
        services.start_judging(challenge, world.creator, clock.now())
    services.start_judging(challenge, world.seeker, clock.now())
    assert challenge.state == "judging"
    with pytest.raises(InvalidTransition, match="Only an awarded challenge"):
        services.complete(challenge, world.seeker, clock.now())
    services.move(challenge, "decide", world.broker, clock.now())
    services.complete(challenge, world.broker, clock.now())
    assert challenge.state == "completed"


# --- over HTTP: who may press each button --------------------------------------------------------

ROLES = [None, "creator", "outsider", "seeker", "broker"]
# action, state of the challenge, roles allowed (others: 404; anonymous: sent to sign in)
BUTTONS = [
    ("submit-for-review", "draft", {"seeker"}),
    ("publish", "in_review", {"broker"}),
    ("request-changes", "in_review", {"broker"}),
    ("cancel", "open", {"seeker", "broker"}),
    ("start-judging", "closed", {"seeker", "broker"}),
    ("complete", "decided", {"seeker", "broker"}),
]
AFTER = {"submit-for-review": "in_review", "publish": "published", "request-changes": "draft",
         "cancel": "cancelled", "start-judging": "judging", "complete": "completed"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action,state,allowed", BUTTONS)
def test_who_may_press_each_button(client, world, as_role, make_challenge, rubric_for, action, state, allowed, role):
    challenge = make_challenge(world.org, state, outcomes="Fewer", eligibility="Anyone")
    rubric_for(challenge, criteria=PUBLISHABLE)
    if action == "publish":
        waive(challenge, world.broker)
    as_role(role)
    response = client.post(f"/challenges/{challenge.slug}/{action}", data={"note": "Fix it", "reason": "Not needed"})
    db.session.refresh(challenge)
    if role is None:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert challenge.state == make_challenge_state(state)
    elif role in allowed:
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        assert challenge.state == AFTER[action]
    else:
        assert response.status_code == 404
        assert challenge.state == make_challenge_state(state)


def make_challenge_state(state: str) -> str:
    return "published" if state in ("open", "closed", "upcoming") else state


@pytest.mark.parametrize("action,state,message", [
    ("submit-for-review", "in_review", "Only a draft can be sent for review; this challenge is in review."),
    ("start-judging", "open", "Judging can start only once the challenge has closed; this challenge is open."),
    ("complete", "judging", "Only an awarded challenge can be marked completed; this challenge is judging."),
    ("cancel", "completed", "cannot be cancelled; this challenge is completed."),
])
def test_refused_moves_say_why(client, world, as_role, make_challenge, action, state, message):
    challenge = make_challenge(world.org, state)
    as_role("seeker")
    response = client.post(f"/challenges/{challenge.slug}/{action}", data={"reason": "Because"})
    assert message in _refusal_page(client, challenge, action, response)


@pytest.mark.parametrize("action,state,message", [
    ("publish", "draft", "Only a challenge in review can be published; this challenge is draft."),
    ("request-changes", "open", "Only a challenge in review can be sent back; this challenge is open."),
    ("cancel", "decided", "cannot be cancelled; this challenge is awarded."),
])
def test_refused_broker_moves_say_why(client, world, as_role, make_challenge, action, state, message):
    challenge = make_challenge(world.org, state)
    as_role("broker")
    response = client.post(f"/challenges/{challenge.slug}/{action}", data={"note": "n", "reason": "r"})
    assert message in _refusal_page(client, challenge, action, response)


BUTTONS = ("submit-for-review", "publish", "start-judging", "complete")


def _refusal_page(client, challenge, action, response) -> str:
    """A refused button leads back to the challenge page, which says why; a refused form is shown again (409)."""
    if action in BUTTONS:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/challenges/{challenge.slug}")
        return client.get(response.headers["Location"]).get_data(as_text=True)
    assert response.status_code == 409
    return response.get_data(as_text=True)


def test_seeker_cannot_cancel_over_http_once_entries_arrive(client, world, as_role, make_challenge, make_submission):
    challenge = make_challenge(world.org, "open")
    make_submission(challenge, world.creator)
    as_role("seeker")
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "only a broker can cancel" in page
    assert client.post(f"/challenges/{challenge.slug}/cancel", data={"reason": "x"}).status_code == 404


def test_incomplete_draft_is_not_sent_for_review(client, world, as_role, make_challenge):
    challenge = make_challenge(world.org, "draft")
    as_role("seeker")
    response = client.post(f"/challenges/{challenge.slug}/submit-for-review", follow_redirects=True)
    assert "Before sending for review, add the desired outcomes, who is eligible" in response.get_data(as_text=True)
    db.session.refresh(challenge)
    assert challenge.state == "draft"


@pytest.mark.parametrize("note", ["", "   ", "x" * 5001])
def test_send_back_form_refuses_bad_notes(client, world, as_role, make_challenge, note):
    challenge = make_challenge(world.org, "in_review")
    as_role("broker")
    response = client.post(f"/challenges/{challenge.slug}/request-changes", data={"note": note})
    assert response.status_code == 400 and "There is a problem" in response.get_data(as_text=True)
    db.session.refresh(challenge)
    assert challenge.state == "in_review"


def test_send_back_note_is_shown_escaped_to_the_seeker(client, world, as_role, make_challenge):
    challenge = make_challenge(world.org, "in_review")
    as_role("broker")
    assert client.get(f"/challenges/{challenge.slug}/request-changes").status_code == 200
    client.post(f"/challenges/{challenge.slug}/request-changes",
                data={"note": "Add the budget <script>alert(1)</script>\x00 ✓ 👍"})
    as_role("seeker")
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "The broker asked for changes" in page and "Add the budget" in page and "✓ 👍" in page
    assert "<script>alert(1)" not in page


@pytest.mark.parametrize("reason", ["", "\x00\x01", "y" * 5001])
def test_cancel_form_refuses_bad_reasons(client, world, as_role, make_challenge, reason):
    challenge = make_challenge(world.org, "open")
    as_role("seeker")
    assert client.get(f"/challenges/{challenge.slug}/cancel").status_code == 200
    response = client.post(f"/challenges/{challenge.slug}/cancel", data={"reason": reason})
    assert response.status_code == 400 and "There is a problem" in response.get_data(as_text=True)
    db.session.refresh(challenge)
    assert challenge.state == "published"


def test_get_never_changes_state(client, world, as_role, make_challenge):
    challenge = make_challenge(world.org, "in_review")
    as_role("broker")
    for path in ("publish", "submit-for-review", "start-judging", "complete", "follow"):
        assert client.get(f"/challenges/{challenge.slug}/{path}").status_code == 405
    client.get(f"/challenges/{challenge.slug}/request-changes")
    client.get(f"/challenges/{challenge.slug}/cancel")
    db.session.refresh(challenge)
    assert challenge.state == "in_review"


def test_endpoints_the_broker_console_links_to(app):
    from flask import url_for

    with app.test_request_context():
        assert url_for("challenges.publish", slug="x") == "/challenges/x/publish"
        assert url_for("challenges.request_changes", slug="x") == "/challenges/x/request-changes"
    rules = {r.endpoint: r.methods for r in app.url_map.iter_rules()}
    assert "POST" in rules["challenges.publish"] and "GET" not in rules["challenges.publish"]
    assert "POST" in rules["challenges.request_changes"]
