"""Phases follow the server clock on every request, and the dashboard shows what to do next."""
from __future__ import annotations

import re
from datetime import timedelta

from challenge import clock
from challenge.challenges.dashboard import next_action
from challenge.challenges.states import Phase
from challenge.extensions import db


def test_a_published_challenge_opens_and_closes_as_time_passes(client, world, make_challenge, as_role):
    challenge = make_challenge(world.org, "upcoming")
    assert challenge.phase(clock.now()) == Phase.UPCOMING
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert ">Upcoming<" in page and re.search(r"Opens in (2 days|1 day 23 hours) \(", page)

    clock.travel(timedelta(days=2, minutes=1))
    assert challenge.phase(clock.now()) == Phase.OPEN
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert ">Open<" in page and "Closes in 27 days" in page

    clock.travel(timedelta(days=28))
    db.session.refresh(challenge)
    assert challenge.state == "published" and challenge.phase(clock.now()) == Phase.CLOSED
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert ">Closed<" in page and "Closed " in page
    as_role("seeker")
    assert "Start judging" in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)


def test_questions_close_with_the_challenge(client, world, make_challenge, as_role):
    challenge = make_challenge(world.org, "open")
    as_role("creator")
    assert "Ask a question" in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    clock.travel(timedelta(days=11))
    assert "Ask a question" not in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert client.post(f"/challenges/{challenge.slug}/questions", data={"body": "Late?"}).status_code == 404


def test_drafts_are_invisible_to_everyone_but_their_seekers_and_brokers(client, world, make_challenge, as_role):
    challenge = make_challenge(world.org, "draft")
    for role, status in ((None, 404), ("creator", 404), ("outsider", 404), ("seeker", 200), ("broker", 200)):
        as_role(role)
        assert client.get(f"/challenges/{challenge.slug}").status_code == status, role
    assert client.get("/challenges/no-such-challenge").status_code == 404


def test_the_actions_panel_is_only_for_seekers_and_brokers(client, world, make_challenge, as_role):
    challenge = make_challenge(world.org, "in_review")
    as_role("seeker")
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Manage this challenge" in page and "Waiting for a broker" in page and "Publish" not in page
    as_role("broker")
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert ">Publish<" in page.replace("</i> ", ">") and "Send back with a note" in page
    challenge.state = "published"
    db.session.commit()
    as_role("creator")
    assert "Manage this challenge" not in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)


def test_challenge_page_shows_prizes_timeline_and_entries(client, world, make_challenge, make_submission, make_user):
    challenge = make_challenge(world.org, "open", prizes=((2_500_000, 1), (500_000, 2)), tags="loneliness, data")
    make_submission(challenge, world.creator)
    make_submission(challenge, make_user(), "draft")
    make_submission(challenge, make_user(), "withdrawn")
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "£35,000" in page and "£25,000" in page and "£5,000" in page
    assert "<strong>1</strong> entry received" in page
    assert "Camden Council" in page and "loneliness" in page
    assert "Sign in</a> to follow this challenge" in page


def test_dashboard_lists_follows_own_challenges_and_submissions(client, world, make_challenge, make_submission,
                                                               as_role):
    own_draft = make_challenge(world.org, "draft", title="Our draft")
    own_open = make_challenge(world.org, "open", title="Our open one")
    followed = make_challenge(world.other_org, "open", title="Their open one")
    from challenge.challenges import conversation

    conversation.follow(followed, world.seeker, clock.now())
    conversation.ask(own_open, "Anything?", world.creator, clock.now())
    make_submission(followed, world.creator, title="Creators idea")
    db.session.commit()
    as_role("seeker")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Our draft" in page and "Finish the draft and send it for review" in page
    assert "Our open one" in page and "Answer 1 question" in page
    assert "Their open one" in page and "You have not entered any challenges yet" in page
    as_role("creator")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Creators idea" in page and "Submitted" in page
    assert "You do not belong to an organisation yet" in page and own_draft.title not in page


def test_dashboard_needs_sign_in(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_next_action_for_every_phase(world, make_challenge):
    now = clock.now()
    expected = {
        "draft": "Finish the draft", "in_review": "Waiting for a broker", "upcoming": "Published: it opens soon",
        "open": "Open, 0 entries so far", "closed": "Closed: start judging", "judging": "Judging",
        "decided": "Awarded: pay the prizes", "completed": "Completed", "cancelled": "Cancelled",
    }
    for state, words in expected.items():
        made = make_challenge(world.org, state)
        assert next_action(made, made.phase(now), 0, 0).startswith(words), state
    sent_back = make_challenge(world.org, "draft", review_note="Add a budget")
    assert next_action(sent_back, sent_back.phase(now), 0, 0).startswith("Changes requested")


def test_each_own_row_shows_the_badge_dates_and_next_action_of_its_own_phase(client, world, make_challenge, as_role):
    """The board works out each row's phase once; its badge, its dates and its next thing to do all say it."""
    from challenge.dates import deadline

    now = clock.now()
    made = {state: make_challenge(world.org, state, title=f"The {state} one") for state in
            ("draft", "in_review", "upcoming", "open", "closed", "judging", "completed")}
    for state in ("draft", "in_review", "open"):  # half a day off a whole day: worded alike a few seconds later
        made[state].closes_at = now + timedelta(days=9, hours=12)
    made["upcoming"].opens_at = now + timedelta(days=5, hours=12)
    db.session.commit()
    as_role("seeker")
    page = client.get("/dashboard").get_data(as_text=True)
    rows = {row.split("</a>")[0].rsplit(">", 1)[1]: row for row in page.split("<tr>")[2:]}
    for state, challenge in made.items():
        phase = challenge.phase(now)
        row = rows[challenge.title]
        assert f">{phase.label}</span>" in row, state
        assert deadline(phase.value, challenge.opens_at, challenge.closes_at, now) in row, state
        assert next_action(challenge, phase, 0, 0) in row, state


def test_brokers_see_what_waits_for_review(client, world, make_challenge, as_role):
    waiting = make_challenge(world.org, "in_review", title="Please review me")
    as_role("broker")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Waiting for your review" in page and waiting.title in page
    as_role("seeker")
    assert "Waiting for your review" not in client.get("/dashboard").get_data(as_text=True)


def test_the_dashboard_runs_the_same_statements_for_2_and_8_challenges(client, world, make_challenge, make_submission,
                                                                         make_user, as_role):
    from tests.factories import counted_statements

    as_role("seeker")
    counts = []
    for n in (2, 6):
        for _ in range(n):
            make_submission(make_challenge(world.org, "open"), make_user())
        db.session.commit()
        with counted_statements() as statements:
            page = client.get("/dashboard").get_data(as_text=True)
        assert page.count("Open, 1 entry so far") >= n  # each challenge's entries, read from the kept counts
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert not [s for s in statements if "FROM organisations JOIN memberships" in s]  # roles came with the user
