"""Entering a solution through the pages, as its people would."""
import io
import os
import re
from datetime import timedelta

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.platform.models import OutboxMessage
from challenge.submissions import services
from challenge.submissions.models import Attachment, Submission

FULL = {"title": "Tea and talk", "summary": "Weekly tea for people living alone.",
        "description": "We **meet** on Tuesdays.", "organisation": "0", "team": ""}


def count(model):
    return db.session.scalar(db.select(db.func.count(model.id)))


def start(client, cast, **data):
    return client.post(f"/challenges/{cast.challenge.slug}/submit", data={**FULL, **data})


def only_submission():
    return db.session.scalars(db.select(Submission)).one()


def upload(client, sub, content, name):
    return client.post(f"/submissions/{sub.reference}/attachments",
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def freeze(monkeypatch, moment):
    """Stop the clock at `moment`: the wall clock would otherwise tick between requests."""
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_signed_out_visitors_are_asked_to_sign_in_first(client, cast):
    response = client.get(f"/challenges/{cast.challenge.slug}/submit")
    assert response.status_code == 302 and "/login" in response.location


def test_a_creator_saves_a_draft_adds_a_file_and_submits(client, login, cast, files):
    login(cast.creator)
    page = client.get(f"/challenges/{cast.challenge.slug}/submit").get_data(as_text=True)
    assert "<h1" in page and "Submit a solution" in page and "Closes in" in page
    response = start(client, cast, team=cast.friend.email)
    sub = only_submission()
    assert response.status_code == 302 and response.location.endswith(f"/submissions/{sub.reference}")
    page = client.get(response.location).get_data(as_text=True)
    assert "Your draft is saved" in page and "not entered yet" in page and "Invited, not yet accepted" in page
    assert "femi@example.org" in page and "Femi Friend" not in page
    assert upload(client, sub, files.pdf, "plan.pdf").status_code == 302
    refused = client.post(f"/submissions/{sub.reference}/submit", data={})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "There is a problem" in page and "<title>Error:" in page
    assert "Confirm that you meet the eligibility criteria" in page and only_submission().state == "draft"
    done = client.post(f"/submissions/{sub.reference}/submit",
                       data={"eligibility_confirmed": "y", "terms_accepted": "y"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Your solution is submitted" in page and f"Reference {sub.reference}" in page
    assert re.search(r"Submitted on \w{3} \d+ \w{3} \d{4} at \d\d:\d\d:\d\d", page)
    assert {m.to_email for m in db.session.scalars(db.select(OutboxMessage))} == {cast.creator.email,
                                                                                 cast.friend.email}
    again = client.post(f"/submissions/{sub.reference}/submit", data={"eligibility_confirmed": "y",
                                                                      "terms_accepted": "y"})
    assert again.status_code == 302 and count(OutboxMessage) == 2


def test_a_form_posted_twice_creates_one_draft(client, login, cast):
    login(cast.creator)
    first, second = start(client, cast), start(client, cast, title="Second click")
    assert count(Submission) == 1
    assert first.location == second.location
    assert only_submission().title == "Tea and talk"


def test_a_race_on_the_start_form_ends_on_the_draft_that_won(client, login, cast, monkeypatch):
    """Two requests both saw no draft; the database's unique index stops the second."""
    login(cast.creator)
    winner = services.start_draft(cast.challenge, cast.creator, clock.now(), title="First")
    db.session.commit()
    real = services.active_for
    calls = iter([None, None, None])  # the view's look, and the two inside start_draft: all miss it
    monkeypatch.setattr(services, "active_for", lambda c, u: next(calls, "real") and real(c, u))
    response = start(client, cast, title="Second")
    assert next(calls, "spent") == "spent"
    assert response.status_code == 302 and response.location.endswith(winner.reference)
    assert count(Submission) == 1


def test_the_deadline_to_the_second_through_the_pages(client, login, cast, files, monkeypatch, app):
    closes = cast.challenge.closes_at
    login(cast.other)
    start(client, cast)
    late = only_submission()
    login(cast.creator)
    clock.travel(closes - timedelta(seconds=1) - clock.now())
    freeze(monkeypatch, closes - timedelta(seconds=1))
    start(client, cast, title="Just in time")
    sub = db.session.scalars(db.select(Submission).where(Submission.owner_id == cast.creator.id)).one()
    assert client.post(f"/submissions/{sub.reference}/submit",
                       data={"eligibility_confirmed": "y", "terms_accepted": "y"}).status_code == 302
    assert sub.state == "submitted" and sub.submitted_at == closes - timedelta(seconds=1)

    freeze(monkeypatch, closes + timedelta(seconds=1))
    login(cast.other)
    mails, rows = count(OutboxMessage), count(Submission)
    refused = client.post(f"/submissions/{late.reference}/submit",
                          data={"eligibility_confirmed": "y", "terms_accepted": "y"})
    assert refused.status_code == 409 and "closed on" in refused.get_data(as_text=True)
    assert upload(client, late, files.pdf, "plan.pdf").status_code == 409
    login(cast.friend)
    assert start(client, cast).status_code == 409
    db.session.refresh(late)
    assert late.state == "draft" and late.submitted_at is None
    assert (count(OutboxMessage), count(Submission), count(Attachment)) == (mails, rows, 0)
    assert not os.listdir(app.config["UPLOAD_FOLDER"]) if os.path.isdir(app.config["UPLOAD_FOLDER"]) else True


def test_the_owner_edits_until_the_close(client, login, cast, monkeypatch):
    login(cast.creator)
    start(client, cast)
    sub = only_submission()
    form = client.get(f"/submissions/{sub.reference}/edit").get_data(as_text=True)
    assert 'value="Tea and talk"' in form and "Save changes" in form
    response = client.post(f"/submissions/{sub.reference}/edit", data={**FULL, "title": "Tea, talk and toast"})
    assert response.status_code == 302 and only_submission().title == "Tea, talk and toast"
    freeze(monkeypatch, cast.challenge.closes_at)
    closed = client.get(f"/submissions/{sub.reference}/edit")
    assert closed.status_code == 409 and "closed on" in closed.get_data(as_text=True)


def accept_by_link(client, login, person):
    """Open the link in the team invitation emailed to `person`, signed in as them, and accept."""
    mail = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to_email == person.email,
                                                            OutboxMessage.kind == "submission.team_invitation")
                              .order_by(OutboxMessage.id.desc())).first()
    path = "/team-invitations/" + re.search(r"/team-invitations/(\S+)", mail.body).group(1)
    login(None)
    assert "/login" in client.get(path).location  # femi has an account: sign in first
    login(person)
    page = client.get(path)
    assert page.status_code == 200 and "Accept and join the team" in page.text
    return client.post(path)


def test_team_members_see_but_do_not_change(client, login, cast):
    login(cast.creator)
    start(client, cast, team=cast.friend.email)
    sub = only_submission()
    login(cast.friend)
    assert client.get(f"/submissions/{sub.reference}").status_code == 404  # not in the team until they accept
    assert accept_by_link(client, login, cast.friend).location.endswith(f"/submissions/{sub.reference}")
    page = client.get(f"/submissions/{sub.reference}").get_data(as_text=True)
    assert "Tea and talk" in page and "Edit details" not in page and "Only Cleo Creator" in page
    assert client.post(f"/submissions/{sub.reference}/edit", data=FULL).status_code == 403
    mine = client.get("/my/submissions").get_data(as_text=True)
    assert sub.reference in mine and "Team member" in mine


def test_withdrawing_asks_first_then_frees_the_place(client, login, cast):
    login(cast.creator)
    start(client, cast)
    sub = only_submission()
    confirm = client.get(f"/submissions/{sub.reference}/withdraw").get_data(as_text=True)
    assert "Discard your draft?" in confirm
    done = client.post(f"/submissions/{sub.reference}/withdraw", data={"reason": "Changed our mind"},
                       follow_redirects=True)
    assert "is withdrawn" in done.get_data(as_text=True) and sub.state == "withdrawn"
    assert client.get(f"/challenges/{cast.challenge.slug}/submit").status_code == 200
    start(client, cast)
    assert count(Submission) == 2


def test_files_are_checked_downloaded_as_attachments_and_removed(client, login, cast, files, app):
    login(cast.creator)
    start(client, cast)
    sub = only_submission()
    refused = upload(client, sub, files.html, "plan.pdf")
    assert refused.status_code == 400 and "is not a PDF file" in refused.get_data(as_text=True)
    refused = upload(client, sub, files.html, "page.html")
    assert "not a file type we accept" in refused.get_data(as_text=True)
    assert count(Attachment) == 0
    assert upload(client, sub, files.pdf, "../../Business plan.pdf").status_code == 302
    attachment = db.session.scalars(db.select(Attachment)).one()
    assert attachment.original_name == "Business_plan.pdf"
    response = client.get(f"/submissions/{sub.reference}/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == files.pdf
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=Business_plan.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert client.get(f"/submissions/{sub.reference}/attachments/{attachment.id + 1}").status_code == 404
    removed = client.post(f"/submissions/{sub.reference}/attachments/{attachment.id}/delete",
                          follow_redirects=True)
    assert "is removed" in removed.get_data(as_text=True)
    assert count(Attachment) == 0 and os.listdir(app.config["UPLOAD_FOLDER"]) == []


def test_a_file_over_the_limit_gets_a_413_page_that_states_it(client, login, cast, files, app, monkeypatch):
    login(cast.creator)
    start(client, cast)
    sub = only_submission()
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024 * 1024)
    response = upload(client, sub, files.pdf + b"0" * (1024 * 1024), "big.pdf")
    assert response.status_code == 413
    assert "at most 1 MB" in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    response = upload(client, sub, files.pdf + b"0" * (128 * 1024), "big.pdf")
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)
    assert count(Attachment) == 0 and os.listdir(app.config["UPLOAD_FOLDER"]) == []


def test_a_download_whose_file_is_missing_is_a_404_not_an_error(client, login, cast, files, app):
    login(cast.creator)
    start(client, cast)
    sub = only_submission()
    upload(client, sub, files.png, "photo.png")
    attachment = db.session.scalars(db.select(Attachment)).one()
    os.remove(os.path.join(app.config["UPLOAD_FOLDER"], attachment.stored_name))
    assert client.get(f"/submissions/{sub.reference}/attachments/{attachment.id}").status_code == 404


def test_every_post_needs_its_csrf_token(client, login, cast, app, monkeypatch, make_submission):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login(cast.creator)
    assert start(client, cast).status_code == 400
    assert count(Submission) == 0
    page = client.get(f"/challenges/{cast.challenge.slug}/submit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert start(client, cast, csrf_token=token).status_code == 302
    sub = only_submission()
    for path in ("submit", "withdraw", "attachments", "edit", "disqualify", "attachments/1/delete"):
        assert client.post(f"/submissions/{sub.reference}/{path}", data={"reason": "x"}).status_code == 400, path
    assert sub.state == "draft"


def test_seekers_see_entered_solutions_after_the_close_and_download_a_csv(
        client, login, cast, make_challenge, make_submission, make_user, make_org):
    closed = make_challenge(cast.council, "closed", title="Closed one")
    charity = make_org(cast.creator, name="Tea Charity", kind="charity")
    entered = make_submission(closed, cast.creator, "submitted", title="=HYPERLINK(\"http://x\")",
                              team=(cast.friend,), organisation=charity)
    make_submission(closed, cast.other, "draft", title="Unfinished draft")
    make_submission(closed, make_user(), "withdrawn", title="Pulled out")
    login(cast.seeker)
    page = client.get(f"/challenges/{closed.slug}/submissions").get_data(as_text=True)
    assert entered.reference in page and "Tea Charity" in page
    assert "Unfinished draft" not in page and "Pulled out" not in page
    csv = client.get(f"/challenges/{closed.slug}/submissions.csv")
    assert csv.headers["Content-Disposition"].startswith("attachment;")
    text = csv.get_data(as_text=True)
    assert text.startswith("\ufeffReference,Title,State")
    assert "'=HYPERLINK" in text and "Femi Friend" in text and "Unfinished draft" not in text
    login(cast.broker)
    page = client.get(f"/challenges/{closed.slug}/submissions?state=draft").get_data(as_text=True)
    assert "Unfinished draft" in page and entered.reference not in page


def test_empty_lists_say_what_to_do(client, login, cast):
    login(cast.other)
    page = client.get("/my/submissions").get_data(as_text=True)
    assert "not entered any challenges yet" in page and "Browse open challenges" in page
    login(cast.broker)
    page = client.get(f"/challenges/{cast.challenge.slug}/submissions").get_data(as_text=True)
    assert "No solutions have been entered yet" in page


def test_a_broker_disqualifies_with_a_reason(client, login, cast, make_submission):
    sub = make_submission(cast.challenge, cast.creator, "submitted")
    login(cast.broker)
    page = client.get(f"/submissions/{sub.reference}").get_data(as_text=True)
    assert "Disqualify" in page
    refused = client.post(f"/submissions/{sub.reference}/disqualify", data={"reason": "  "})
    assert refused.status_code == 400 and "Give the reason" in refused.get_data(as_text=True)
    done = client.post(f"/submissions/{sub.reference}/disqualify", data={"reason": "Entered twice."},
                       follow_redirects=True)
    assert "is disqualified" in done.get_data(as_text=True) and sub.state == "disqualified"
    login(cast.creator)
    page = client.get(f"/submissions/{sub.reference}").get_data(as_text=True)
    assert "Disqualified." in page and "Entered twice." in page and "Disqualify</button>" not in page
    assert client.post(f"/submissions/{sub.reference}/disqualify", data={"reason": "Me"}).status_code == 403


@pytest.mark.parametrize("who, phase, has, expected", [
    (None, "open", None, "Sign in to submit a solution"),
    ("creator", "open", None, "Submit a solution"),
    ("creator", "open", "draft", "Continue your draft (CX-"),
    ("creator", "open", "submitted", "View your submission (CX-"),
    ("friend", "open", "submitted", "You are in the team of"),
    ("friend", "open", "submitted", "Submit a solution of your own"),
    ("seeker", "open", None, "which runs this challenge, you cannot enter it"),
    ("creator", "upcoming", None, "Opens on"),
    ("creator", "closed", None, "Submissions closed on"),
    ("creator", "closed", "draft", "Your draft was not submitted before the close"),
    ("seeker", "closed", "submitted", "View the submissions (1)"),
    ("broker", "open", "submitted", "View the submissions (1)"),
])
def test_the_challenge_page_panel(app, client, login, cast, make_challenge, make_submission,
                                  who, phase, has, expected):
    from flask import render_template

    challenge = make_challenge(cast.council, phase)
    if has:
        make_submission(challenge, cast.creator, has, team=(cast.friend,))
    user = getattr(cast, who) if who else None
    login(user)
    with app.test_request_context():
        if user is not None:
            from flask_login import login_user
            login_user(user)
        from challenge.submissions import queries

        html = render_template("submissions/_challenge_actions.html", challenge=challenge,
                               my_entry=queries.entry_of(challenge, user),
                               entry_list_count=queries.entry_count(challenge, user))
    assert expected in html


def test_the_description_keeps_the_pages_outline_and_loses_its_scripts(client, login, cast):
    login(cast.creator)
    start(client, cast, description="# Big heading\n\n### Smaller\n\n<script>alert(1)</script>[x](javascript:alert(1))")
    page = client.get(f"/submissions/{only_submission().reference}").get_data(as_text=True)
    assert "<h3>Big heading</h3>" in page and "<h4>Smaller</h4>" in page
    assert "<script>alert" not in page and "javascript:" not in page
    headings = [int(level) for level in re.findall(r"<h([1-6])", page.split('id="main-content"')[1])]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:]))
