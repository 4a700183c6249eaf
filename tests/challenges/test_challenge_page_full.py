"""The challenge page rendered in full (its seekers, funders, brokers and judges get it so, and so does the
first visitor after a change): gathered in a few statements (challenges/showpage._add_public), it shows
exactly what the owning packages' single readers give."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import render_template
from flask_login import login_user

from challenge import clock
from challenge.accounts.models import User
from challenge.challenges.documents import documents_of
from challenge.challenges.entry_questions import EntryQuestion, questions_of
from challenge.challenges.models import Challenge, ChallengeDocument, Question, Update
from challenge.challenges.services import entry_count
from challenge.challenges import showpage
from challenge.challenges.showpage import (_BETWEEN_PARTS, PARTS, ChallengePage, _add_public, _read_public,
                                          _render_parts, challenge_for_visitor, challenge_page, organisation_url)
from challenge.extensions import db
from challenge.judging import rubric
from challenge.judging.models import JudgingSettings
from challenge.judging.pages import public_rubric
from challenge.payouts.funding import funders_of, pool_and_funders, pool_status
from challenge.payouts.models import Funder, FunderState
from challenge.permissions import can
from tests.factories import counted_statements


@pytest.fixture()
def rich(world, make_challenge, make_user, make_org, make_submission, rubric_for, seat):
    """An open challenge with everything its page can show, and a judge on its panel."""
    now = clock.now()
    challenge = make_challenge(world.org, "open", prizes=((2_000_000, 1), (500_000, 2), (100_000, 3)),
                               context="Some **evidence**.", outcomes="Fewer lonely people.", tags="care, age")
    rubric_for(challenge, criteria=(("Impact", 50), ("Feasibility", 30), ("Value", 20)),
               rounds=({"name": "Sift"}, {"name": "Final", "threshold_percent": 60}))
    db.session.add(JudgingSettings(challenge_id=challenge.id, feedback_at=now + timedelta(days=40)))
    for n, state in enumerate((FunderState.ACCEPTED, FunderState.ACCEPTED, FunderState.PENDING)):
        org = make_org(make_user(f"Funder {n}"), name=f"Trust {n}")
        db.session.add(Funder(challenge_id=challenge.id, organisation_id=org.id, share_bp=(6000, 3000, 1000)[n],
                              currency="GBP", state=state, created_at=now))
    db.session.add_all([
        Question(challenge_id=challenge.id, asked_by_id=world.creator.id, body="Can teams enter?",
                 answer="Yes, *teams* may.", answered_by_id=world.seeker.id, asked_at=now - timedelta(days=3),
                 answered_at=now - timedelta(days=2)),
        Question(challenge_id=challenge.id, asked_by_id=world.creator.id, body="Is there a data pack?",
                 asked_at=now - timedelta(days=1)),
        Update(challenge_id=challenge.id, author_id=world.seeker.id, title="Webinar", body="On **Tuesday**.",
               posted_at=now - timedelta(days=4)),
        Update(challenge_id=challenge.id, author_id=world.seeker.id, title="Deadline", body="Unchanged.",
               posted_at=now - timedelta(hours=5)),
        ChallengeDocument(challenge_id=challenge.id, kind="brief", title="Brief", original_name="brief.pdf",
                          stored_name="a" * 32, content_type="application/pdf", size=123_456, sha256="1" * 64,
                          uploaded_by_id=world.seeker.id, uploaded_at=now),
        ChallengeDocument(challenge_id=challenge.id, kind="data_pack", title="Visits 2025",
                          original_name="visits.csv", stored_name="b" * 32, content_type="text/csv", size=2048,
                          sha256="2" * 64, uploaded_by_id=world.seeker.id, uploaded_at=now),
        EntryQuestion(challenge_id=challenge.id, position=1, kind="yes_no", label="Are you UK based?",
                      required=True, eligibility=True, ineligible_answers=["no"],
                      ineligible_message="UK only."),
        EntryQuestion(challenge_id=challenge.id, position=2, kind="choice", label="Your sector",
                      options=["Health", "Care"], help_text="Pick one."),
        EntryQuestion(challenge_id=challenge.id, position=3, kind="long_text", label="Your plan", max_words=300),
    ])
    db.session.commit()
    make_submission(challenge, world.creator)
    judge = make_user("Jo Judge")
    seat(challenge, judge)
    return challenge, judge


def piece_by_piece(challenge: Challenge, now) -> ChallengePage:
    """The page as each package's single reader gathers it, one statement for each piece."""
    page = ChallengePage(challenge=challenge, now=now, follow=None, missing=[])
    page.questions = list(db.session.scalars(db.select(Question).where(Question.challenge_id == challenge.id)
                                             .order_by(Question.asked_at, Question.id)))
    page.organisation_url = organisation_url(challenge.organisation)
    page.updates = list(db.session.scalars(db.select(Update).where(Update.challenge_id == challenge.id)
                                           .order_by(Update.posted_at.desc(), Update.id.desc())))
    page.entries = entry_count(challenge)
    page.documents, page.entry_questions = documents_of(challenge), questions_of(challenge)
    criteria = rubric.criteria_of(challenge)
    on_panel, can_manage = can(None, "judging.queue", challenge), can(None, "judging.view_setup", challenge)
    page.judging_panel = public_rubric(challenge) | dict(
        criteria=criteria, settings=rubric.settings_of(challenge), rounds=rubric.rounds_of(challenge),
        percent={c.id: rubric.weight_percent(c, criteria) for c in criteria}, on_panel=on_panel,
        can_manage=can_manage)
    page.funding_pool, page.funding_funders = pool_status(challenge), funders_of(challenge)
    return page


def rendered(app, user_id: int | None, slug: str, gather, now) -> tuple[dict[str, str], int]:
    """The page's parts for the user `user_id` (None: anonymous), with the page gathered by `gather`, from a
    session that holds nothing yet; and the statements gathering and rendering it took."""
    db.session.expunge_all()
    with app.test_request_context("/"):
        if user_id is not None:
            login_user(db.session.get(User, user_id))
        challenge = db.session.scalar(db.select(Challenge).where(Challenge.slug == slug))
        with counted_statements() as seen:  # rendering included: a part that loaded more would be counted
            parts = parts_of(gather(challenge, now))
        return parts, len(seen)


def parts_of(page: ChallengePage) -> dict[str, str]:
    """The page's parts, by name, as the page renders them (in one go, cut apart)."""
    html = _render_parts(page)
    assert html.count(_BETWEEN_PARTS) == len(PARTS) - 1
    return dict(zip(PARTS, html.split(_BETWEEN_PARTS), strict=True))


def in_few_statements(challenge: Challenge, now) -> ChallengePage:
    page = ChallengePage(challenge=challenge, now=now, follow=None, missing=[])
    _add_public(page)
    return page


@pytest.mark.parametrize("who", ["seeker", "judge", "broker", "creator", "anonymous"])
def test_the_page_gathered_in_few_statements_is_the_page_gathered_piece_by_piece(app, world, rich, who):
    challenge, judge = rich
    user_id = None if who == "anonymous" else (judge if who == "judge" else getattr(world, who)).id
    slug, now = challenge.slug, clock.now()
    old, old_statements = rendered(app, user_id, slug, piece_by_piece, now)
    new, new_statements = rendered(app, user_id, slug, in_few_statements, now)
    assert new == old
    assert new_statements == 1 < old_statements  # the rubric and the funding panel read with the rest
    page = "".join(new.values())
    for piece in ("Trust 0", "Trust 1", "Sift", "Final", "Webinar", "Deadline", "Visits 2025", "Your sector",
                  "Are you UK based?", "Can teams enter?", "Is there a data pack?", "Camden Council", "Prize 3",
                  "Value", "<strong>1</strong> entry received"):
        assert piece in page, piece
    assert "Trust 2" not in page  # invited, not accepted: not shown
    assert ("Your judging queue" in page) == (who == "judge")


def test_an_anonymous_visitors_page_reads_the_prize_card_with_the_challenge(app, world, rich):
    """Anonymous visitors' pages are rendered when no kept copy answers: the challenge's own statement reads its
    organisation, prize tiers, entries received, documents, entry questions, Q&A, updates, rubric and funding
    panel, and the parts are the same as pieced together."""
    challenge, _ = rich
    slug, now = challenge.slug, clock.now()
    old, _ = rendered(app, None, slug, piece_by_piece, now)
    db.session.expunge_all()
    with app.test_request_context(f"/challenges/{slug}"):
        with counted_statements() as seen:
            page = in_few_statements(challenge_for_visitor(slug), now)
        new = parts_of(page)
    assert new == old
    assert len(seen) == 1  # the challenge with its prize card, lists, rubric and pool


@pytest.mark.parametrize("who", ["creator", "anonymous"])
def test_the_page_with_its_shared_parts_is_the_page_rendered_for_the_visitor(app, world, rich, who, monkeypatch):
    """The shared parts are rendered together and cut apart again (showpage._render_parts), for those who share
    them once and kept: the page made with them is the page made with parts rendered for the visitor alone, as
    for a seeker."""
    slug, user_id = rich[0].slug, getattr(world, who).id if who != "anonymous" else None

    def page(shares: bool) -> str:
        db.session.expunge_all()
        with app.test_request_context(f"/challenges/{slug}"):
            if user_id is not None:
                login_user(db.session.get(User, user_id))
            monkeypatch.setattr(showpage, "shows_everyone_the_same", lambda challenge: shares)
            made = challenge_page(challenge_for_visitor(slug), now)
            html = render_template("challenges/show.html", **made.context())
            return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "TOKEN", html)

    now = clock.now()
    shared = page(True)
    assert shared == page(False)
    assert "Trust 0" in shared and "Can teams enter?" in shared and "Prize 3" in shared
    assert _BETWEEN_PARTS not in shared


def test_the_funding_panel_reads_what_pool_status_and_funders_of_read(app, world, rich):
    """The page's statement keeps the funding panel as pool_status and funders_of read it, the funders'
    organisations with them (nothing more is asked); without it, pool_and_funders reads them itself."""
    challenge, _ = rich
    db.session.refresh(challenge)
    with app.test_request_context("/"):
        with counted_statements() as seen:
            _read_public(challenge)
            status, funders = pool_and_funders(challenge)
            names = [f.organisation.name for f in funders]
        assert names == ["Trust 0", "Trust 1"], names
        assert len(seen) == 1, seen
        assert status == pool_status(challenge) and funders == funders_of(challenge)
    with app.test_request_context("/"):
        assert pool_and_funders(challenge) == (pool_status(challenge), funders_of(challenge))


def test_a_challenge_with_nothing_in_its_lists_is_found_and_shown(app, client, world, make_challenge):
    """The challenge's own statement has a row for the challenge even without prize tiers, documents, entry
    questions, questions or updates (their parts have no rows then)."""
    slug = make_challenge(world.org, "open", title="Bare bones", prizes=()).slug
    db.session.expunge_all()
    with app.test_request_context(f"/challenges/{slug}"):
        challenge = challenge_for_visitor(slug)
        page = in_few_statements(challenge, clock.now())
        assert challenge.title == "Bare bones" and challenge.prizes == [] and challenge.organisation is not None
        assert (page.entries, page.documents, page.entry_questions, page.questions, page.updates) == (0, [], [], [], [])
    response = client.get(f"/challenges/{slug}")
    assert response.status_code == 200 and "Bare bones" in response.get_data(as_text=True)
    assert "No questions yet." in response.get_data(as_text=True)


@pytest.mark.parametrize("criteria, rounds, settings", [
    ((), (), False), ((("Impact", 100),), (), True), ((), ({"name": "Sift"},), False),
    ((("Impact", 60), ("Reach", 40)), ({"name": "Sift"}, {"name": "Final"}), True)])
def test_the_rubric_read_with_the_page_is_the_rubric_read_piece_by_piece(app, world, make_challenge, rubric_for,
                                                                         criteria, rounds, settings):
    """The page's statement keeps the criteria, rounds and settings as `rubric` reads them, whichever of them a
    challenge has (a part without items has no row, but the statement always has one), and the judging section
    then asks nothing more."""
    from challenge.judging.pages import _rubric_and_seat

    challenge = make_challenge(world.org, "open", title="Rubric")
    rubric_for(challenge, criteria=criteria, rounds=rounds)
    if settings:
        db.session.add(JudgingSettings(challenge_id=challenge.id, feedback_at=clock.now()))
        db.session.commit()
    db.session.refresh(challenge)
    with app.test_request_context("/"):
        with counted_statements() as seen:
            _read_public(challenge)
            kept = _rubric_and_seat(challenge)
        assert len(seen) == 1
        assert kept == (rubric.criteria_of(challenge), rubric.rounds_of(challenge), rubric.settings_of(challenge))
        assert (len(kept[0]), len(kept[1]), kept[2] is not None) == (len(criteria), len(rounds), settings)