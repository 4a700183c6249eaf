"""The entry questions' editor: the seeker writes the questions while the challenge is a draft; they freeze
when it is published; nobody else reaches the editor."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.challenges import entry_questions as eq
from challenge.challenges.entry_questions import EntryQuestion, QuestionSpec
from challenge.errors import FieldError, InvalidTransition
from challenge.extensions import db
from challenge.submissions import storage

MB = 1024 * 1024


@pytest.fixture()
def draft(make_user, make_org, make_challenge):
    seeker = make_user("Sita Seeker")
    council = make_org(seeker, name="Riverside Council")
    return make_challenge(council, "draft", title="Loneliness in later life"), seeker


def add(client, challenge, **data):
    form = {"label": "How many staff do you employ?", "kind": "number", **data}
    return client.post(f"/challenges/{challenge.slug}/entry-questions", data=form)


def questions(challenge):
    return db.session.scalars(db.select(EntryQuestion).where(EntryQuestion.challenge_id == challenge.id)
                              .order_by(EntryQuestion.position)).all()


def spec(**fields) -> QuestionSpec:
    return QuestionSpec(**{"kind": "short_text", "label": "Your organisation's name", **fields})


def save(challenge, seeker, **fields):
    question = eq.save_question(challenge, spec(**fields), seeker, clock.now(), 20 * MB)
    db.session.commit()
    return question


def test_the_seeker_adds_each_kind_of_question_through_the_editor(client, login, draft):
    challenge, seeker = draft
    login(seeker)
    page = client.get(f"/challenges/{challenge.slug}/entry-questions")
    assert page.status_code == 200 and "No entry questions yet" in page.get_data(as_text=True)
    assert add(client, challenge, label="Name of your project", kind="short_text", max_length="80").status_code == 302
    assert add(client, challenge, label="Describe the need", kind="long_text", max_words="300",
               required="y").status_code == 302
    assert add(client, challenge, label="Where will you work?", kind="choice",
               options="North\nSouth\nBoth").status_code == 302
    assert add(client, challenge, label="Staff", kind="number", min_value="0", max_value="249").status_code == 302
    assert add(client, challenge, label="Are you a registered charity, CIC or company with fewer than 250 staff?",
               kind="yes_no", eligibility="y", ineligible_answers="No",
               ineligible_message="This challenge is open only to charities, CICs and small companies."
               ).status_code == 302
    assert add(client, challenge, label="Your budget", kind="file", file_types=["pdf", "xlsx"], max_mb="5",
               identifying="y").status_code == 302
    made = questions(challenge)
    assert [q.kind for q in made] == ["short_text", "long_text", "choice", "number", "yes_no", "file"]
    assert made[0].max_length == 80 and made[1].max_words == 300 and made[1].required
    assert made[2].options == ["North", "South", "Both"] and (made[3].min_value, made[3].max_value) == (0, 249)
    assert made[4].eligibility and made[4].required and made[4].ineligible_answers == ["no"]
    assert made[5].file_types == ["pdf", "xlsx"] and made[5].max_bytes == 5 * MB and made[5].identifying
    page = client.get(f"/challenges/{challenge.slug}/entry-questions").get_data(as_text=True)
    assert "Answering No stops the entry" in page and "Up to 300 words." in page and "Identifying" in page


@pytest.mark.parametrize("fields, field, message", [
    ({"label": ""}, "label", "Enter the question"),
    ({"kind": "essay"}, "kind", "Choose the kind of answer"),
    ({"kind": "short_text", "max_length": 0}, "max_length", "Enter a length from 1 to 2,000"),
    ({"kind": "long_text", "max_words": 100_000}, "max_words", "Enter a word limit from 1 to 5,000"),
    ({"kind": "choice", "options": ["Only one"]}, "options", "Give at least two options"),
    ({"kind": "choice", "options": ["Yes", "yes"]}, "options", "Each option must be different"),
    ({"kind": "number", "min_value": 10, "max_value": 5}, "max_value", "must not be below the smallest"),
    ({"kind": "file", "file_types": []}, "file_types", "Choose the file types"),
    ({"kind": "file", "file_types": ["exe"]}, "file_types", "Choose the file types"),
    ({"kind": "file", "file_types": ["pdf"], "max_mb": 500}, "max_mb", "Enter a size in MB from 1 to 20"),
    ({"kind": "short_text", "eligibility": True}, "eligibility", "Only a yes/no or single choice"),
    ({"kind": "yes_no", "eligibility": True, "ineligible_answers": ["Maybe"], "ineligible_message": "No."},
     "ineligible_answers", "“Maybe” is not one of the answers"),
    ({"kind": "yes_no", "eligibility": True, "ineligible_answers": ["Yes", "No"], "ineligible_message": "No."},
     "ineligible_answers", "At least one answer must let an entrant in"),
    ({"kind": "yes_no", "eligibility": True, "ineligible_answers": ["No"]}, "ineligible_message",
     "Tell an ineligible entrant why"),
])
def test_settings_out_of_bounds_are_refused_on_their_field(draft, fields, field, message):
    challenge, seeker = draft
    with pytest.raises(FieldError) as refused:
        eq.save_question(challenge, spec(**fields), seeker, clock.now(), 20 * MB)
    assert refused.value.field == field and message in refused.value.message


def test_a_refused_question_is_said_on_the_page_and_nothing_is_saved(client, login, draft):
    challenge, seeker = draft
    login(seeker)
    response = add(client, challenge, kind="choice", options="Just one")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Give at least two options, one per line" in page
    assert questions(challenge) == []
    response = add(client, challenge, kind="number", min_value="ten")
    assert response.status_code == 400 and "Enter a whole number, like 500" in response.get_data(as_text=True)


def test_only_the_chosen_kinds_settings_are_kept(draft):
    challenge, seeker = draft
    q = save(challenge, seeker, kind="yes_no", max_length=50, options=["A", "B"], file_types=["pdf"])
    assert (q.max_length, q.options, q.file_types, q.max_bytes) == (None, [], [], None)


def test_questions_move_up_and_down_and_are_removed(client, login, draft):
    challenge, seeker = draft
    first, second, third = (save(challenge, seeker, label=label) for label in ("One", "Two", "Three"))
    login(seeker)
    base = f"/challenges/{challenge.slug}/entry-questions"
    assert client.post(f"{base}/{third.id}/move", data={"direction": "up"}).status_code == 302
    assert [q.label for q in questions(challenge)] == ["One", "Three", "Two"]
    client.post(f"{base}/{first.id}/move", data={"direction": "down"})
    assert [q.label for q in questions(challenge)] == ["Three", "One", "Two"]
    client.post(f"{base}/{first.id}/move", data={"direction": "up"})
    client.post(f"{base}/{first.id}/move", data={"direction": "up"})  # already at the top: nothing happens
    assert [q.label for q in questions(challenge)] == ["One", "Three", "Two"]
    removed = client.post(f"{base}/{third.id}/delete", follow_redirects=True)
    assert "“Three” is removed." in removed.get_data(as_text=True)
    assert [(q.label, q.position) for q in questions(challenge)] == [("One", 1), ("Two", 2)]


def test_a_question_is_changed_in_place(client, login, draft):
    challenge, seeker = draft
    q = save(challenge, seeker, label="Old wording")
    login(seeker)
    page = client.get(f"/challenges/{challenge.slug}/entry-questions?edit={q.id}").get_data(as_text=True)
    assert "Change “Old wording”" in page and 'value="Old wording"' in page
    client.post(f"/challenges/{challenge.slug}/entry-questions/{q.id}", data={"label": "New wording",
                                                                             "kind": "long_text"})
    assert [(x.label, x.kind, x.max_words) for x in questions(challenge)] == [("New wording", "long_text", 500)]


def test_questions_freeze_when_the_challenge_is_published(client, login, draft, make_user):
    challenge, seeker = draft
    q = save(challenge, seeker, label="Fixed question")
    challenge.state = "published"
    db.session.commit()
    login(seeker)
    base = f"/challenges/{challenge.slug}/entry-questions"
    page = client.get(base).get_data(as_text=True)
    assert "The entry questions are frozen" in page and "Add a question" not in page and "Remove" not in page
    for response in (add(client, challenge), client.post(f"{base}/{q.id}", data={"label": "Changed", "kind": "number"}),
                     client.post(f"{base}/{q.id}/delete"), client.post(f"{base}/{q.id}/move", data={"direction": "up"})):
        assert response.status_code == 409
        assert "The entry questions are frozen" in response.get_data(as_text=True)
    assert [(x.label, x.kind) for x in questions(challenge)] == [("Fixed question", "short_text")]
    login(make_user("Bea Broker", broker=True))  # a broker too: entrants answer them as they stand
    assert add(client, challenge).status_code == 409 and len(questions(challenge)) == 1
    with pytest.raises(InvalidTransition):
        eq.save_question(challenge, spec(), seeker, clock.now(), 20 * MB)


def test_in_review_only_a_broker_changes_them(client, login, draft, make_user):
    challenge, seeker = draft
    challenge.state = "in_review"
    db.session.commit()
    login(seeker)
    refused = add(client, challenge)
    assert refused.status_code == 409 and "only a broker can change" in refused.get_data(as_text=True)
    login(make_user("Bea Broker", broker=True))
    assert add(client, challenge).status_code == 302 and len(questions(challenge)) == 1


def test_nobody_else_reaches_the_editor(client, login, draft, make_user, make_org, make_challenge, seat):
    challenge, seeker = draft
    q = save(challenge, seeker, label="Private")
    other_seeker = make_user("Oona Other")
    make_org(other_seeker, name="Other Council")
    judge, creator = make_user("Jude Judge"), make_user("Cleo Creator")
    seat(challenge, judge)
    base = f"/challenges/{challenge.slug}/entry-questions"
    for person in (other_seeker, judge, creator):
        login(person)
        assert client.get(base).status_code == 404
        assert add(client, challenge).status_code == 404
        assert client.post(f"{base}/{q.id}", data={"label": "Hacked", "kind": "number"}).status_code == 404
        assert client.post(f"{base}/{q.id}/delete").status_code == 404
    login(None)
    assert client.get(base).status_code == 302  # asked to sign in
    assert [x.label for x in questions(challenge)] == ["Private"]


def test_a_question_of_another_challenge_is_not_found(client, login, draft, make_challenge):
    challenge, seeker = draft
    other = make_challenge(challenge.organisation, "draft")
    q = save(other, seeker, label="Theirs")
    login(seeker)
    assert client.post(f"/challenges/{challenge.slug}/entry-questions/{q.id}/delete").status_code == 404
    assert [x.label for x in questions(other)] == ["Theirs"]


def test_the_file_types_offered_are_ones_the_uploads_accept():
    assert set(eq.FILE_TYPES) <= set(storage.ALLOWED)


def test_the_public_page_include_says_what_will_be_asked(app, draft):
    from flask import render_template

    challenge, seeker = draft
    save(challenge, seeker, label="Are you a charity?", kind="yes_no", eligibility=True, ineligible_answers=["No"],
         ineligible_message="Charities only.")
    save(challenge, seeker, label="Your budget", kind="file", file_types=["pdf", "xlsx"], max_mb=5)
    with app.test_request_context():
        html = render_template("challenges/_entry_questions.html", challenge=challenge,
                               entry_questions=eq.questions_of(challenge))
        empty = render_template("challenges/_entry_questions.html", challenge=challenge, entry_questions=[])
    assert "What you will be asked" in html and "Are you a charity?" in html and "Eligibility" in html
    assert "PDF or Excel (XLSX); at most 5 MB." in html and "File upload, optional" in html
    assert empty.strip() == ""


def test_a_second_click_on_add_question_adds_nothing_more(client, login, draft):
    challenge, seeker = draft
    login(seeker)
    assert add(client, challenge).status_code == 302
    again = add(client, challenge, label="how many staff do you employ?")
    assert again.status_code == 400 and "The challenge already asks that question" in again.get_data(as_text=True)
    assert len(questions(challenge)) == 1


def test_the_challenge_page_says_what_will_be_asked(client, draft):
    challenge, seeker = draft
    save(challenge, seeker, label="How many volunteers do you have?", kind="number", min_value=0)
    challenge.state = "published"
    db.session.commit()
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "What you will be asked" in page and "How many volunteers do you have?" in page
    assert "A whole number of 0 or more." in page


def test_a_second_click_on_remove_is_told_calmly(client, login, draft):
    challenge, seeker = draft
    q = save(challenge, seeker, label="Going")
    login(seeker)
    base = f"/challenges/{challenge.slug}/entry-questions/{q.id}/delete"
    assert client.post(base).status_code == 302
    again = client.post(base, follow_redirects=True)
    assert again.status_code == 200 and "That question is already removed." in again.get_data(as_text=True)
    login(None)
    assert client.post(base).status_code == 302 and "/login" in client.post(base).location
