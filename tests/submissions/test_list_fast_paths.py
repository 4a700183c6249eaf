"""The lists' faster paths say what the plain ones say: "Your submissions" asks the feedback rule of the person
once per entry in Python (pages.feedback_open) rather than through the proxy in the template, and every list draws
a state's badge by one macro (submissions/_state.html) rather than an include per row."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template_string

from challenge import clock
from challenge.extensions import db
from challenge.permissions import can
from challenge.submissions import pages, queries
from challenge.submissions.models import SubmissionState
from tests.judging.test_outcome_queries import entered  # noqa: F401 (a fixture)

BADGES = {"draft": "text-bg-warning", "submitted": "text-bg-success", "shortlisted": "text-bg-info",
          "winner": "text-bg-primary", "not_selected": "text-bg-light border", "withdrawn": "text-bg-secondary",
          "disqualified": "text-bg-danger", "something_else": "text-bg-secondary"}


def test_feedback_open_is_the_rule_asked_of_each_entry(app, client, login, make_user, entered):  # noqa: F811
    creator, teammate = make_user("Cleo Creator"), make_user("Tam Teammate")
    subs = entered(creator, 6)  # feedback open in all but the fifth
    subs[0].challenge.feedback_to_entrants = False
    db.session.commit()
    now = clock.now()
    for person in (creator, teammate, make_user("Nobody")):
        with app.test_request_context("/my/submissions"):
            entries = queries.mine(creator)
            expected = {e.id for e in entries if can(person, "judging.feedback", e, now)}
            assert pages.feedback_open(person, entries, now) == expected
            later = {e.id for e in entries if can(person, "judging.feedback", e, now + timedelta(days=8))}
            assert pages.feedback_open(person, entries, now + timedelta(days=8)) == later
    with app.test_request_context("/my/submissions"):
        entries = queries.mine(creator)
        assert pages.feedback_open(creator, entries, now) == {s.id for s in subs[1:] if s is not subs[4]}
        assert pages.feedback_open(creator, entries, now + timedelta(days=8)) == {s.id for s in subs[1:]}
    login(creator)
    page = client.get("/my/submissions").get_data(as_text=True)
    for sub in subs:
        link = f"/feedback/{sub.reference}\">Read your feedback"
        assert (link in page) == (sub is not subs[0] and sub is not subs[4]), sub.reference


def test_the_state_badge_macro_draws_what_the_include_drew(app):
    with app.test_request_context("/"):
        for state, style in BADGES.items():
            drawn = render_template_string('{% from "submissions/_state.html" import state_badge %}'
                                           "{{ state_badge(state) }}", state=state)
            label = state.replace("_", " ").capitalize()
            assert drawn.strip() == f'<span class="badge {style}">{label}</span>', drawn
    assert {s.value for s in SubmissionState} <= set(BADGES)


def test_a_challenges_list_built_once_is_the_plain_list_for_each_viewer_and_state(
        app, make_user, make_org, make_challenge, make_submission):
    """queries.challenge_page and count_by_state (statements built once, states bound) list and count what the
    plain ORM reading of the challenge's submissions lists, for its seeker and a broker, every state filter, every
    page; the CSV's statement (for_challenge) reads the same entries in the same order."""
    seeker, broker = make_user("Sita Seeker"), make_user("Bea Broker", broker=True)
    challenge = make_challenge(make_org(seeker), "closed")
    other = make_challenge(make_org(make_user()), "closed")
    states = ["submitted", "draft", "shortlisted", "withdrawn", "winner", "not_selected", "disqualified"]
    made = [make_submission(challenge, make_user(f"Entrant {i}"), states[i % len(states)],
                            team=(make_user(),) * (i % 2), title=f"Entry {i:02d}",
                            organisation=make_org(make_user(), name=f"Org {i}") if i % 3 else None)
            for i in range(23)]
    make_submission(other, make_user(), "submitted")
    made[4].submitted_at = made[5].submitted_at  # a tie on the date: the id decides
    made[6].submitted_at = made[6].submitted_at - timedelta(days=2)
    db.session.commit()
    for viewer in (seeker, broker):
        for state in (None, "submitted", "draft", "winner", "nonsense"):
            with app.test_request_context("/"):
                allowed = queries.states_for(viewer, challenge)
                shown = [state] if state in allowed else list(allowed)
                plain = sorted((s for s in made if s.state in shown),
                               key=lambda s: (s.submitted_at is None, s.submitted_at or clock.now(), s.id))
                counts = queries.count_by_state(challenge, viewer)
                assert counts == {name: n for name in allowed
                                  if (n := sum(s.state == name for s in made))}
                csv_rows = db.session.scalars(queries.for_challenge(challenge, viewer, state)).all()
                assert [s.id for s in csv_rows] == [s.id for s in plain]
            lines = []
            for number in range(1, 9):
                with app.test_request_context(f"/?page={number}"):
                    app.config["TABLE_PER_PAGE"], kept = 5, app.config["TABLE_PER_PAGE"]
                    try:
                        page = queries.challenge_page(challenge, viewer, state, counts)
                    finally:
                        app.config["TABLE_PER_PAGE"] = kept
                    assert page.total == len(plain)
                    lines += page.items
            assert [line.reference for line in lines] == [s.reference for s in plain], (viewer.name, state)
            for line, sub in zip(lines, plain):
                assert line == queries.EntryLine(sub.reference, sub.title, sub.state, sub.submitted_at, sub.owner.name,
                                                 sub.organisation.name if sub.organisation else None, len(sub.team),
                                                 len(sub.attachments))
