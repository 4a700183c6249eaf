"""The challenge page reads a signed-in visitor's follow and entry with the challenge, in the statement that reads
the visitor (challenges/showpage.challenge_for_visitor, platform/withuser.py), and shows each visitor their own."""
from __future__ import annotations

import re

import pytest
from flask import render_template, url_for
from flask_login import login_user
from flask_wtf.csrf import generate_csrf

from challenge.challenges.conversation import following
from challenge.challenges.forms import QuestionForm
from challenge.challenges.showpage import _empty_question_form
from challenge.challenges.models import Follow
from challenge.extensions import db
from challenge.platform.pagecache import CSRF_SLOT
from challenge.submissions.queries import entry_of
from tests.factories import counted_statements


@pytest.fixture()
def world(make_user, make_org, make_challenge, make_submission):
    seeker = make_user("Sam Seeker")
    challenge = make_challenge(make_org(seeker), "open", title="Lonely evenings")
    other = make_challenge(make_org(make_user("Olga Other")), "open", title="Cold homes")
    owner, mate, follower, stranger = (make_user(n) for n in ("Owen Owner", "Mia Mate", "Fay Follower",
                                                               "Stan Stranger"))
    withdrawn = make_submission(challenge, follower, "withdrawn", title="Given up")
    entry = make_submission(challenge, owner, team=(mate,), title="Tea rounds")
    elsewhere = make_submission(other, stranger, title="Warm rooms")
    own_team = make_submission(challenge, mate, "draft", title="Mia's own")  # her own comes before her team's
    db.session.add(Follow(user_id=follower.id, challenge_id=challenge.id, created_at=challenge.created_at))
    db.session.commit()
    return dict(challenge=challenge, owner=owner, mate=mate, follower=follower, stranger=stranger, entry=entry,
                own_team=own_team, withdrawn=withdrawn, elsewhere=elsewhere)


def page(client, slug):
    with counted_statements() as seen:
        response = client.get(f"/challenges/{slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True), len(seen)


@pytest.mark.parametrize("who, entry, follows", [
    ("owner", "entry", False), ("mate", "own_team", False), ("follower", None, True), ("stranger", None, False)])
def test_each_visitor_sees_their_own_entry_and_follow(client, login, world, who, entry, follows):
    login(world[who])
    text, _ = page(client, world["challenge"].slug)
    for name in ("entry", "own_team", "withdrawn", "elsewhere"):
        reference = world[name].reference
        assert (reference in text) == (name == entry), f"{who} and {name}"
    assert ("You follow this challenge" in text) == follows
    assert ("Follow this challenge" in text) == (not follows)


def test_the_page_reads_them_with_the_challenge_and_agrees_with_the_lookups(app, client, login, world):
    login(world["owner"])
    slug = world["challenge"].slug
    page(client, slug)  # renders and keeps the shared parts
    text, statements = page(client, slug)
    assert statements == 1  # the person, with the challenge and their follow and entry
    assert f"View your submission ({world['entry'].reference})" in text
    with app.test_request_context():
        for name in ("owner", "mate", "follower", "stranger"):
            person = world[name]
            assert entry_of(world["challenge"], person) == {"owner": world["entry"], "mate": world["own_team"]}.get(name)
            assert (following(person, world["challenge"]) is not None) == (name == "follower")


def test_a_missing_or_hidden_challenge_is_a_404_to_a_signed_in_visitor(client, login, world, make_challenge,
                                                                        make_org, make_user):
    login(world["stranger"])
    assert client.get("/challenges/no-such-challenge").status_code == 404
    draft = make_challenge(make_org(make_user("Dee Draft")), "draft")
    assert client.get(f"/challenges/{draft.slug}").status_code == 404
    assert client.get(f"/challenges/{'x' * 5000}").status_code == 404


def test_the_kept_question_form_carries_each_visitors_own_token_and_sends(app, client, login, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    slug = world["challenge"].slug
    tokens = []
    for who in ("stranger", "follower", "stranger"):
        login(world[who])
        for _ in range(2):  # the second visit gets the kept form
            text, _ = page(client, slug)
            form = text[text.index('action="/challenges/' + slug + '/questions'):]
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
            assert CSRF_SLOT not in text and 'name="body"' in form
        tokens.append(token)
    assert tokens[0] != tokens[1]
    sent = client.post(f"/challenges/{slug}/questions", data={"csrf_token": tokens[2], "body": "Is data shared?"})
    assert sent.status_code == 302
    assert "Is data shared?" in page(client, slug)[0]
    refused = client.post(f"/challenges/{slug}/questions", data={"csrf_token": tokens[1], "body": "Forged?"})
    assert refused.status_code == 400 and "Forged?" not in page(client, slug)[0]


def test_the_kept_question_form_is_the_form_rendered_for_each_challenge(app, world, make_challenge, make_org,
                                                                         make_user):
    """Each worker renders the empty form once (showpage._empty_question_form) and puts in each challenge's
    address and each request's token: the same HTML as the form rendered for that challenge and request."""
    other = make_challenge(make_org(make_user("Ada Other")), "open", title="A challenge of its own")
    for challenge in (world["challenge"], other, world["challenge"]):
        with app.test_request_context():
            login_user(world["stranger"])
            kept = _empty_question_form(challenge)
            fresh = render_template("challenges/_question_form.html", token=generate_csrf(),
                                    action=url_for("challenges.ask", slug=challenge.slug),
                                    question_form=QuestionForm(formdata=None, meta={"csrf": False}))
            assert kept == fresh and f'action="/challenges/{challenge.slug}/questions"' in kept
    assert list(app.extensions["empty_question_form"]) == [""]  # one copy, whatever the challenge


def test_an_anonymous_visitor_is_asked_to_sign_in_and_come_back_to_the_page(client, login, world):
    """The "Sign in" links to follow and to ask a question both lead back to the page (show.html builds the
    address once for both)."""
    slug = world["challenge"].slug
    text, _ = page(client, slug)
    back = f'<a href="/login?next=/challenges/{slug}">Sign in</a>'
    assert f"{back} to follow this challenge" in text and f"{back} to ask a question" in text
    login(world["stranger"])
    text, _ = page(client, slug)
    assert "/login?next=" not in text


def test_someone_signed_out_elsewhere_sees_the_public_page(app, client, login, world):
    """The user's statement read the page's row, but the session is no longer theirs: the page is the one an
    anonymous visitor sees, without their entry (nor anyone's), read by the page itself."""
    owner = login(world["owner"])
    owner.session_token = "changed-by-signing-out-everywhere"
    db.session.commit()
    text, statements = page(client, world["challenge"].slug)
    assert world["entry"].reference not in text
    assert "Sign in" in text
    assert statements >= 2  # the person (refused), then the page's own


def test_the_row_read_with_the_user_is_only_the_addressed_challenges(client, login, world):
    """Two pages in turn: each shows its own challenge, its own follow and entry (none on the other)."""
    login(world["owner"])
    other = world["elsewhere"].challenge
    first, _ = page(client, world["challenge"].slug)
    second, _ = page(client, other.slug)
    assert world["entry"].reference in first and world["entry"].reference not in second
    assert other.title in second and world["challenge"].title not in second
