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
