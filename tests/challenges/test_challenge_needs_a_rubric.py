"""Issue 11 point 3: a challenge cannot go live unjudgeable. Sending for review, publishing and starting
judging are refused while the rubric has no criterion, with a message saying the way to add one."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.challenges import services
from challenge.errors import FieldError
from challenge.extensions import db
from challenge.payouts.funding import waive_funding
from tests.factories import PASSWORD

ADVICE = "Add at least one judging criterion to the rubric before"


def _waived(challenge, broker):
    waive_funding(challenge, "Funding agreed in writing", broker, clock.now())
    db.session.commit()
    return challenge


def test_sending_for_review_is_refused_without_a_criterion(world, make_challenge, rubric_for):
    draft = make_challenge(world.org, "draft", outcomes="Fewer", eligibility="Anyone")
    with pytest.raises(FieldError) as refused:
        services.submit_for_review(draft, world.seeker, clock.now())
    assert refused.value.message.startswith(f"{ADVICE} sending it for review")
    assert "Edit the rubric" in refused.value.message
    assert draft.state == "draft" and draft.sent_for_review_at is None
    rubric_for(draft, criteria=(("Impact", 100),), rounds=())
    services.submit_for_review(draft, world.seeker, clock.now())
    assert draft.state == "in_review"


def test_publishing_is_refused_without_a_criterion(world, make_challenge, rubric_for):
    challenge = _waived(make_challenge(world.org, "in_review"), world.broker)
    with pytest.raises(FieldError, match=f"{ADVICE} publishing it"):
        services.publish(challenge, world.broker, clock.now())
    assert challenge.state == "in_review" and challenge.published_at is None
    rubric_for(challenge, criteria=(("Impact", 100, True),), rounds=())
    services.publish(challenge, world.broker, clock.now())
    assert challenge.state == "published"


def test_starting_judging_is_refused_without_a_criterion(world, make_challenge, rubric_for):
    challenge = make_challenge(world.org, "closed")
    with pytest.raises(FieldError, match=f"{ADVICE} starting judging"):
        services.start_judging(challenge, world.seeker, clock.now())
    assert challenge.state == "published"
    rubric_for(challenge, criteria=(("Impact", 100),), rounds=())
    services.start_judging(challenge, world.seeker, clock.now())
    assert challenge.state == "judging"


def test_publishing_over_http_without_a_criterion_changes_nothing(client, login, world, make_challenge):
    challenge = _waived(make_challenge(world.org, "in_review"), world.broker)
    login(world.broker)
    response = client.post(f"/challenges/{challenge.slug}/publish")
    db.session.refresh(challenge)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/challenges/{challenge.slug}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{ADVICE} publishing it" in page and "Edit the rubric" in page
    assert challenge.state == "in_review"


@pytest.mark.browser
def test_a_seeker_with_an_empty_rubric_is_told_to_add_a_criterion(page, world, make_challenge):
    draft = make_challenge(world.org, "draft", outcomes="Fewer lonely people", eligibility="Anyone")
    page.goto("/login")
    page.get_by_label("Email address").fill(world.seeker.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/challenges/{draft.slug}")
    page.get_by_role("button", name="Send for review").click()
    message = page.get_by_text(f"{ADVICE} sending it for review")
    assert message.is_visible()
    assert "Edit the rubric" in message.inner_text()
    page.shots(page, "refused-without-a-criterion")
    page.get_by_role("link", name="Edit the rubric").click()
    assert page.url.endswith(f"/challenges/{draft.slug}/rubric")
    db.session.refresh(draft)
    assert draft.state == "draft"
