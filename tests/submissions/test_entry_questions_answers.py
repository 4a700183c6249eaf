"""Answering a challenge's entry questions: each kind checked on the server, eligibility before anything is
written (and again on every change and on submit), drafts that keep their answers, file answers stored like
attachments, the judges' view (blind: identifying answers hidden) and the submissions CSV."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from challenge import clock
from challenge.challenges.entry_questions import EntryQuestion
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.submissions.answers import EntryAnswer
from challenge.submissions.cleaning import beside
from challenge.submissions.models import Submission, TeamInvitation

MB = 1024 * 1024
BASE = {"title": "Tea and talk", "summary": "Weekly tea.", "description": "We meet on Tuesdays.",
        "organisation": "0", "team": ""}
STOP = "This challenge is open only to registered charities, CICs and companies with fewer than 250 staff."


def ask(challenge, label, kind, **settings) -> EntryQuestion:
    """A question written while the challenge was a draft (the challenge here is already open)."""
    position = db.session.scalar(db.select(db.func.count(EntryQuestion.id))
                                 .where(EntryQuestion.challenge_id == challenge.id)) + 1
    q = EntryQuestion(challenge_id=challenge.id, position=position, kind=kind, label=label, **settings)
    db.session.add(q)
    db.session.commit()
    return q


@pytest.fixture()
def asked(cast):
    """One question of each kind on the cast's open challenge, the eligibility question first."""
    c = cast.challenge
    return dict(
        charity=ask(c, "Are you a registered charity, CIC or company with fewer than 250 staff?", "yes_no",
                    required=True, eligibility=True, ineligible_answers=["no"], ineligible_message=STOP),
        name=ask(c, "Your organisation's name", "short_text", max_length=20, identifying=True),
        need=ask(c, "Describe the need", "long_text", max_words=5, required=True),
        area=ask(c, "Where will you work?", "choice", options=["North", "South"]),
        staff=ask(c, "How many staff?", "number", min_value=1, max_value=249),
        budget=ask(c, "Your budget", "file", file_types=["pdf"], max_bytes=MB),
    )


def field(q) -> str:
    return f"q-{q.id}"


def good(asked) -> dict:
    return {field(asked["charity"]): "yes", field(asked["name"]): "Befrienders", field(asked["need"]): "People feel alone.",
            field(asked["area"]): "North", field(asked["staff"]): "12"}


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)))


def start(client, cast, data):
    return client.post(f"/challenges/{cast.challenge.slug}/submit", data={**BASE, **data},
                       content_type="multipart/form-data")


def the_sub() -> Submission:
    return db.session.scalars(db.select(Submission)).one()


def answers_by_label(sub) -> dict[str, str]:
    rows = db.session.scalars(db.select(EntryAnswer).where(EntryAnswer.submission_id == sub.id)).all()
    return {a.question.label: a.value for a in rows}


def test_the_entry_form_asks_eligibility_first_then_the_other_questions(client, login, cast, asked):
    login(cast.creator)
    page = client.get(f"/challenges/{cast.challenge.slug}/submit").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert page.index("Can you enter?") < page.index("Are you a registered charity") < page.index("Title of your solution")
    assert page.index("Title of your solution") < page.index("Questions from Riverside Council") < page.index("Describe the need")
    assert "Up to 5 words." in page and "A whole number from 1 to 249." in page and "PDF; at most 1 MB." in page
    assert "Your organisation&#39;s name (optional)" in page


def test_an_ineligible_creator_is_stopped_before_anything_is_written(client, login, cast, asked):
    login(cast.creator)
    response = start(client, cast, {**good(asked), field(asked["charity"]): "no", "team": cast.friend.email})
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "You cannot enter this challenge" in page and STOP in page
    assert "Nothing you typed has been kept" in page
    assert (count(Submission), count(EntryAnswer), count(TeamInvitation)) == (0, 0, 0)


def test_a_post_without_the_eligibility_answer_cannot_skip_it(client, login, cast, asked):
    login(cast.creator)
    data = {k: v for k, v in good(asked).items() if k != field(asked["charity"])}
    response = start(client, cast, data)
    assert response.status_code == 403 and "to show that you can enter" in response.get_data(as_text=True)
    response = start(client, cast, {**good(asked), field(asked["charity"]): "perhaps"})
    assert response.status_code == 403 and "Choose Yes or No" in response.get_data(as_text=True)
    assert (count(Submission), count(EntryAnswer)) == (0, 0)


def test_an_eligible_creator_saves_a_draft_that_keeps_the_answers(client, login, cast, asked):
    login(cast.creator)
    partial = {field(asked["charity"]): "yes", field(asked["area"]): "South"}
    assert start(client, cast, partial).status_code == 302
    sub = the_sub()
    assert answers_by_label(sub) == {asked["charity"].label: "yes", "Where will you work?": "South"}
    page = client.get(f"/submissions/{sub.reference}/edit").get_data(as_text=True)
    assert re.search(r'value="South"[^>]*checked|checked[^>]*value="South"', page)
    shown = client.get(f"/submissions/{sub.reference}").get_data(as_text=True)
    assert "Answers to the entry questions" in shown and "Not answered (required)" in shown


@pytest.mark.parametrize("key, value, message", [
    ("name", "A name far longer than twenty characters", "Keep your answer to 20 characters or fewer (it has 40)"),
    ("need", "one two three four five six", "Keep your answer to 5 words or fewer (it has 6)"),
    ("area", "East", "Choose one of the options given"),
    ("staff", "250", "Enter a number from 1 to 249"),
    ("staff", "0", "Enter a number from 1 to 249"),
    ("staff", "twelve", "Enter a whole number, like 250"),
    ("staff", "1e3", "Enter a whole number, like 250"),
])
def test_each_kind_refuses_a_hostile_answer_on_its_field(client, login, cast, asked, key, value, message):
    login(cast.creator)
    assert start(client, cast, good(asked)).status_code == 302
    sub = the_sub()
    before = answers_by_label(sub)
    response = client.post(f"/submissions/{sub.reference}/edit", data={**BASE, **good(asked), field(asked[key]): value})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert f'href="#{field(asked[key])}"' in page  # the summary links to the field
    assert answers_by_label(sub) == before


def test_the_word_limit_is_counted_on_the_server_whatever_the_spacing(client, login, cast, asked):
    login(cast.creator)
    five = "one\ntwo\t\tthree   four five"
    assert start(client, cast, {**good(asked), field(asked["need"]): five}).status_code == 302
    assert answers_by_label(the_sub())["Describe the need"] == five


def test_a_change_to_an_ineligible_answer_is_refused_and_the_draft_stays(client, login, cast, asked):
    login(cast.creator)
    start(client, cast, good(asked))
    sub = the_sub()
    response = client.post(f"/submissions/{sub.reference}/edit",
                           data={**BASE, **good(asked), field(asked["charity"]): "no", "title": "Changed"})
    assert response.status_code == 403 and STOP in response.get_data(as_text=True)
    assert the_sub().title == "Tea and talk" and answers_by_label(sub)[asked["charity"].label] == "yes"


def submit(client, sub):
    return client.post(f"/submissions/{sub.reference}/submit", data={"eligibility_confirmed": "y",
                                                                     "terms_accepted": "y"})


def test_submitting_needs_every_required_answer_said_on_its_question(client, login, cast, asked):
    login(cast.creator)
    start(client, cast, {field(asked["charity"]): "yes"})
    sub = the_sub()
    refused = submit(client, sub)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Answer “Describe the need” before you submit" in page
    assert f'/submissions/{sub.reference}/edit#{field(asked["need"])}' in page
    assert "How many staff?" not in re.sub(r"<dl.*?</dl>", "", page, flags=re.S)  # optional: not a problem
    assert the_sub().state == "draft"
    client.post(f"/submissions/{sub.reference}/edit", data={**BASE, **good(asked)})
    assert submit(client, sub).status_code == 302 and the_sub().state == "submitted"


def test_submit_checks_eligibility_again(client, login, cast, asked):
    """An answer changed behind the form's back (or a rule tightened) is caught on submit."""
    login(cast.creator)
    start(client, cast, good(asked))
    sub = the_sub()
    answer = db.session.scalar(db.select(EntryAnswer).where(EntryAnswer.question_id == asked["charity"].id))
    answer.value = "no"
    db.session.commit()
    refused = submit(client, sub)
    assert refused.status_code == 400 and STOP in refused.get_data(as_text=True)
    assert the_sub().state == "draft"


def upload_answer(client, sub, asked, content, name):
    data = {**BASE, **good(asked), field(asked["budget"]): (io.BytesIO(content), name)}
    return client.post(f"/submissions/{sub.reference}/edit", data=data, content_type="multipart/form-data")


def test_a_file_answer_is_checked_stored_cleaned_and_replaced(client, login, cast, asked, files, app):
    login(cast.creator)
    start(client, cast, good(asked))
    sub = the_sub()
    wrong_type = upload_answer(client, sub, asked, files.png, "photo.png")
    assert wrong_type.status_code == 400 and "is not a type this question accepts. Upload a PDF file." in \
        wrong_type.get_data(as_text=True)
    fake = upload_answer(client, sub, asked, files.exe, "budget.pdf")
    assert fake.status_code == 400 and "not a PDF file, whatever its name says" in fake.get_data(as_text=True)
    too_big = upload_answer(client, sub, asked, files.pdf + b"0" * MB, "budget.pdf")
    assert too_big.status_code == 400 and "larger than 1 MB" in too_big.get_data(as_text=True)
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert not folder.exists() or list(folder.iterdir()) == []  # nothing refused is left on disk
    assert upload_answer(client, sub, asked, files.pdf, "budget.pdf").status_code == 302
    answer = db.session.scalar(db.select(EntryAnswer).where(EntryAnswer.question_id == asked["budget"].id))
    first = answer.stored_name
    assert (folder / first).is_file() and beside(folder / first).is_file() and answer.cleaned
    downloaded = client.get(f"/submissions/{sub.reference}/answers/{asked['budget'].id}")
    assert downloaded.status_code == 200 and downloaded.data == files.pdf
    page = client.get(f"/submissions/{sub.reference}/edit").get_data(as_text=True)
    assert "Uploaded: budget.pdf" in page
    client.post(f"/submissions/{sub.reference}/edit", data={**BASE, **good(asked)})  # no new file: kept
    db.session.refresh(answer)
    assert answer.stored_name == first
    upload_answer(client, sub, asked, files.pdf, "budget-v2.pdf")
    db.session.refresh(answer)
    assert answer.original_name == "budget-v2.pdf" and not (folder / first).exists()
    login(cast.other)
    assert client.get(f"/submissions/{sub.reference}/answers/{asked['budget'].id}").status_code == 404


def test_the_submissions_csv_has_a_column_per_question(client, login, cast, asked, files, make_user,
                                                      make_submission):
    login(cast.creator)
    start(client, cast, good(asked))
    sub = the_sub()
    upload_answer(client, sub, asked, files.pdf, "budget.pdf")
    client.post(f"/submissions/{sub.reference}/edit",
                data={**BASE, **good(asked), field(asked["need"]): "Tea, and talk\nweekly."})
    assert submit(client, sub).status_code == 302
    quiet = make_submission(cast.challenge, make_user("Quiet Entrant"))
    cast.challenge.closes_at = clock.now()
    db.session.commit()
    login(cast.seeker)
    response = client.get(f"/challenges/{cast.challenge.slug}/submissions.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header = rows[0]
    labels = [q.label for q in asked.values()]
    assert header[-6:] == labels
    by_ref = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    mine = by_ref[sub.reference]
    assert mine[asked["charity"].label] == "Yes" and mine["Describe the need"] == "Tea, and talk\nweekly."
    assert mine["How many staff?"] == "12" and mine["Your budget"] == "budget.pdf"
    assert mine["Your organisation's name"] == "Befrienders"  # identifying, but the seekers' after the close
    assert all(by_ref[quiet.reference][label] == "" for label in labels)


@pytest.mark.parametrize("blind", [True, False])
def test_judges_see_the_answers_and_blind_ones_not_the_identifying(client, login, cast, asked, files, make_user,
                                                                 rubric_for, seat, blind):
    login(cast.creator)
    start(client, cast, good(asked))
    sub = the_sub()
    upload_answer(client, sub, asked, files.pdf, "Befrienders budget.pdf")
    submit(client, sub)
    budget = asked["budget"]
    budget.identifying = False
    challenge = cast.challenge
    challenge.blind_judging, challenge.state, challenge.closes_at = blind, "judging", clock.now()
    _, [round_] = rubric_for(challenge, rounds=({"name": "Assessment"},))
    judge = make_user("Jude Judge")
    seat(challenge, judge, "chair")
    seat(challenge, make_user("Jo Second"))
    db.session.commit()
    assign.open_round(round_, judge, clock.now())
    db.session.commit()
    login(judge)
    queue = client.get(f"/judging/{challenge.slug}/queue").get_data(as_text=True)
    aid = re.findall(r"/entries/(\d+)\"", queue)[0]
    base = f"/judging/{challenge.slug}/entries/{aid}"
    assert client.get(f"{base}/answers/{budget.id}").status_code == 404  # not before the declaration
    client.post(f"{base}/declaration", data={"has_conflict": "no"})
    page = client.get(base).get_data(as_text=True)
    assert "Answers to the entry questions" in page and "People feel alone." in page and "North" in page
    assert ("Befrienders" in page) is not blind and ("Your organisation&#39;s name" in page) is not blind
    download = client.get(f"{base}/answers/{budget.id}")
    assert download.status_code == 200
    named = download.headers["Content-Disposition"]
    assert ("Befrienders" in named) is not blind and ("Answer to question 6.pdf" in named) is blind
    name_q = asked["name"]
    name_q.kind, name_q.identifying = "file", True  # an identifying file answer never reaches a blind judge
    db.session.execute(db.delete(EntryAnswer).where(EntryAnswer.question_id == name_q.id))
    db.session.execute(db.update(EntryAnswer).where(EntryAnswer.question_id == budget.id).values(question_id=name_q.id))
    db.session.commit()
    assert client.get(f"{base}/answers/{name_q.id}").status_code == (404 if blind else 200)


def test_a_submitted_entry_keeps_its_required_answers(client, login, cast, asked):
    login(cast.creator)
    start(client, cast, good(asked))
    sub = the_sub()
    assert submit(client, sub).status_code == 302
    cleared = client.post(f"/submissions/{sub.reference}/edit",
                          data={**BASE, **good(asked), field(asked["need"]): ""})
    assert cleared.status_code == 400 and "Answer “Describe the need” before you submit" in cleared.get_data(as_text=True)
    assert answers_by_label(sub)["Describe the need"] == "People feel alone."
    optional = client.post(f"/submissions/{sub.reference}/edit", data={**BASE, **good(asked), field(asked["area"]): ""})
    assert optional.status_code == 302 and "Where will you work?" not in answers_by_label(sub)


def test_an_entrant_is_told_which_answers_blind_judges_do_not_see(client, login, cast, asked):
    cast.challenge.blind_judging = True
    db.session.commit()
    login(cast.creator)
    page = client.get(f"/challenges/{cast.challenge.slug}/submit").get_data(as_text=True)
    hint = re.search(rf'id="{field(asked["name"])}-hint"[^>]*>([^<]*)<', page).group(1)
    assert "Up to 20 characters. Judging is blind: the judges do not see this answer." == hint
    assert page.count("the judges do not see this answer") == 1


def test_the_upload_sweep_keeps_a_file_answer_and_its_cleaned_copy(client, login, cast, asked, files, app):
    """A file given as an answer is a stored file like an attachment: `flask uploads sweep` must not take it
    for an orphan however old it is (it did, until the sweep learnt the answers' stored names)."""
    import os
    import time
    from datetime import timedelta

    from challenge.submissions import sweep

    login(cast.creator)
    start(client, cast, good(asked))
    assert upload_answer(client, the_sub(), asked, files.pdf, "budget.pdf").status_code == 302
    folder = Path(app.config["UPLOAD_FOLDER"])
    long_ago = time.time() - 30 * 86400
    for path in folder.iterdir():
        os.utime(path, (long_ago, long_ago))
    assert sweep.find_orphans(clock.now(), timedelta(hours=1)) == []
